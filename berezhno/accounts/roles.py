"""The roles of Berezhno and the rights they carry on the records of ``accounts``.

A role is declared here once (code, label, territorial or not, the practices an assignment
covers when it names none); every app adds the role's rights on its own record kinds in its
own ``roles.py`` (``access.grant``), so a new practice extends a role without editing it.
Territorial roles see the records of their node (and its subtree); non-territorial roles
(social agent, partner) see only what is assigned to them or their organisation.

The action names are re-exported from ``core.access`` so that app code reads
``roles.VIEW`` beside ``roles.USER``.
"""

from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.access import (  # noqa: F401  (re-exported for the apps' code)
    ADD,
    AUDIT,
    CHANGE,
    CLOSE,
    DELETE,
    EXPORT,
    MERGE,
    VIEW,
    VIEW_MINIMAL,
)

# Record kinds of this app.
ORGANISATION = "organisation"
AGREEMENT = "agreement"
USER = "user"

# Practice codes (the practices themselves are registered by the apps that implement
# them; role defaults may name a practice before its app is installed).
FAMILY_DISPATCH, DISTRICT, YARD, AGENT, PATROL = (
    "family_dispatch", "district", "yard", "agent", "patrol")


def register() -> None:
    """Called from ``AccountsConfig.ready()``."""
    access.register_kind(ORGANISATION, _("организации"), administered=True)
    access.register_kind(AGREEMENT, _("соглашения"), administered=True)
    access.register_kind(USER, _("пользователи и роли"), administered=True)

    role = access.register_role
    role("admin", _("Администратор системы"), order=10)
    role("head", _("Руководитель"), order=20)
    role("district_specialist", _("Участковый специалист"), order=30)
    role("dispatcher", _("Диспетчер"), practices=[FAMILY_DISPATCH], order=40)
    role("specialist", _("Специалист (психолог, юрист, специалист по социальной работе)"),
         order=50)
    role("patrol_member", _("Дозорный"), practices=[PATROL], order=60)
    role("patrol_hq", _("Штаб социального патруля"), practices=[PATROL], order=70)
    role("coordinator", _("Координатор социальных агентов"), practices=[AGENT], order=80)
    role("social_agent", _("Социальный агент"), territorial=False, practices=[AGENT],
         order=90)
    # Sees only the referrals addressed to their organisation (accepts, rejects, reports).
    role("partner", _("Представитель организации-партнёра"), territorial=False, order=100)
    role("analyst", _("Аналитик министерства"), order=110)

    grant = access.grant
    grant("admin", organisation="view add change delete", agreement="view add change delete",
          user="view add change delete", audit="view", calendar="view add change delete")
    grant("head", organisation="view", agreement="view", audit="view", user="view")
    for code in ("district_specialist", "dispatcher", "specialist", "patrol_member",
                 "patrol_hq", "coordinator", "analyst"):
        grant(code, organisation="view", agreement="view")
    grant("partner", organisation="view")

    # The grant matrix (decision 0016): who gives which role, at their own node and below.
    # The administrator staffs the service but appoints no administrator (the superuser
    # does); a head staffs their territory; the patrol's HQ its patrol members; a
    # coordinator the social agents. Nobody gives a role to themselves.
    staff = ("district_specialist", "dispatcher", "specialist", "patrol_member", "patrol_hq",
             "coordinator", "social_agent", "partner")
    access.allow_grant("admin", "head", *staff, "analyst")
    access.allow_grant("head", "head", *staff)
    access.allow_grant("patrol_hq", "patrol_member")
    access.allow_grant("coordinator", "social_agent")


def __getattr__(name: str):
    # The assembled roles exist only once every app has contributed (after start-up).
    if name == "ROLES":
        return access.roles()
    if name == "ROLE_CHOICES":
        return access.role_choices()
    raise AttributeError(name)
