"""Pages of urgent, under ``cases/`` as before the split (decision 0011)."""

from django.urls import path

from . import views

app_name = "urgent"

urlpatterns = [
    path("<int:pk>/urgent/new/", views.urgent_act, name="act"),
]
