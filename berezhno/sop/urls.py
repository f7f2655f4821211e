"""Pages of sop, under ``cases/`` as before the split (decision 0011)."""

from django.urls import path

from . import views

app_name = "sop"

urlpatterns = [
    path("sop/", views.sop_list, name="list"),
    path("sop/<int:sop_pk>/notice/", views.sop_notify, name="notify"),
    path("sop/<int:sop_pk>/letters/", views.sop_letters, name="letters"),
    path("sop/<int:sop_pk>/letters/kdn.pdf", views.sop_letter_pdf, {"kind": "kdn"},
         name="kdn_letter_pdf"),
    path("sop/<int:sop_pk>/letters/guardianship.pdf", views.sop_letter_pdf,
         {"kind": "guardianship"}, name="guardianship_letter_pdf"),
    path("sop/<int:sop_pk>/survey/", views.sop_survey, name="survey"),
    path("sop/<int:sop_pk>/register/", views.sop_register, name="register"),
    path("sop/<int:sop_pk>/review/", views.sop_review, name="review"),
    path("sop/<int:sop_pk>/remove/", views.sop_remove, name="remove"),
    path("<int:pk>/sop/new/", views.sop_identify, name="identify"),
]
