"""Pages of the District social service practice (``/district/``)."""

from django.urls import path

from . import views

app_name = "district"

urlpatterns = [
    path("bank/", views.bank_list, name="bank"),
    path("bank/new/", views.bank_add, name="bank_add"),
    path("bank/<int:pk>/", views.bank_entry, name="bank_entry"),
    path("bank/<int:pk>/edit/", views.bank_edit, name="bank_edit"),
    path("bank/<int:pk>/review/", views.bank_review, name="bank_review"),
    path("bank/<int:pk>/remove/", views.bank_remove, name="bank_remove"),
]
