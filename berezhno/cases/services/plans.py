"""Programmes (plans) and their activities: drafting, approval, execution, sessions."""


import datetime
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from berezhno.accounts.choices import OrganisationKind
from berezhno.accounts.models import Organisation, User
from berezhno.cases import roles
from berezhno.core import audit
from berezhno.core.errors import TransitionError
from berezhno.core.models import ChangeAction
from berezhno.core.services import apply_fields, check_version, reject_unknown

from ..choices import (
    ActivityStatus,
    CaseStatus,
    PlanStatus,
    ServiceForm,
    ServiceType,
)
from ..models import (
    Activity,
    ActivitySession,
    Plan,
    Problem,
    SupportCase,
)
from .common import (
    _record_case,
    case_today,
    forbidden,
    lock_case,
    require_case,
    require_status,
    staff_in_scope,
)

# --------------------------------------------------------------------------- plans


def current_plan(case: SupportCase) -> Plan | None:
    """The draft being prepared, else the approved version in force."""
    plans = {p.status: p for p in case.plans.filter(
        status__in=[PlanStatus.DRAFT, PlanStatus.APPROVED]).order_by("number")}
    return plans.get(PlanStatus.DRAFT) or plans.get(PlanStatus.APPROVED)


class PlanFields(TypedDict, total=False):
    """The fields of a programme a caller sets (``plan_create``, ``plan_update``)."""

    service_form: str
    goal: str
    valid_until: datetime.date | None


PLAN_FIELDS = tuple(PlanFields.__annotations__)


class ActivityFields(TypedDict, total=False):
    """The fields of an activity a caller sets: ``activity_add`` (what, by when and one
    executor are required) and ``activity_update`` (a field left out stays as it is)."""

    service_type: str
    title: str
    description: str
    volume: str
    frequency: str
    problem: Problem | None
    due_date: datetime.date | None
    responsible_user: User | None
    partner: Organisation | None


ACTIVITY_FIELDS = tuple(ActivityFields.__annotations__)


@transaction.atomic
def plan_create(*, user, case: SupportCase, **fields: Unpack[PlanFields]) -> Plan:
    """Start a draft programme (the first, or a new version while continuing)."""
    reject_unknown(fields, PLAN_FIELDS, "plan_create")
    require_case(user, case)
    case = lock_case(case)
    require_status(case, (CaseStatus.PLANNING,),
                    _("Программа составляется после признания нуждающимся; для новой "
                      "редакции продолжите сопровождение на подведении итогов."))
    if case.plans.filter(status=PlanStatus.DRAFT).exists():
        raise TransitionError(_("Проект программы уже есть: дополните его."))
    return _new_plan(user, case, dict(fields))


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
def plan_update(*, user, plan: Plan, expected_version: int | None,
                **changes: Unpack[PlanFields]) -> Plan:
    """Change the given fields of a draft programme saved on top of ``expected_version``
    (two people editing one draft: the second save is refused, naming the fields)."""
    reject_unknown(changes, PLAN_FIELDS, "plan_update")
    data: dict = dict(changes)
    require_case(user, plan.case)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise TransitionError(_("Утверждённая программа не меняется: составьте новую "
                                "редакцию."))
    before = audit.snapshot(plan)
    check_version(plan, expected_version, list(data), before)
    if apply_fields(plan, _clean_plan(data)):
        plan.version += 1
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
def activity_add(*, user, plan: Plan, **fields: Unpack[ActivityFields]) -> Activity:
    """Add an activity to a draft programme."""
    reject_unknown(fields, ACTIVITY_FIELDS, "activity_add")
    data: dict = dict(fields)
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
def activity_update(*, user, activity: Activity, expected_version: int | None,
                    **changes: Unpack[ActivityFields]) -> Activity:
    """Change the given fields of an activity of a draft programme."""
    reject_unknown(changes, ACTIVITY_FIELDS, "activity_update")
    data: dict = dict(changes)
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
def session_record(*, user, activity: Activity, notes: str = "",
                   held_on: datetime.date | None = None, duration_minutes: int | None = None,
                   result: str = "") -> ActivitySession:
    """Record a session held within an activity; a planned activity becomes in progress."""
    activity = _lock_activity_for_work(user, activity)
    if activity.is_finished:
        raise TransitionError(_("Мероприятие уже завершено: занятия не добавляются."))
    errors = {}
    notes = (notes or "").strip()
    if not notes:
        errors["notes"] = [_("Опишите содержание занятия.")]
    duration = duration_minutes
    if duration is not None and not 1 <= int(duration) <= 24 * 60:
        errors["duration_minutes"] = [_("Продолжительность — от 1 до 1440 минут.")]
    try:
        held_on = _work_date(activity, held_on)
    except ValidationError as exc:
        errors["held_on"] = exc.error_dict["date"][0].messages
        held_on = None
    if errors:
        raise ValidationError(errors)
    assert held_on is not None  # refused above (errors["held_on"])
    session = ActivitySession.objects.create(
        activity=activity, held_on=held_on, author=user, duration_minutes=duration,
        notes=notes, result=(result or "").strip())
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
    # The review starts when the last activity finished, on the date the user gave for it
    # (decision 0017), not on the day the form was sent; never before the approval.
    finished = plan.activities.aggregate(last=Max("finished_on"))["last"]
    since = max(d for d in (finished, plan.approved_on) if d is not None) if (
        finished or plan.approved_on) else case_today(case)
    before = audit.snapshot(case)
    case.status, case.review_since = CaseStatus.REVIEW, since
    case.version += 1
    case.save()
    _record_case(user, case, "case.review", before=before)


