from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("unidentified/new/", views.unidentified_create, name="unidentified_create"),
    path("<int:pk>/", views.person_card, name="person"),
    path("<int:pk>/timeline/", views.person_timeline, name="timeline"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path("<int:pk>/consents/new/", views.consent_add, name="consent_add"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw,
         name="consent_withdraw"),
    path("<int:pk>/consents/<int:consent_pk>/pdf/", views.consent_pdf, name="consent_pdf"),
    path("<int:pk>/consents/<int:consent_pk>/channels/", views.consent_channels,
         name="consent_channels"),
    path("<int:pk>/categories/new/", views.category_add, name="category_add"),
    path("<int:pk>/categories/<int:category_pk>/end/", views.category_end, name="category_end"),
    path("<int:pk>/health/", views.sensitive_edit, name="sensitive_edit"),
    path("<int:pk>/documents/new/", views.document_add, name="document_add"),
    path("<int:pk>/documents/<int:document_pk>/", views.document_download,
         name="document_download"),
    path("<int:pk>/documents/<int:document_pk>/delete/", views.document_delete,
         name="document_delete"),
    path("<int:pk>/status/", views.person_status, name="status"),
    path("<int:pk>/restore/", views.person_restore, name="restore"),
    path("<int:pk>/merge/", views.person_merge, name="merge"),
    path("<int:pk>/merges/<int:merge_pk>/undo/", views.person_unmerge, name="unmerge"),
    path("<int:pk>/household/new/", views.household_create, name="household_create"),
    path("requests/", views.share_request_list, name="share_requests"),
    path("requests/<int:pk>/", views.share_request_detail, name="share_request"),
    path("households/", views.household_list, name="household_list"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/members/new/", views.household_member_add,
         name="household_member_add"),
    path("households/<int:pk>/members/<int:member_pk>/remove/", views.household_member_remove,
         name="household_member_remove"),
]
