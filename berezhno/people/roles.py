"""Record kinds of the registry, the roles' rights on them and the registry's scope rules.

Persons are shared by every practice: their scope is territorial (plus work assignment),
never by practice.
"""

from django.db.models import CharField, IntegerField, Q, Value
from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.access import (  # noqa: F401  (re-exported for the app's code)
    ADD,
    CHANGE,
    DELETE,
    EXPORT,
    MERGE,
    VIEW,
    VIEW_MINIMAL,
)

from .choices import ShareKind, ShareStatus
from .models import HouseholdMember, PersonAssignment, PersonShareRequest

PERSON = "person"
HOUSEHOLD = "household"
CONSENT = "consent"
CONTACT = "contact"
DOCUMENT = "document"
SENSITIVE = "sensitive"  # special-category data (health, disability details)

PEOPLE_FULL = dict(person="view add change delete merge export", household="view add change",
                   consent="view add change", contact="view add", document="view add delete",
                   sensitive="view change")


def register_kinds_and_rights() -> None:
    for code, label in ((PERSON, _("граждане")), (HOUSEHOLD, _("семьи и домохозяйства")),
                        (CONSENT, _("согласия")), (CONTACT, _("контакты")),
                        (DOCUMENT, _("документы граждан")),
                        (SENSITIVE, _("сведения особой категории"))):
        access.register_kind(code, label, personal=True)
    for code in ("head", "district_specialist", "dispatcher"):
        access.grant(code, **PEOPLE_FULL)
    access.grant("specialist", person="view", household="view", consent="view",
                 contact="view add", document="view add")
    access.grant("patrol_member", person="view add change", consent="view add",
                 contact="view add", document="view add")
    access.grant("patrol_hq", person="view add change merge export",
                 consent="view add change", contact="view add", document="view add delete",
                 household="view")
    access.grant("coordinator", person="view", household="view", consent="view",
                 contact="view add")
    access.grant("social_agent", person="view_minimal", contact="add")
    # Not read through restricted querysets, but audited: their kind classifies their rows
    # in the audit journal (decision 0016; a row of a model without a kind is the
    # superuser's only).
    access.register_scope(HouseholdMember, kind=HOUSEHOLD, territory="household__territory",
                          persons=["person"])
    access.register_scope(PersonAssignment, kind=PERSON, territory="person__territory",
                          persons=["person"])


def _granted_persons(user) -> tuple[frozenset[int], tuple[tuple[int, int, str], ...]]:
    """The persons assigned to the user by work, and the persons shared with a territory of
    the user's assignments (``(person, territory id, territory path)``), in one query once
    per user object.

    Lets the scope filter leave out its "or assigned to me", "or shared with us" branches
    for the many users with neither: an OR across subqueries keeps PostgreSQL from using
    the territory index and costs a scan of the whole table. The ids are given as a list.
    """

    def load():
        nodes = Q(pk__in=[])
        for g in access.user_grants(user):
            if g.role.territorial:
                nodes |= (Q(territory__path__startswith=g.path) if g.include_subtree
                          else Q(territory_id=g.territory_id))
        assigned = (PersonAssignment.objects.filter(user=user, is_active=True)
                    .annotate(node=Value(0, output_field=IntegerField()),
                              node_path=Value("", output_field=CharField()))
                    .order_by().values_list("person_id", "node", "node_path"))
        shared = (PersonShareRequest.objects.filter(
            nodes, kind=ShareKind.SHARE, status=ShareStatus.APPROVED)
            .order_by().values_list("person_id", "territory_id", "territory__path"))
        rows = list(assigned.union(shared, all=True))
        return (frozenset(pid for pid, node, _path in rows if not node),
                tuple(row for row in rows if row[1]))

    return access.memo(user, "granted_persons", load)


def has_work_assignments(user) -> bool:
    """Whether persons are assigned to the user by work; loaded once per user object."""
    return bool(_granted_persons(user)[0])


def _assigned_persons(user):
    return PersonAssignment.objects.filter(user=user, is_active=True).values("person_id")


def shared_persons(user, kind: str, action: str) -> list[int]:
    """Persons shared with a territory where the user may do ``action`` on ``kind``: an
    approved share request (decision 0019) works like the person's own territory."""
    shared = _granted_persons(user)[1]
    if not shared:
        return []
    grants = [g for g in access.user_grants(user)
              if g.role.territorial and g.role.allows(kind, action)]
    return sorted({pid for pid, node, path in shared for g in grants
                   if (path.startswith(g.path) if g.include_subtree else node == g.territory_id)})


def _assigned_or_shared(field: str, kind: str):
    """The grant of ``field`` (the person, or a record's person) for the people assigned
    to the user by work (agent assignment) or shared with the user's territory (``kind``:
    the record kind the share is judged for)."""

    def grant_fn(user, action: str) -> Q | None:
        branches: list[Q] = []
        if has_work_assignments(user):
            branches.append(Q(**{f"{field}__in": _assigned_persons(user)}))
        shared = shared_persons(user, kind, action)
        if shared:
            branches.append(Q(**{f"{field}__in": shared}))
        if not branches:
            return None
        found = branches[0]
        for branch in branches[1:]:
            found |= branch
        return found

    return grant_fn


# People assigned or shared; the records of such people (their contacts).
person_grant = _assigned_or_shared("pk", PERSON)
person_record_grant = _assigned_or_shared("person_id", CONTACT)


def shared_record_grant(kind: str):
    """The grant of a person's records of ``kind`` (consents, documents, categories, health
    data) for the territories the person is shared with."""

    def grant_fn(user, action: str) -> Q | None:
        shared = shared_persons(user, kind, action)
        return Q(person_id__in=shared) if shared else None

    return grant_fn
