"""Every read of support cases for the views, starting from the scope.

Lists load their related data in bulk: a page of cases, the case card, the worklist, the
partner inbox, the dispatcher board and the printed programme and case file each cost a
fixed number of queries whatever the number of rows.
"""

import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    QuerySet,
)

from berezhno.core.workdays import local_today
from berezhno.territories.selectors import home_territory

from .. import deadlines
from ..choices import (
    ActivityStatus,
)

OPEN_ACTIVITY = (ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS)
ONE_DAY = datetime.timedelta(days=1)
# The worklist shows a case deadline this many days ahead, so it is met, not just missed.
DUE_SOON_DAYS = 3
BOARD_LIMIT = 100  # cards on the board; filters narrow it down


# --------------------------------------------------------------------------- two-step lists


class TwoStep:
    """A list read in two steps (decision 0008): the ids of the requested slice from
    ``ids`` (a query that index scans answer: no joins, ordered and limited), then the
    rows of those ids from ``rows`` (the scope, the joins the page shows), put back in the
    order of the ids. Sliced like a queryset and counted, so that the page's ``paginate``
    and the API's paginator read it as they read a queryset. ``rows`` is usually the
    scope again, so an id that ``ids`` found outside it is dropped; where ``ids`` is the
    user's scope itself (the case list), ``rows`` may be the bare model."""

    def __init__(self, *, ids: QuerySet, rows: QuerySet):
        self.ids = ids
        self.rows = rows

    def count(self) -> int:
        return self.ids.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, k):
        if not isinstance(k, slice):
            found = self[k:k + 1]
            if not found:
                raise IndexError(k)
            return found[0]
        pks = self._ids(k)
        if not pks:
            return []
        by_pk = {row.pk: row for row in self.rows.filter(pk__in=pks).order_by()}
        return [by_pk[pk] for pk in pks if pk in by_pk]

    def __iter__(self):
        return iter(self[:])

    def _ids(self, k: slice) -> list:
        return list(self.ids.values_list("pk", flat=True)[k])


class SortedScope(TwoStep):
    """A ``TwoStep`` whose ids come from the scope's own index scans when the scope is
    small: the scope's ``key`` values (at most ``SPARSE`` of them) are read with no ORDER
    BY, which PostgreSQL answers with a bitmap OR of the scope's indexes, then sorted.
    Ordered and limited in the database, a scope that is an OR of branches (the district's
    territory, "responsible = me", the cases whose activities I carry out) made PostgreSQL
    walk the region's ``case_received`` index backwards and drop tens of thousands of rows
    (1 s on the benchmark region); a larger scope is dense enough for that walk, which is
    then kept. ``key`` are field names, all sorted the same way (``descending``).

    The small scope's rows are read first (MATERIALIZED keeps PostgreSQL from pushing the
    ORDER BY into the scan), then sorted and sliced in the database, with the number of
    rows read, which says whether the scope was small after all: a page asks for its ids
    alone; a count (the API's paginator counts first) reads all the sorted ids of a small
    scope once and pages from them, one query for both."""

    SPARSE = 5000

    def __init__(self, *, ids: QuerySet, rows: QuerySet, key: tuple[str, ...],
                 descending: bool = False):
        super().__init__(ids=ids, rows=rows)
        self.key = key
        self.descending = descending
        self._all: list | None = None  # a small scope's sorted ids, once counted

    def count(self) -> int:
        if self._all is None:
            rows = self._sorted(None, 0)  # nothing for a large scope (or an empty one)
            if not rows:
                return super().count()  # no query for a scope empty by construction
            self._all = [row[-2] for row in rows]
        return len(self._all)

    def _ids(self, k: slice) -> list:
        if self._all is not None:
            return self._all[k]
        start, stop = k.start or 0, k.stop
        if k.step is not None or stop is None or stop > self.SPARSE or start >= stop:
            return super()._ids(k)  # the whole list, or past what a small scope holds
        rows = self._sorted(stop - start, start)
        if rows and rows[0][-1] > self.SPARSE:
            return super()._ids(k)  # a large scope: walked in order
        return [row[-2] for row in rows]

    def _sorted(self, limit: int | None, offset: int) -> list[tuple]:
        """The small scope's (key…, pk, number of rows read), sorted, ``limit`` from
        ``offset``; for a large scope, rows whose last value is over ``SPARSE`` (a page)
        or none (``limit`` None: the whole of a small scope, or nothing)."""
        pairs = self.ids.order_by().values_list(*self.key, "pk")[:self.SPARSE + 1]
        try:
            sql, params = pairs.query.sql_with_params()
        except EmptyResultSet:  # a scope that is empty by construction (no grant)
            return []
        direction = " DESC" if self.descending else ""
        order = ", ".join(f"{i}{direction}" for i in range(1, len(self.key) + 1))
        connection = connections[pairs.db]
        materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
        where, page, page_params = "", "", []
        if limit is None:  # all of a small scope's ids, or nothing
            where, page_params = " WHERE (SELECT COUNT(*) FROM s) <= %s", [self.SPARSE]
        else:
            page, page_params = " LIMIT %s OFFSET %s", [limit, offset]
        # The ORM's compiled query and constants only; values are parameters.
        query = (f"WITH s AS {materialized}({sql}) SELECT s.*, (SELECT COUNT(*) FROM s) "  # noqa: S608
                 f"FROM s{where} ORDER BY {order}{page}")
        with connection.cursor() as cursor:
            cursor.execute(query, (*params, *page_params))
            return cursor.fetchall()


# --------------------------------------------------------------------------- dates


def user_today(user) -> datetime.date:
    """Today in the time zone of the user's first territory (deadlines are local dates)."""
    return local_today(home_territory(user))


def overdue_working_days(dates, today: datetime.date) -> dict[datetime.date, int]:
    """For each past deadline, the working days in (deadline, today]: "overdue by N"
    (``deadlines.overdue_working_days_at`` for one date), one calendar read."""
    days = deadlines.overdue_working_days_at((d, today) for d in dates)
    return {d: n for (d, _t), n in days.items()}


