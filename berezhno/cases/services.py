"""Every write of support cases: intake, decision, problems, plans, activities, referrals,
urgent services, review and closure.

State transitions lock the case (or activity, referral) row with ``select_for_update``,
check the current state, and refuse an invalid transition with a Russian message and no
change. Each write records the change and its domain event in the same transaction.
"""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from berezhno.accounts.choices import OrganisationKind
from berezhno.cases import roles
from berezhno.core import access, audit
from berezhno.core.access import can, territories_in_scope
from berezhno.core.errors import DomainError, ErrorCode, TransitionError
from berezhno.core.models import ChangeAction
from berezhno.core.services import apply_fields, check_version
from berezhno.core.workdays import add_working_days, local_date, local_today
from berezhno.people import services as people
from berezhno.people.choices import Category, ConsentPurpose, PersonStatus
from berezhno.people.models import HouseholdMember, Person, PersonCategory, valid_consent_q
from berezhno.people.services import require_consent_for

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
    ReferralStatus,
    ServiceForm,
    ServiceType,
    SopSource,
    SopStatus,
    Urgency,
    UrgentService,
)
from .models import (
    Activity,
    ActivitySession,
    AnswerType,
    Assessment,
    AssessmentAnswer,
    CaseProblem,
    DeadlineRule,
    Plan,
    Problem,
    Referral,
    SopRecord,
    SopReview,
    SubsistenceMinimum,
    SupportCase,
    UrgentServiceAct,
    UrgentServiceLine,
)

# Deadlines used when the administrator has not set them (code: days, in working days?).
DEFAULT_DEADLINES = {
    "decision": (5, True),
    "programme": (10, True),
    "referral_response": (5, True),
    "sop_kdn_notice": (1, False),
    "sop_first_survey": (5, False),
    "sop_review": (90, False),
}

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


def _forbidden(message) -> DomainError:
    return DomainError(message, code=ErrorCode.FORBIDDEN)


def _lock_case(case: SupportCase) -> SupportCase:
    return SupportCase.objects.select_for_update().select_related("territory").get(pk=case.pk)


def _require_case(user, case: SupportCase, action: str = roles.CHANGE) -> None:
    if not SupportCase.objects.restrict(user, action).filter(pk=case.pk).exists():
        raise _forbidden(_("У вас нет права на это действие по данному случаю."))


def _require_status(case: SupportCase, allowed, message) -> None:
    if case.status not in allowed:
        raise TransitionError(
            _("%(message)s Сейчас случай на этапе «%(status)s».")
            % {"message": message, "status": case.get_status_display()})


def _today(case: SupportCase) -> datetime.date:
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


def _staff_in_scope(user, candidate, territory, practice: str | None = None) -> bool:
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
        if not _staff_in_scope(user, responsible, territory, practice):
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
        raise _forbidden(_("Гражданин вне вашей зоны доступа."))
    territory = person.territory
    if not territories_in_scope(user, roles.CASE, roles.ADD).filter(pk=territory.pk).exists():
        raise _forbidden(_("У вас нет права открывать случаи на территории гражданина."))
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
        _add_problem(user, case, problem, ProblemSource.INTAKE, received_on)
    return case


@transaction.atomic
def case_update(*, user, case: SupportCase, data: dict,
                expected_version: int | None) -> SupportCase:
    """Edit the intake data and the cooperation contract of an active case."""
    _require_case(user, case)
    case = _lock_case(case)
    _require_status(case, ACTIVE_STATUSES, _("Закрытый случай не редактируется."))
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
    for model in (Plan, Activity, Referral, Assessment, SopRecord, UrgentServiceAct):
        model.objects.filter(case=case).update(practice=case.practice)


@transaction.atomic
def case_decide(*, user, case: SupportCase, decision: str, date: datetime.date | None = None,
                notes: str = "") -> SupportCase:
    """Record the decision on need: recognised → planning; not recognised → refused."""
    _require_case(user, case, roles.CLOSE)
    case = _lock_case(case)
    _require_status(case, (CaseStatus.INTAKE,), _("Решение о нуждаемости принимается на "
                                                  "этапе обращения."))
    date = date or _today(case)
    errors = {}
    if decision not in (Decision.NEED_RECOGNISED, Decision.NEED_NOT_RECOGNISED):
        errors["decision"] = [_("Выберите решение.")]
    if date > _today(case):
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


def _add_problem(user, case, problem: Problem, source: str, on: datetime.date,
                 assessment=None, note: str = "") -> CaseProblem | None:
    if CaseProblem.objects.filter(case=case, problem=problem).exists():
        return None
    item = CaseProblem.objects.create(case=case, problem=problem, source=source,
                                      assessment=assessment, identified_on=on,
                                      identified_by=user, note=note[:300])
    audit.record(user=user, obj=item, action=ChangeAction.CREATE, person_id=case.person_id,
                 event_type="case.problem_identified", summary=problem.name)
    return item


@transaction.atomic
def problem_add(*, user, case: SupportCase, problem: Problem, note: str = "",
                source: str = ProblemSource.SPECIALIST) -> CaseProblem:
    _require_case(user, case)
    case = _lock_case(case)
    _require_status(case, ACTIVE_STATUSES, _("В закрытый случай проблемы не добавляются."))
    if not problem.is_active:
        raise ValidationError({"problem": [_("Эта проблема исключена из каталога.")]})
    if source not in ProblemSource.values:
        raise ValidationError({"source": [_("Укажите, как выявлена проблема.")]})
    item = _add_problem(user, case, problem, source, _today(case), note=note)
    if item is None:
        raise ValidationError({"problem": [_("Эта проблема уже отмечена в случае.")]})
    return item


@transaction.atomic
def problem_remove(*, user, item: CaseProblem, reason: str) -> None:
    _require_case(user, item.case)
    case = _lock_case(item.case)
    _require_status(case, ACTIVE_STATUSES, _("В закрытом случае проблемы не меняются."))
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
    _require_case(user, case)
    case = _lock_case(case)
    _require_status(case, (CaseStatus.PLANNING,),
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
    _require_case(user, plan.case)
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
    _require_case(user, plan.case, roles.CLOSE)
    case = _lock_case(plan.case)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise TransitionError(_("Утвердить можно только проект программы."))
    _require_status(case, (CaseStatus.PLANNING,), _("Программа утверждается на этапе "
                                                    "разработки."))
    date = date or _today(case)
    if date > _today(case) or date < case.received_on():
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
    _maybe_review(user, case)
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
        elif responsible is not None and not _staff_in_scope(user, responsible,
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
    _require_case(user, plan.case)
    case = _lock_case(plan.case)
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
    _require_case(user, activity.case)
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
    _require_case(user, activity.case)
    activity = Activity.objects.select_for_update().select_related("plan", "case").get(
        pk=activity.pk)
    if activity.plan.status != PlanStatus.DRAFT:
        raise TransitionError(_("Из утверждённой программы мероприятия не удаляются."))
    audit.record(user=user, obj=activity, action=ChangeAction.DELETE,
                 before=audit.snapshot(activity), after=None,
                 person_id=activity.case.person_id, event_type="activity.changed",
                 summary=_("Исключено: %(t)s") % {"t": activity.title})
    activity.referrals.update(activity=None)
    activity.delete()


def _lock_activity_for_work(user, activity: Activity) -> Activity:
    """The executor, the case's responsible or whoever may change the case's activities."""
    if not Activity.objects.restrict(user, roles.CHANGE).filter(pk=activity.pk).exists():
        raise _forbidden(_("Это мероприятие вам не поручено."))
    activity = Activity.objects.select_for_update().select_related(
        "plan", "case__territory").get(pk=activity.pk)
    if activity.plan.status != PlanStatus.APPROVED:
        raise TransitionError(_("Мероприятие исполняется только по утверждённой программе."))
    if activity.case.status not in (CaseStatus.IN_PROGRESS, CaseStatus.REVIEW):
        raise TransitionError(_("Случай не на этапе исполнения программы."))
    return activity


def _activity_transition(user, activity, status, event, summary, **fields):
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
    _activity_transition(user, activity, ActivityStatus.IN_PROGRESS, "activity.started",
                         activity.title, started_on=date)
    return activity


def _work_date(activity: Activity, date: datetime.date | None) -> datetime.date:
    today = _today(activity.case)
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
    _activity_transition(user, activity, ActivityStatus.DONE, "activity.done", activity.title,
                         finished_on=date, result=result.strip(),
                         started_on=activity.started_on or date)
    _maybe_review(user, _lock_case(activity.case))
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
    _activity_transition(user, activity, ActivityStatus.NOT_DONE, "activity.not_done",
                         f"{activity.title}: {reason.strip()}", finished_on=date,
                         not_done_reason=reason.strip()[:300])
    _maybe_review(user, _lock_case(activity.case))
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
        _activity_transition(user, activity, ActivityStatus.IN_PROGRESS, "activity.started",
                             activity.title, started_on=held_on)
    return session


def _maybe_review(user, case: SupportCase) -> None:
    """When every activity of the programme in force is finished, the case is reviewed."""
    if case.status != CaseStatus.IN_PROGRESS:
        return
    plan = case.plans.filter(status=PlanStatus.APPROVED).first()
    if plan is None or plan.activities.exclude(
            status__in=[ActivityStatus.DONE, ActivityStatus.NOT_DONE]).exists():
        return
    before = audit.snapshot(case)
    case.status, case.review_since = CaseStatus.REVIEW, _today(case)
    case.version += 1
    case.save()
    _record_case(user, case, "case.review", before=before)


# --------------------------------------------------------------------------- review


@transaction.atomic
def case_continue(*, user, case: SupportCase, reason: str) -> Plan:
    """At review, agree with the family to go on: a new draft programme version with the
    activities that were not done."""
    _require_case(user, case, roles.CLOSE)
    case = _lock_case(case)
    _require_status(case, (CaseStatus.REVIEW, CaseStatus.IN_PROGRESS),
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
                due_date=max(a.due_date, _today(case)), volume=a.volume,
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
    _require_case(user, case, roles.CLOSE)
    case = _lock_case(case)
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Выберите результат сопровождения.")]
    if improved not in Improvement.values:
        errors["improved"] = [_("Отметьте ответ семьи: улучшилась ли её ситуация.")]
    if errors:
        raise ValidationError(errors)
    if outcome in EARLY_OUTCOMES:
        _require_status(case, ACTIVE_STATUSES, _("Случай уже закрыт."))
    else:
        _require_status(case, (CaseStatus.REVIEW,),
                        _("Случай закрывается с оценкой результата после завершения всех "
                          "мероприятий программы."))
    if expected_version is not None and int(expected_version) != case.version:
        check_version(case, expected_version, [], {})
    date = date or _today(case)
    if date > _today(case) or date < case.received_on():
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
        case.referrals.filter(status=ReferralStatus.SENT).update(
            status=ReferralStatus.WITHDRAWN)
    case.plans.filter(status=PlanStatus.APPROVED).update(status=PlanStatus.CLOSED)
    case.plans.filter(status=PlanStatus.DRAFT).update(status=PlanStatus.SUPERSEDED)
    case.status, case.outcome, case.improved = CaseStatus.CLOSED, outcome, improved
    case.closed_on, case.closed_by, case.closure_notes = date, user, notes.strip()
    case.version += 1
    case.save()
    _record_case(user, case, "case.closed", before=before,
                 summary=f"{case.get_outcome_display()}; {case.get_improved_display()}")
    return case


# --------------------------------------------------------------------------- referrals


def partner_consent_covers(person: Person, organisation, on: datetime.date) -> bool:
    """A valid consent to transfer data to partners that names this organisation."""
    return person.consents.filter(
        valid_consent_q(on=on, purpose=ConsentPurpose.PARTNER_TRANSFER),
        recipients=organisation).exists()


@transaction.atomic
def referral_send(*, user, case: SupportCase, data: dict) -> Referral:
    _require_case(user, case)
    if not SupportCase.objects.restrict(user, roles.ADD, kind=roles.REFERRAL).filter(
            pk=case.pk).exists():
        raise _forbidden(_("У вас нет права направлять в организации-партнёры."))
    case = _lock_case(case)
    _require_status(case, (CaseStatus.INTAKE, CaseStatus.PLANNING, CaseStatus.IN_PROGRESS,
                           CaseStatus.REVIEW), _("Из закрытого случая не направляют."))
    errors: dict[str, list] = {}
    organisation = data.get("organisation")
    activity = data.get("activity")
    if activity is not None:
        if activity.case_id != case.pk:
            errors["activity"] = [_("Мероприятие относится к другому случаю.")]
        elif organisation is None:
            organisation = activity.partner
    if organisation is None or organisation.kind != OrganisationKind.PARTNER \
            or not organisation.is_active:
        errors["organisation"] = [_("Выберите действующую организацию-партнёра.")]
    services = (data.get("services") or "").strip()
    if not services:
        errors["services"] = [_("Опишите, какая помощь нужна семье.")]
    today = _today(case)
    sent_on = data.get("sent_on") or today
    if sent_on > today or sent_on < case.received_on():
        errors["sent_on"] = [_("Дата направления вне срока случая.")]
    result_due = data.get("result_due") or (activity.due_date if activity else None)
    if result_due and result_due < sent_on:
        errors["result_due"] = [_("Срок результата раньше даты направления.")]
    if errors:
        raise ValidationError(errors)
    if not partner_consent_covers(case.person, organisation, sent_on):
        raise DomainError(
            _("Нельзя направить сведения в «%(org)s»: у гражданина нет действующего согласия "
              "на передачу персональных данных этой организации (152-ФЗ). Оформите согласие "
              "с целью «передача сведений организациям-партнёрам», указав эту организацию.")
            % {"org": organisation}, field="organisation", code=ErrorCode.NO_CONSENT)
    if Referral.objects.filter(case=case, organisation=organisation,
                               status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED],
                               activity=activity).exists():
        raise ValidationError({"organisation": [_("В эту организацию по этому случаю уже есть "
                                                  "действующее направление.")]})
    referral = Referral.objects.create(
        case=case, practice=case.practice, activity=activity, organisation=organisation,
        services=services,
        sent_on=sent_on, sent_by=user, response_due=deadline("referral_response", sent_on),
        result_due=result_due)
    audit.record(user=user, obj=referral, action=ChangeAction.CREATE,
                 person_id=case.person_id, event_type="referral.sent",
                 summary=str(organisation))
    return referral


def _lock_referral(user, referral: Referral) -> Referral:
    if not Referral.objects.restrict(user, roles.CHANGE).filter(pk=referral.pk).exists():
        raise _forbidden(_("Это направление адресовано не вашей организации."))
    return Referral.objects.select_for_update().select_related("case__territory").get(
        pk=referral.pk)


def _partner_date(referral: Referral, date: datetime.date | None) -> datetime.date:
    today = _today(referral.case)
    date = date or today
    if date > today or date < referral.sent_on:
        raise ValidationError({"date": [_("Дата должна быть не раньше направления и не позже "
                                          "сегодняшнего дня.")]})
    return date


def _referral_transition(user, referral, status, event, summary, **fields):
    before = audit.snapshot(referral)
    referral.status = status
    for key, value in fields.items():
        setattr(referral, key, value)
    referral.version += 1
    referral.save()
    audit.record(user=user, obj=referral, action=ChangeAction.UPDATE, before=before,
                 person_id=referral.case.person_id, event_type=event, summary=summary)


@transaction.atomic
def referral_accept(*, user, referral: Referral, date: datetime.date | None = None,
                    expected_version: int | None = None) -> Referral:
    referral = _lock_referral(user, referral)
    _check_referral_version(referral, expected_version)
    if referral.status != ReferralStatus.SENT:
        raise TransitionError(_("Принять можно только направление, ожидающее ответа (сейчас: "
                                "«%(s)s»).") % {"s": referral.get_status_display()})
    date = _partner_date(referral, date)
    _referral_transition(user, referral, ReferralStatus.ACCEPTED, "referral.accepted",
                         str(referral.organisation), responded_on=date, responded_by=user)
    return referral


@transaction.atomic
def referral_reject(*, user, referral: Referral, reason: str,
                    date: datetime.date | None = None,
                    expected_version: int | None = None) -> Referral:
    referral = _lock_referral(user, referral)
    _check_referral_version(referral, expected_version)
    if referral.status != ReferralStatus.SENT:
        raise TransitionError(_("Отклонить можно только направление, ожидающее ответа "
                                "(сейчас: «%(s)s»).") % {"s": referral.get_status_display()})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Укажите причину отказа.")]})
    date = _partner_date(referral, date)
    _referral_transition(user, referral, ReferralStatus.REJECTED, "referral.rejected",
                         f"{referral.organisation}: {reason.strip()}", responded_on=date,
                         responded_by=user, rejection_reason=reason.strip()[:300])
    return referral


@transaction.atomic
def referral_complete(*, user, referral: Referral, result: str,
                      date: datetime.date | None = None,
                      expected_version: int | None = None) -> Referral:
    referral = _lock_referral(user, referral)
    _check_referral_version(referral, expected_version)
    if referral.status != ReferralStatus.ACCEPTED:
        raise TransitionError(_("Результат сообщается по принятому направлению (сейчас: "
                                "«%(s)s»).") % {"s": referral.get_status_display()})
    if not (result or "").strip():
        raise ValidationError({"result": [_("Опишите результат: что сделано для семьи.")]})
    date = _partner_date(referral, date)
    _referral_transition(user, referral, ReferralStatus.DONE, "referral.done",
                         f"{referral.organisation}: {result.strip()[:200]}", completed_on=date,
                         result=result.strip())
    _complete_partner_activity(user, referral, date)
    return referral


def _complete_partner_activity(user, referral: Referral, date: datetime.date) -> None:
    """The partner's result completes the plan activity the referral was sent for."""
    if referral.activity_id is None:
        return
    activity = Activity.objects.select_for_update().select_related("plan", "case").get(
        pk=referral.activity_id)
    if (activity.partner_id != referral.organisation_id or activity.is_finished
            or activity.plan.status != PlanStatus.APPROVED):
        return
    _activity_transition(user, activity, ActivityStatus.DONE, "activity.done", activity.title,
                         finished_on=date, started_on=activity.started_on or referral.sent_on,
                         result=_("Результат партнёра (%(org)s): %(result)s")
                         % {"org": referral.organisation, "result": referral.result})
    _maybe_review(user, _lock_case(activity.case))


@transaction.atomic
def referral_withdraw(*, user, referral: Referral, reason: str) -> Referral:
    _require_case(user, referral.case)
    referral = Referral.objects.select_for_update().select_related("case__territory").get(
        pk=referral.pk)
    if referral.status not in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
        raise TransitionError(_("Отозвать можно только действующее направление."))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Укажите причину отзыва.")]})
    _referral_transition(user, referral, ReferralStatus.WITHDRAWN, "referral.withdrawn",
                         reason.strip())
    return referral


def _check_referral_version(referral: Referral, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != referral.version:
        check_version(referral, expected_version, [], {})


# --------------------------------------------------------------------------- urgent


@transaction.atomic
def urgent_act_create(*, user, person: Person, data: dict, lines: list[dict],
                      case: SupportCase | None = None) -> UrgentServiceAct:
    """Urgent services given at once, without a programme or contract (442-ФЗ ст. 21)."""
    if not Person.objects.restrict(user, roles.VIEW_MINIMAL).filter(pk=person.pk).exists():
        raise _forbidden(_("Гражданин вне вашей зоны доступа."))
    practice = case.practice if case is not None else (
        data.get("practice") or default_practice(user, person.territory))
    if practice not in {p.code for p in access.practices()}:
        raise ValidationError({"practice": [_("Выберите практику.")]})
    if not territories_in_scope(user, roles.CASE, roles.ADD, practice=practice).filter(
            pk=person.territory_id).exists():
        raise _forbidden(_("У вас нет права оформлять срочные услуги на этой территории."))
    errors: dict[str, list] = {}
    if case is not None and case.person_id != person.pk:
        errors["case"] = [_("Случай относится к другому гражданину.")]
    today = local_today(person.territory)
    date_from, date_to = data.get("date_from"), data.get("date_to")
    act_date = data.get("act_date") or today
    if date_from is None:
        errors["date_from"] = [_("Укажите, с какой даты оказаны услуги.")]
    if date_to is None:
        errors["date_to"] = [_("Укажите, по какую дату оказаны услуги.")]
    if date_from and date_to and date_to < date_from:
        errors["date_to"] = [_("Дата окончания раньше начала.")]
    if act_date > today or (date_from and date_from > today):
        errors["act_date"] = [_("Дата не может быть в будущем.")]
    provider = data.get("provider") or getattr(user, "organisation", None)
    if provider is None or provider.kind != OrganisationKind.PROVIDER:
        errors["provider"] = [_("Укажите поставщика социальных услуг.")]
    if not lines:
        errors["lines"] = [_("Перечислите оказанные срочные услуги.")]
    for i, line in enumerate(lines, 1):
        if line.get("service") not in UrgentService.values:
            errors.setdefault("lines", []).append(
                _("Строка %(i)s: выберите вид срочной услуги.") % {"i": i})
        on = line.get("provided_on") or date_from
        if on is not None and date_from and date_to and not date_from <= on <= date_to:
            errors.setdefault("lines", []).append(
                _("Строка %(i)s: дата вне периода акта.") % {"i": i})
    if errors:
        raise ValidationError(errors)
    act = UrgentServiceAct.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:24]}", act_date=act_date, person=person, case=case,
        practice=practice,
        territory=person.territory, provider=provider, date_from=date_from, date_to=date_to,
        notes=(data.get("notes") or "").strip(), created_by=user)
    act.number = f"С-{act_date.year}-{act.pk:05d}"
    act.save(update_fields=["number"])
    for line in lines:
        UrgentServiceLine.objects.create(
            act=act, service=line["service"], description=(line.get("description") or "")[:300],
            quantity=(line.get("quantity") or "")[:100],
            provided_on=line.get("provided_on") or date_from)
    audit.record(user=user, obj=act, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="urgent.act",
                 summary=", ".join(str(UrgentService(line["service"]).label)
                                   for line in lines)[:500])
    return act


# --------------------------------------------------------------------------- assessment


def _may_assess(user, case: SupportCase) -> bool:
    """Case workers, and specialists who carry out activities (the psychologist's
    diagnostics), in the case's scope."""

    if SupportCase.objects.restrict(user, roles.CHANGE).filter(pk=case.pk).exists():
        return True
    return can(user, roles.ACTIVITY, roles.CHANGE, case.practice) and (
        SupportCase.objects.restrict(user, roles.VIEW).filter(pk=case.pk).exists())


def subsistence_minimum_for(territory, year: int):
    """The per-capita subsistence minimum of the territory's region for the year (the
    latest earlier year if that year is not entered yet), or None."""

    region_path = territory.path.split(".", 1)[0] + "."  # the root of the materialised path
    row = (SubsistenceMinimum.objects.filter(region__path=region_path, year__lte=year)
           .order_by("-year").first())
    return row


def _parse_answer(question, raw, options: dict):
    """The stored form of one answer, or raise ValueError with a Russian message."""
    import decimal


    if question.answer_type == AnswerType.SINGLE:
        try:
            option = options[int(raw)]
        except (KeyError, TypeError, ValueError):
            raise ValueError(_("Выберите один из вариантов ответа.")) from None
        return {"option_ids": [option.pk]}
    if question.answer_type == AnswerType.MULTI:
        values = raw if isinstance(raw, list | tuple) else [raw]
        try:
            chosen = [options[int(v)] for v in values]
        except (KeyError, TypeError, ValueError):
            raise ValueError(_("Выберите варианты ответа из списка.")) from None
        return {"option_ids": sorted({o.pk for o in chosen})}
    if question.answer_type == AnswerType.NUMBER:
        try:
            value = decimal.Decimal(str(raw).replace(" ", "").replace(",", "."))
        except (decimal.InvalidOperation, ValueError):
            raise ValueError(_("Введите число.")) from None
        if not value.is_finite() or value < 0 or value >= 10**10:
            raise ValueError(_("Введите неотрицательное число."))
        return {"value_number": value.quantize(decimal.Decimal("0.01"))}
    if question.answer_type == AnswerType.DATE:
        if isinstance(raw, datetime.date):
            return {"value_date": raw}
        try:
            return {"value_date": datetime.date.fromisoformat(str(raw))}
        except ValueError:
            raise ValueError(_("Введите дату в формате ГГГГ-ММ-ДД.")) from None
    text = str(raw).strip()
    if len(text) > 5000:
        raise ValueError(_("Ответ длиннее 5000 знаков."))
    return {"value_text": text}


def _is_blank(raw) -> bool:
    return raw is None or raw == "" or raw == [] or (isinstance(raw, str) and not raw.strip())


@transaction.atomic
def assessment_record(*, user, case: SupportCase, questionnaire, answers: dict,
                      conducted_on: datetime.date | None = None,
                      conclusion: str = ""):
    """Record a questionnaire run: answers → score, problems, circumstances, income test.

    ``answers`` maps a question id to its answer: an option id (one variant), a list of
    option ids (several), a number, a text or a date. Errors are keyed ``q<question id>``.
    """

    if not _may_assess(user, case):
        raise _forbidden(_("У вас нет права проводить диагностику по этому случаю."))
    case = _lock_case(case)
    _require_status(case, ACTIVE_STATUSES, _("В закрытом случае диагностика не проводится."))
    if not questionnaire.is_active:
        raise ValidationError({"questionnaire": [_("Эта анкета больше не используется.")]})
    today = _today(case)
    conducted_on = conducted_on or today
    errors: dict[str, list] = {}
    if conducted_on > today or conducted_on < case.received_on():
        errors["conducted_on"] = [_("Дата диагностики — не раньше обращения и не позже "
                                    "сегодняшнего дня.")]
    questions = list(questionnaire.questions.prefetch_related("options"))
    known = {q.pk for q in questions}
    stray = [k for k in answers if _int_or_none(k) not in known]
    if stray:
        errors["answers"] = [_("Ответы на вопросы другой анкеты не принимаются.")]
    parsed = {}
    for q in questions:
        raw = answers.get(q.pk, answers.get(str(q.pk)))
        if _is_blank(raw):
            if q.required:
                errors[f"q{q.pk}"] = [_("Ответьте на вопрос «%(q)s».") % {"q": q.text}]
            continue
        try:
            parsed[q.pk] = _parse_answer(q, raw, {o.pk: o for o in q.options.all()})
        except ValueError as exc:
            errors[f"q{q.pk}"] = [f"{q.text}: {exc}"]
    if errors:
        raise ValidationError(errors)
    by_code = {q.code: parsed.get(q.pk, {}) for q in questions if q.code}
    score, problem_ids, circumstances = 0, [], list(case.circumstances)
    options = {o.pk: o for q in questions for o in q.options.all()}
    for q in questions:
        answer = parsed.get(q.pk)
        if not answer:
            continue
        for option_id in answer.get("option_ids", []):
            option = options[option_id]
            score += option.score
            if option.problem_id:
                problem_ids.append(option.problem_id)
            if option.circumstance in NeedCircumstance.values and \
                    option.circumstance not in circumstances:
                circumstances.append(option.circumstance)
        value = answer.get("value_number")
        if value is not None and q.threshold is not None and q.threshold_problem_id and (
                (value < q.threshold) if q.raise_when_below else (value > q.threshold)):
            problem_ids.append(q.threshold_problem_id)
    per_capita = minimum = None
    income = by_code.get("family_income", {}).get("value_number")
    size = by_code.get("family_size", {}).get("value_number")
    if income is not None:
        if not size:
            raise ValidationError({"answers": [_("Для расчёта среднедушевого дохода укажите "
                                                 "число членов семьи (больше нуля).")]})
        per_capita = (income / size).quantize(income.__class__("0.01"))
        pm = subsistence_minimum_for(case.territory, conducted_on.year)
        if pm is not None:
            minimum = pm.per_capita
            if per_capita < minimum:
                low = Problem.objects.filter(code="low_income", is_active=True).first()
                if low is not None:
                    problem_ids.append(low.pk)
    assessment = Assessment.objects.create(
        case=case, practice=case.practice, questionnaire=questionnaire, conducted_on=conducted_on,
        conducted_by=user, total_score=score, per_capita_income=per_capita,
        subsistence_minimum=minimum, conclusion=(conclusion or "").strip())
    AssessmentAnswer.objects.bulk_create(
        AssessmentAnswer(assessment=assessment, question_id=qid, **answer)
        for qid, answer in parsed.items())
    found = []
    for problem in Problem.objects.filter(pk__in=set(problem_ids)).order_by("order"):
        if _add_problem(user, case, problem, ProblemSource.ASSESSMENT, conducted_on,
                        assessment=assessment) is not None:
            found.append(problem.name)
    summary = ngettext("%(q)s: %(score)s балл", "%(q)s: %(score)s баллов", abs(score)) % {
        "q": questionnaire.title, "score": score}
    if found:
        summary += "; " + _("выявлено: %(p)s") % {"p": ", ".join(found)}
    audit.record(user=user, obj=assessment, action=ChangeAction.CREATE,
                 person_id=case.person_id, event_type="case.assessed", summary=summary)
    if circumstances != list(case.circumstances):
        before = audit.snapshot(case)
        case.circumstances = circumstances
        case.version += 1
        case.save()
        audit.record_change(user=user, obj=case, action=ChangeAction.UPDATE, before=before,
                            after=audit.snapshot(case), person_id=case.person_id)
    return assessment


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- СОП (120-ФЗ)


def _lock_sop(user, record):
    _require_case(user, record.case)
    return SopRecord.objects.select_for_update().select_related("case__territory",
                                                                "case__person").get(
        pk=record.pk)


def _sop_date(record, date, field="date") -> datetime.date:
    today = _today(record.case)
    date = date or today
    if date > today:
        raise ValidationError({field: [_("Дата не может быть в будущем.")]})
    if date < record.identified_on:
        raise ValidationError({field: [_("Дата раньше выявления семьи.")]})
    return date


def _sop_transition(user, record, event, summary, **fields):
    before = audit.snapshot(record)
    for key, value in fields.items():
        setattr(record, key, value)
    record.version += 1
    record.save()
    audit.record(user=user, obj=record, action=ChangeAction.UPDATE, before=before,
                 person_id=record.case.person_id, event_type=event, summary=summary)


@transaction.atomic
def sop_identify(*, user, case: SupportCase, data: dict):
    """Register that the family of a case is in a socially dangerous position."""

    _require_case(user, case)
    case = _lock_case(case)
    _require_status(case, ACTIVE_STATUSES, _("Семья выявляется по действующему случаю."))
    if case.sop_records.exclude(status=SopStatus.REMOVED).exists():
        raise TransitionError(_("Семья уже на учёте как находящаяся в социально опасном "
                                "положении."))
    errors: dict[str, list] = {}
    today = _today(case)
    identified_on = data.get("identified_on") or today
    if identified_on > today:
        errors["identified_on"] = [_("Дата выявления — не позже сегодняшнего дня.")]
    if data.get("source") not in SopSource.values:
        errors["source"] = [_("Укажите, кем выявлена семья.")]
    grounds = (data.get("grounds") or "").strip()
    if not grounds:
        errors["grounds"] = [_("Опишите признаки социально опасного положения.")]
    if errors:
        raise ValidationError(errors)
    record = SopRecord.objects.create(
        case=case, practice=case.practice, identified_on=identified_on, identified_by=user,
        source=data["source"],
        grounds=grounds, child_threat=bool(data.get("child_threat")),
        kdn_notice_due=deadline("sop_kdn_notice", identified_on),
        first_survey_due=deadline("sop_first_survey", identified_on))
    audit.record(user=user, obj=record, action=ChangeAction.CREATE, person_id=case.person_id,
                 event_type="sop.identified", summary=grounds[:300])
    return record


@transaction.atomic
def sop_notify_kdn(*, user, record, date: datetime.date | None = None, number: str,
                   guardianship_date: datetime.date | None = None):
    """The notice to the commission for minors (and, for a threat to a child, to the
    guardianship body) is recorded."""

    record = _lock_sop(user, record)
    if record.status != SopStatus.IDENTIFIED:
        raise TransitionError(_("Сообщение в КДН и ЗП уже записано."))
    date = _sop_date(record, date)
    if not (number or "").strip():
        raise ValidationError({"number": [_("Укажите исходящий номер сообщения.")]})
    fields = {"status": SopStatus.NOTIFIED, "kdn_notice_date": date,
              "kdn_notice_number": number.strip()[:50]}
    if record.child_threat:
        if guardianship_date is None:
            raise ValidationError({"guardianship_date": [
                _("При угрозе ребёнку укажите дату сообщения в орган опеки (ст. 56 СК РФ).")]})
        fields["guardianship_notified_on"] = _sop_date(record, guardianship_date,
                                                       "guardianship_date")
    _sop_transition(user, record, "sop.kdn_notified",
                    _("№ %(n)s от %(d)s") % {"n": number.strip(), "d": f"{date:%d.%m.%Y}"},
                    **fields)
    return record


@transaction.atomic
def sop_survey(*, user, record, date: datetime.date | None = None, notes: str):
    record = _lock_sop(user, record)
    if record.status != SopStatus.NOTIFIED:
        raise TransitionError(_("Первичное обследование записывается после сообщения в КДН и "
                                "ЗП (сейчас: «%(s)s»).") % {"s": record.get_status_display()})
    date = _sop_date(record, date)
    if not (notes or "").strip():
        raise ValidationError({"notes": [_("Опишите результаты обследования.")]})
    _sop_transition(user, record, "sop.surveyed", notes.strip()[:300],
                    status=SopStatus.SURVEYED, first_survey_on=date,
                    first_survey_notes=notes.strip())
    return record


@transaction.atomic
def sop_register(*, user, record, decision_date: datetime.date, decision_number: str,
                 curator):
    """The commission's decision: the family is on the register with a named curator."""


    record = _lock_sop(user, record)
    if record.status != SopStatus.SURVEYED:
        raise TransitionError(_("Постановка на учёт — после первичного обследования (сейчас: "
                                "«%(s)s»).") % {"s": record.get_status_display()})
    errors = {}
    if decision_date is None:
        errors["decision_date"] = [_("Укажите дату постановления КДН и ЗП.")]
    if not (decision_number or "").strip():
        errors["decision_number"] = [_("Укажите номер постановления.")]
    if curator is None:
        errors["curator"] = [_("Выберите куратора семьи.")]
    elif not _staff_in_scope(user, curator, record.case.territory, record.practice):
        errors["curator"] = [_("Куратор должен работать на территории семьи.")]
    if errors:
        raise ValidationError(errors)
    decision_date = _sop_date(record, decision_date, "decision_date")
    _sop_transition(user, record, "sop.registered",
                    _("Постановление № %(n)s; куратор %(c)s")
                    % {"n": decision_number.strip(), "c": curator},
                    status=SopStatus.REGISTERED, decision_date=decision_date,
                    decision_number=decision_number.strip()[:50], curator=curator,
                    next_review_due=deadline("sop_review", decision_date))
    person = record.case.person
    if not PersonCategory.objects.filter(person=person, category=Category.SOP,
                                         end_date__isnull=True).exists():
        people.category_add(user=user, person=person, category=Category.SOP,
                            start_date=decision_date, note=_("постановление КДН и ЗП № %(n)s")
                            % {"n": decision_number.strip()})
    return record


@transaction.atomic
def sop_review(*, user, record, date: datetime.date | None = None, notes: str):
    record = _lock_sop(user, record)
    if record.status != SopStatus.REGISTERED:
        raise TransitionError(_("Пересмотр проводится, пока семья на учёте."))
    date = _sop_date(record, date)
    if record.decision_date and date < record.decision_date:
        raise ValidationError({"date": [_("Дата пересмотра раньше постановки на учёт.")]})
    if not (notes or "").strip():
        raise ValidationError({"notes": [_("Опишите итоги работы с семьёй за период.")]})
    next_due = deadline("sop_review", date)
    review = SopReview.objects.create(record=record, held_on=date, author=user,
                                      notes=notes.strip(), next_due=next_due)
    _sop_transition(user, record, "sop.reviewed", notes.strip()[:300],
                    next_review_due=next_due)
    return review


@transaction.atomic
def sop_remove(*, user, record, date: datetime.date | None = None, reason: str,
               decision_number: str = ""):
    record = _lock_sop(user, record)
    if record.status == SopStatus.REMOVED:
        raise TransitionError(_("Семья уже снята с учёта."))
    date = _sop_date(record, date)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Укажите основание снятия с учёта.")]})
    if record.status == SopStatus.REGISTERED and not (decision_number or "").strip():
        raise ValidationError({"decision_number": [
            _("Семья на учёте по постановлению КДН и ЗП: укажите номер постановления о "
              "снятии.")]})
    _sop_transition(user, record, "sop.removed", reason.strip()[:300],
                    status=SopStatus.REMOVED, removed_on=date,
                    removal_reason=reason.strip()[:300],
                    removal_decision_number=(decision_number or "").strip()[:50],
                    next_review_due=None)
    for item in PersonCategory.objects.filter(person=record.case.person,
                                              category=Category.SOP, end_date__isnull=True):
        people.category_end(user=user, item=item, end_date=max(date, item.start_date))
    return record
