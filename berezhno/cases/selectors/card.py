"""The case card and the printed forms (programme, case file), each in a fixed number of
queries; the sections of the apps above the spine come from ``cases.extensions``."""


import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import (
    Prefetch,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from berezhno.cases import roles
from berezhno.core import audit
from berezhno.core.models import DomainEvent
from berezhno.core.workdays import local_today
from berezhno.people.models import Consent, Contact, HouseholdMember, Person

from .. import deadlines, extensions
from ..choices import (
    ACTIVE_STATUSES,
    CaseStatus,
    NeedCircumstance,
    PlanStatus,
)
from ..models import Activity, ActivitySession, CaseProblem, Plan, SupportCase
from .common import OPEN_ACTIVITY, overdue_working_days
from .lists import case_queryset

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
    return audit.read(user, case_queryset(user, action, kind).select_related(
        "person", "household", "territory", "responsible", "registered_by", "referred_by",
        "decision_by", "closed_by", "provider").get(pk=pk))


def case_events(case: SupportCase, limit: int = 100) -> QuerySet:
    """The domain events of the case and of its problems, plans, activities, sessions and
    the records the apps above the spine register as the case's
    (``extensions.register_case_record``: assessments, referrals, urgent acts, СОП).

    Events are written with the applicant's ``person_id`` (indexed), so the search starts
    there; a child record is recognised by the case id in its audit snapshot, which also
    finds records removed since (a problem struck out, an activity dropped from a draft).
    Events of the applicant's other cases and of the person card are left out.
    """
    child_models: list[type[models.Model]] = [CaseProblem, Plan, Activity,
                                              *extensions.history_records()]
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
    return audit.read(user, deadlines.with_pending(case_queryset(user)).select_related(
        "person", "household", "territory", "responsible", "registered_by", "referred_by",
        "decision_by", "closed_by", "provider").get(pk=pk))


def exists_in(qs, pk) -> bool:
    return qs.filter(pk=pk).exists()


def case_card(user, pk) -> CaseCard:
    """Everything the case card shows, in a fixed number of queries."""
    case = _case_with_pending(user, pk)
    today = local_today(case.territory)
    person_link = exists_in(Person.objects.restrict(user, roles.VIEW_MINIMAL), case.person_id)
    members = _members(case, today)
    # The card names the family: a read of each member (152-ФЗ).
    audit.log_reads(user=user, objects=[m.person for m in members])
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
    person = case.person
    full = exists_in(Person.objects.restrict(user, roles.VIEW), person.pk)
    family_address = case.household.address if case.household else ""
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
    return audit.read(user, Plan.objects.restrict(user, action).select_related("case").get(
        pk=pk, case=case))


def activity_get(user, pk, action: str = roles.CHANGE, case: SupportCase | None = None
                 ) -> Activity:
    qs = Activity.objects.restrict(user, action).select_related(
        "case__person", "case__territory", "plan", "responsible_user", "partner")
    if case is not None:
        qs = qs.filter(case=case)
    return audit.read(user, qs.get(pk=pk))


