"""Reads of the СОП register (120-ФЗ), starting from the scope, and the case card's and case
file's СОП section in a fixed number of queries."""

import datetime

from django.db.models import (
    Case,
    DateField,
    F,
    Prefetch,
    QuerySet,
    When,
)
from django.utils.translation import gettext as _

from berezhno.cases.extensions import CardDeadline, SectionView
from berezhno.cases.models import SupportCase
from berezhno.cases.selectors import case_queryset
from berezhno.core import audit
from berezhno.territories.models import Territory

from . import deadlines, roles
from .choices import SopStatus
from .models import SopRecord, SopReview

# --------------------------------------------------------------------------- СОП (120-ФЗ)


def sop_for_case(case: SupportCase, today: datetime.date) -> list:
    """The case's СОП records, newest first, each with its reviews, ``missed`` deadlines
    and ``next`` deadline."""
    records = list(case.sop_records.select_related("identified_by", "curator")
                   .prefetch_related(Prefetch("reviews", queryset=SopReview.objects
                                              .select_related("author")))
                   .order_by("-identified_on", "-id"))
    for r in records:
        r.case = case
        _mark_sop(r, today)
    return records


def _mark_sop(record: SopRecord, on: deadlines.When_) -> None:
    record.is_open = record.status != SopStatus.REMOVED
    record.missed_list = deadlines.sop_missed(record, on)
    record.next = record.next_deadline()


def sop_get(user, pk, action: str = roles.CHANGE) -> SopRecord:
    """One СОП record whose case is in the user's scope for ``action`` (else
    SopRecord.DoesNotExist → 404)."""
    return audit.read(user, SopRecord.objects.filter(
        case__in=case_queryset(user, action)).select_related(
        "case__person", "case__territory", "curator").get(pk=pk))


def sop_search(user, *, on: deadlines.When_ = None, today: datetime.date | None = None,
               status: str = "", territory=None, curator=None,
               case: SupportCase | int | None = None,
               overdue: bool | None = None) -> QuerySet:
    """The register of families in a socially dangerous position within the user's scope,
    the most urgent deadline first: ``status`` "open" for those not removed (the page's
    default), a stage, or "" / "all" for every record. ``today`` is ``on`` given as a date.
    The page and the API read it through ``filters.SopFilterSet``."""
    on = today if today is not None else on
    qs = SopRecord.objects.restrict(user, roles.VIEW)
    if status == "open":
        qs = qs.exclude(status=SopStatus.REMOVED)
    elif status and status != "all":
        qs = qs.filter(status=status)
    if territory is not None:
        qs = qs.filter(case__territory__in=Territory.objects.filter(
            path__startswith=territory.path))
    if curator is not None:
        qs = qs.filter(curator=curator)
    if case is not None:
        qs = qs.filter(case=case)
    if overdue is not None:
        late = deadlines.sop_overdue_q(on)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    next_due = Case(
        When(status=SopStatus.IDENTIFIED, then="kdn_notice_due"),
        When(status=SopStatus.NOTIFIED, then="first_survey_due"),
        When(status=SopStatus.REGISTERED, then="next_review_due"),
        output_field=DateField())
    return qs.annotate(next_due=next_due).select_related(
        "case__person", "case__territory", "case__responsible", "curator").prefetch_related(
        "reviews").order_by(F("next_due").asc(nulls_last=True), "-identified_on", "-id")


def mark_sop(records, on: deadlines.When_ = None) -> list:
    """Give each record of the register ``missed_list`` and ``next`` (its case's territory
    loaded)."""
    records = list(records)
    for r in records:
        _mark_sop(r, on)
    return records


# --------------------------------------------------------------------------- case sections


def card_section(user, card) -> SectionView:
    """The card's СОП section: the records with their stage actions, the next deadline of
    each in the card's "Сроки", and identification when the family is not on the register
    (the services check the same)."""
    records = sop_for_case(card.case, card.today)
    deadlines_ = [CardDeadline(label=_("СОП: %(what)s до") % {"what": r.next[0]},
                               due=r.next[1], missed=bool(r.missed_list))
                  for r in records if r.next]
    may_add = card.may["change"] and not any(r.is_open for r in records)
    return SectionView(data=records, deadlines=deadlines_, may_add=may_add,
                       shown=bool(records) or may_add)


def file_section(user, doc) -> SectionView:
    records = list(reversed(sop_for_case(doc.case, doc.today)))
    return SectionView(data=records, shown=bool(records))
