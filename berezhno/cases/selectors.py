"""Every read of support cases for the views, starting from the scope.

Lists load their related data in bulk: a page of cases, the case card, the worklist, the
partner inbox, the dispatcher board and the printed programme and case file each cost a
fixed number of queries whatever the number of rows.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)

from berezhno.accounts.choices import OrganisationKind
from berezhno.accounts.models import Organisation, RoleAssignment
from berezhno.cases import roles
from berezhno.core import access
from berezhno.core.access import territories_in_scope, user_grants
from berezhno.core.models import DomainEvent
from berezhno.core.text import normalize_name
from berezhno.core.views_utils import Page
from berezhno.core.workdays import local_today
from berezhno.people.models import Consent, Contact, Household, HouseholdMember, Person
from berezhno.people.selectors import person_search
from berezhno.territories.choices import Level
from berezhno.territories.models import Territory

from . import deadlines, extensions
from .choices import (
    ACTIVE_STATUSES,
    ActivityStatus,
    CaseStatus,
    NeedCircumstance,
    PlanStatus,
    Practice,
)
from .models import Activity, ActivitySession, CaseProblem, Plan, Problem, SupportCase

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
    and the API's paginator read it as they read a queryset; ``rows`` filters to the
    user's scope again, so an id that ``ids`` found outside it is dropped."""

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
    BY, which PostgreSQL answers with a bitmap OR of the scope's indexes, and sorted here.
    Ordered and limited in the database, a scope that is an OR of branches (the district's
    territory, "responsible = me", the cases whose activities I carry out) made PostgreSQL
    walk the region's ``case_received`` index backwards and drop tens of thousands of rows
    (1 s on the benchmark region); a larger scope is dense enough for that walk, which is
    then kept. ``key`` are field names, all sorted the same way (``descending``)."""

    SPARSE = 5000

    def __init__(self, *, ids: QuerySet, rows: QuerySet, key: tuple[str, ...],
                 descending: bool = False):
        super().__init__(ids=ids, rows=rows)
        self.key = key
        self.descending = descending

    def _ids(self, k: slice) -> list:
        pairs = list(self.ids.order_by().values_list(*self.key, "pk")[:self.SPARSE + 1])
        if len(pairs) <= self.SPARSE:
            pairs.sort(reverse=self.descending)
            return [p[-1] for p in pairs][k]
        return list(self.ids.values_list("pk", flat=True)[k])


# --------------------------------------------------------------------------- dates


def user_today(user) -> datetime.date:
    """Today in the time zone of the user's first territory (deadlines are local dates)."""
    grants = user_grants(user)
    territory = None
    if grants:
        territory = Territory.objects.filter(pk=grants[0].territory_id).only(
            "pk", "time_zone").first()
    return local_today(territory)


def overdue_working_days(dates, today: datetime.date) -> dict[datetime.date, int]:
    """For each past deadline, the working days in (deadline, today]: "overdue by N"
    (``deadlines.overdue_working_days_at`` for one date), one calendar read."""
    days = deadlines.overdue_working_days_at((d, today) for d in dates)
    return {d: n for (d, _t), n in days.items()}


# --------------------------------------------------------------------------- cases


def case_queryset(user, action: str = roles.VIEW, kind: str | None = None) -> QuerySet:
    return SupportCase.objects.restrict(user, action, kind)


def case_search(user, *, on: deadlines.When_ = None, q: str = "", status: str = "",
                practice: str = "", territory: Territory | None = None, responsible=None,
                overdue: bool | None = None, active: bool | None = None,
                person: int | None = None, scope: QuerySet | None = None) -> "SortedScope":
    """The scoped case list with its filters, newest intake first, each case annotated with
    its pending deadlines (``deadlines.mark_overdue`` labels a page of them). The page and
    the API read it through ``filters.CaseFilterSet``; ``scope`` is the user's case scope
    if built already."""
    qs = case_queryset(user) if scope is None else scope
    q = (q or "").strip()
    if q:
        if any(ch.isdigit() for ch in q):
            qs = qs.filter(number__contains=q)
        else:
            for token in normalize_name(q).split(" ")[:4]:
                qs = qs.filter(person__search_name__contains=token)
    if status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if active is not None:
        qs = qs.filter(status__in=ACTIVE_STATUSES) if active else qs.exclude(
            status__in=ACTIVE_STATUSES)
    if practice:
        qs = qs.filter(practice=practice)
    if territory is not None:
        qs = qs.filter(territory__in=Territory.objects.filter(path__startswith=territory.path))
    if responsible is not None:
        qs = qs.filter(responsible=responsible)
    if person is not None:
        qs = qs.filter(person_id=person)
    if overdue is not None:
        late = deadlines.case_overdue_q(on)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    # Two steps (decision 0008): the page's ids from the scope's index scans, then its rows.
    return SortedScope(ids=qs.order_by("-received_at", "-id"),
                       rows=case_rows(qs).order_by("-received_at", "-id"),
                       key=("received_at", "pk"), descending=True)


def case_rows(qs: QuerySet) -> QuerySet:
    """What a row of the case list shows: the applicant, territory, responsible and the
    pending deadlines."""
    return deadlines.with_pending(qs).select_related("person", "territory", "responsible")


def territory_choices(user, kind: str = roles.CASE, action: str = roles.VIEW) -> QuerySet:
    """In-scope territories a list may be filtered by (municipality and below)."""
    return territories_in_scope(user, kind, action).filter(
        level__gte=Level.MUNICIPALITY).select_related("parent").order_by("path")


def responsible_choices(user, scope: QuerySet | None = None) -> QuerySet:
    """Users responsible for at least one case the user sees (``scope``, if built already:
    building the case scope reads the user's grants)."""
    scope = case_queryset(user) if scope is None else scope
    return get_user_model().objects.filter(
        pk__in=scope.order_by().values("responsible_id").distinct()).order_by(
        "last_name", "first_name")


def staff_choices(user, territory: Territory | None = None,
                  practice: str | None = None) -> QuerySet:
    """Active users who work on cases: at ``territory`` if given, else anywhere overlapping
    the user's case scope (the service checks the exact territory); with ``practice``, only
    through assignments covering it."""
    known = access.roles()
    case_roles = [code for code, role in known.items()
                  if role.territorial and role.allows(roles.CASE, roles.VIEW)]
    assignments = RoleAssignment.objects.filter(
        role__in=case_roles, is_active=True, user__is_active=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=local_today())).select_related(
        "territory")
    if territory is not None:
        targets = [(territory.pk, territory.path)]
    elif user.is_superuser:
        targets = None
    else:
        targets = [(g.territory_id, g.path) for g in user_grants(user)
                   if g.role.territorial and g.role.allows(roles.CASE, roles.VIEW)]
    ids = set()
    for ra in assignments:
        covered = access.covered_practices(ra.practices, known.get(ra.role))
        if practice is not None and covered is not None and practice not in covered:
            continue
        if targets is None:
            ids.add(ra.user_id)
            continue
        for pk, path in targets:
            covers = path.startswith(ra.territory.path) if ra.include_subtree else pk == (
                ra.territory_id)
            if covers or (territory is None and ra.territory.path.startswith(path)):
                ids.add(ra.user_id)
                break
    return get_user_model().objects.filter(pk__in=ids).order_by("last_name", "first_name")


def partner_choices() -> QuerySet:
    return Organisation.objects.filter(kind=OrganisationKind.PARTNER,
                                       is_active=True).order_by("name")


def applicant_choices(user, q: str = "", limit: int = 30) -> list[Person]:
    """Persons a case may be opened for, found by a name fragment."""

    q = (q or "").strip()
    if not q:
        return []
    return list(person_search(user, q=q)[:limit])


def intake_person(user, pk) -> Person:
    """The chosen applicant, within the user's scope (else Person.DoesNotExist)."""
    return Person.objects.restrict(user, roles.VIEW).select_related("territory").get(pk=pk)


def applicant_households(user, person: Person | None, also=None) -> QuerySet:
    """The household the applicant currently belongs to (and ``also``, the case's
    household when editing), within scope."""
    if person is None:
        return Household.objects.none()
    condition = Q(pk__in=HouseholdMember.objects.filter(
        person=person, until__isnull=True).values("household_id"))
    if also is not None:
        condition |= Q(pk=also)
    return Household.objects.restrict(user, roles.VIEW).filter(condition)


# --------------------------------------------------------------------------- the card


@dataclass
class CaseCard:
    case: SupportCase
    today: datetime.date
    person_link: bool
    members: list
    member_links: set
    minors: int
    problems: list
    plans: list
    current_plan: Plan | None
    draft: Plan | None
    events: list
    may: dict
    circumstances: list = field(default_factory=list)
    workable: set = field(default_factory=set)
    decision_late_days: int | None = None
    programme_late_days: int | None = None
    # The sections the apps above the spine add (extensions.CaseSection), by slot: each
    # (section, view) with the view's data for the section's template.
    sections: dict = field(default_factory=dict)
    actions: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    partner_activity_links: list = field(default_factory=list)


def case_get(user, pk, action: str = roles.VIEW, kind: str | None = None) -> SupportCase:
    """One case within scope for ``action`` (else SupportCase.DoesNotExist → 404)."""
    return case_queryset(user, action, kind).select_related(
        "person", "household", "territory", "responsible", "registered_by", "referred_by",
        "decision_by", "closed_by", "provider").get(pk=pk)


def case_events(case: SupportCase, limit: int = 100) -> QuerySet:
    """The domain events of the case and of its problems, plans, activities, sessions and
    the records the apps above the spine register as the case's
    (``extensions.register_case_record``: assessments, referrals, urgent acts, СОП).

    Events are written with the applicant's ``person_id`` (indexed), so the search starts
    there; a child record is recognised by the case id in its audit snapshot, which also
    finds records removed since (a problem struck out, an activity dropped from a draft).
    Events of the applicant's other cases and of the person card are left out.
    """
    child_models = [CaseProblem, Plan, Activity, *extensions.history_records()]
    ct = ContentType.objects.get_for_models(SupportCase, ActivitySession, *child_models)
    children = [ct[m].pk for m in child_models]
    return DomainEvent.objects.filter(person_id=case.person_id).filter(
        Q(content_type=ct[SupportCase], object_id=case.pk)
        | Q(content_type__in=children, change__after__case_id=case.pk)
        | Q(content_type__in=children, change__before__case_id=case.pk)
        | Q(content_type=ct[ActivitySession], object_id__in=ActivitySession.objects.filter(
            activity__case=case).values("pk"))
    ).select_related("actor")[:limit]


def _case_with_pending(user, pk) -> SupportCase:
    """``case_get`` with the pending deadlines of ``deadlines.with_pending``."""
    return deadlines.with_pending(case_queryset(user)).select_related(
        "person", "household", "territory", "responsible", "registered_by", "referred_by",
        "decision_by", "closed_by", "provider").get(pk=pk)


def exists_in(qs, pk) -> bool:
    return qs.filter(pk=pk).exists()


def case_card(user, pk) -> CaseCard:
    """Everything the case card shows, in a fixed number of queries."""
    case = _case_with_pending(user, pk)
    today = local_today(case.territory)
    person_link = exists_in(Person.objects.restrict(user, roles.VIEW_MINIMAL), case.person_id)
    members = _members(case, today)
    member_links = set()
    if members:
        member_links = set(Person.objects.restrict(user, roles.VIEW_MINIMAL).filter(
            pk__in=[m.person_id for m in members]).values_list("pk", flat=True))
    minors = sum(1 for m in members if m.age is not None and m.age < 18)
    plans = list(case.plans.select_related("created_by", "approved_by").prefetch_related(
        Prefetch("activities", queryset=Activity.objects.select_related(
            "responsible_user", "partner", "problem").prefetch_related(
            Prefetch("sessions", queryset=ActivitySession.objects.select_related("author")))))
        .order_by("-number"))
    draft = next((p for p in plans if p.status == PlanStatus.DRAFT), None)
    approved = next((p for p in plans if p.status == PlanStatus.APPROVED), None)
    current = draft or approved or next(iter(plans), None)
    for plan in plans:
        plan.is_open = plan.status != PlanStatus.SUPERSEDED
        for a in plan.activities.all():
            a.case = case  # loaded already: the rule reads its status and territory
            a.overdue = deadlines.activity_is_overdue(a, today)
    active = case.status in ACTIVE_STATUSES
    in_change_scope = exists_in(case_queryset(user, roles.CHANGE), case.pk)
    may_change = active and in_change_scope
    may_close = exists_in(case_queryset(user, roles.CLOSE), case.pk)
    workable = set()
    if case.status in (CaseStatus.IN_PROGRESS, CaseStatus.REVIEW):
        workable = set(Activity.objects.restrict(user, roles.CHANGE).filter(
            case=case, plan__status=PlanStatus.APPROVED, status__in=OPEN_ACTIVITY)
            .values_list("pk", flat=True))
    may = {
        "change": may_change,
        # The case's workers on an open case (the sections above the spine read it).
        "in_change_scope": in_change_scope,
        "decide": may_close and case.status == CaseStatus.INTAKE,
        "problems": may_change,
        "plan_create": may_change and case.status == CaseStatus.PLANNING and draft is None,
        "plan_edit": may_change and draft is not None,
        "plan_approve": (may_close and draft is not None and case.status == CaseStatus.PLANNING
                         and bool(draft.activities.all())),
        "continue": may_close and case.status == CaseStatus.REVIEW and draft is None,
        "close": may_close and active,
    }
    missed = deadlines.case_missed(case, today)
    late = overdue_working_days([case.decision_due, case.programme_due], today)
    decision_late = "decision" in missed
    programme_late = "programme" in missed
    problems = list(case.problems.select_related("problem", "identified_by"))
    card = CaseCard(
        case=case, today=today, person_link=person_link, members=members,
        member_links=member_links, minors=minors, problems=problems,
        plans=plans, current_plan=current, draft=draft,
        events=list(case_events(case)), may=may, workable=workable,
        circumstances=_circumstances(case),
        decision_late_days=late.get(case.decision_due) if decision_late else None,
        programme_late_days=late.get(case.programme_due) if programme_late else None,
    )
    card.sections = {slot: [] for slot in extensions.SLOTS}
    for section in extensions.sections():
        if section.card is None:
            continue
        view = section.card(user, card)
        card.actions.extend(view.actions)
        card.partner_activity_links.extend(view.partner_activity_links)
        card.deadlines.extend(view.deadlines)
        if view.shown and section.card_template:
            card.sections[section.slot].append((section, view))
    return card


def _members(case: SupportCase, today: datetime.date) -> list:
    """The present members of the case's household, head first, with their age."""
    if not case.household_id:
        return []
    members = list(HouseholdMember.objects.filter(
        household_id=case.household_id, until__isnull=True).select_related("person")
        .order_by("-is_head", "person__birth_date", "id"))
    for m in members:
        m.age = m.person.age(today)
    return members


def _circumstances(case: SupportCase) -> list:
    return [NeedCircumstance(c).label for c in case.circumstances
            if c in NeedCircumstance.values]


# --------------------------------------------------------------------------- printed forms


@dataclass
class Recipient:
    """The applicant as a printed form shows them: the whole record to those who see the
    person card in full (as the card does), else what the case card shows (name, birth
    date, the family's address)."""

    person: Person
    full: bool
    address: str


def _recipient(user, case: SupportCase) -> Recipient:
    from django.utils.translation import gettext as _

    person = case.person
    full = exists_in(Person.objects.restrict(user, roles.VIEW), person.pk)
    family_address = case.household.address if case.household_id else ""
    if not full:
        address = family_address
    elif person.no_fixed_abode:
        address = _("без определённого места жительства")
    else:
        address = person.actual_address or person.registration_address or family_address
    return Recipient(person=person, full=full, address=address)


@dataclass
class PlanDocument:
    case: SupportCase
    plan: Plan
    today: datetime.date
    recipient: Recipient
    members: list
    problems: list
    circumstances: list


def plan_document(user, case_pk, plan_pk) -> PlanDocument:
    """A programme version as printed (ИППСУ, 442-ФЗ ст. 16), for whoever sees the case."""
    case = case_get(user, case_pk)
    plan = case.plans.select_related("created_by", "approved_by").prefetch_related(
        Prefetch("activities", queryset=Activity.objects.select_related(
            "responsible_user", "partner", "problem").order_by("due_date", "id"))
    ).get(pk=plan_pk)
    today = local_today(case.territory)
    return PlanDocument(
        case=case, plan=plan, today=today, recipient=_recipient(user, case),
        members=_members(case, today),
        problems=list(case.problems.select_related("problem")),
        circumstances=_circumstances(case))


@dataclass
class CaseFile:
    """The case file (личное дело): everything recorded in the case, in order."""

    case: SupportCase
    today: datetime.date
    recipient: Recipient
    members: list
    consents: list
    circumstances: list
    problems: list
    plans: list
    contacts: list
    # (section, view) of the apps above the spine by slot (extensions.CaseSection.file)
    sections: dict = field(default_factory=dict)


def case_file(user, pk) -> CaseFile:
    """The case file for whoever sees the case, in a fixed number of queries. Consents and
    contacts are the person's records: read through the people app's scope."""
    case = case_get(user, pk)
    today = local_today(case.territory)
    problems = list(case.problems.select_related("problem", "identified_by"))
    plans = list(case.plans.select_related("created_by", "approved_by").prefetch_related(
        Prefetch("activities", queryset=Activity.objects.select_related(
            "responsible_user", "partner", "problem").order_by("due_date", "id")
            .prefetch_related(Prefetch("sessions", queryset=ActivitySession.objects
                                       .select_related("author").order_by("held_on", "id")))))
        .order_by("number"))
    doc = CaseFile(
        case=case, today=today, recipient=_recipient(user, case),
        members=_members(case, today),
        consents=list(Consent.objects.restrict(user, roles.VIEW).filter(
            person_id=case.person_id).order_by("valid_from", "id")),
        circumstances=_circumstances(case), problems=problems,
        plans=plans,
        contacts=list(Contact.objects.restrict(user, roles.VIEW).filter(
            person_id=case.person_id).select_related("author").order_by("occurred_at", "id")),
    )
    doc.sections = {slot: [] for slot in extensions.SLOTS}
    for section in extensions.sections():
        if section.file is not None and section.file_template:
            view = section.file(user, doc)
            if view.shown:
                doc.sections[section.slot].append((section, view))
    return doc


def plan_get(user, case: SupportCase, pk, action: str = roles.CHANGE) -> Plan:
    return Plan.objects.restrict(user, action).select_related("case").get(pk=pk, case=case)


def activity_get(user, pk, action: str = roles.CHANGE, case: SupportCase | None = None
                 ) -> Activity:
    qs = Activity.objects.restrict(user, action).select_related(
        "case__person", "case__territory", "plan", "responsible_user", "partner")
    if case is not None:
        qs = qs.filter(case=case)
    return qs.get(pk=pk)


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
    return Worklist(today=today, activities=Page(
        items=open_items, number=page, has_next=len(found) > WORKLIST_PAGE,
        size=WORKLIST_PAGE),
        finished=finished, cases=cases[:WORKLIST_CASES], more_cases=len(cases) > WORKLIST_CASES)


def _next_deadline(case: SupportCase) -> tuple[str, datetime.date | None]:
    from django.utils.translation import gettext as _

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
        from django.utils.translation import gettext as _

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
        links = CaseProblem.objects.filter(case_id__in=list(by_id)).values_list(
            "case_id", "problem_id").order_by("problem__order", "problem__name", "case_id")
        grouped: dict[int, list] = defaultdict(list)
        with_problem = set()
        for case_id, problem_id in links:
            with_problem.add(case_id)
            if case_id in by_id:
                grouped[problem_id].append(by_id[case_id])
        problems = Problem.objects.filter(pk__in=list(grouped)).order_by("order", "name")
        columns = [(p.name, grouped[p.pk]) for p in problems]
        columns.append((_("Проблемы не выявлены"),
                        [c for c in by_id.values() if c.pk not in with_problem]))
        return [cases, columns]

    @property
    def columns(self) -> list:
        """(title, [cases]): one per catalogue problem with cases shown, then "none"."""
        return self._cards[1]

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
        from django.utils.translation import gettext as _

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
    activities = {row["responsible_user_id"]: row for row in Activity.objects.filter(
        case_id__in=ids_qs, plan__status=PlanStatus.APPROVED, status__in=OPEN_ACTIVITY,
        responsible_user__isnull=False).order_by().values("responsible_user_id").annotate(
        open=Count("pk"), late=Count("pk", filter=deadlines.activity_overdue_q(on)))}
    users = get_user_model().objects.filter(pk__in=set(responsible) | set(activities)).order_by(
        "last_name", "first_name")
    return [{"user": u, "cases": responsible.get(u.pk, 0),
             "open": activities.get(u.pk, {}).get("open", 0),
             "late": activities.get(u.pk, {}).get("late", 0)} for u in users]
