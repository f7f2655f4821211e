"""The registry of indicators: what each practice counts, defined in code.

An ``Indicator`` names one number of a practice's results (seed tables such as section
"Результаты" of seed 004), says in Russian exactly what is counted, and computes it for a
territory node (with everything below it) and a period of dates, both ends included.
Indicators are aggregates: a compute function returns numbers only, never a person.

A practice registers its indicators once, at start-up::

    from berezhno.indicators.registry import Indicator, Result, Unit, register

    register(Indicator(code="xx_people", practice=Practice.XX, name=_("…"),
                       definition=_("…"), unit=Unit.COUNT, compute=people_count))

from a module imported by an ``AppConfig.ready()`` (``indicators.py`` of any installed app
is imported automatically). Two indicators with one code are refused at start-up.

Indicators of one practice that rest on the same set (the families helped in the period)
share it through ``shared(key, compute)``: inside one report the set is read once.

An indicator may also declare its *grouped form*, ``compute_periods(territory, periods)``:
the values for several periods at once (the quarters of a chart) in a fixed number of
queries, instead of one evaluation per period. It must give exactly what ``compute`` gives
for each period; ``Indicator.compute_each`` uses it when declared and falls back to
``compute`` per period otherwise.
"""

import contextlib
import datetime
import functools
import itertools
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berezhno.cases.choices import Practice
from berezhno.territories.choices import POSELENIE_KINDS, Level
from berezhno.territories.models import Territory

RURAL_POSELENIE = POSELENIE_KINDS["rural"]

DASH = "—"


class Unit(models.TextChoices):
    COUNT = "count", gettext_lazy("количество")
    SHARE = "share", gettext_lazy("доля, %")


def percent(numerator: int, denominator: int) -> int | None:
    """A whole percent, rounded half up (64,5 → 65); ``None`` when there is no denominator."""
    if not denominator:
        return None
    return int((Decimal(100 * numerator) / Decimal(denominator)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Result:
    """The value of an indicator; a share carries its numerator and denominator."""

    value: int | None
    numerator: int | None = None
    denominator: int | None = None

    @classmethod
    def count(cls, n: int) -> "Result":
        return cls(value=n)

    @classmethod
    def share(cls, numerator: int, denominator: int) -> "Result":
        """A share in whole percent; a denominator of 0 gives no value (shown as "—")."""
        return cls(value=percent(numerator, denominator), numerator=numerator,
                   denominator=denominator)


Compute = Callable[[object, datetime.date, datetime.date], Result]


class Span(Protocol):
    """What the grouped form needs of a period: its first and last day, both included
    (``periods.Period`` is one)."""

    @property
    def start(self) -> datetime.date: ...

    @property
    def end(self) -> datetime.date: ...


ComputePeriods = Callable[[object, Sequence[Span]], list[Result]]


def _number(n: int) -> str:
    return number_format(n, force_grouping=True)


@dataclass(frozen=True)
class Indicator:
    """One indicator of a practice.

    ``compute(territory, start, end)`` counts over the records of ``territory`` and every
    node below it, for the dates ``start``…``end`` inclusive. ``as_fraction`` shows a share
    as "11 из 15 (73 %)" instead of "73 %".

    ``compute_periods(territory, periods)``, optional, is the grouped form: one ``Result``
    per period, in the order given, from a fixed number of queries whatever the number of
    periods (each record is grouped by the period its date falls in, in one pass). It is
    called with disjoint periods only (``compute_each`` computes overlapping ones one by
    one) and must equal ``[compute(territory, p.start, p.end) for p in periods]`` exactly;
    the tests of each practice assert it.
    """

    code: str
    practice: str
    name: object  # a lazy Russian string
    definition: object  # a lazy Russian string: exactly what is counted
    unit: str
    compute: Compute
    numerator_label: object = ""
    denominator_label: object = ""
    as_fraction: bool = False
    compute_periods: ComputePeriods | None = None

    @property
    def has_grouped_form(self) -> bool:
        return self.compute_periods is not None

    def compute_each(self, territory, periods: Sequence[Span]) -> list[Result]:
        """The indicator for each of ``periods``: by the grouped form when declared,
        otherwise by ``compute`` once per period."""
        periods = list(periods)
        if not periods:
            return []
        if self.compute_periods is None or not disjoint(periods):
            return [self.compute(territory, p.start, p.end) for p in periods]
        results = list(self.compute_periods(territory, periods))
        if len(results) != len(periods):
            raise ImproperlyConfigured(
                f"Indicator {self.code!r}: the grouped form returned {len(results)} results "
                f"for {len(periods)} periods.")
        return results

    @property
    def is_share(self) -> bool:
        return self.unit == Unit.SHARE

    @property
    def practice_label(self) -> str:
        return str(Practice(self.practice).label)

    def display(self, result: Result) -> str:
        """The value as shown beside the name: "58", "64 %", "11 из 15 (73 %)" or "—"."""
        if result.value is None:
            return DASH
        if not self.is_share:
            return _number(result.value)
        shown = _("%(value)s\u00a0%%") % {"value": _number(result.value)}
        if self.as_fraction and result.denominator is not None:
            return _("%(numerator)s из %(denominator)s (%(share)s)") % {
                "numerator": _number(result.numerator or 0),
                "denominator": _number(result.denominator), "share": shown}
        return shown


def disjoint(periods: Sequence[Span]) -> bool:
    """No day belongs to two of the periods (so a dated record falls in one at most)."""
    ordered = sorted(periods, key=lambda p: p.start)
    return all(a.end < b.start for a, b in itertools.pairwise(ordered))


class DuplicateIndicatorError(ImproperlyConfigured):
    """Two indicators registered with one code."""


class IndicatorRegistry:
    """Indicators by code, in the order they were registered."""

    def __init__(self) -> None:
        self._items: dict[str, Indicator] = {}

    def register(self, indicator: Indicator) -> Indicator:
        if indicator.code in self._items:
            raise DuplicateIndicatorError(
                f"Indicator code {indicator.code!r} is registered twice.")
        if indicator.practice not in Practice.values:
            raise ImproperlyConfigured(
                f"Indicator {indicator.code!r}: unknown practice {indicator.practice!r}.")
        if indicator.unit not in Unit.values:
            raise ImproperlyConfigured(
                f"Indicator {indicator.code!r}: unknown unit {indicator.unit!r}.")
        if indicator.compute_periods is not None and not callable(indicator.compute_periods):
            raise ImproperlyConfigured(
                f"Indicator {indicator.code!r}: compute_periods is not callable.")
        self._items[indicator.code] = indicator
        return indicator

    def unregister(self, code: str) -> None:
        """Remove an indicator (tests that register their own)."""
        self._items.pop(code, None)

    def get(self, code: str) -> Indicator:
        return self._items[code]

    def __contains__(self, code: str) -> bool:
        return code in self._items

    def __iter__(self) -> Iterator[Indicator]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def for_practice(self, practice: str) -> list[Indicator]:
        return [i for i in self._items.values() if i.practice == practice]


registry = IndicatorRegistry()
register = registry.register


# Work that several indicators of one report need (the families helped in a period, say) is
# done once per report: ``evaluate`` opens a scope, ``shared`` remembers within it.
_shared: ContextVar[dict | None] = ContextVar("berezhno_indicator_shared", default=None)


@contextlib.contextmanager
def shared_scope() -> Iterator[None]:
    """Within the block, ``shared`` computes each key once. Nothing outlives the outermost
    block, so a value is never older than the report that asked for it."""
    if _shared.get() is not None:  # nested: the enclosing report's scope goes on
        yield
        return
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def one_report(compute: Callable) -> Callable:
    """Decorate an indicator's compute function so that a call on its own (outside
    ``evaluate``) is a report too: what it shares is read once."""
    @functools.wraps(compute)
    def wrapper(*args, **kwargs):
        with shared_scope():
            return compute(*args, **kwargs)
    return wrapper


def shared(key: Hashable, compute: Callable[[], object]):
    """``compute()``, once per ``key`` inside ``shared_scope()``; outside it, every call."""
    cache = _shared.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


@dataclass(frozen=True)
class Subtree:
    """A territory node with every node below it, as the indicators filter by it."""

    ids: tuple[int, ...]  # the node and every node below it, active or not
    active_settlements: frozenset[int]
    rural_poseleniya: frozenset[int]  # active сельские поселения (decision 0037)


def subtree(node) -> Subtree:
    """The node's subtree, read once per report.

    Indicators filter records by ``territory_id IN (ids)`` rather than by a join on the path
    prefix: PostgreSQL estimates a list of ids from the column's statistics, while a
    ``LIKE 'path%'`` on the joined territories is estimated at one row and planned as a
    walk from there — on the benchmark region that plan took 2.2 s instead of 0.9 s
    (docs/indicators.md). A region has a few thousand nodes, well inside the parameter
    limits of both databases.
    """
    def read() -> Subtree:
        rows = list(Territory.objects.filter(path__startswith=node.path).order_by("path")
                    .values_list("pk", "level", "is_active", "kind"))
        return Subtree(tuple(pk for pk, _level, _active, _kind in rows),
                       frozenset(pk for pk, level, active, _kind in rows
                                 if level == Level.SETTLEMENT and active),
                       frozenset(pk for pk, level, active, kind in rows
                                 if level == Level.POSELENIE and active
                                 and kind.strip().lower() == RURAL_POSELENIE))

    return shared(("subtree", node.pk, node.path), read)
