"""Every write of support cases: intake, decision, problems, plans, activities, review and
closure. Referrals, assessments, СОП and urgent acts write through their own apps, which
use the helpers here (``lock_case``, ``require_case``, ``deadline``, ...).

State transitions lock the case (or activity) row with ``select_for_update``,
check the current state, and refuse an invalid transition with a Russian message and no
change. Each write records the change and its domain event in the same transaction.
"""

import datetime

from django.utils.translation import gettext as _

from berezhno.cases import roles
from berezhno.core import access, audit
from berezhno.core.errors import DomainError, ErrorCode, TransitionError
from berezhno.core.models import ChangeAction
from berezhno.core.workdays import add_working_days, local_today

from ..models import (
    DeadlineRule,
    SupportCase,
)

# Deadlines used when the administrator has not set them (code: days, in working days?);
# the apps above the spine add theirs with ``register_default_deadline``.
DEFAULT_DEADLINES = {
    "decision": (5, True),
    "programme": (10, True),
}


def register_default_deadline(code: str, days: int, working_days: bool) -> None:
    """The deadline ``code`` when no ``DeadlineRule`` sets it (from an app's ready())."""
    DEFAULT_DEADLINES[code] = (days, working_days)

CASE_FIELDS = ("practice", "household", "channel", "referred_by", "problem_told", "urgency",
               "circumstances", "is_social_support", "responsible", "contract_number",
               "contract_date", "contract_until")


def deadline(code: str, start: datetime.date) -> datetime.date:
    """``start`` plus the configured number of (working) days of deadline ``code``."""
    rule = DeadlineRule.objects.filter(code=code).first()
    days, working = (rule.days, rule.working_days) if rule else DEFAULT_DEADLINES[code]
    if working:
        return add_working_days(start, days)
    return start + datetime.timedelta(days=days)


def forbidden(message) -> DomainError:
    return DomainError(message, code=ErrorCode.FORBIDDEN)


def lock_case(case: SupportCase) -> SupportCase:
    return SupportCase.objects.select_for_update().select_related("territory").get(pk=case.pk)


def require_case(user, case: SupportCase, action: str = roles.CHANGE) -> None:
    if not SupportCase.objects.restrict(user, action).filter(pk=case.pk).exists():
        raise forbidden(_("У вас нет права на это действие по данному случаю."))


def require_status(case: SupportCase, allowed, message) -> None:
    if case.status not in allowed:
        raise TransitionError(
            _("%(message)s Сейчас случай на этапе «%(status)s».")
            % {"message": message, "status": case.get_status_display()})


def case_today(case: SupportCase) -> datetime.date:
    return local_today(case.territory)


def _record_case(user, case, event, summary="", before=None, action=ChangeAction.UPDATE):
    audit.record(user=user, obj=case, action=action, event_type=event, before=before,
                 person_id=case.person_id, summary=summary)


def default_practice(user, territory=None) -> str:
    """The practice of a new case when none is given: the first (in registry order) of the
    practices in which the user may open cases at ``territory``; the field's default when
    the user's assignments there cover every practice (or none, which is refused later)."""
    practices = access.user_practices(user, roles.CASE, roles.ADD, territory=territory)
    return practices[0] if practices else SupportCase._meta.get_field("practice").default


def staff_in_scope(user, candidate, territory, practice: str | None = None) -> bool:
    """Whether ``candidate`` works on cases at ``territory`` (responsible / executor), in
    ``practice`` when given."""
    covered = access.user_practices(candidate, roles.CASE, roles.VIEW, territory=territory)
    if covered is None:
        return True  # every practice there (or a superuser)
    return bool(covered) if practice is None else practice in covered


