"""Pages of the outbox."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("letters.pdf", views.letters_pdf, name="letters_pdf"),
    path("<int:pk>/", views.message_card, name="message"),
    path("<int:pk>/retry/", views.message_retry, name="retry"),
    path("<int:pk>/cancel/", views.message_cancel, name="cancel"),
    path("<int:pk>/done/", views.message_done, name="done"),
]
