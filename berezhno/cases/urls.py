from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.intake, name="intake"),
    path("worklist/", views.worklist, name="worklist"),
    path("board/", views.board, name="board"),
    path("activities/<int:activity_pk>/start/", views.activity_start, name="activity_start"),
    path("activities/<int:activity_pk>/session/", views.session_record, name="session_record"),
    path("activities/<int:activity_pk>/done/", views.activity_complete,
         name="activity_complete"),
    path("activities/<int:activity_pk>/not-done/", views.activity_fail, name="activity_fail"),
    path("<int:pk>/", views.case_card, name="case"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/decision/", views.case_decide, name="decide"),
    path("<int:pk>/pdf/", views.case_pdf, name="case_pdf"),
    path("<int:pk>/problems/new/", views.problem_add, name="problem_add"),
    path("<int:pk>/problems/<int:item_pk>/remove/", views.problem_remove,
         name="problem_remove"),
    path("<int:pk>/plans/new/", views.plan_create, name="plan_create"),
    path("<int:pk>/plans/<int:plan_pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/plans/<int:plan_pk>/approve/", views.plan_approve, name="plan_approve"),
    path("<int:pk>/plans/<int:plan_pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("<int:pk>/plans/<int:plan_pk>/activities/new/", views.activity_add,
         name="activity_add"),
    path("<int:pk>/activities/<int:activity_pk>/edit/", views.activity_edit,
         name="activity_edit"),
    path("<int:pk>/activities/<int:activity_pk>/remove/", views.activity_remove,
         name="activity_remove"),
    path("<int:pk>/continue/", views.case_continue, name="continue"),
    path("<int:pk>/close/", views.case_close, name="close"),
]
