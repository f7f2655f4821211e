"""The domain event types of this app (their codes are stored: never rename one)."""

from django.utils.translation import gettext_lazy as _

from berezhno.core import events

events.register("urgent.act", _("Оказаны срочные социальные услуги"))
