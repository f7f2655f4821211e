"""Choices of the notifications outbox."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from berezhno.people.choices import NotifyChannel as Channel

__all__ = ["MANUAL_CHANNELS", "Channel", "Status"]

# Channels worked by people, not by a gateway: a call list, a print list of letters.
MANUAL_CHANNELS = frozenset({Channel.CALL, Channel.LETTER})


class Status(models.TextChoices):
    QUEUED = "queued", _("в очереди")
    SENT = "sent", _("отправлено")
    DELIVERED = "delivered", _("доставлено")
    FAILED = "failed", _("не доставлено")
    REFUSED = "refused", _("отказано: нет согласия")
    CANCELLED = "cancelled", _("отменено")


OPEN_STATUSES = frozenset({Status.QUEUED})
RETRYABLE = frozenset({Status.FAILED, Status.QUEUED})
CANCELLABLE = frozenset({Status.QUEUED})
