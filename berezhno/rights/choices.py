"""Choices of the data-subject rights register and the incident register."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    ACCESS = "access", _("доступ к своим данным (ст. 14 152-ФЗ)")
    CORRECTION = "correction", _("уточнение (исправление) данных (ст. 21 ч. 2)")
    BLOCKING = "blocking", _("блокирование на время проверки (ст. 21 ч. 1)")
    DESTRUCTION = "destruction", _("уничтожение данных (ст. 21 ч. 4–5)")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("в работе")
    DONE = "done", _("исполнено")
    REFUSED = "refused", _("мотивированный отказ")


class RequestChannel(models.TextChoices):
    IN_PERSON = "in_person", _("лично")
    POST = "post", _("почтой")
    EMAIL = "email", _("электронной почтой (с электронной подписью)")
    PORTAL = "portal", _("через портал госуслуг")
    OTHER = "other", _("иначе")


class RequesterKind(models.TextChoices):
    SUBJECT = "subject", _("сам гражданин")
    REPRESENTATIVE = "representative", _("представитель")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("расследуется")
    CLOSED = "closed", _("закрыт")


# The deadline rules (``cases.DeadlineRule`` rows, editable by the administrator) of each
# kind of request; the extension is a rule of its own.
DEADLINE_CODES = {
    RequestKind.ACCESS: "rights_access",
    RequestKind.CORRECTION: "rights_correction",
    RequestKind.BLOCKING: "rights_blocking",
    RequestKind.DESTRUCTION: "rights_destruction",
}
EXTENSION_CODE = "rights_access_extension"
