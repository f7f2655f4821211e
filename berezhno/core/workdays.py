"""Working days by the Russian production calendar, and dates in a territory's time zone.

The base rule is code: Saturday and Sunday are days off, and so are the non-working holidays
of Labour Code art. 112. A holiday that falls on a weekend is not moved here: the
government's decree for each year says where the days off go, and its days are
``CalendarDay`` rows (seeded for 2025 and 2026, kept by the administrator). Each call reads
the rows of the range it needs, as a rule in one query, and keeps nothing between calls, so
an edit in the admin counts at once (decision 0005).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CalendarDay, CalendarDayKind

if TYPE_CHECKING:
    from berezhno.territories.models import Territory

ONE_DAY = datetime.timedelta(days=1)
WEEKEND = frozenset({5, 6})  # date.weekday(): Saturday, Sunday
# Non-working holidays of Labour Code art. 112 as (month, day): 1–8 January (with Christmas
# on the 7th), 23 February, 8 March, 1 May, 9 May, 12 June, 4 November.
HOLIDAYS = frozenset({(1, d) for d in range(1, 9)}
                     | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)})


def is_base_working_day(day: datetime.date) -> bool:
    """The rule without the table: a weekday that is not a holiday of art. 112."""
    return day.weekday() not in WEEKEND and (day.month, day.day) not in HOLIDAYS


def _read_ahead(n: int) -> datetime.timedelta:
    # n working days take at most about 7/5 n calendar days plus the January holidays, so
    # this range needs no second query unless an administrator enters a long run of days off.
    return datetime.timedelta(days=2 * n + 21)


# The calendar's range: inputs are bounded far inside it (``core.dates``), so only a date
# already stored from elsewhere can fall outside; it gets a clear error, never an overflow
# of the arithmetic below (``date.min - 1 day``, ``date.max + n days``).
FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2199, 12, 31)
MAX_WORKING_DAYS = 3660  # about fourteen years of working days: far beyond any deadline


class DateRangeError(ValueError):
    """A date outside the production calendar's range (a Russian message)."""

    def __init__(self, day: datetime.date) -> None:
        super().__init__(_("Дата %(date)s вне допустимого диапазона (1900–2199 годы).")
                         % {"date": day.strftime("%d.%m.%Y")})


def _check_date(value: object) -> None:
    # A datetime is a date too, but its day depends on the time zone: local_date() first.
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError("a date is expected; convert a datetime with local_date()")
    if not FIRST_DAY <= value <= LAST_DAY:
        raise DateRangeError(value)


class _Calendar:
    """The ``CalendarDay`` rows from ``first`` on, read for a range that grows on demand."""

    def __init__(self, first: datetime.date, last: datetime.date) -> None:
        self._first = first
        self._last = first - ONE_DAY  # nothing read yet
        self._kinds: dict[datetime.date, str] = {}
        self._read_until(last)

    def _read_until(self, last: datetime.date) -> None:
        rows = CalendarDay.objects.filter(date__gt=self._last, date__lte=last)
        self._kinds.update(rows.values_list("date", "kind"))
        self._last = last

    def is_working(self, day: datetime.date) -> bool:
        if day < self._first:
            raise ValueError("the calendar was read from a later date")
        if day > self._last:
            # Double the range read so far: a handful of queries even for years ahead.
            self._read_until(min(max(day, self._last + (self._last - self._first) + ONE_DAY),
                                 max(day, LAST_DAY)))
        kind = self._kinds.get(day)
        if kind is None:
            return is_base_working_day(day)
        return kind == CalendarDayKind.WORKING


def is_working_day(day: datetime.date) -> bool:
    """Whether ``day`` is a working day of the production calendar (one query)."""
    _check_date(day)
    return _Calendar(day, day).is_working(day)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The deadline "within ``n`` working days from ``start``": the n-th working day after
    ``start``, which itself does not count. For ``n == 0``: ``start`` if it is a working
    day, otherwise the next working day."""
    _check_date(start)
    if n < 0:
        raise ValueError("n must not be negative")
    if n > MAX_WORKING_DAYS:
        raise ValueError(_("Слишком большой срок: не больше %(n)s рабочих дней.")
                         % {"n": MAX_WORKING_DAYS})
    calendar = _Calendar(start, min(start + _read_ahead(n), LAST_DAY))
    day = start
    if n == 0:
        while not calendar.is_working(day):
            if day >= LAST_DAY:
                raise DateRangeError(day + ONE_DAY)
            day += ONE_DAY
        return day
    counted = 0
    while counted < n:
        if day >= LAST_DAY:
            raise DateRangeError(day + ONE_DAY)
        day += ONE_DAY
        if calendar.is_working(day):
            counted += 1
    return day


def working_days(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The working days in [``start``, ``end``], in order, with one read of the calendar:
    for callers that need many deadlines or counts at once (lists, generated data)."""
    _check_date(start)
    _check_date(end)
    if end < start:
        return []
    calendar = _Calendar(start, end)
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)
            if calendar.is_working(start + datetime.timedelta(days=i))]


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The number of working days in (``start``, ``end``]; 0 when ``end <= start``.

    "Overdue by N working days" is ``working_days_between(deadline, today)``.
    """
    _check_date(start)
    _check_date(end)
    if end <= start:
        return 0
    calendar = _Calendar(start + ONE_DAY, end)
    days = (end - start).days
    return sum(calendar.is_working(start + datetime.timedelta(days=i))
               for i in range(1, days + 1))


def territory_time_zone(territory: Territory | None = None) -> datetime.tzinfo:
    """The territory's time zone, or ``settings.TIME_ZONE`` without a territory.

    Every territory carries its own zone: a new one takes its parent's unless another is
    given (``territory_create``), so no walk up the tree is needed.
    """
    name = getattr(territory, "time_zone", "") if territory is not None else ""
    return ZoneInfo(name) if name else timezone.get_default_timezone()


def local_date(dt: datetime.datetime, territory: Territory | None = None) -> datetime.date:
    """The calendar date of the aware datetime ``dt`` in the territory's time zone."""
    if timezone.is_naive(dt):
        raise ValueError("an aware datetime is expected")
    return timezone.localtime(dt, territory_time_zone(territory)).date()


def local_today(territory: Territory | None = None) -> datetime.date:
    """Today in the territory's time zone (in Omsk the day starts three hours before Moscow)."""
    return local_date(timezone.now(), territory)
