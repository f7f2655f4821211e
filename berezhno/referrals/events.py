"""The domain event types of this app (their codes are stored: never rename one)."""

from django.utils.translation import gettext_lazy as _

from berezhno.core import events

events.register("referral.sent", _("Направление в организацию-партнёр"))
events.register("referral.accepted", _("Партнёр принял направление"))
events.register("referral.rejected", _("Партнёр отклонил направление"))
events.register("referral.done", _("Партнёр сообщил результат"))
events.register("referral.withdrawn", _("Направление отозвано"))
