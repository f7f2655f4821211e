from django.db import models
from django.utils.translation import gettext_lazy as _


class SopStatus(models.TextChoices):
    """Stages of work with a family in a socially dangerous position (120-ФЗ)."""

    IDENTIFIED = "identified", _("выявлена")
    NOTIFIED = "notified", _("сообщено в КДН и ЗП")
    SURVEYED = "surveyed", _("проведено первичное обследование")
    REGISTERED = "registered", _("на учёте: ведётся индивидуальная профилактическая работа")
    REMOVED = "removed", _("снята с учёта")


class SopSource(models.TextChoices):
    SOCIAL = "social", _("учреждение социального обслуживания")
    SCHOOL = "school", _("образовательная организация")
    POLICE = "police", _("органы внутренних дел")
    HEALTH = "health", _("медицинская организация")
    GUARDIANSHIP = "guardianship", _("орган опеки и попечительства")
    CITIZENS = "citizens", _("сообщение граждан")
    OTHER = "other", _("иное")
