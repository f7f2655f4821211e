from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The outbox (decision 0025): a platform app below the practices — cases, rights and
    the practices queue messages through ``services.message_queue``; ``people`` gives the
    channel consent, ``core`` the reminders and the scheduler."""

    name = "berezhno.notifications"
    label = "notifications"
    verbose_name = _("Уведомления")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from berezhno.core import access, registry, schedule
        from berezhno.core.registry import MenuEntry

        from . import events, kinds, roles  # noqa: F401  (event types)

        roles.register()
        kinds.register(kinds.MessageKind(
            "reminder", _("Напоминание о сроке"),
            "notifications/messages/reminder_subject.txt",
            "notifications/messages/reminder_body.txt"))
        kinds.register(kinds.MessageKind(
            "notice", _("Сообщение учреждения"), "notifications/messages/notice_subject.txt",
            "notifications/messages/notice_body.txt"))
        registry.register_pages("notifications/", "berezhno.notifications.urls")
        registry.register_api_route("messages", "berezhno.notifications.api.MessageViewSet",
                                    "message")
        registry.register_api_path("notifications/", "berezhno.notifications.api_urls")
        registry.register_menu(MenuEntry(
            "outbox", _("Сообщения"), "notifications:outbox",
            lambda u: access.can(u, roles.NOTIFICATION, access.VIEW), order=75))
        schedule.register(schedule.Job("notifications.send_due",
                                       "berezhno.notifications.tasks.send_due", every=60))
        schedule.register(schedule.Job("notifications.poll_sent",
                                       "berezhno.notifications.tasks.poll_sent", every=600))
