"""The СОП deadlines (120-ФЗ): the notice to the КДН и ЗП, the first survey, the review of
the plan — judged in the territory's local date, and contributed to the case's overdue rule
(``cases.deadlines.register_case_deadline``) so that a family with a missed СОП deadline is
an overdue case in every list."""

import datetime

from django.db.models import Case, DateField, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Least, NullIf
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berezhno.cases.deadlines import (
    NEVER,
    CaseDeadline,
    CaseFlag,
    When_,
    by_local_day,
    local_day,
    register_case_deadline,
    register_case_flag,
)
from berezhno.cases.reminders import PREFIX

from .choices import SopStatus
from .models import SopRecord, sop_late_q


def sop_overdue_q(on: When_ = None) -> Q:
    """СОП records with a missed deadline: the notice to the КДН и ЗП, the first survey,
    the review of the plan (``models.sop_late_q`` on the territory's date)."""
    return by_local_day(on, "case__territory__time_zone", sop_late_q)


def sop_missed(record: SopRecord, on: When_ = None) -> list[tuple[str, str, datetime.date]]:
    """The record's missed deadlines ``(code, Russian phrase, due date)``, earliest first."""
    return record.missed(local_day(record.case.territory, on))


def _sop_pending():
    """Per СОП record: its earliest deadline still to meet (NEVER if none), the date
    ``sop_late_q`` compares with today."""
    def pending(condition: Q, field: str):
        return Coalesce(Case(When(condition, then=F(field)), output_field=DateField()),
                        Value(NEVER))
    return Least(
        pending(Q(kdn_notice_date__isnull=True), "kdn_notice_due"),
        pending(Q(first_survey_on__isnull=True), "first_survey_due"),
        pending(Q(status=SopStatus.REGISTERED, next_review_due__isnull=False),
                "next_review_due"))




def _late_case(day: datetime.date) -> Exists:
    return Exists(SopRecord.objects.filter(sop_late_q(day), case=OuterRef("pk")))


def _pending_case():
    next_sop = SopRecord.objects.filter(case=OuterRef("pk")).exclude(
        status=SopStatus.REMOVED).annotate(pending=_sop_pending()).order_by("pending")
    return NullIf(Subquery(next_sop.values("pending")[:1]), Value(NEVER))


def _in_sop():
    return Exists(SopRecord.objects.filter(case=OuterRef("pk")).exclude(
        status=SopStatus.REMOVED))


def overdue_reminders(on: When_ = None) -> dict:
    """Reminders to the curator (else the case's responsible) of СОП deadlines missed
    at ``on``."""
    due: dict = {}
    records = SopRecord.objects.filter(sop_overdue_q(on)).select_related(
        "curator", "case__responsible", "case__territory")
    for s in records:
        user = s.curator or s.case.responsible
        for code, what, missed_due in sop_missed(s, on):
            due[f"{PREFIX}sop:{s.pk}:{code}"] = (
                user, missed_due, _("СОП, случай № %(n)s: просрочено — %(w)s")
                % {"n": s.case.number, "w": what}, s.case.get_absolute_url())
    return due


def register() -> None:
    register_case_deadline(CaseDeadline(code="sop", label=gettext_lazy("срок по СОП"),
                                        short_label=gettext_lazy("СОП"), late=_late_case,
                                        pending=_pending_case))
    register_case_flag(CaseFlag(code="sop", label=gettext_lazy("СОП"),
                                title=gettext_lazy("семья в социально опасном положении"),
                                condition=_in_sop))
