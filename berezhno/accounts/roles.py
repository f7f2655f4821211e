"""Roles defined in code: a role is a set of actions on record kinds.

A ``RoleAssignment`` binds a user to a role at a territory node. Territorial
roles see the records of that node (and its subtree); non-territorial roles
(social agent, partner) see only what is assigned to them or their
organisation.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# Record kinds.
PERSON = "person"
HOUSEHOLD = "household"
CONSENT = "consent"
CONTACT = "contact"
DOCUMENT = "document"
SENSITIVE = "sensitive"  # special-category data (health, disability details)
TERRITORY = "territory"
DISTRICT = "district"
ORGANISATION = "organisation"
AGREEMENT = "agreement"
USER = "user"
AUDIT = "audit"
CASE = "case"  # support cases with their assessments, plans, activities, closure
REFERRAL = "referral"  # referrals to partner organisations
ACTIVITY = "activity"  # plan activities a specialist carries out
CATALOGUE = "catalogue"  # problem catalogue, questionnaires, service types
INDICATOR = "indicator"  # aggregate indicators (no personal data)

VIEW = "view"
VIEW_MINIMAL = "view_minimal"
ADD = "add"
CHANGE = "change"
DELETE = "delete"
MERGE = "merge"
EXPORT = "export"
CLOSE = "close"  # decide on a case: recognise need, approve a plan, close

# An action that implies others: whoever may "view" may also "view_minimal".
IMPLIED = {VIEW_MINIMAL: {VIEW}}


@dataclass(frozen=True)
class Role:
    code: str
    label: object
    permissions: dict[str, frozenset[str]] = field(default_factory=dict)
    territorial: bool = True

    def allows(self, kind: str, action: str) -> bool:
        granted = self.permissions.get(kind, frozenset())
        return action in granted or bool(IMPLIED.get(action, set()) & granted)


def _p(**kinds: str) -> dict[str, frozenset[str]]:
    return {k: frozenset(v.split()) for k, v in kinds.items()}


_PEOPLE_FULL = dict(
    person="view add change delete merge export",
    household="view add change",
    consent="view add change",
    contact="view add",
    document="view add delete",
    sensitive="view change",
)
_REFERENCE_VIEW = dict(territory="view", district="view", organisation="view", agreement="view",
                       catalogue="view")
# Running support cases: intake, assessment, plans, referrals, decisions and closure.
_CASES_FULL = dict(case="view add change close export", referral="view add change",
                   activity="view add change", indicator="view")

ROLES: dict[str, Role] = {
    role.code: role
    for role in [
        Role("admin", _("Администратор системы"), _p(
            territory="view add change delete", district="view add change delete",
            organisation="view add change delete", agreement="view add change delete",
            user="view add change delete", audit="view", catalogue="view add change delete",
            indicator="view",
        )),
        Role("head", _("Руководитель"), _p(**_PEOPLE_FULL, **_REFERENCE_VIEW, **_CASES_FULL,
                                          audit="view", user="view")),
        Role("district_specialist", _("Участковый специалист"),
             _p(**_PEOPLE_FULL, **_REFERENCE_VIEW, **_CASES_FULL)),
        Role("dispatcher", _("Диспетчер"), _p(**_PEOPLE_FULL, **_REFERENCE_VIEW, **_CASES_FULL)),
        # Sees the cases of the territory; works on the activities assigned to them.
        Role("specialist", _("Специалист (психолог, юрист, специалист по социальной работе)"),
             _p(person="view", household="view", consent="view", contact="view add",
                document="view add", case="view", activity="view change",
                referral="view", **_REFERENCE_VIEW)),
        Role("patrol_member", _("Дозорный"), _p(
            person="view add change", consent="view add", contact="view add",
            document="view add", **_REFERENCE_VIEW)),
        Role("patrol_hq", _("Штаб социального патруля"), _p(
            person="view add change merge export", consent="view add change",
            contact="view add", document="view add delete", household="view",
            **_REFERENCE_VIEW)),
        Role("coordinator", _("Координатор социальных агентов"), _p(
            person="view", household="view", consent="view", contact="view add",
            **_REFERENCE_VIEW)),
        Role("social_agent", _("Социальный агент"),
             _p(person="view_minimal", contact="add"), territorial=False),
        # Sees only the referrals addressed to their organisation (accepts, rejects, reports).
        Role("partner", _("Представитель организации-партнёра"),
             _p(organisation="view", territory="view", district="view",
                referral="view change"), territorial=False),
        Role("analyst", _("Аналитик министерства"), _p(**_REFERENCE_VIEW, indicator="view")),
    ]
}

ROLE_CHOICES = [(code, role.label) for code, role in ROLES.items()]


def get(code: str) -> Role:
    return ROLES[code]
