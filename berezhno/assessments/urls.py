"""Pages of assessments, under ``cases/`` as before the split (decision 0011)."""

from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("<int:pk>/assessments/new/", views.assess, name="new"),
    path("<int:pk>/assessments/<int:assessment_pk>/", views.assessment_detail,
         name="detail"),
]
