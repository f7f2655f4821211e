"""Reminders of overdue case deadlines to the users responsible for them.

``collect_due`` lists, under keys that name the record and the deadline, what is overdue
today: the decision on need, the programme, plan activities, partners' answers and results,
and the СОП deadlines. ``sync_case_reminders`` turns that list into the users' open
reminders (``core.Reminder``): new ones open, resolved ones close, re-running changes nothing.
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from berezhno.core.services import reminders_sync

from . import deadlines
from .choices import ReferralStatus
from .models import Activity, Referral, SopRecord, SupportCase

PREFIX = "cases:"


def collect_due(on: deadlines.When_ = None) -> dict:
    """What is overdue at ``on`` (now by default: each record by its territory's date; a
    date: that date everywhere), by the rules of ``deadlines`` that the lists use."""
    due: dict = {}
    cases = deadlines.with_pending(SupportCase.objects.filter(deadlines.case_overdue_q(on)))
    for case in cases.select_related("responsible", "territory"):
        missed = deadlines.case_missed(case, on)
        if "decision" in missed:
            due[f"{PREFIX}case:{case.pk}:decision"] = (
                case.responsible, case.decision_due,
                _("Просрочено решение о нуждаемости: случай № %(n)s") % {"n": case.number},
                case.get_absolute_url())
        if "programme" in missed:
            due[f"{PREFIX}case:{case.pk}:programme"] = (
                case.responsible, case.programme_due,
                _("Просрочено составление программы: случай № %(n)s") % {"n": case.number},
                case.get_absolute_url())
    activities = Activity.objects.filter(deadlines.activity_overdue_q(on)).select_related(
        "responsible_user", "case__responsible", "partner")
    for a in activities:
        user = a.responsible_user or a.case.responsible
        due[f"{PREFIX}activity:{a.pk}"] = (
            user, a.due_date,
            _("Просрочено мероприятие «%(t)s» (случай № %(n)s)")
            % {"t": a.title, "n": a.case.number},
            reverse("cases:worklist") if a.responsible_user_id else a.case.get_absolute_url())
    referrals = Referral.objects.filter(deadlines.referral_overdue_q(on)).select_related(
        "case__responsible", "case__territory", "organisation")
    for r in referrals:
        waiting = r.status == ReferralStatus.SENT
        due[f"{PREFIX}referral:{r.pk}:{r.status}"] = (
            r.case.responsible, deadlines.referral_missed(r, on),
            (_("Нет ответа партнёра «%(o)s» на направление (случай № %(n)s)") if waiting
             else _("Нет результата от партнёра «%(o)s» (случай № %(n)s)"))
            % {"o": r.organisation, "n": r.case.number},
            r.case.get_absolute_url())
    records = SopRecord.objects.filter(deadlines.sop_overdue_q(on)).select_related(
        "curator", "case__responsible", "case__territory")
    for s in records:
        user = s.curator or s.case.responsible
        for code, what, missed_due in deadlines.sop_missed(s, on):
            due[f"{PREFIX}sop:{s.pk}:{code}"] = (
                user, missed_due, _("СОП, случай № %(n)s: просрочено — %(w)s")
                % {"n": s.case.number, "w": what}, s.case.get_absolute_url())
    return due


def sync_case_reminders(today: datetime.date | None = None) -> tuple[int, int]:
    """Open and close the reminders of what is overdue: ``today`` (a date) everywhere, or
    by default now, each record in its territory's date."""
    return reminders_sync(prefix=PREFIX, due=collect_due(today))
