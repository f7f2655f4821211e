"""Record kinds of the registry, the roles' rights on them and the registry's scope rules.

Persons are shared by every practice: their scope is territorial (plus work assignment),
never by practice.
"""

from django.db.models import Q
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

from .models import HouseholdMember, PersonAssignment

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


def has_work_assignments(user) -> bool:
    """Whether persons are assigned to the user by work; loaded once per user object.

    Lets the scope filter leave out the "or assigned to me" branch for the many users
    without assignments: an OR across two subqueries keeps PostgreSQL from using the
    territory index and costs a scan of the whole table.
    """
    return access.memo(user, "assigned", lambda: PersonAssignment.objects.filter(
        user=user, is_active=True).exists())


def _assigned_persons(user):
    return PersonAssignment.objects.filter(user=user, is_active=True).values("person_id")


def person_grant(user, action: str) -> Q | None:
    """People assigned to the user by work (agent assignment)."""
    if not has_work_assignments(user):
        return None
    return Q(pk__in=_assigned_persons(user))


def person_record_grant(user, action: str) -> Q | None:
    """Records of the people assigned to the user by work (their contacts)."""
    if not has_work_assignments(user):
        return None
    return Q(person_id__in=_assigned_persons(user))
