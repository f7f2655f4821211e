"""Every write of support cases: intake, decision, problems, plans, activities, review and
closure. Referrals, assessments, СОП and urgent acts write through their own apps, which
use the helpers here (``lock_case``, ``require_case``, ``deadline``, ...).

State transitions lock the case (or activity) row with ``select_for_update``,
check the current state, and refuse an invalid transition with a Russian message and no
change. Each write records the change and its domain event in the same transaction.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berezhno.accounts.choices import OrganisationKind
from berezhno.cases import roles
from berezhno.core import access, audit
from berezhno.core.access import territories_in_scope
from berezhno.core.errors import DomainError, ErrorCode, TransitionError
from berezhno.core.models import ChangeAction
from berezhno.core.services import apply_fields, check_version
from berezhno.core.workdays import add_working_days, local_date, local_today
from berezhno.people.choices import PersonStatus
from berezhno.people.models import HouseholdMember, Person
from berezhno.people.services import require_consent_for

from . import extensions
from .choices import (
    ACTIVE_STATUSES,
    EARLY_OUTCOMES,
    REFERRAL_CHANNELS,
    ActivityStatus,
    CaseStatus,
    Decision,
    Improvement,
    IntakeChannel,
    NeedCircumstance,
    Outcome,
    PlanStatus,
    ProblemSource,
    ServiceForm,
    ServiceType,
    Urgency,
)
from .models import (
    Activity,
    ActivitySession,
    CaseProblem,
    DeadlineRule,
    Plan,
    Problem,
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


# --------------------------------------------------------------------------- intake


def _clean_case(user, data: dict, *, person: Person | None, territory,
                instance: SupportCase | None = None) -> dict:
    errors: dict[str, list] = {}
    cleaned: dict = {}
    if "practice" in data or instance is None:
        practice = data.get("practice") or default_practice(user, territory)
        action = roles.ADD if instance is None else roles.CHANGE
        if practice not in {p.code for p in access.practices()}:
            errors["practice"] = [_("Выберите практику.")]
        elif not territories_in_scope(user, roles.CASE, action, practice=practice).filter(
                pk=territory.pk).exists():
            errors["practice"] = [_("Вы не ведёте случаи практики «%(practice)s» на "
                                    "территории гражданина.")
                                  % {"practice": access.practice_label(practice)}]
        cleaned["practice"] = practice
    if "channel" in data or instance is None:
        if data.get("channel") not in IntakeChannel.values:
            errors["channel"] = [_("Выберите канал обращения.")]
        cleaned["channel"] = data.get("channel")
    if "referred_by" in data:
        cleaned["referred_by"] = data.get("referred_by")
    channel = cleaned.get("channel", instance.channel if instance else None)
    if channel in REFERRAL_CHANNELS and not cleaned.get(
            "referred_by", instance.referred_by if instance else None):
        errors["referred_by"] = [_("Для обращения по направлению укажите, какая организация "
                                   "направила семью.")]
    if "problem_told" in data or instance is None:
        text = (data.get("problem_told") or "").strip()
        if not text:
            errors["problem_told"] = [_("Запишите проблему со слов заявителя.")]
        cleaned["problem_told"] = text
    if "urgency" in data or instance is None:
        urgency = data.get("urgency") or Urgency.ROUTINE
        if urgency not in Urgency.values:
            errors["urgency"] = [_("Выберите срочность.")]
        cleaned["urgency"] = urgency
    if "circumstances" in data:
        values = list(data.get("circumstances") or [])
        wrong = [v for v in values if v not in NeedCircumstance.values]
        if wrong:
            errors["circumstances"] = [_("Неизвестное обстоятельство нуждаемости: %(v)s.")
                                       % {"v": ", ".join(map(str, wrong))}]
        cleaned["circumstances"] = sorted(set(values), key=NeedCircumstance.values.index) \
            if not wrong else []
    if "is_social_support" in data:
        cleaned["is_social_support"] = bool(data.get("is_social_support"))
    if "household" in data:
        household = data.get("household")
        if household is not None and person is not None and not HouseholdMember.objects.filter(
                household=household, person=person, until__isnull=True).exists():
            errors["household"] = [_("Заявитель не состоит в выбранной семье.")]
        cleaned["household"] = household
    if "responsible" in data:
        responsible = data.get("responsible") or user
        practice = cleaned.get("practice", instance.practice if instance else None)
        if not staff_in_scope(user, responsible, territory, practice):
            errors["responsible"] = [_("Ответственный должен работать со случаями этой "
                                       "территории.")]
        cleaned["responsible"] = responsible
    for key in ("contract_number",):
        if key in data:
            cleaned[key] = (data.get(key) or "").strip()
    for key in ("contract_date", "contract_until"):
        if key in data:
            cleaned[key] = data.get(key)
    number = cleaned.get("contract_number", instance.contract_number if instance else "")
    c_date = cleaned.get("contract_date", instance.contract_date if instance else None)
    c_until = cleaned.get("contract_until", instance.contract_until if instance else None)
    if bool(number) != bool(c_date):
        errors["contract_date" if number else "contract_number"] = [
            _("Для договора о сотрудничестве укажите и номер, и дату.")]
    if c_date and c_date > local_today(territory):
        errors["contract_date"] = [_("Дата договора не может быть в будущем.")]
    if c_date and c_until and c_until < c_date:
        errors["contract_until"] = [_("Срок договора раньше даты его заключения.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def case_open(*, user, person: Person, data: dict, problems=()) -> SupportCase:
    """Register an intake (обращение) and open the case with its deadlines."""
    if not Person.objects.restrict(user, roles.VIEW).filter(pk=person.pk).exists():
        raise forbidden(_("Гражданин вне вашей зоны доступа."))
    territory = person.territory
    if not territories_in_scope(user, roles.CASE, roles.ADD).filter(pk=territory.pk).exists():
        raise forbidden(_("У вас нет права открывать случаи на территории гражданина."))
    errors = {}
    if person.status != PersonStatus.ACTIVE:
        errors["person"] = [_("Гражданин снят с учёта (%(status)s): сначала восстановите его.")
                            % {"status": person.get_status_display()}]
    received_at = data.get("received_at") or timezone.now()
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["received_at"] = [_("Дата обращения не может быть в будущем.")]
    if errors:
        raise ValidationError(errors)
    data = {**data, "responsible": data.get("responsible") or user}
    cleaned = _clean_case(user, data, person=person, territory=territory)
    require_consent_for(person, _("случай сопровождения"))
    received_on = local_date(received_at, territory)
    case = SupportCase.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:24]}", person=person, territory=territory,
        provider=getattr(user, "organisation", None), received_at=received_at,
        registered_by=user, decision_due=deadline("decision", received_on),
        programme_due=deadline("programme", received_on), **cleaned)
    case.number = f"{received_on.year}-{case.pk:06d}"
    case.save(update_fields=["number"])
    _record_case(user, case, "case.opened", action=ChangeAction.CREATE,
                 summary=f"{case.get_channel_display()}: {case.problem_told[:200]}")
    for problem in problems:
        add_problem(user, case, problem, ProblemSource.INTAKE, received_on)
    return case


@transaction.atomic
def case_update(*, user, case: SupportCase, data: dict,
                expected_version: int | None) -> SupportCase:
    """Edit the intake data and the cooperation contract of an active case."""
    require_case(user, case)
    case = lock_case(case)
    require_status(case, ACTIVE_STATUSES, _("Закрытый случай не редактируется."))
    before = audit.snapshot(case)
    check_version(case, expected_version, [f for f in CASE_FIELDS if f in data],
                  before, None)
    # Only what the user changed is checked again: an unchanged household the applicant has
    # left since, say, must not block recording the contract.
    changed_data = {k: v for k, v in data.items()
                    if k in CASE_FIELDS and getattr(case, k) != v}
    cleaned = _clean_case(user, changed_data, person=case.person, territory=case.territory,
                          instance=case)
    changed = apply_fields(case, cleaned)
    if not changed:
        return case
    case.version += 1
    case.save()
    if "practice" in changed:
        _move_to_practice(case)
    event = "case.contract" if set(changed) <= {"contract_number", "contract_date",
                                                "contract_until"} else "case.changed"
    _record_case(user, case, event, before=before)
    return case


def _move_to_practice(case: SupportCase) -> None:
    """The records of the case follow it into its new practice (they carry it for scope)."""
    for model, case_field in {Plan: "case", Activity: "case",
                              **extensions.practice_records()}.items():
        model.objects.filter(**{case_field: case}).update(practice=case.practice)


@transaction.atomic
def case_decide(*, user, case: SupportCase, decision: str, date: datetime.date | None = None,
                notes: str = "") -> SupportCase:
    """Record the decision on need: recognised → planning; not recognised → refused."""
    require_case(user, case, roles.CLOSE)
    case = lock_case(case)
    require_status(case, (CaseStatus.INTAKE,), _("Решение о нуждаемости принимается на "
                                                  "этапе обращения."))
    date = date or case_today(case)
    errors = {}
    if decision not in (Decision.NEED_RECOGNISED, Decision.NEED_NOT_RECOGNISED):
        errors["decision"] = [_("Выберите решение.")]
    if date > case_today(case):
        errors["date"] = [_("Дата решения не может быть в будущем.")]
    if date < case.received_on():
        errors["date"] = [_("Дата решения раньше даты обращения.")]
    if decision == Decision.NEED_NOT_RECOGNISED and not notes.strip():
        errors["notes"] = [_("Обоснуйте отказ в признании нуждающимся.")]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(case)
    case.decision, case.decision_date, case.decision_by = decision, date, user
    case.decision_notes = notes.strip()
    if decision == Decision.NEED_RECOGNISED:
        case.status = CaseStatus.PLANNING
    else:
        case.status, case.closed_on, case.closed_by = CaseStatus.REFUSED, date, user
    case.version += 1
    case.save()
    _record_case(user, case, "case.decided", before=before, summary=case.get_decision_display())
    return case


# --------------------------------------------------------------------------- problems


def add_problem(user, case, problem: Problem, source: str, on: datetime.date,
                note: str = "") -> CaseProblem | None:
    """Add ``problem`` to the case unless it is there already (then None)."""
    if CaseProblem.objects.filter(case=case, problem=problem).exists():
        return None
    item = CaseProblem.objects.create(case=case, problem=problem, source=source,
                                      identified_on=on, identified_by=user, note=note[:300])
    audit.record(user=user, obj=item, action=ChangeAction.CREATE, person_id=case.person_id,
                 event_type="case.problem_identified", summary=problem.name)
    return item


@transaction.atomic
def problem_add(*, user, case: SupportCase, problem: Problem, note: str = "",
                source: str = ProblemSource.SPECIALIST) -> CaseProblem:
    require_case(user, case)
    case = lock_case(case)
    require_status(case, ACTIVE_STATUSES, _("В закрытый случай проблемы не добавляются."))
    if not problem.is_active:
        raise ValidationError({"problem": [_("Эта проблема исключена из каталога.")]})
    if source not in ProblemSource.values:
        raise ValidationError({"source": [_("Укажите, как выявлена проблема.")]})
    item = add_problem(user, case, problem, source, case_today(case), note=note)
    if item is None:
        raise ValidationError({"problem": [_("Эта проблема уже отмечена в случае.")]})
    return item


@transaction.atomic
def problem_remove(*, user, item: CaseProblem, reason: str) -> None:
    require_case(user, item.case)
    case = lock_case(item.case)
    require_status(case, ACTIVE_STATUSES, _("В закрытом случае проблемы не меняются."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Укажите, почему проблема исключена.")]})
    before = audit.snapshot(item)
    audit.record(user=user, obj=item, action=ChangeAction.DELETE, before=before, after=None,
                 person_id=case.person_id, event_type="case.problem_removed",
                 summary=f"{item.problem.name}: {reason.strip()}")
    item.delete()


# --------------------------------------------------------------------------- plans


def current_plan(case: SupportCase) -> Plan | None:
    """The draft being prepared, else the approved version in force."""
    plans = {p.status: p for p in case.plans.filter(
        status__in=[PlanStatus.DRAFT, PlanStatus.APPROVED]).order_by("number")}
    return plans.get(PlanStatus.DRAFT) or plans.get(PlanStatus.APPROVED)


@transaction.atomic
def plan_create(*, user, case: SupportCase, data: dict | None = None) -> Plan:
    """Start a draft programme (the first, or a new version while continuing)."""
    require_case(user, case)
    case = lock_case(case)
    require_status(case, (CaseStatus.PLANNING,),
                    _("Программа составляется после признания нуждающимся; для новой "
                      "редакции продолжите сопровождение на подведении итогов."))
    if case.plans.filter(status=PlanStatus.DRAFT).exists():
        raise TransitionError(_("Проект программы уже есть: дополните его."))
    return _new_plan(user, case, data or {})


def _clean_plan(data: dict) -> dict:
    errors = {}
    cleaned = {}
    if "service_form" in data:
        if (data.get("service_form") or "") not in ServiceForm.values:
            errors["service_form"] = [_("Выберите форму социального обслуживания.")]
        cleaned["service_form"] = data.get("service_form") or ""
    if "goal" in data:
        cleaned["goal"] = (data.get("goal") or "").strip()
    if "valid_until" in data:
        cleaned["valid_until"] = data.get("valid_until")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _new_plan(user, case: SupportCase, data: dict, copy_from: Plan | None = None) -> Plan:
    cleaned = _clean_plan(data)
    last = case.plans.order_by("-number").first()
    plan = Plan.objects.create(case=case, practice=case.practice,
                               number=(last.number + 1) if last else 1, created_by=user, **{
                                   "service_form": copy_from.service_form if copy_from else "",
                                   "goal": copy_from.goal if copy_from else "", **cleaned})
    audit.record(user=user, obj=plan, action=ChangeAction.CREATE, person_id=case.person_id,
                 event_type="plan.created",
                 summary=_("Редакция %(n)s") % {"n": plan.number})
    return plan


@transaction.atomic
def plan_update(*, user, plan: Plan, data: dict) -> Plan:
    require_case(user, plan.case)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise TransitionError(_("Утверждённая программа не меняется: составьте новую "
                                "редакцию."))
    before = audit.snapshot(plan)
    if apply_fields(plan, _clean_plan(data)):
        plan.save()
        audit.record(user=user, obj=plan, action=ChangeAction.UPDATE, before=before,
                     person_id=plan.case.person_id, event_type="plan.created",
                     summary=_("Редакция %(n)s изменена") % {"n": plan.number})
    return plan


@transaction.atomic
def plan_approve(*, user, plan: Plan, date: datetime.date | None = None) -> Plan:
    """Approve the draft: it comes into force, the previous version is superseded."""
    require_case(user, plan.case, roles.CLOSE)
    case = lock_case(plan.case)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise TransitionError(_("Утвердить можно только проект программы."))
    require_status(case, (CaseStatus.PLANNING,), _("Программа утверждается на этапе "
                                                    "разработки."))
    date = date or case_today(case)
    if date > case_today(case) or date < case.received_on():
        raise ValidationError({"date": [_("Дата утверждения вне срока случая.")]})
    if not plan.activities.exists():
        raise ValidationError({"activities": [_("В программе нет ни одного мероприятия.")]})
    if not plan.service_form and not case.is_social_support:
        raise ValidationError({"service_form": [_("Укажите форму социального обслуживания.")]})
    for old in case.plans.select_for_update().filter(status=PlanStatus.APPROVED):
        old.status = PlanStatus.SUPERSEDED
        old.save(update_fields=["status"])
    before = audit.snapshot(case)
    plan.status, plan.approved_on, plan.approved_by = PlanStatus.APPROVED, date, user
    plan.save()
    audit.record(user=user, obj=plan, action=ChangeAction.UPDATE, person_id=case.person_id,
                 event_type="plan.approved", summary=_("Редакция %(n)s") % {"n": plan.number})
    case.status = CaseStatus.IN_PROGRESS
    if case.programme_date is None:
        case.programme_date = date
    case.review_since = None
    case.version += 1
    case.save()
    audit.record_change(user=user, obj=case, action=ChangeAction.UPDATE, before=before,
                        after=audit.snapshot(case), person_id=case.person_id)
    maybe_review(user, case)
    return plan


# --------------------------------------------------------------------------- activities


def _clean_activity(user, case: SupportCase, data: dict, instance: Activity | None) -> dict:
    errors: dict[str, list] = {}
    cleaned = {}
    if "service_type" in data or instance is None:
        if data.get("service_type") not in ServiceType.values:
            errors["service_type"] = [_("Выберите вид услуги или меру поддержки.")]
        cleaned["service_type"] = data.get("service_type")
    if "title" in data or instance is None:
        title = (data.get("title") or "").strip()
        if not title:
            errors["title"] = [_("Назовите мероприятие.")]
        cleaned["title"] = title
    for key in ("description", "volume", "frequency"):
        if key in data:
            cleaned[key] = (data.get(key) or "").strip()
    if "problem" in data:
        problem = data.get("problem")
        if problem is not None and not case.problems.filter(problem=problem).exists():
            errors["problem"] = [_("Эта проблема не отмечена в случае.")]
        cleaned["problem"] = problem
    if "due_date" in data or instance is None:
        due = data.get("due_date")
        if due is None:
            errors["due_date"] = [_("Укажите срок мероприятия.")]
        elif due < case.received_on():
            errors["due_date"] = [_("Срок мероприятия раньше даты обращения.")]
        cleaned["due_date"] = due
    if {"responsible_user", "partner"} & set(data) or instance is None:
        responsible = data.get("responsible_user")
        partner = data.get("partner")
        if bool(responsible) == bool(partner):
            errors["responsible_user"] = [_("Укажите одного исполнителя: специалиста или "
                                            "организацию-партнёра.")]
        elif responsible is not None and not staff_in_scope(user, responsible,
                                                             case.territory, case.practice):
            errors["responsible_user"] = [_("Специалист не работает на территории случая.")]
        elif partner is not None and (partner.kind != OrganisationKind.PARTNER
                                      or not partner.is_active):
            errors["partner"] = [_("Выберите действующую организацию-партнёра.")]
        cleaned["responsible_user"], cleaned["partner"] = responsible, partner
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def activity_add(*, user, plan: Plan, data: dict) -> Activity:
    require_case(user, plan.case)
    case = lock_case(plan.case)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise TransitionError(_("Мероприятия добавляются в проект программы; чтобы изменить "
                                "утверждённую, составьте новую редакцию."))
    cleaned = _clean_activity(user, case, data, None)
    activity = Activity.objects.create(plan=plan, case=case, practice=case.practice,
                                       **cleaned)
    audit.record(user=user, obj=activity, action=ChangeAction.CREATE,
                 person_id=case.person_id, event_type="activity.added",
                 summary=f"{activity.title} — {activity.executor}")
    return activity


@transaction.atomic
def activity_update(*, user, activity: Activity, data: dict,
                    expected_version: int | None) -> Activity:
    require_case(user, activity.case)
    activity = Activity.objects.select_for_update().select_related("plan", "case").get(
        pk=activity.pk)
    if activity.plan.status != PlanStatus.DRAFT:
        raise TransitionError(_("Мероприятие утверждённой программы не меняется: составьте "
                                "новую редакцию."))
    before = audit.snapshot(activity)
    check_version(activity, expected_version, list(data), before)
    cleaned = _clean_activity(user, activity.case, data, activity)
    if apply_fields(activity, cleaned):
        activity.version += 1
        activity.save()
        audit.record(user=user, obj=activity, action=ChangeAction.UPDATE, before=before,
                     person_id=activity.case.person_id, event_type="activity.changed",
                     summary=activity.title)
    return activity


@transaction.atomic
def activity_remove(*, user, activity: Activity) -> None:
    require_case(user, activity.case)
    activity = Activity.objects.select_for_update().select_related("plan", "case").get(
        pk=activity.pk)
    if activity.plan.status != PlanStatus.DRAFT:
        raise TransitionError(_("Из утверждённой программы мероприятия не удаляются."))
    audit.record(user=user, obj=activity, action=ChangeAction.DELETE,
                 before=audit.snapshot(activity), after=None,
                 person_id=activity.case.person_id, event_type="activity.changed",
                 summary=_("Исключено: %(t)s") % {"t": activity.title})
    activity.delete()  # a referral made for it keeps going without it (SET_NULL)


def _lock_activity_for_work(user, activity: Activity) -> Activity:
    """The executor, the case's responsible or whoever may change the case's activities."""
    if not Activity.objects.restrict(user, roles.CHANGE).filter(pk=activity.pk).exists():
        raise forbidden(_("Это мероприятие вам не поручено."))
    activity = Activity.objects.select_for_update().select_related(
        "plan", "case__territory").get(pk=activity.pk)
    if activity.plan.status != PlanStatus.APPROVED:
        raise TransitionError(_("Мероприятие исполняется только по утверждённой программе."))
    if activity.case.status not in (CaseStatus.IN_PROGRESS, CaseStatus.REVIEW):
        raise TransitionError(_("Случай не на этапе исполнения программы."))
    return activity


def activity_transition(user, activity, status, event, summary, **fields):
    before = audit.snapshot(activity)
    activity.status = status
    for key, value in fields.items():
        setattr(activity, key, value)
    activity.version += 1
    activity.save()
    audit.record(user=user, obj=activity, action=ChangeAction.UPDATE, before=before,
                 person_id=activity.case.person_id, event_type=event, summary=summary)


@transaction.atomic
def activity_start(*, user, activity: Activity, date: datetime.date | None = None) -> Activity:
    activity = _lock_activity_for_work(user, activity)
    if activity.status != ActivityStatus.PLANNED:
        raise TransitionError(_("Начать можно только запланированное мероприятие (сейчас: "
                                "«%(s)s»).") % {"s": activity.get_status_display()})
    date = _work_date(activity, date)
    activity_transition(user, activity, ActivityStatus.IN_PROGRESS, "activity.started",
                         activity.title, started_on=date)
    return activity


def _work_date(activity: Activity, date: datetime.date | None) -> datetime.date:
    today = case_today(activity.case)
    date = date or today
    if date > today:
        raise ValidationError({"date": [_("Дата не может быть в будущем.")]})
    if date < activity.case.received_on():
        raise ValidationError({"date": [_("Дата раньше обращения.")]})
    return date


@transaction.atomic
def activity_complete(*, user, activity: Activity, result: str,
                      date: datetime.date | None = None) -> Activity:
    activity = _lock_activity_for_work(user, activity)
    if activity.status not in (ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS):
        raise TransitionError(_("Мероприятие уже завершено (%(s)s).")
                              % {"s": activity.get_status_display()})
    if not (result or "").strip():
        raise ValidationError({"result": [_("Опишите результат мероприятия.")]})
    date = _work_date(activity, date)
    if activity.started_on and date < activity.started_on:
        raise ValidationError({"date": [_("Дата завершения раньше начала.")]})
    activity_transition(user, activity, ActivityStatus.DONE, "activity.done", activity.title,
                         finished_on=date, result=result.strip(),
                         started_on=activity.started_on or date)
    maybe_review(user, lock_case(activity.case))
    return activity


@transaction.atomic
def activity_fail(*, user, activity: Activity, reason: str,
                  date: datetime.date | None = None) -> Activity:
    """Mark an activity not done, with the reason."""
    activity = _lock_activity_for_work(user, activity)
    if activity.status not in (ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS):
        raise TransitionError(_("Мероприятие уже завершено (%(s)s).")
                              % {"s": activity.get_status_display()})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Укажите причину невыполнения.")]})
    date = _work_date(activity, date)
    activity_transition(user, activity, ActivityStatus.NOT_DONE, "activity.not_done",
                         f"{activity.title}: {reason.strip()}", finished_on=date,
                         not_done_reason=reason.strip()[:300])
    maybe_review(user, lock_case(activity.case))
    return activity


@transaction.atomic
def session_record(*, user, activity: Activity, data: dict) -> ActivitySession:
    """Record a session held within an activity; a planned activity becomes in progress."""
    activity = _lock_activity_for_work(user, activity)
    if activity.is_finished:
        raise TransitionError(_("Мероприятие уже завершено: занятия не добавляются."))
    errors = {}
    notes = (data.get("notes") or "").strip()
    if not notes:
        errors["notes"] = [_("Опишите содержание занятия.")]
    duration = data.get("duration_minutes")
    if duration is not None and not 1 <= int(duration) <= 24 * 60:
        errors["duration_minutes"] = [_("Продолжительность — от 1 до 1440 минут.")]
    try:
        held_on = _work_date(activity, data.get("held_on"))
    except ValidationError as exc:
        errors["held_on"] = exc.error_dict["date"][0].messages
        held_on = None
    if errors:
        raise ValidationError(errors)
    session = ActivitySession.objects.create(
        activity=activity, held_on=held_on, author=user, duration_minutes=duration,
        notes=notes, result=(data.get("result") or "").strip())
    audit.record(user=user, obj=session, action=ChangeAction.CREATE,
                 person_id=activity.case.person_id, event_type="activity.session",
                 summary=activity.title)
    if activity.status == ActivityStatus.PLANNED:
        activity_transition(user, activity, ActivityStatus.IN_PROGRESS, "activity.started",
                             activity.title, started_on=held_on)
    return session


def maybe_review(user, case: SupportCase) -> None:
    """When every activity of the programme in force is finished, the case is reviewed."""
    if case.status != CaseStatus.IN_PROGRESS:
        return
    plan = case.plans.filter(status=PlanStatus.APPROVED).first()
    if plan is None or plan.activities.exclude(
            status__in=[ActivityStatus.DONE, ActivityStatus.NOT_DONE]).exists():
        return
    before = audit.snapshot(case)
    case.status, case.review_since = CaseStatus.REVIEW, case_today(case)
    case.version += 1
    case.save()
    _record_case(user, case, "case.review", before=before)


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


