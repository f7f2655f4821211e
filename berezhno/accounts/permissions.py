"""Turning (user, action, model) into a queryset filter.

Every scoped model declares ``permission_kind`` (a record kind of
``roles``) and ``territory_field`` (the path to its ``Territory`` foreign key,
or ``None`` for reference data that is not territorial). A model may add
grants from work assignment with a ``grant_q(user, action)`` classmethod.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import roles


@dataclass(frozen=True)
class Grant:
    role: roles.Role
    territory_id: int
    path: str
    include_subtree: bool
    organisation_id: int | None


def user_grants(user) -> list[Grant]:
    """The user's active role assignments, loaded once per user object."""
    cached = getattr(user, "_berezhno_grants", None)
    if cached is not None:
        return cached
    from .models import RoleAssignment

    today = timezone.localdate()
    grants = [
        Grant(roles.ROLES[ra.role], ra.territory_id, ra.territory.path, ra.include_subtree,
              ra.organisation_id)
        for ra in RoleAssignment.objects.filter(user=user, is_active=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("territory")
        if ra.role in roles.ROLES
    ]
    user._berezhno_grants = grants
    return grants


def has_work_assignments(user) -> bool:
    """Whether persons are assigned to the user by work; loaded once per user object.

    Lets the scope filter leave out the "or assigned to me" branch for the many
    users without assignments: an OR across two subqueries keeps PostgreSQL
    from using the territory index and costs a scan of the whole table.
    """
    cached = getattr(user, "_berezhno_assigned", None)
    if cached is not None:
        return cached
    from berezhno.people.models import PersonAssignment

    user._berezhno_assigned = PersonAssignment.objects.filter(user=user,
                                                              is_active=True).exists()
    return user._berezhno_assigned


def forget_grants(user) -> None:
    for attr in ("_berezhno_grants", "_berezhno_assigned"):
        if hasattr(user, attr):
            delattr(user, attr)


def has_role(user, *codes: str) -> bool:
    return any(g.role.code in codes for g in user_grants(user))


def can(user, kind: str, action: str) -> bool:
    """Whether the user may do ``action`` on ``kind`` anywhere (menus, buttons)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(g.role.allows(kind, action) for g in user_grants(user))


def territory_ids_q(grants: list[Grant]) -> Q | None:
    """A filter on Territory for the nodes the grants cover, or None for none."""
    q = Q(pk__in=[])
    found = False
    for g in grants:
        found = True
        q |= Q(path__startswith=g.path) if g.include_subtree else Q(pk=g.territory_id)
    return q if found else None


def restrict_queryset(qs: QuerySet, user, action: str, kind: str | None = None) -> QuerySet:
    """Filter ``qs`` to what ``user`` may do ``action`` on; ``kind`` overrides the model's.

    Special-category data of a person is checked as ``Person`` rows with kind
    ``sensitive``, so the territorial rule is the person's.
    """
    model = qs.model
    kind = kind or model.permission_kind
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    grants = [g for g in user_grants(user) if g.role.allows(kind, action)]
    if not grants:
        return qs.none()
    territory_field = getattr(model, "territory_field", None)
    if territory_field is None:
        return qs  # reference data: the role allows it, the territory does not matter
    from berezhno.territories.models import Territory

    condition = Q(pk__in=[])
    territorial = [g for g in grants if g.role.territorial]
    tq = territory_ids_q(territorial)
    grant_q = getattr(model, "grant_q", None)
    extra = grant_q(user, action) if grant_q is not None else None
    if tq is not None:
        nodes = Territory.objects.filter(tq).values("pk")
        if extra is not None:
            # In an OR with another branch, a subquery is filtered row by row (PostgreSQL's
            # hashed subplan) and no index is used: give the nodes as a list (one array
            # parameter, core.lookups), so that every branch is an index scan (on the
            # benchmark region the dispatcher's board count went from 4 s to 10 ms).
            ids = list(nodes.values_list("pk", flat=True))
            condition |= Q(**{f"{territory_field}__any": ids})
        else:
            condition |= Q(**{f"{territory_field}__in": nodes})
    if extra is not None:
        condition |= extra
    return qs.filter(condition)


def territories_in_scope(user, kind: str, action: str) -> QuerySet:
    """Territory nodes where the user may do ``action`` on ``kind`` (choice fields)."""
    from berezhno.territories.models import Territory

    if user.is_superuser:
        return Territory.objects.all()
    grants = [g for g in user_grants(user) if g.role.allows(kind, action) and g.role.territorial]
    tq = territory_ids_q(grants)
    if tq is None:
        return Territory.objects.none()
    return Territory.objects.filter(tq)
