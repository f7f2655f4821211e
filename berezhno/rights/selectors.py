"""Every read of the rights register: the list, a request, the blocking check, the
access answer (everything held about a person and who read it), incidents and the
incident report (whose data a user read in a period)."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from berezhno.cases.deadlines import by_local_day
from berezhno.core import access, audit
from berezhno.core.models import AccessKind, AccessLog
from berezhno.core.workdays import local_today, territory_time_zone, working_days_between
from berezhno.people.models import Person
from berezhno.territories.selectors import home_territory

from . import roles
from .choices import RequestKind, RequestStatus
from .models import DestructionAct, Incident, SubjectRequest

SOON_WORKING_DAYS = 2  # "soon due": the deadline within this many working days

# --------------------------------------------------------------------------- blocking


def blocking_request(person_id: int) -> SubjectRequest | None:
    return (SubjectRequest.objects.filter(person_id=person_id, kind=RequestKind.BLOCKING,
                                          status=RequestStatus.OPEN)
            .order_by("received_on", "id").first())


def blocked_write_refusal(obj: models.Model, person_id: int) -> str | None:
    """The write guard (``core.audit.register_write_guard``): a write about a person with
    an open blocking request is refused; the register's own records are not."""
    if isinstance(obj, SubjectRequest | DestructionAct):
        return None
    found = blocking_request(person_id)
    if found is None:
        return None
    return _("Данные гражданина заблокированы на время проверки по обращению № %(n)s "
             "(ст. 21 152-ФЗ): изменения не сохранены. Изменить данные можно после "
             "закрытия обращения.") % {"n": found.number}


def person_panel(request, person: Person) -> dict | None:
    """The person card's banner (blocked data) and the person's requests."""
    user = request.user
    requests = list(SubjectRequest.objects.restrict(user, access.VIEW)
                    .filter(person=person).order_by("-received_on", "-id")[:10])
    blocking = next((r for r in requests if r.kind == RequestKind.BLOCKING and r.is_open),
                    None)
    if blocking is None and not requests:
        blocking = blocking_request(person.pk)  # shown to every reader of the card
    may_add = Person.objects.restrict(user, access.ADD, kind=roles.RIGHTS).filter(
        pk=person.pk).exists()
    if not (requests or blocking or may_add):
        return None
    return {"requests": requests, "blocking": blocking, "may_add": may_add,
            "person": person}


# --------------------------------------------------------------------------- requests


def requests_for(user, action: str = access.VIEW):
    return SubjectRequest.objects.restrict(user, action).select_related(
        "person", "responsible")


def overdue_q(on: datetime.date | datetime.datetime | None = None) -> Q:
    """Open requests past their answer date where the person lives (the rule of
    ``due_state``) — the one definition the register page, its API filter and the
    reminders share; ``on`` a moment (default now) or a date."""
    return Q(status=RequestStatus.OPEN) & by_local_day(
        on, "person__territory__time_zone", lambda day: Q(due_on__lt=day))


def request_list(user, *, status: str = "", kind: str = "", overdue: bool = False,
                 today: datetime.date | datetime.datetime | None = None):
    """The register; ``overdue``: open requests past their answer date where the person
    lives (the rule of ``due_state``), ``today`` overriding that local date."""
    qs = requests_for(user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if overdue:
        qs = qs.filter(overdue_q(today))
    return qs.order_by("status", "due_on", "id")


def request_get(user, pk, action: str = access.VIEW) -> SubjectRequest:
    item = requests_for(user, action).select_related("closed_by", "created_by").get(pk=pk)
    return audit.read(user, item)


def due_state(item: SubjectRequest) -> dict:
    """Overdue / soon due, in working days, by the date where the person lives."""
    today = local_today(item.person.territory)
    if not item.is_open:
        return {"overdue": False, "soon": False, "left": None, "late": 0}
    if item.due_on < today:
        return {"overdue": True, "soon": False, "left": 0,
                "late": working_days_between(item.due_on, today)}
    left = working_days_between(today, item.due_on)
    return {"overdue": False, "soon": left <= SOON_WORKING_DAYS, "left": left, "late": 0}


def due_soon(user, today: datetime.date | None = None) -> list[SubjectRequest]:
    """Open requests in scope that are overdue or due within ``SOON_WORKING_DAYS``."""
    # The rows are judged by ``due_state`` in each person's local date; the horizon only
    # bounds the read, a day wide of any zone's date.
    today = today or timezone.localdate() + datetime.timedelta(days=1)
    horizon = today + datetime.timedelta(days=SOON_WORKING_DAYS + 4)  # a weekend between
    rows = list(requests_for(user).filter(status=RequestStatus.OPEN, due_on__lte=horizon)
                .select_related("person__territory").order_by("due_on", "id")[:50])
    shown = []
    for row in rows:
        state = due_state(row)
        if state["overdue"] or state["soon"]:
            row.state = state
            shown.append(row)
    return shown


# --------------------------------------------------------------------------- the answer


@dataclass
class Section:
    title: str
    rows: list[list[tuple[str, str]]] = field(default_factory=list)


@dataclass
class AnswerDocument:
    item: SubjectRequest
    person: Person
    person_fields: list[tuple[str, str]]
    sections: list[Section]
    readers: list[dict]
    printed_at: datetime.datetime
    printed_by: Any


_SKIPPED = {"id", "version", "created_at", "updated_at", "search_name", "person",
            "client_uuid", "merged_into"}


def _shown(obj: models.Model, f: models.Field, cache: dict) -> str:
    if f.choices:
        value = getattr(obj, f"get_{f.name}_display")()
    elif f.many_to_one or f.one_to_one:
        key = (f.related_model, getattr(obj, f.attname))
        if key[1] is None:
            return "—"
        if key not in cache:
            related = getattr(obj, f.name)
            cache[key] = getattr(related, "full_name", None) or str(related)
        value = cache[key]
    else:
        value = getattr(obj, f.name)
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("да") if value else _("нет")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if hasattr(value, "name") and isinstance(f, models.FileField):
        return _("файл") + f" {value.name.rsplit('/', 1)[-1]}"
    return str(value)


def describe(obj: models.Model, cache: dict) -> list[tuple[str, str]]:
    """Every concrete field of a record with its Russian label, as the person would read
    it (keys, versions and search columns left out)."""
    return [(str(f.verbose_name), _shown(obj, f, cache)) for f in obj._meta.concrete_fields
            if f.name not in _SKIPPED and not f.name.endswith("_ptr")
            and _shown(obj, f, cache) != "—"]


def answer_document(user, item: SubjectRequest) -> AnswerDocument:
    """Everything held about the person, collected through the scope registry (every
    record kind that names its people, ``register_scope(persons=…)``), within the printing
    user's scope, and the access log of the person: who read it, when, how."""
    person = Person.objects.restrict(user, access.VIEW).select_related(
        "territory", "settlement").get(pk=item.person_id)
    cache: dict = {}
    sections, shown = [], []
    for rule in access.scoped_models():
        if not rule.persons or rule.model in (Person, SubjectRequest, DestructionAct):
            continue
        query = models.Q()
        for path in rule.persons:
            query |= models.Q(**{path: person})
        scoped = access.restrict_queryset(rule.model._default_manager.all(), user,
                                          access.VIEW, rule.kind)
        rows = list(scoped.filter(query).distinct().order_by("pk")[:500])
        if not rows:
            continue
        shown.extend(rows)
        sections.append(Section(str(rule.model._meta.verbose_name_plural).capitalize(),
                                [describe(row, cache) for row in rows]))
    log = list(AccessLog.objects.filter(person_id=person.pk)
               .values("user_id", "kind", "time__date")
               .annotate(count=Count("id"), first=Min("time"), last=Max("time"))
               .order_by("-time__date", "user_id", "kind")[:1000])
    users = {u.pk: u for u in get_user_model()._default_manager.filter(
        pk__in={row["user_id"] for row in log})}
    readers = [{"date": row["time__date"], "user": users.get(row["user_id"]),
                "kind": AccessKind(row["kind"]).label, "count": row["count"],
                "first": row["first"], "last": row["last"]} for row in log]
    # The print is a read of all of it: logged per record (health as view_sensitive).
    audit.log_reads(user=user, objects=[person, *shown], kind=AccessKind.PRINT,
                    detail=f"rights_answer:{item.pk}")
    return AnswerDocument(item=item, person=person, person_fields=describe(person, cache),
                          sections=sections, readers=readers, printed_at=timezone.now(),
                          printed_by=user)


def act_get(user, pk) -> DestructionAct:
    act = DestructionAct.objects.restrict(user, access.CLOSE).select_related(
        "request__person", "performed_by", "request__closed_by").get(request_id=pk)
    return audit.read(user, act, kind=AccessKind.PRINT)


# --------------------------------------------------------------------------- incidents


def incidents_for(user, action: str = access.VIEW):
    return Incident.objects.restrict(user, action).select_related("territory", "suspect",
                                                                  "created_by")


def incident_get(user, pk, action: str = access.VIEW) -> Incident:
    return incidents_for(user, action).get(pk=pk)


def suspects_for(user):
    """The users a head may investigate: those with an active role at a node of the
    head's incident scope (their own territory and below)."""
    nodes = access.territories_in_scope(user, roles.INCIDENT, access.VIEW)
    return (get_user_model()._default_manager.filter(
        role_assignments__territory__in=nodes, role_assignments__is_active=True)
        .distinct().order_by("last_name", "first_name", "username"))


@dataclass
class ReportRow:
    person: Person
    kind: str
    count: int
    first: datetime.datetime
    last: datetime.datetime

    @property
    def kind_label(self) -> str:
        return str(AccessKind(self.kind).label)


def incident_report(user, *, suspect, date_from: datetime.date, date_to: datetime.date,
                    limit: int = 5000) -> list[ReportRow]:
    """Whose data ``suspect`` read or exported in [date_from, date_to] (the access log),
    per person and kind of access: the people within the reader's own scope only."""
    # The days are the reader's: their (first) territory's zone, as their "today" is.
    tz = territory_time_zone(home_territory(user))
    start = datetime.datetime.combine(date_from, datetime.time.min, tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min,
                                    tz)
    in_scope = Person.objects.restrict(user, access.VIEW).values("pk")
    grouped = list(AccessLog.objects.filter(user=suspect, time__gte=start, time__lt=end,
                                            person_id__in=in_scope)
                   .values("person_id", "kind")
                   .annotate(count=Count("id"), first=Min("time"), last=Max("time"))
                   .order_by("person_id", "kind")[:limit])
    people = Person.objects.in_bulk({row["person_id"] for row in grouped})
    return [ReportRow(people[row["person_id"]], row["kind"], row["count"], row["first"],
                      row["last"]) for row in grouped if row["person_id"] in people]
