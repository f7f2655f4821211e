"""Reminders of overdue case deadlines to the users responsible for them.

``collect_due`` lists, under keys that name the record and the deadline, what is overdue
today: the decision on need, the programme, plan activities, partners' answers and results,
and the СОП deadlines. ``sync_case_reminders`` turns that list into the users' open
reminders (``core.Reminder``): new ones open, resolved ones close, re-running changes nothing.
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from berezhno.core.services import reminders_sync
from berezhno.core.workdays import local_today

from .choices import ActivityStatus, CaseStatus, ReferralStatus
from .models import Activity, Referral, SopRecord, SupportCase, sop_late_q

PREFIX = "cases:"


def collect_due(today: datetime.date) -> dict:
    due: dict = {}
    cases = SupportCase.objects.select_related("responsible")
    for case in cases.filter(status=CaseStatus.INTAKE, decision_due__lt=today):
        due[f"{PREFIX}case:{case.pk}:decision"] = (
            case.responsible, case.decision_due,
            _("Просрочено решение о нуждаемости: случай № %(n)s") % {"n": case.number},
            case.get_absolute_url())
    for case in cases.filter(status__in=[CaseStatus.INTAKE, CaseStatus.PLANNING],
                             programme_date__isnull=True, programme_due__lt=today):
        due[f"{PREFIX}case:{case.pk}:programme"] = (
            case.responsible, case.programme_due,
            _("Просрочено составление программы: случай № %(n)s") % {"n": case.number},
            case.get_absolute_url())
    activities = Activity.objects.filter(
        status__in=[ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS], due_date__lt=today,
        plan__status="approved", case__status__in=[CaseStatus.IN_PROGRESS, CaseStatus.REVIEW],
    ).select_related("responsible_user", "case__responsible", "partner")
    for a in activities:
        user = a.responsible_user or a.case.responsible
        due[f"{PREFIX}activity:{a.pk}"] = (
            user, a.due_date,
            _("Просрочено мероприятие «%(t)s» (случай № %(n)s)")
            % {"t": a.title, "n": a.case.number},
            reverse("cases:worklist") if a.responsible_user_id else a.case.get_absolute_url())
    referrals = Referral.objects.filter(
        Q(status=ReferralStatus.SENT, response_due__lt=today)
        | Q(status=ReferralStatus.ACCEPTED, result_due__lt=today)).select_related(
        "case__responsible", "organisation")
    for r in referrals:
        waiting = r.status == ReferralStatus.SENT
        due[f"{PREFIX}referral:{r.pk}:{r.status}"] = (
            r.case.responsible, r.response_due if waiting else r.result_due,
            (_("Нет ответа партнёра «%(o)s» на направление (случай № %(n)s)") if waiting
             else _("Нет результата от партнёра «%(o)s» (случай № %(n)s)"))
            % {"o": r.organisation, "n": r.case.number},
            r.case.get_absolute_url())
    records = SopRecord.objects.filter(sop_late_q(today)).select_related(
        "curator", "case__responsible")
    for s in records:
        user = s.curator or s.case.responsible
        for code, what, missed_due in s.missed(today):
            due[f"{PREFIX}sop:{s.pk}:{code}"] = (
                user, missed_due, _("СОП, случай № %(n)s: просрочено — %(w)s")
                % {"n": s.case.number, "w": what}, s.case.get_absolute_url())
    return due


def sync_case_reminders(today: datetime.date | None = None) -> tuple[int, int]:
    return reminders_sync(prefix=PREFIX, due=collect_due(today or local_today()))
