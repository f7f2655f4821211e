"""The worklist of activities and the Family Dispatch board."""


import datetime
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from berezhno.cases import roles
from berezhno.core import audit
from berezhno.core.views_utils import Page
from berezhno.territories.models import Territory

from .. import deadlines
from ..choices import (
    ACTIVE_STATUSES,
    ActivityStatus,
    CaseStatus,
    PlanStatus,
    Practice,
)
from ..models import Activity, CaseProblem, Plan, Problem, SupportCase
from .common import BOARD_LIMIT, DUE_SOON_DAYS, OPEN_ACTIVITY, TwoStep, user_today
from .lists import case_queryset

# --------------------------------------------------------------------------- worklist


@dataclass
class Worklist:
    today: datetime.date
    activities: Page  # the open activities, a page of them
    finished: list
    cases: list
    more_cases: bool = False


WORKLIST_PAGE = 30  # a screenful; overdue ones come first
WORKLIST_CASES = 50
# What the worklist lists unless asked otherwise: the user's own open activities of the
# programmes in force (filters.ActivityFilterSet takes the same keys).
WORKLIST_FILTERS = {"mine": True, "status": "open", "plan_status": PlanStatus.APPROVED}


def activity_search(user, *, on: deadlines.When_ = None, mine: bool | None = None,
                    status: str = "", plan_status: str = "", service_type: str = "",
                    case: SupportCase | int | None = None, plan: Plan | int | None = None,
                    overdue: bool | None = None):
    """Activities the user sees, by due date: the worklist page and the API
    (``filters.ActivityFilterSet``). "My" activities are read in two steps: the ids of a
    page from the user's own assignments (an index walk with no joins), then the rows
    through the scope. Sorting and limiting before the joins keeps the cost flat however
    many activities a specialist carries (the generated psychologist has 2 340)."""
    def narrow(qs):
        if mine is not None:
            qs = qs.filter(responsible_user=user) if mine else qs.exclude(
                responsible_user=user)
        if status == "open":
            qs = qs.filter(status__in=OPEN_ACTIVITY)
        elif status:
            qs = qs.filter(status=status)
        if plan_status:
            qs = qs.filter(plan__status=plan_status)
        if service_type:
            qs = qs.filter(service_type=service_type)
        if case is not None:
            qs = qs.filter(case=case)
        if plan is not None:
            qs = qs.filter(plan=plan)
        if overdue is not None:
            late = deadlines.activity_overdue_q(on)
            qs = qs.filter(late) if overdue else qs.exclude(late)
        return qs.order_by("due_date", "id")

    rows = narrow(Activity.objects.restrict(user, roles.VIEW)).select_related(
        "case__person", "case__territory", "plan", "problem", "responsible_user", "partner")
    if mine:
        return TwoStep(ids=narrow(Activity.objects.all()), rows=rows)
    # Not read in two steps: the activity scope's OR runs across a join (the case's
    # territory, "mine", "of my cases"), so even its ids cost a scan (docs/performance.md).
    return rows


def mark_activities(items, on: deadlines.When_ = None) -> list:
    """Give each activity ``overdue`` and ``overdue_days`` (working days since its due
    date), one calendar read for the list; case and plan loaded."""
    items = list(items)
    for a in items:
        a.today = deadlines.local_day(a.case.territory, on)
        a.overdue = deadlines.activity_is_overdue(a, a.today)
    late = deadlines.overdue_working_days_at((a.due_date, a.today) for a in items if a.overdue)
    for a in items:
        a.overdue_days = late.get((a.due_date, a.today)) if a.overdue else None
    return items


def worklist(user, page: int = 1, finished_limit: int = 20, filters: dict | None = None
             ) -> Worklist:
    """The activities assigned to the user (open ones by due date, a page at a time; the
    last finished ones) and the user's cases whose deadlines are near or missed (the most
    pressing ``WORKLIST_CASES``). ``filters`` narrow the activities (``activity_search``);
    by default ``WORKLIST_FILTERS``."""
    today = user_today(user)
    page = max(1, min(page, 10000))
    start = (page - 1) * WORKLIST_PAGE
    found = list(activity_search(user, **(WORKLIST_FILTERS if filters is None else filters))
                 [start:start + WORKLIST_PAGE + 1])
    open_items = mark_activities(found[:WORKLIST_PAGE])
    # The last finished ones, whatever became of their plan since (index activity_finished);
    # the table shows the date, title, case number and status only.
    done_ids = list(Activity.objects.filter(
        responsible_user=user, status__in=[ActivityStatus.DONE, ActivityStatus.NOT_DONE])
        .order_by("-finished_on", "-id").values_list("pk", flat=True)[:finished_limit])
    finished = list(Activity.objects.restrict(user, roles.VIEW).filter(
        pk__in=done_ids).select_related("case").order_by("-finished_on", "-id"))
    soon = deadlines.case_overdue_q(within=datetime.timedelta(days=DUE_SOON_DAYS))
    cases = list(deadlines.mark_overdue(deadlines.with_pending(
        case_queryset(user).filter(responsible=user, status__in=ACTIVE_STATUSES).filter(
            soon | Q(status=CaseStatus.REVIEW)))
        .select_related("person", "territory").order_by("decision_due", "programme_due", "id")
        [:WORKLIST_CASES + 1]))
    for case in cases:
        case.next_deadline = _next_deadline(case)
    audit.log_reads(user=user, objects=[*open_items, *finished, *cases[:WORKLIST_CASES]])
    return Worklist(today=today, activities=Page(
        items=open_items, number=page, has_next=len(found) > WORKLIST_PAGE,
        size=WORKLIST_PAGE),
        finished=finished, cases=cases[:WORKLIST_CASES], more_cases=len(cases) > WORKLIST_CASES)


def _next_deadline(case: SupportCase) -> tuple[str, datetime.date | None]:
    if case.status == CaseStatus.INTAKE:
        return _("решение о нуждаемости"), case.decision_due
    if case.status == CaseStatus.PLANNING:
        return _("утверждение программы"), case.programme_due
    if case.status == CaseStatus.REVIEW:
        return _("подведение итогов и закрытие"), case.review_since
    return _("мероприятие программы"), case.pending_activity


def cases_in_scope(user, ids) -> set[int]:
    return set(case_queryset(user).filter(pk__in=list(ids)).values_list("pk", flat=True))


# --------------------------------------------------------------------------- board


class Board:
    """Active Family Dispatch cases in scope, grouped by identified problem: the page's
    cards (at most ``BOARD_LIMIT``) and the workload, and the API's counts per problem.
    Each part is read when first asked for, from the one filtered queryset ``scope``."""

    def __init__(self, *, scope: QuerySet, today: datetime.date, on: deadlines.When_):
        self.scope = scope
        self.today = today
        self.on = on

    @cached_property
    def _cards(self) -> list:
        cases = deadlines.mark_overdue(deadlines.with_pending(self.scope).select_related(
            # decision_due is never null: NULLS FIRST only keeps PostgreSQL from walking the
            # region-wide decision_due index in search of the scope's first cases (140 ms
            # on the benchmark region) instead of sorting the scope's few thousand (10 ms).
            "person", "responsible", "territory").order_by(
            F("decision_due").asc(nulls_first=True), "id")[:BOARD_LIMIT + 1], self.on)
        statuses = dict(CaseStatus.choices)
        for c in cases[:BOARD_LIMIT]:
            c.card_name = c.person.full_name
            c.card_status = statuses.get(c.status, c.status)
            c.card_responsible = c.responsible.short_name
        by_id = {c.pk: c for c in cases[:BOARD_LIMIT]}
        audit.log_request_reads(by_id.values())  # the cards name the applicants
        links = CaseProblem.objects.filter(case_id__in=list(by_id)).values_list(
            "case_id", "problem_id").order_by("problem__order", "problem__name", "case_id")
        # A family sits in one column, its first problem's in the catalogue's order; its
        # other problems are named on its card, and the summary counts every problem.
        of_case: dict[int, list[int]] = defaultdict(list)
        for case_id, problem_id in links:
            of_case[case_id].append(problem_id)
        problems = {p.pk: p for p in Problem.objects.filter(
            pk__in={pid for ids in of_case.values() for pid in ids})}
        grouped: dict[int, list] = defaultdict(list)
        counted: dict[int, int] = defaultdict(int)
        for case in by_id.values():
            ids = of_case.get(case.pk, [])
            case.card_other_problems = [problems[pid].name for pid in ids[1:]]
            if ids:
                grouped[ids[0]].append(case)
            for pid in ids:
                counted[pid] += 1
        ordered = sorted(problems.values(), key=lambda p: (p.order, p.name))
        columns = [(p.name, grouped[p.pk]) for p in ordered if grouped[p.pk]]
        columns.append((_("Проблемы не выявлены"),
                        [c for c in by_id.values() if c.pk not in of_case]))
        summary = [(p.name, counted[p.pk]) for p in ordered]
        return [cases, columns, summary]

    @property
    def columns(self) -> list:
        """(title, [cases]): one per catalogue problem that is the first problem of a case
        shown, then "none"; every case shown is in exactly one column."""
        return self._cards[1]

    @property
    def summary(self) -> list:
        """(problem, cases shown with it): every problem of the cases shown, in the
        catalogue's order (a case with two problems counts in both)."""
        return self._cards[2]

    @property
    def total(self) -> int:
        return min(len(self._cards[0]), BOARD_LIMIT)

    @property
    def truncated(self) -> bool:
        return len(self._cards[0]) > BOARD_LIMIT

    @cached_property
    def workload(self) -> list[dict]:
        """Rows: user, cases, open activities, overdue activities."""
        return _workload(self.scope, self.scope.values("pk"), self.on)

    @cached_property
    def counts(self) -> list[dict]:
        """Every case of the scope counted per problem (not only the cards shown), then
        those without a problem: ``problem`` (id or None), ``name``, ``cases``."""
        rows = (CaseProblem.objects.filter(case__in=self.scope.values("pk"))
                .values("problem_id", "problem__name", "problem__order")
                .annotate(n=Count("case_id")).order_by("problem__order", "problem__name"))
        # An anti-join: NOT IN over the whole problem table is a row-by-row subplan.
        without = self.scope.exclude(
            Exists(CaseProblem.objects.filter(case=OuterRef("pk")))).count()
        data = [{"problem": r["problem_id"], "name": r["problem__name"], "cases": r["n"]}
                for r in rows]
        data.append({"problem": None, "name": _("Проблемы не выявлены"), "cases": without})
        return data


def board(user, *, on: deadlines.When_ = None, territory: Territory | None = None,
          status: str = "", overdue: bool | None = None) -> Board:
    """The dispatcher's board (``filters.BoardFilterSet``): the page and the API."""
    qs = case_queryset(user).filter(practice=Practice.FAMILY_DISPATCH,
                                    status__in=ACTIVE_STATUSES)
    if status:
        qs = qs.filter(status=status)
    if territory is not None:
        qs = qs.filter(territory__in=Territory.objects.filter(path__startswith=territory.path))
    if overdue is not None:
        late = deadlines.case_overdue_q(on)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return Board(scope=qs, today=user_today(user), on=on)


def _workload(qs, ids_qs, on) -> list[dict]:
    responsible = dict(qs.order_by().values("responsible_id").annotate(n=Count("pk"))
                       .values_list("responsible_id", "n"))
    activities: dict[int, Any] = {
        row["responsible_user_id"]: row for row in Activity.objects.filter(
        case_id__in=ids_qs, plan__status=PlanStatus.APPROVED, status__in=OPEN_ACTIVITY,
        responsible_user__isnull=False).order_by().values("responsible_user_id").annotate(
        open=Count("pk"), late=Count("pk", filter=deadlines.activity_overdue_q(on)))}
    users = get_user_model().objects.filter(pk__in=set(responsible) | set(activities)).order_by(
        "last_name", "first_name")
    return [{"user": u, "cases": responsible.get(u.pk, 0),
             "open": activities.get(u.pk, {}).get("open", 0),
             "late": activities.get(u.pk, {}).get("late", 0)} for u in users]
