"""The domain event types of the notifications app (their codes are stored: never rename)."""

from django.utils.translation import gettext_lazy as _

from berezhno.core import events

events.register("notification.queued", _("Сообщение поставлено в очередь"))
events.register("notification.refused", _("Сообщение не отправлено: нет согласия на канал"))
events.register("notification.sent", _("Сообщение отправлено"))
events.register("notification.delivered", _("Сообщение доставлено"))
events.register("notification.failed", _("Сообщение не доставлено"))
events.register("notification.retried", _("Сообщение отправлено повторно"))
events.register("notification.cancelled", _("Сообщение отменено"))
