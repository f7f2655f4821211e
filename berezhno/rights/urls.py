"""Pages of the rights register and the incident register."""

from django.urls import path

from . import views

app_name = "rights"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/<int:person_pk>/", views.request_create, name="create"),
    path("<int:pk>/", views.request_card, name="request"),
    path("<int:pk>/extend/", views.request_extend, name="extend"),
    path("<int:pk>/answer/", views.request_close, name="close"),
    path("<int:pk>/destroy/", views.request_destroy, name="destroy"),
    path("<int:pk>/answer.pdf", views.answer_pdf, name="answer_pdf"),
    path("<int:pk>/act.pdf", views.act_pdf, name="act_pdf"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<int:pk>/", views.incident_card, name="incident"),
    path("incidents/report/", views.incident_report, name="report"),
]
