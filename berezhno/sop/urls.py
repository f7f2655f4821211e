"""Pages of sop, under ``cases/`` as before the split (decision 0011)."""

from django.urls import path

from . import views

app_name = "sop"

urlpatterns = [
    path("sop/", views.sop_list, name="list"),
    path("sop/<int:sop_pk>/notice/", views.sop_notify, name="notify"),
    path("sop/<int:sop_pk>/survey/", views.sop_survey, name="survey"),
    path("sop/<int:sop_pk>/register/", views.sop_register, name="register"),
    path("sop/<int:sop_pk>/review/", views.sop_review, name="review"),
    path("sop/<int:sop_pk>/remove/", views.sop_remove, name="remove"),
    path("<int:pk>/sop/new/", views.sop_identify, name="identify"),
]
