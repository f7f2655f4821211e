"""Record kinds of support cases, the practices, the roles' rights and the case scope rules.

Records that belong to a practice (cases, plans, activities, and above the spine referrals,
assessments, СОП, urgent acts) carry it, and a role assignment limited to practices sees
only theirs; the work-assignment grants below (responsible, executor) are explicit and
apply whatever the practice. The apps above the spine register their own scopes and rights
(``referrals.roles``, ``sop.roles``, ...), using the kinds defined here where their records
are part of the case (``CASE``).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.access import (  # noqa: F401  re-exported for the app's code)
    ADD,
    CHANGE,
    CLOSE,
    EXPORT,
    VIEW,
    VIEW_MINIMAL,
    user_grants,
)
from berezhno.people.roles import PEOPLE_FULL, PERSON  # noqa: F401  (re-exported)

from .choices import Practice
from .models import (
    Activity,
    ActivitySession,
    CaseProblem,
    DeadlineRule,
    Plan,
    Problem,
    SubsistenceMinimum,
    SupportCase,
)

CASE = "case"  # support cases with their assessments, plans, activities, СОП, closure
ACTIVITY = "activity"  # plan activities a specialist carries out
CATALOGUE = "catalogue"  # problem catalogue, questionnaires, deadlines, subsistence minimum

CASES_FULL = dict(case="view add change close export", activity="view add change")


def register_kinds_and_rights() -> None:
    for order, practice in enumerate(Practice, start=1):
        access.register_practice(practice.value, practice.label, order=order * 10)
    access.register_kind(CASE, _("случаи сопровождения"), personal=True)
    access.register_kind(ACTIVITY, _("мероприятия программ"), personal=True)
    access.register_kind(CATALOGUE, _("справочники сопровождения"), administered=True)
    access.grant("admin", catalogue="view add change delete")
    for code in ("head", "district_specialist", "dispatcher"):
        access.grant(code, **CASES_FULL)
    # Sees the cases of the territory; works on the activities assigned to them.
    access.grant("specialist", case="view", activity="view change")
    for code in ("head", "district_specialist", "dispatcher", "specialist", "patrol_member",
                 "patrol_hq", "coordinator", "analyst"):
        access.grant(code, catalogue="view")


# ------------------------------------------------------------------ work-assignment grants


def case_grant(user, action: str) -> Q | None:
    """Cases the user is responsible for; executors of an activity only read the case."""
    if action in (CHANGE, CLOSE):
        return Q(responsible=user)
    if action not in (VIEW, VIEW_MINIMAL):
        return None
    # The ids as a list (a specialist carries out activities in a few hundred cases at
    # most): in an OR a subquery would keep PostgreSQL from using the indexes.
    executed = sorted(set(Activity.objects.filter(responsible_user=user).order_by()
                          .values_list("case_id", flat=True)))
    return Q(responsible=user) | Q(pk__any=executed)


def activity_grant(user, action: str) -> Q | None:
    """Activities the user carries out, and those of the cases they are responsible for.

    The cases as an id list: an OR across the join to the case kept PostgreSQL off every
    index (the activity list of a district specialist of the region took 0.5 s)."""
    if action not in (VIEW, VIEW_MINIMAL, CHANGE):
        return None
    responsible_for = sorted(SupportCase.objects.filter(responsible=user).order_by()
                             .values_list("pk", flat=True))
    return Q(responsible_user=user) | Q(case_id__any=responsible_for)


def session_grant(user, action: str) -> Q | None:
    if action not in (VIEW, VIEW_MINIMAL):
        return None
    return Q(activity__responsible_user=user) | Q(activity__case__responsible=user)


def register_scopes() -> None:
    scope = access.register_scope
    for model in (DeadlineRule, Problem, SubsistenceMinimum):
        scope(model, kind=CATALOGUE)
    scope(SupportCase, kind=CASE, territory="territory", practice="practice",
          grants=[case_grant], persons=["person"])
    scope(CaseProblem, kind=CASE, territory="case__territory", practice="case__practice",
          persons=["case__person"])
    scope(Plan, kind=CASE, territory="case__territory", practice="practice",
          persons=["case__person"])
    scope(Activity, kind=ACTIVITY, territory="case__territory", practice="practice",
          grants=[activity_grant], persons=["case__person"])
    scope(ActivitySession, kind=ACTIVITY, territory="activity__case__territory",
          practice="activity__practice", grants=[session_grant],
          persons=["activity__case__person"])
