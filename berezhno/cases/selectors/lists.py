"""The case list and the choices of the intake and the filters, read through the scope."""


from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import (
    Q,
    QuerySet,
)

from berezhno.accounts.choices import OrganisationKind
from berezhno.accounts.models import Organisation, RoleAssignment
from berezhno.cases import roles
from berezhno.core import access, audit
from berezhno.core.access import territories_in_scope, user_grants
from berezhno.core.text import normalize_name
from berezhno.core.workdays import local_today
from berezhno.people.models import Household, HouseholdMember, Person
from berezhno.people.selectors import person_search
from berezhno.territories.choices import Level
from berezhno.territories.models import Territory

from .. import deadlines
from ..choices import (
    ACTIVE_STATUSES,
)
from ..models import SupportCase
from .common import SortedScope

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
    # The rows are read by the page's ids alone: the ids come from the scope just above,
    # and the scope again in the rows query (its OR holds the thousand ids of "cases
    # whose activities I carry out", compared row by row) cost the page 3-7 ms.
    return SortedScope(ids=qs.order_by("-received_at", "-id"),
                       rows=case_rows(SupportCase.objects.all()).order_by(
                           "-received_at", "-id"),
                       key=("received_at", "pk"), descending=True)


# A row of the list reads these of the joined records: the names and the territory's time
# zone (its local date). Loading whole persons and users built 200 wide records a page.
ROW_RELATED = ("person__surname", "person__name", "person__patronymic", "person__nickname",
               "territory__name", "territory__time_zone", "responsible__last_name",
               "responsible__first_name", "responsible__patronymic", "responsible__username")


def case_rows(qs: QuerySet) -> QuerySet:
    """What a row of the case list shows: the case, the applicant, territory, responsible
    and the pending deadlines."""
    return deadlines.with_pending(qs).select_related(
        "person", "territory", "responsible").only(
        *(f.name for f in SupportCase._meta.concrete_fields), *ROW_RELATED)


def territory_choices(user, kind: str = roles.CASE, action: str = roles.VIEW) -> QuerySet:
    """In-scope territories a list may be filtered by (municipality and below)."""
    return territories_in_scope(user, kind, action).filter(
        level__gte=Level.MUNICIPALITY).select_related("parent").order_by("path")


def responsible_choices(user, scope: QuerySet | None = None, *, cached: bool = False
                        ) -> QuerySet:
    """Users responsible for at least one case the user sees (``scope``, if built already:
    building the case scope reads the user's grants).

    With ``cached`` (the user's own case scope, as the case list's filter builds it), the
    ids are kept ``BEREZHNO_CHOICES_CACHE_SECONDS`` in the cache under the user and their
    grants: reading the responsible of every case in scope cost the district specialist's
    list 10-25 ms a page on the benchmark region (the scope's "activities I carry out"
    branch is a thousand primary-key probes). A user newly made responsible appears in the
    filter when the entry expires; a changed grant is a new key."""
    scope = case_queryset(user) if scope is None else scope
    distinct = scope.order_by().values("responsible_id").distinct()
    users = get_user_model().objects.order_by("last_name", "first_name")
    seconds = getattr(settings, "BEREZHNO_CHOICES_CACHE_SECONDS", 300)
    if not cached or not seconds or user.pk is None:
        return users.filter(pk__in=distinct)
    key = f"berezhno:case-responsible:{user.pk}:{access.grants_digest(user)}"
    ids = cache.get(key)
    if ids is None:
        ids = [pk for pk in distinct.values_list("responsible_id", flat=True)
               if pk is not None]
        cache.set(key, ids, seconds)
    return users.filter(pk__in=ids)


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
    found = list(person_search(user, q=q)[:limit])
    audit.log_reads(user=user, objects=found)
    return found


def intake_person(user, pk) -> Person:
    """The chosen applicant, within the user's scope (else Person.DoesNotExist)."""
    return audit.read(user, Person.objects.restrict(user, roles.VIEW).select_related(
        "territory").get(pk=pk))


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


