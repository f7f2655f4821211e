"""Every write of the special-attention data bank: an entry is added, changed, reviewed and
removed (never deleted).

Each write locks the entry with ``select_for_update``, checks the user's scope for the
action and the version the user saw, validates all fields at once (Russian
``ValidationError``), and records the change with its domain event in one transaction."""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berezhno.cases.services import deadline, staff_in_scope
from berezhno.core import audit, dates
from berezhno.core.access import territories_in_scope
from berezhno.core.errors import DomainError, ErrorCode, TransitionError
from berezhno.core.models import ChangeAction
from berezhno.core.services import check_version, reject_unknown
from berezhno.core.workdays import local_today
from berezhno.people.models import Household, Person

from . import roles
from .choices import HEALTH_REASONS, BankReason
from .models import BankEntry, BankEntryReason, BankReview

if TYPE_CHECKING:
    from berezhno.accounts.models import User

# The review period when the administrator has not set the deadline «district_bank_review»
# (``cases.DeadlineRule``, in calendar days): half a year.
REVIEW_DEADLINE = "district_bank_review"
REVIEW_DAYS = 182


def review_due(start: datetime.date) -> datetime.date:
    """The default next review date of an entry made or reviewed on ``start``."""
    return deadline(REVIEW_DEADLINE, start)


def _forbidden() -> DomainError:
    return DomainError(_("У вас нет права на это действие в банке данных."),
                       code=ErrorCode.FORBIDDEN)


def _lock(user, entry: BankEntry, action: str = roles.CHANGE) -> BankEntry:
    if not BankEntry.objects.restrict(user, action).filter(pk=entry.pk).exists():
        raise _forbidden()
    return BankEntry.objects.select_for_update().select_related("territory").get(pk=entry.pk)


def _clean_reasons(reasons: Iterable[str], other_reason: str,
                   errors: dict[str, list]) -> tuple[list[str], str]:
    chosen = [r for r in BankReason.values if r in set(reasons or ())]
    unknown = set(reasons or ()) - set(BankReason.values)
    other_reason = (other_reason or "").strip()
    if unknown or not chosen:
        errors["reasons"] = [_("Укажите хотя бы одну причину из списка.")]
    if BankReason.OTHER in chosen and not other_reason:
        errors["other_reason"] = [_("Выбрана причина «иное»: опишите её.")]
    if BankReason.OTHER not in chosen:
        other_reason = ""
    return chosen, other_reason[:300]


def _check_dates(since, next_review_due, today, errors) -> None:
    for name, span, value in (("since", dates.HISTORY, since),
                              ("next_review_due", dates.PLANNED, next_review_due)):
        message = dates.check(span, value) if value is not None else None
        if message:
            errors[name] = [message]
    if errors:
        return
    if since is not None and since > today:
        errors["since"] = [_("Дата внесения — не позже сегодняшнего дня.")]
    if next_review_due is not None and since is not None and next_review_due <= since:
        errors["next_review_due"] = [_("Дата пересмотра должна быть позже даты внесения.")]


def _check_responsible(user, responsible, territory, errors) -> None:
    if responsible is None:
        errors["responsible"] = [_("Выберите ответственного специалиста.")]
    elif not responsible.is_active or not staff_in_scope(user, responsible, territory,
                                                         roles.DISTRICT):
        errors["responsible"] = [_("Ответственный специалист должен работать на территории "
                                   "гражданина в участковой социальной службе.")]


def _set_reasons(entry: BankEntry, reasons: list[str]) -> None:
    have = set(entry.reasons.values_list("reason", flat=True))
    entry.reasons.exclude(reason__in=reasons).delete()
    BankEntryReason.objects.bulk_create(
        [BankEntryReason(entry=entry, reason=r) for r in reasons if r not in have])


def _snapshot(entry: BankEntry) -> dict:
    """The entry as the journal keeps it, with its reasons (a child table)."""
    data = audit.snapshot(entry)
    data["reasons"] = sorted(entry.reasons.values_list("reason", flat=True))
    return data


def _record(user, entry, action, event, summary, before=None) -> None:
    audit.record(user=user, obj=entry, action=action, before=before, after=_snapshot(entry),
                 person_id=entry.person_id, event_type=event, summary=summary)


@transaction.atomic
def bank_entry_add(*, user, person: Person, reasons: Iterable[str], responsible,
                   household: Household | None = None, other_reason: str = "",
                   since: datetime.date | None = None,
                   next_review_due: datetime.date | None = None,
                   notes: str = "") -> BankEntry:
    """Put a citizen of the registry in the bank: the person's territory decides who sees
    the entry; the review date defaults to the configured period from ``since``."""
    if not Person.objects.restrict(user, roles.VIEW).filter(pk=person.pk).exists():
        raise ValidationError({"person": [_("Гражданин не найден: найдите его заново.")]})
    person = Person.objects.select_related("territory").get(pk=person.pk)
    territory = person.territory
    if not _may_add(user, territory):
        raise _forbidden()
    errors: dict[str, list] = {}
    today = local_today(territory)
    chosen, other_reason = _clean_reasons(reasons, other_reason, errors)
    since = since or today
    _check_dates(since, next_review_due, today, errors)
    _check_responsible(user, responsible, territory, errors)
    if household is not None and not person.memberships.filter(
            household=household, until__isnull=True).exists():
        errors["household"] = [_("Гражданин не состоит в этом домохозяйстве.")]
    if BankEntry.objects.filter(person=person, removed_on__isnull=True).exists():
        errors["person"] = [_("Гражданин уже в банке данных: откройте его запись и "
                              "проведите пересмотр.")]
    if errors:
        raise ValidationError(errors)
    entry = BankEntry.objects.create(
        person=person, household=household, territory=territory, practice=roles.DISTRICT,
        other_reason=other_reason, health_reason=bool(HEALTH_REASONS & set(chosen)),
        since=since, next_review_due=next_review_due or review_due(since),
        responsible=responsible, notes=(notes or "").strip(), added_by=user)
    _set_reasons(entry, chosen)
    _record(user, entry, ChangeAction.CREATE, "district.bank_added",
            ", ".join(str(BankReason(r).label) for r in chosen))
    return entry


def _may_add(user, territory) -> bool:
    return territories_in_scope(user, roles.BANK, roles.ADD, practice=roles.DISTRICT).filter(
        pk=territory.pk).exists()


class BankEntryChanges(TypedDict, total=False):
    """The fields ``bank_entry_update`` may change (those left out stay as they are)."""

    reasons: list[str]
    other_reason: str
    household: Household | None
    since: datetime.date
    next_review_due: datetime.date
    responsible: "User"
    notes: str


@transaction.atomic
def bank_entry_update(*, user, entry: BankEntry, expected_version: int | None,
                      **changes: Unpack[BankEntryChanges]) -> BankEntry:
    """Change the given fields of an entry in the bank (a removed one is history)."""
    reject_unknown(changes, BankEntryChanges.__annotations__, "bank_entry_update")
    entry = _lock(user, entry)
    before = _snapshot(entry)
    # The reasons are a child table: the conflict names the entry's own fields.
    check_version(entry, expected_version, [f for f in changes if f != "reasons"], before)
    if entry.removed_on is not None:
        raise TransitionError(_("Гражданин исключён из банка данных: запись не изменяется."))
    errors: dict[str, list] = {}
    today = local_today(entry.territory)
    reasons = before["reasons"]
    other_reason = changes.get("other_reason", entry.other_reason)
    if "reasons" in changes or "other_reason" in changes:
        reasons, other_reason = _clean_reasons(changes.get("reasons", reasons), other_reason,
                                               errors)
    since = changes.get("since", entry.since)
    next_review_due = changes.get("next_review_due", entry.next_review_due)
    if "since" in changes and since is None:
        errors["since"] = [_("Укажите дату внесения в банк данных.")]
    if "next_review_due" in changes and next_review_due is None:
        errors["next_review_due"] = [_("Укажите дату пересмотра.")]
    _check_dates(since, next_review_due, today, errors)
    responsible = changes.get("responsible", entry.responsible)
    if "responsible" in changes:
        _check_responsible(user, responsible, entry.territory, errors)
    household = changes.get("household", entry.household)
    if "household" in changes and household is not None and not entry.person.memberships.filter(
            household=household, until__isnull=True).exists():
        errors["household"] = [_("Гражданин не состоит в этом домохозяйстве.")]
    if errors:
        raise ValidationError(errors)
    entry.other_reason = other_reason
    entry.health_reason = bool(HEALTH_REASONS & set(reasons))
    entry.since = since
    entry.next_review_due = next_review_due
    entry.responsible = responsible
    entry.household = household
    if "notes" in changes:
        entry.notes = (changes["notes"] or "").strip()
    _set_reasons(entry, reasons)
    after = _snapshot(entry)
    if after == {**before, "version": entry.version}:
        return entry  # nothing changed: no new version, no journal row
    entry.version += 1
    entry.save()
    _record(user, entry, ChangeAction.UPDATE, "district.bank_changed",
            _("Запись изменена"), before=before)
    return entry


@transaction.atomic
def bank_entry_review(*, user, entry: BankEntry, expected_version: int | None, result: str,
                      held_on: datetime.date | None = None,
                      next_due: datetime.date | None = None) -> BankReview:
    """A review of an entry: its date, result and the next review date (by default the
    configured period from the review)."""
    entry = _lock(user, entry)
    before = _snapshot(entry)
    check_version(entry, expected_version, ["next_review_due"], before)
    if entry.removed_on is not None:
        raise TransitionError(_("Гражданин исключён из банка данных: пересмотр не нужен."))
    errors: dict[str, list] = {}
    today = local_today(entry.territory)
    held_on = held_on or today
    for name, span, value in (("held_on", dates.EVENT, held_on),
                              ("next_due", dates.PLANNED, next_due)):
        message = dates.check(span, value) if value is not None else None
        if message:
            errors[name] = [message]
    if errors:
        pass
    elif held_on > today:
        errors["held_on"] = [_("Дата пересмотра — не позже сегодняшнего дня.")]
    elif held_on < entry.since:
        errors["held_on"] = [_("Дата пересмотра раньше внесения в банк данных.")]
    result = (result or "").strip()
    if not result:
        errors["result"] = [_("Опишите результат пересмотра.")]
    if "next_due" not in errors and next_due is not None and next_due <= held_on:
        errors["next_due"] = [_("Следующий пересмотр — позже даты этого пересмотра.")]
    if errors:
        raise ValidationError(errors)
    next_due = next_due or review_due(held_on)
    review = BankReview.objects.create(entry=entry, held_on=held_on, result=result,
                                       next_due=next_due, author=user)
    audit.record(user=user, obj=review, action=ChangeAction.CREATE, person_id=entry.person_id,
                 event_type="district.bank_reviewed", summary=result[:300])
    entry.next_review_due = next_due
    entry.version += 1
    entry.save()
    audit.record_change(user=user, obj=entry, action=ChangeAction.UPDATE, before=before,
                        after=_snapshot(entry), person_id=entry.person_id)
    return review


@transaction.atomic
def bank_entry_remove(*, user, entry: BankEntry, expected_version: int | None, reason: str,
                      date: datetime.date | None = None) -> BankEntry:
    """Remove a citizen from the bank with a date and a reason; the entry, its reasons and
    reviews stay as history."""
    entry = _lock(user, entry)
    before = _snapshot(entry)
    check_version(entry, expected_version, ["removed_on"], before)
    if entry.removed_on is not None:
        raise TransitionError(_("Гражданин уже исключён из банка данных."))
    errors: dict[str, list] = {}
    today = local_today(entry.territory)
    date = date or today
    if date > today:
        errors["date"] = [_("Дата исключения — не позже сегодняшнего дня.")]
    elif date < entry.since:
        errors["date"] = [_("Дата исключения раньше внесения в банк данных.")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Укажите причину исключения из банка данных.")]
    if errors:
        raise ValidationError(errors)
    entry.removed_on = date
    entry.removal_reason = reason[:300]
    entry.next_review_due = None
    entry.version += 1
    entry.save()
    _record(user, entry, ChangeAction.UPDATE, "district.bank_removed", reason[:300],
            before=before)
    return entry
