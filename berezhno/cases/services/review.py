"""Review and closure of a case: continuing with a new programme, closing."""


import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berezhno.cases import roles
from berezhno.core import audit
from berezhno.core.errors import TransitionError
from berezhno.core.models import ChangeAction
from berezhno.core.services import check_version

from .. import extensions
from ..choices import (
    ACTIVE_STATUSES,
    EARLY_OUTCOMES,
    ActivityStatus,
    CaseStatus,
    Improvement,
    Outcome,
    PlanStatus,
)
from ..models import (
    Activity,
    Plan,
    SupportCase,
)
from .common import _record_case, case_today, lock_case, require_case, require_status
from .plans import _new_plan

# --------------------------------------------------------------------------- review


@transaction.atomic
def case_continue(*, user, case: SupportCase, reason: str) -> Plan:
    """At review, agree with the family to go on: a new draft programme version with the
    activities that were not done."""
    require_case(user, case, roles.CLOSE)
    case = lock_case(case)
    require_status(case, (CaseStatus.REVIEW, CaseStatus.IN_PROGRESS),
                    _("Продолжить можно случай, программа которого исполняется или "
                      "исполнена."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Укажите, почему сопровождение продолжается.")]})
    if case.plans.filter(status=PlanStatus.DRAFT).exists():
        raise TransitionError(_("Новая редакция программы уже составляется."))
    before = audit.snapshot(case)
    old = case.plans.filter(status=PlanStatus.APPROVED).first()
    plan = _new_plan(user, case, {}, copy_from=old)
    if old is not None:
        for a in old.activities.filter(status__in=[ActivityStatus.NOT_DONE,
                                                   ActivityStatus.PLANNED,
                                                   ActivityStatus.IN_PROGRESS]):
            Activity.objects.create(
                plan=plan, case=case, practice=case.practice, service_type=a.service_type,
                title=a.title,
                description=a.description, problem=a.problem,
                responsible_user=a.responsible_user, partner=a.partner,
                due_date=max(a.due_date, case_today(case)), volume=a.volume,
                frequency=a.frequency, copied_from=a)
    case.status = CaseStatus.PLANNING
    case.version += 1
    case.save()
    _record_case(user, case, "case.continued", before=before, summary=reason.strip())
    return plan


@transaction.atomic
def case_close(*, user, case: SupportCase, outcome: str, improved: str, notes: str = "",
               date: datetime.date | None = None,
               expected_version: int | None = None) -> SupportCase:
    """Record the outcome and the family's own answer, and close the case."""
    require_case(user, case, roles.CLOSE)
    case = lock_case(case)
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Выберите результат сопровождения.")]
    if improved not in Improvement.values:
        errors["improved"] = [_("Отметьте ответ семьи: улучшилась ли её ситуация.")]
    if errors:
        raise ValidationError(errors)
    if outcome in EARLY_OUTCOMES:
        require_status(case, ACTIVE_STATUSES, _("Случай уже закрыт."))
    else:
        require_status(case, (CaseStatus.REVIEW,),
                        _("Случай закрывается с оценкой результата после завершения всех "
                          "мероприятий программы."))
    if expected_version is not None and int(expected_version) != case.version:
        check_version(case, expected_version, [], {})
    date = date or case_today(case)
    if date > case_today(case) or date < case.received_on():
        raise ValidationError({"date": [_("Дата закрытия вне срока случая.")]})
    if outcome in (Outcome.NOT_RESOLVED, Outcome.REFUSED) and not notes.strip():
        raise ValidationError({"notes": [_("Опишите, почему проблема не решена или от чего "
                                           "отказалась семья.")]})
    before = audit.snapshot(case)
    if outcome in EARLY_OUTCOMES:
        # Unfinished activities cannot go on after the family left.
        for a in case.activities.select_for_update().filter(
                status__in=[ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS]):
            a_before = audit.snapshot(a)
            a.status, a.finished_on = ActivityStatus.NOT_DONE, date
            a.not_done_reason = Outcome(outcome).label[:300]
            a.version += 1
            a.save()
            audit.record_change(user=user, obj=a, action=ChangeAction.UPDATE, before=a_before,
                                after=audit.snapshot(a), person_id=case.person_id)
    for hook in extensions.close_hooks():
        hook(user=user, case=case, date=date, early=outcome in EARLY_OUTCOMES)
    case.plans.filter(status=PlanStatus.APPROVED).update(status=PlanStatus.CLOSED)
    case.plans.filter(status=PlanStatus.DRAFT).update(status=PlanStatus.SUPERSEDED)
    case.status, case.outcome, case.improved = CaseStatus.CLOSED, outcome, improved
    case.closed_on, case.closed_by, case.closure_notes = date, user, notes.strip()
    case.version += 1
    case.save()
    _record_case(user, case, "case.closed", before=before,
                 summary=f"{case.get_outcome_display()}; {case.get_improved_display()}")
    return case


