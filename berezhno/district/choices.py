from django.db import models
from django.utils.translation import gettext_lazy as _


class BankReason(models.TextChoices):
    """Why a citizen is in the special-attention data bank (seed 003: «неблагополучные
    семьи, семьи, воспитывающие детей с ограниченными возможностями, граждане пожилого
    возраста и инвалиды и др.»). The codes are stored: never rename one."""

    DYSFUNCTIONAL_FAMILY = "dysfunctional_family", _("неблагополучная семья")
    DISABLED_CHILD = "disabled_child", _(
        "семья, воспитывающая ребёнка-инвалида или ребёнка с ОВЗ")
    ELDERLY = "elderly", _("гражданин пожилого возраста")
    DISABLED = "disabled", _("инвалид")
    LONELY = "lonely", _("одиноко проживающий")
    MENTAL_DISORDER = "mental_disorder", _("психическое расстройство")
    OTHER = "other", _("иное")


# Reasons that are data about health (152-ФЗ ст. 10; LEGAL.md counts disability among
# them): an entry with one is special-category data — its reads are logged as such and
# its history is masked for those who may not read health data
# (``audit.register_sensitive``).
HEALTH_REASONS = frozenset({BankReason.MENTAL_DISORDER, BankReason.DISABLED,
                            BankReason.DISABLED_CHILD})


class BankStatus(models.TextChoices):
    """A filter of the bank's list (not stored: an entry is removed when it has a date)."""

    ACTIVE = "active", _("в банке данных")
    REMOVED = "removed", _("исключённые")
    ALL = "all", _("все")
