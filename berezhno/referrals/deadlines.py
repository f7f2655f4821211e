"""When a referral is overdue: the partner has not answered, or not carried it out, in time
(the territory's local date, as every rule of ``cases.deadlines``)."""

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from berezhno.cases.deadlines import When_, by_local_day, local_day
from berezhno.cases.reminders import PREFIX

from .choices import ReferralStatus
from .models import Referral


def referral_overdue_q(on: When_ = None, prefix: str = "") -> Q:
    """Referrals the partner has not answered, or has not carried out, in time."""
    return by_local_day(on, f"{prefix}case__territory__time_zone", lambda day: (
        Q(**{f"{prefix}status": ReferralStatus.SENT, f"{prefix}response_due__lt": day})
        | Q(**{f"{prefix}status": ReferralStatus.ACCEPTED, f"{prefix}result_due__lt": day})))


def referral_missed(referral: Referral, on: When_ = None) -> datetime.date | None:
    """The deadline of the referral that is missed (answer or result), or None."""
    day = local_day(referral.case.territory, on)
    if referral.status == ReferralStatus.SENT:
        return referral.response_due if referral.response_due < day else None
    if referral.status == ReferralStatus.ACCEPTED and referral.result_due:
        return referral.result_due if referral.result_due < day else None
    return None


def referral_is_overdue(referral: Referral, on: When_ = None) -> bool:
    return referral_missed(referral, on) is not None


def overdue_reminders(on: When_ = None) -> dict:
    """Reminders to the case's responsible of partners' answers and results overdue at ``on``."""
    due: dict = {}
    referrals = Referral.objects.filter(referral_overdue_q(on)).select_related(
        "case__responsible", "case__territory", "organisation")
    for r in referrals:
        waiting = r.status == ReferralStatus.SENT
        due[f"{PREFIX}referral:{r.pk}:{r.status}"] = (
            r.case.responsible, referral_missed(r, on),
            (_("Нет ответа партнёра «%(o)s» на направление (случай № %(n)s)") if waiting
             else _("Нет результата от партнёра «%(o)s» (случай № %(n)s)"))
            % {"o": r.organisation, "n": r.case.number},
            r.case.get_absolute_url())
    return due
