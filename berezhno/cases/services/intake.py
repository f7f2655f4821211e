"""Intake and the decision on need, and the problems of a case."""


import datetime
import uuid
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berezhno.accounts.models import Organisation, User
from berezhno.cases import roles
from berezhno.core import access, audit, dates
from berezhno.core.access import territories_in_scope
from berezhno.core.models import ChangeAction
from berezhno.core.services import apply_fields, check_version, reject_unknown
from berezhno.core.workdays import local_date, local_today
from berezhno.people.choices import PersonStatus
from berezhno.people.models import Household, HouseholdMember, Person
from berezhno.people.services import require_consent_for

from .. import extensions
from ..choices import (
    ACTIVE_STATUSES,
    REFERRAL_CHANNELS,
    CaseStatus,
    Decision,
    IntakeChannel,
    NeedCircumstance,
    ProblemSource,
    Urgency,
)
from ..models import (
    Activity,
    CaseProblem,
    Plan,
    Problem,
    SupportCase,
)
from .common import (
    CASE_FIELDS,
    _record_case,
    case_today,
    deadline,
    default_practice,
    forbidden,
    lock_case,
    require_case,
    require_status,
    staff_in_scope,
)

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


class CaseFields(TypedDict, total=False):
    """The fields of a case a caller sets: the keyword arguments of ``case_open`` (a field
    left out takes its default: the user's practice there, the user as responsible, ...)
    and of ``case_update`` (a field left out stays as it is)."""

    practice: str
    household: Household | None
    channel: str
    referred_by: Organisation | None
    problem_told: str
    urgency: str
    circumstances: list[str]
    is_social_support: bool
    responsible: User | None
    contract_number: str
    contract_date: datetime.date | None
    contract_until: datetime.date | None


@transaction.atomic
def case_open(*, user, person: Person, problems=(), received_at: datetime.datetime | None = None,
              **fields: Unpack[CaseFields]) -> SupportCase:
    """Register an intake (обращение) and open the case with its deadlines."""
    reject_unknown(fields, CASE_FIELDS, "case_open")
    if not Person.objects.restrict(user, roles.VIEW).filter(pk=person.pk).exists():
        raise forbidden(_("Гражданин вне вашей зоны доступа."))
    territory = person.territory
    if not territories_in_scope(user, roles.CASE, roles.ADD).filter(pk=territory.pk).exists():
        raise forbidden(_("У вас нет права открывать случаи на территории гражданина."))
    errors = {}
    if person.status != PersonStatus.ACTIVE:
        errors["person"] = [_("Гражданин снят с учёта (%(status)s): сначала восстановите его.")
                            % {"status": person.get_status_display()}]
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["received_at"] = [_("Дата обращения не может быть в будущем.")]
    elif (message := dates.check(dates.EVENT, received_at)) is not None:
        errors["received_at"] = [message]  # any caller, not only forms (deadlines follow)
    if errors:
        raise ValidationError(errors)
    data = {**fields, "responsible": fields.get("responsible") or user}
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
def case_update(*, user, case: SupportCase, expected_version: int | None,
                **changes: Unpack[CaseFields]) -> SupportCase:
    """Edit the intake data and the cooperation contract of an active case (the fields
    given; those left out stay as they are)."""
    reject_unknown(changes, CASE_FIELDS, "case_update")
    data: dict = dict(changes)
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
    records: dict[type[models.Model], str] = {Plan: "case", Activity: "case",
                                              **extensions.practice_records()}
    for model, case_field in records.items():
        model._default_manager.filter(**{case_field: case}).update(practice=case.practice)


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


