"""The allowed ranges of the dates people type, and age by the Civil Code (decision 0017).

Every date or datetime a form, a filter or an API serializer accepts carries one of the
spans below as a validator (a test walks every form and serializer of the project), so a
year-1 contact or a year-9999 next contact is refused with a Russian message naming the
allowed range, before any arithmetic (working days, deadlines) can overflow:

* ``BIRTH``: from 1 January 1900 to today;
* ``HISTORY``: facts of a person's past (disability since, a category's start, a document's
  date, membership "since"): from 1900 to today;
* ``EVENT``: the work's own events (an intake, a contact, a decision, a session, an act):
  within ten years before today, not after today;
* ``PLANNED``: what is planned or ends (the next contact, deadlines, "valid until", a
  review): ten years back to ten years ahead;
* ``PERIOD``: the bounds of a report or a journal filter: from 2000 to a year ahead.

"Today" of a span is generous by a day (the easternmost territory is already in
tomorrow while the server is not): the exact "not in the future" rule is each service's,
judged by the territory's local date (``local_today``).

Age is counted in full years by ГК РФ ст. 192: the term ends on the same day and month,
and for someone born on 29 February, in a common year, on 1 March (the day after
28 February, the last day of the month; the age is reached once that day has begun).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

if TYPE_CHECKING:
    pass

EARLIEST = datetime.date(1900, 1, 1)
# One day of slack around "today": the territories span UTC+2 … UTC+12.
SLACK = datetime.timedelta(days=1)


def server_today() -> datetime.date:
    return timezone.localdate()


def shift_years(day: datetime.date, years: int) -> datetime.date:
    """The same day and month ``years`` later (earlier when negative); 29 February becomes
    28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Span:
    """A validator: the date (or the local date of an aware datetime) lies in the span.

    ``first``/``last`` are fixed dates, or years before/after today (``years_back``,
    ``years_ahead``; ``0`` means today)."""

    code: str
    first: datetime.date | None = None
    years_back: int | None = None
    years_ahead: int | None = None
    last: datetime.date | None = None
    message: Any = ""  # one (lazy) message for both ends, instead of the default two

    def bounds(self, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
        today = today or server_today()
        first = self.first or shift_years(today - SLACK, -(self.years_back or 0))
        last = self.last or shift_years(today + SLACK, self.years_ahead or 0)
        return first, last

    def __call__(self, value) -> None:
        if value in (None, ""):
            return
        day = as_local_date(value)
        first, last = self.bounds()
        if self.message and not first <= day <= last:
            raise ValidationError(self.message, code="date_out_of_range")
        if day < first:
            if first == EARLIEST:
                message = _("Дата не может быть раньше 01.01.1900.")
            else:
                message = _("Дата слишком давняя: не раньше %(first)s.")
            raise ValidationError(message, code="date_too_early",
                                  params={"first": first.strftime("%d.%m.%Y")})
        if day > last:
            if self.years_ahead in (None, 0) and self.last is None:
                message = _("Дата не может быть в будущем.")
            else:
                message = _("Дата слишком далёкая: не позже %(last)s.")
            raise ValidationError(message, code="date_too_late",
                                  params={"last": last.strftime("%d.%m.%Y")})


BIRTH = Span("birth", first=EARLIEST, years_ahead=0)
HISTORY = Span("history", first=EARLIEST, years_ahead=0)
EVENT = Span("event", years_back=10, years_ahead=0)
PLANNED = Span("planned", years_back=10, years_ahead=10)
PERIOD = Span("period", first=datetime.date(2000, 1, 1), years_ahead=1)
# Indicator reports: whole years of the calendar the reports know (``indicators.forms``).
REPORT = Span("report", first=datetime.date(2000, 1, 1), last=datetime.date(2099, 12, 31),
              message=_("Укажите дату с 2000 по 2099 год."))
# A date answered to a question, or a field no rule names yet: sane, not specific.
ANY = Span("any", first=EARLIEST, years_ahead=10)
SPANS = (BIRTH, HISTORY, EVENT, PLANNED, PERIOD, REPORT, ANY)

# The span of a date a form or serializer builds from a model field, by the field's name
# (a class may say otherwise in ``date_spans``); a name not here gets ``ANY``.
MODEL_FIELD_SPANS = {
    "birth_date": BIRTH,
    "since": HISTORY, "start_date": HISTORY, "doc_date": HISTORY,
    "disability_since": HISTORY, "order_date": HISTORY, "date": HISTORY,
    "occurred_at": EVENT, "valid_from": EVENT, "identified_on": EVENT,
    "unmerged_at": EVENT, "received_at": EVENT,
    "until": PLANNED, "end_date": PLANNED, "valid_until": PLANNED,
    "next_contact_date": PLANNED, "disability_until": PLANNED, "due_date": PLANNED,
}


def as_local_date(value) -> datetime.date:
    """A date as is; an aware datetime's date in the current time zone."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def check(span: Span, value) -> str | None:
    """The span's Russian message for ``value``, or None: for services, which must refuse
    a date out of range from any caller (an import, a task), not only from a form."""
    try:
        span(value)
    except ValidationError as exc:
        return exc.messages[0]
    return None


def span_for(name: str, overrides: dict | None = None) -> Span:
    return (overrides or {}).get(name) or MODEL_FIELD_SPANS.get(name, ANY)


def formfields(**overrides: Span):
    """``Meta.formfield_callback`` of a ModelForm whose date fields get their span
    (``MODEL_FIELD_SPANS`` by name, or the ``overrides``)."""

    def callback(db_field, **kwargs):
        field = db_field.formfield(**kwargs)
        if isinstance(field, forms.DateField | forms.DateTimeField) and span_of(field) is None:
            field.validators.append(span_for(db_field.name, overrides))
        return field

    return callback


formfield = formfields()


class BoundedDatesSerializer:
    """A ModelSerializer mixin: the date fields it builds from the model get their span
    (``date_spans`` on the class overrides ``MODEL_FIELD_SPANS``)."""

    date_spans: dict[str, Span] = {}

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(
            field_name, model_field)
        if issubclass(field_class, serializers.DateField | serializers.DateTimeField):
            kwargs["validators"] = [*kwargs.get("validators", []),
                                    span_for(field_name, self.date_spans)]
        return field_class, kwargs


def span_of(field) -> Span | None:
    """The span a form or serializer field validates with, if any."""
    return next((v for v in getattr(field, "validators", []) if isinstance(v, Span)), None)


# ------------------------------------------------------------------------ age


def age_on(birth: datetime.date, on: datetime.date) -> int:
    """Full years on ``on`` (ГК РФ ст. 192): a birthday on 29 February is reached on
    1 March in a common year, because (2, 28) < (2, 29)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def latest_birth_date(on: datetime.date, years: int) -> datetime.date:
    """The latest birth date of someone who is at least ``years`` old on ``on``: the
    filter "55+" is ``birth_date <= latest_birth_date(today, 55)``. On 28 February of a
    common year, someone born on 29 February of a leap year is not yet counted (they turn
    the age on 1 March), as ``age_on`` says."""
    return shift_years(on, -years)


def has_reached(birth: datetime.date, years: int, on: datetime.date) -> bool:
    return age_on(birth, on) >= years

