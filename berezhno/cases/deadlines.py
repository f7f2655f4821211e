"""What is overdue: one rule per kind of record, counted in the territory's local date.

A deadline is a local date: the decision on need is due on 2 March *in Omsk*, and from
Omsk's midnight (18:00 UTC, 21:00 in Moscow, the server's zone) it is missed there although
the server's calendar still says 1 March. So every rule here judges a record by the date of
its case's territory.

Each rule has two forms built from one definition, so that a list, its filter and its
labels cannot disagree:

- a ``Q`` for querysets: the case list and its API, the board, the worklist, the
  reminders (and, in their apps, the partner inbox and the СОП register);
- the explanation of one record (which deadline is missed, since when) for the labels of
  the pages, the API's ``is_overdue`` and the printed forms.

``on`` says when: ``None`` (now) or an aware datetime, at which each record is judged by its
territory's local date; or a date, which then holds everywhere (a report date, the
reminders of a given day, tests).
"""

import bisect
import datetime
import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    DateField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from berezhno.core.workdays import local_date, working_days
from berezhno.territories.choices import TIME_ZONES

from .choices import ACTIVE_STATUSES, ActivityStatus, CaseStatus, Decision, PlanStatus
from .models import Activity, Plan, SupportCase

When_ = datetime.date | datetime.datetime | None
StrOrPromise = str | Promise

OPEN_ACTIVITY = (ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS)
ONE_DAY = datetime.timedelta(days=1)
# A date no deadline reaches: stands for "none" where SQL's LEAST would give NULL on SQLite.
NEVER = datetime.date(9999, 12, 31)


# --------------------------------------------------------------------------- local dates


def _moment(on: When_) -> datetime.datetime | None:
    if on is None:
        return timezone.now()
    if isinstance(on, datetime.datetime):
        return on
    return None  # a date: the same everywhere


def local_day(territory, on: When_ = None) -> datetime.date:
    """The date at ``on`` where ``territory`` is (a given date stays as it is)."""
    moment = _moment(on)
    if moment is None:
        return on  # type: ignore[return-value]
    return local_date(moment, territory)


def _zone_days(moment: datetime.datetime) -> list[tuple[datetime.date, list[str] | None]]:
    """The local dates at ``moment`` with the zones that have each; the group of the
    server's zone is given as ``None``: every zone not named in another group."""
    default = settings.TIME_ZONE
    by_day: dict[datetime.date, list[str]] = defaultdict(list)
    for zone in dict.fromkeys([default, *(z for z, _label in TIME_ZONES)]):
        by_day[timezone.localtime(moment, ZoneInfo(zone)).date()].append(zone)
    return [(day, None if default in zones else zones) for day, zones in sorted(by_day.items())]


def by_local_day(on: When_, zone_field: str, build: Callable[[datetime.date], Q]) -> Q:
    """``build(day)`` for the records whose territory (its time zone at ``zone_field``)
    has the date ``day`` at ``on``: one condition while all zones share a date (most of the
    day), else one branch per date, which joins the territory."""
    moment = _moment(on)
    if moment is None:
        return build(on)  # type: ignore[arg-type]
    groups = _zone_days(moment)
    if len(groups) == 1:
        return build(groups[0][0])
    named = [z for _day, zones in groups if zones for z in zones]
    branches = []
    for day, zones in groups:
        where = (Q(**{f"{zone_field}__in": zones}) if zones is not None
                 else ~Q(**{f"{zone_field}__in": named}))
        branches.append(where & build(day))
    return functools.reduce(operator.or_, branches)


# --------------------------------------------------------------------------- activities


def _activity_pending(prefix: str = "") -> Q:
    """An activity that still has to be done by its due date: open, in the programme in
    force, of a case in work."""
    return Q(**{f"{prefix}plan__status": PlanStatus.APPROVED,
                f"{prefix}status__in": OPEN_ACTIVITY,
                f"{prefix}case__status__in": ACTIVE_STATUSES})


def activity_overdue_q(on: When_ = None, prefix: str = "") -> Q:
    """Activities past their due date (``prefix`` for a path from another model)."""
    return _activity_pending(prefix) & by_local_day(
        on, f"{prefix}case__territory__time_zone",
        lambda day: Q(**{f"{prefix}due_date__lt": day}))


def activity_is_overdue(activity: Activity, on: When_ = None) -> bool:
    """The rule of ``activity_overdue_q`` for one activity (its plan and case loaded)."""
    return (activity.status in OPEN_ACTIVITY and activity.plan.status == PlanStatus.APPROVED
            and activity.case.status in ACTIVE_STATUSES
            and activity.due_date < local_day(activity.case.territory, on))


# --------------------------------------------------------------------------- contributions


@dataclass(frozen=True)
class CaseDeadline:
    """A deadline an app above the spine adds to its cases (the СОП deadlines, say).

    ``late(day)``: a condition on ``SupportCase`` — the case has a record of the app whose
    deadline is missed on ``day``; ``pending()``: an expression on ``SupportCase`` — the
    earliest such deadline still to meet (null if none), the date ``late`` compares with the
    day. The case is overdue by it from the day after ``pending``: both must say the same.
    ``short_label`` names it in a list's deadline column («СОП: 01.02.2026»), ``label`` if
    not given.
    """

    code: str
    label: StrOrPromise
    late: Callable[[datetime.date], Any]
    pending: Callable[[], Any]
    short_label: StrOrPromise = ""


@dataclass(frozen=True)
class CaseFlag:
    """A mark a case list shows beside the status (the family is on the СОП register):
    ``condition()`` an expression on ``SupportCase``."""

    code: str
    label: StrOrPromise
    title: StrOrPromise
    condition: Callable[[], Any]


_deadlines: dict[str, CaseDeadline] = {}
_flags: dict[str, CaseFlag] = {}


def register_case_deadline(deadline: CaseDeadline) -> None:
    if deadline.code in SPINE_DEADLINES:
        raise ValueError(f"case deadline {deadline.code!r} is the spine's")
    _deadlines[deadline.code] = deadline


def register_case_flag(flag: CaseFlag) -> None:
    _flags[flag.code] = flag


def case_flags() -> list[CaseFlag]:
    return list(_flags.values())


# --------------------------------------------------------------------------- cases


def _no_approved_plan() -> Any:  # ~Exists: a combinable the stubs do not type as Q
    return ~Exists(Plan.objects.filter(case=OuterRef("pk"), status=PlanStatus.APPROVED))


def _decision_pending() -> Q:
    return Q(status=CaseStatus.INTAKE, decision=Decision.NONE)


def _programme_pending() -> Any:
    return Q(status__in=[CaseStatus.INTAKE, CaseStatus.PLANNING]) & _no_approved_plan()


def case_conditions(day: datetime.date) -> dict[str, Any]:
    """The missed deadlines of a case on ``day``, one condition each: the decision on need,
    the programme, an activity of the programme, and those the apps add (a СОП deadline
    of the family)."""
    late_activity = Activity.objects.filter(
        _activity_pending(), case=OuterRef("pk"), due_date__lt=day)
    return {
        "decision": _decision_pending() & Q(decision_due__lt=day),
        "programme": _programme_pending() & Q(programme_due__lt=day),
        "activity": Q(status__in=ACTIVE_STATUSES) & Exists(late_activity),
        **{code: d.late(day) for code, d in _deadlines.items()},
    }


def case_overdue_q(on: When_ = None, within: datetime.timedelta | None = None) -> Q:
    """Cases with a missed deadline (or, with ``within``, one due within that time: the
    worklist shows what is about to be missed)."""
    shift = within or datetime.timedelta(0)
    return by_local_day(on, "territory__time_zone", lambda day: functools.reduce(
        operator.or_, case_conditions(day + shift).values()))


def with_pending(qs: QuerySet) -> QuerySet:
    """Annotate each case with the deadlines it still has to meet, whatever the date:
    ``pending_decision``, ``pending_programme`` (the date or null), ``pending_activity``
    (the earliest due date of its open activities), ``pending_<code>`` of each deadline the
    apps add (``register_case_deadline``: the СОП deadlines) and ``flag_<code>`` of each
    flag (``register_case_flag``). A deadline is missed when it is before the case's local
    date (``case_missed``), the same rule as ``case_conditions``."""
    next_activity = Activity.objects.filter(_activity_pending(), case=OuterRef("pk")).order_by(
        "due_date")
    return qs.annotate(
        pending_decision=Case(When(_decision_pending(), then="decision_due"),
                              output_field=DateField()),
        pending_programme=Case(When(_programme_pending(), then="programme_due"),
                               output_field=DateField()),
        pending_activity=Subquery(next_activity.values("due_date")[:1]),
        **{f"pending_{code}": d.pending() for code, d in _deadlines.items()},
        **{f"flag_{code}": f.condition() for code, f in _flags.items()},
    )


SPINE_DEADLINES = ("decision", "programme", "activity")
SPINE_DEADLINE_LABELS = {"decision": gettext_lazy("решение"),
                         "programme": gettext_lazy("программа"),
                         "activity": gettext_lazy("мероприятие")}


def deadline_short_label(code: str) -> StrOrPromise:
    """How a list's deadline column names a missed deadline of a case."""
    if code in SPINE_DEADLINE_LABELS:
        return SPINE_DEADLINE_LABELS[code]
    deadline = _deadlines[code]
    return deadline.short_label or deadline.label


def case_deadline_codes() -> tuple[str, ...]:
    """The spine's deadlines of a case, then those the apps add."""
    return (*SPINE_DEADLINES, *_deadlines)


def case_missed(case: SupportCase, on: When_ = None, within: datetime.timedelta | None = None
                ) -> dict[str, datetime.date]:
    """The missed deadlines of a case annotated by ``with_pending``: code → due date."""
    day = local_day(case.territory, on) + (within or datetime.timedelta(0))
    missed = {}
    for code in case_deadline_codes():
        due = getattr(case, f"pending_{code}")
        if due is not None and due < day:
            missed[code] = due
    return missed


def mark_overdue(cases: Iterable[Any], on: When_ = None) -> list:
    """Set ``overdue_since`` (the earliest missed deadline), ``overdue_days`` (working days
    since, "overdue by N") and ``today`` (the case's local date) on cases annotated by
    ``with_pending``, whose territory is loaded; one calendar read for the whole list."""
    cases = list(cases)
    flags = case_flags()
    for case in cases:
        case.flags = [f for f in flags if getattr(case, f"flag_{f.code}", False)]
        case.today = local_day(case.territory, on)
        missed = case_missed(case, case.today)
        case.late = missed
        case.overdue_since = min(missed.values()) if missed else None
    days = overdue_working_days_at([(c.overdue_since, c.today) for c in cases])
    for case in cases:
        case.overdue_days = days.get((case.overdue_since, case.today))
    return cases


def case_is_overdue(case: SupportCase, on: When_ = None) -> bool:
    return bool(case_missed(case, on))


# --------------------------------------------------------------------------- working days


def overdue_working_days_at(pairs: Iterable[tuple[datetime.date | None, datetime.date]]
                            ) -> dict[tuple[datetime.date, datetime.date], int]:
    """For each (deadline, today) with the deadline past: the working days in
    (deadline, today], "overdue by N" — as ``workdays.working_days_between``, with one read
    of the production calendar for the whole list."""
    past = {(d, t) for d, t in pairs if d is not None and d < t}
    if not past:
        return {}
    first = min(d for d, _t in past)
    days = working_days(first + ONE_DAY, max(t for _d, t in past))
    return {(d, t): bisect.bisect_right(days, t) - bisect.bisect_right(days, d)
            for d, t in past}
