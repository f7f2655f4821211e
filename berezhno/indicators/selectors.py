"""Reads for the indicator pages, exports and API: scope, values, chart series.

The territory of a report is always looked up among the nodes where the user may view
indicators (``territories_in_scope(user, "indicator", "view")``, subtrees included), so a
node out of scope is the same 404 as a missing one.
"""

import contextlib
import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from berezhno.core.access import can, territories_in_scope
from berezhno.core.views_utils import get_or_404
from berezhno.core.workdays import local_today
from berezhno.indicators import roles
from berezhno.territories.models import Territory

from . import periods
from .registry import Indicator, Result, registry, shared_scope

MAX_ID = 2**63 - 1



def report_cache_seconds() -> int:
    """How long a report's figures are kept (decision 0039; 0: not kept): aggregates of a
    territory, the same for every reader of it, and up to a second to compute for a
    region. ``BEREZHNO_REPORT_CACHE_SECONDS``, default 600."""
    return getattr(settings, "BEREZHNO_REPORT_CACHE_SECONDS", 600)


def may_view(user) -> bool:
    return can(user, roles.INDICATOR, roles.VIEW)


def report_territories(user) -> QuerySet:
    """The nodes the user may report on, in tree order."""
    return territories_in_scope(user, roles.INDICATOR, roles.VIEW).order_by("path")


def default_territory(user) -> Territory | None:
    """The user's top node: the highest level in scope (the first of several)."""
    return report_territories(user).order_by("level", "path").first()


def territory_or_404(user, raw) -> Territory:
    """A node in the user's scope by id; out of scope, missing or malformed is a 404."""
    try:
        pk = int(str(raw).strip())
    except (TypeError, ValueError):
        pk = 0
    return get_or_404(report_territories(user), pk=pk if 0 < pk <= MAX_ID else 0)


def territory_label(territory: Territory) -> str:
    """The node with its ancestors: "Омская область › Называевский район"."""
    names = dict(Territory.objects.filter(pk__in=territory.ancestor_ids())
                 .values_list("pk", "name"))
    return " › ".join(names.get(pk, "") for pk in territory.ancestor_ids() if pk in names)


def today(territory: Territory | None = None) -> datetime.date:
    """Today in the territory's time zone: the dates of its records are local dates too."""
    return local_today(territory)


@contextlib.contextmanager
def report_scope() -> Iterator[None]:
    """One report: shared work is done once, and PostgreSQL does not JIT-compile.

    These are one-off aggregate plans over large tables: compiling them cost more than it
    saved (on the benchmark region about 5 s of compilation for a query of 8 s), so the
    report's transaction turns JIT off for itself only. SQLite needs no transaction (its
    ``BEGIN IMMEDIATE`` would even take the write lock for a read).
    """
    with shared_scope():
        if connection.vendor != "postgresql":
            yield
            return
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
            yield


@dataclass(frozen=True)
class Row:
    indicator: Indicator
    result: Result

    @property
    def display(self) -> str:
        return self.indicator.display(self.result)


def evaluate(practice: str, territory: Territory, start: datetime.date,
             end: datetime.date) -> list[Row]:
    """Every indicator of the practice for the node and period, in registry order."""
    with report_scope():
        return [Row(ind, ind.compute(territory, start, end))
                for ind in registry.for_practice(practice)]


def evaluate_cached(practice: str, territory: Territory, start: datetime.date,
                    end: datetime.date, *, fresh: bool = False
                    ) -> tuple[list[Row], datetime.datetime]:
    """``evaluate`` kept in the cache for ``report_cache_seconds()``, with the time it was
    computed (decision 0039). The key names the practice, the node, the period and the
    node's local date (a new day is a new key: "today" bounds open periods); ``fresh``
    computes again and replaces what is kept. Only values are kept: the indicators are
    the registry's, so a changed registry (an indicator added) is computed afresh."""
    key = (f"indicators:report:{practice}:{territory.pk}:{start:%Y%m%d}:{end:%Y%m%d}:"
           f"{today(territory):%Y%m%d}")
    indicators = registry.for_practice(practice)
    seconds = report_cache_seconds()
    found = None if fresh or not seconds else cache.get(key)
    if found is not None:
        computed_at, values = found
        if [code for code, _ in values] == [i.code for i in indicators]:
            return [Row(i, r) for i, (_, r) in zip(indicators, values, strict=True)], \
                computed_at
    rows = evaluate(practice, territory, start, end)
    computed_at = timezone.now()
    if seconds:
        cache.set(key, (computed_at, [(row.indicator.code, row.result) for row in rows]),
                  seconds)
    return rows, computed_at


@dataclass(frozen=True)
class Series:
    """One count indicator by quarter of a year; ``None`` for a quarter not begun yet."""

    indicator: Indicator
    year: int
    points: list[tuple[periods.Period, int | None]]


def quarterly_series(practice: str, territory: Territory, year: int,
                     on: datetime.date | None = None) -> list[Series]:
    """Each count indicator of the practice for the four quarters of ``year``.

    The quarters begun by ``on`` are computed together, by the indicator's grouped form
    when it declares one (``Indicator.compute_each``): one pass over the records for all
    of them instead of one evaluation per quarter.
    """
    on = on or today(territory)
    quarters = periods.quarters(year)
    begun = [q for q in quarters if q.start <= on]
    with report_scope():
        series = []
        for ind in registry.for_practice(practice):
            if ind.is_share:
                continue
            values = dict(zip(begun, [r.value for r in ind.compute_each(territory, begun)],
                              strict=True))
            series.append(Series(ind, year, [(q, values.get(q)) for q in quarters]))
        return series
