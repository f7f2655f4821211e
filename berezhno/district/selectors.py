"""Reads of the special-attention data bank, each from the user's scope and logged; the
list reads ids first and the card a fixed number of queries whatever its history."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from berezhno.cases.selectors import staff_choices, user_today
from berezhno.core import audit
from berezhno.core import events as event_types
from berezhno.core.access import can, territories_in_scope
from berezhno.core.models import DomainEvent
from berezhno.core.workdays import local_today
from berezhno.people.models import Household
from berezhno.territories.choices import Level
from berezhno.territories.models import Territory

from . import roles
from .choices import BankStatus
from .models import BankEntry, BankEntryReason, BankReview, review_overdue_q


def bank_today(user) -> datetime.date:
    """Today where the user works (review dates are local dates)."""
    return user_today(user)


def district_choices(user) -> QuerySet:
    """Social districts of the user's bank scope (the list's «участок» filter)."""
    return territories_in_scope(user, roles.BANK, roles.VIEW, practice=roles.DISTRICT).filter(
        level=Level.DISTRICT).select_related("parent").order_by("path")


def responsible_choices(user, territory: Territory | None = None) -> QuerySet:
    """Who may be responsible for an entry: staff of the District service at
    ``territory`` (or overlapping the user's scope)."""
    return staff_choices(user, territory, practice=roles.DISTRICT)


def bank_search(user, *, today: datetime.date | None = None, status: str = "",
                reason: str = "", district: Territory | None = None, responsible=None,
                person: int | None = None, overdue: bool | None = None) -> QuerySet:
    """The bank within the user's scope, the earliest review first. ``status``: "active"
    (the page's default), "removed", or "" / "all". The page and the API read it through
    ``filters.BankFilterSet``."""
    today = today or bank_today(user)
    qs = BankEntry.objects.restrict(user, roles.VIEW)
    if status == BankStatus.ACTIVE:
        qs = qs.filter(removed_on__isnull=True)
    elif status == BankStatus.REMOVED:
        qs = qs.filter(removed_on__isnull=False)
    if reason:
        qs = qs.filter(pk__in=BankEntryReason.objects.filter(reason=reason).values("entry_id"))
    if district is not None:
        qs = qs.filter(territory__path__startswith=district.path)
    if responsible is not None:
        qs = qs.filter(responsible=responsible)
    if person is not None:
        qs = qs.filter(person_id=person)
    if overdue is not None:
        late = review_overdue_q(today)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs.select_related("person", "household", "territory", "responsible"
                             ).prefetch_related("reasons").order_by(
        "removed_on", "next_review_due", "person__search_name", "id")


def mark(entries, today: datetime.date) -> list[BankEntry]:
    """Give each entry ``overdue`` (its review date has passed on ``today``)."""
    entries = list(entries)
    for e in entries:
        e.overdue = e.review_overdue(today)
    return entries


def entry_get(user, pk, action: str = roles.VIEW) -> BankEntry:
    """One entry in the user's scope for ``action`` (else BankEntry.DoesNotExist → 404),
    logged as a card read."""
    entry = BankEntry.objects.restrict(user, action).select_related(
        "person", "household", "territory", "responsible", "added_by").prefetch_related(
        "reasons").get(pk=pk)
    return audit.read(user, entry)


@dataclass
class HistoryItem:
    """A line of the card's history: when, who, what."""

    at: datetime.datetime
    actor: object
    label: str
    summary: str


@dataclass
class EntryCard:
    entry: BankEntry
    reviews: list[BankReview]
    history: list[HistoryItem]
    today: datetime.date
    may_change: bool


def entry_card(user, pk) -> EntryCard:
    """The card of an entry: the entry, its reviews and its history (the events of the
    entry and of its reviews), in a fixed number of queries."""
    entry = entry_get(user, pk)
    reviews = list(entry.reviews.select_related("author").order_by("-held_on", "-id"))
    entry_type = ContentType.objects.get_for_model(BankEntry)
    review_type = ContentType.objects.get_for_model(BankReview)
    events = DomainEvent.objects.filter(
        Q(content_type=entry_type, object_id=entry.pk)
        | Q(content_type=review_type, object_id__in=[r.pk for r in reviews])
    ).select_related("actor").order_by("-time", "-id")
    history = [HistoryItem(at=e.time, actor=e.actor,
                           label=str(event_types.get(e.event_type).label), summary=e.summary)
               for e in events[:200]]
    today = local_today(entry.territory)
    mark([entry], today)
    may_change = entry.removed_on is None and BankEntry.objects.restrict(
        user, roles.CHANGE).filter(pk=entry.pk).exists()
    return EntryCard(entry=entry, reviews=reviews, history=history, today=today,
                     may_change=may_change)


def overdue_reviews(user, today: datetime.date) -> QuerySet:
    """Entries of the user's scope whose review is overdue, the oldest first (the home
    card); the specialist's own first."""
    return BankEntry.objects.restrict(user, roles.VIEW).filter(
        review_overdue_q(today)).select_related("person").order_by("next_review_due", "id")


def may_add(user) -> bool:
    return can(user, roles.BANK, roles.ADD, practice=roles.DISTRICT)


def household_choices(person) -> QuerySet:
    """The households the person lives in now (the entry may name one)."""
    if person is None:
        return Household.objects.none()
    return Household.objects.filter(
        members__person=person, members__until__isnull=True).distinct().order_by("name")
