"""Every write of referrals: sending a family to a partner organisation (with the consent
that covers it), the partner's answer and result, withdrawal.

State transitions lock the referral row with ``select_for_update``, check the current state
and refuse an invalid one with a Russian message and no change; each write records the
change and its domain event in the same transaction. A partner's result completes the
activity the referral was made for, through the spine's services."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berezhno.accounts.choices import OrganisationKind
from berezhno.accounts.models import Organisation
from berezhno.cases import roles as case_roles
from berezhno.cases.choices import ActivityStatus, CaseStatus, PlanStatus
from berezhno.cases.models import Activity, SupportCase
from berezhno.cases.services import (
    activity_transition,
    case_today,
    deadline,
    forbidden,
    lock_case,
    maybe_review,
    require_case,
    require_status,
)
from berezhno.core import audit
from berezhno.core.errors import DomainError, ErrorCode, TransitionError
from berezhno.core.models import ChangeAction
from berezhno.core.services import check_version
from berezhno.people.choices import ConsentPurpose
from berezhno.people.models import Person, valid_consent_q

from . import roles
from .choices import ReferralStatus
from .models import Referral

# --------------------------------------------------------------------------- referrals


def partner_consent_covers(person: Person, organisation, on: datetime.date) -> bool:
    """A valid consent to transfer data to partners that names this organisation."""
    return person.consents.filter(
        valid_consent_q(on=on, purpose=ConsentPurpose.PARTNER_TRANSFER),
        recipients=organisation).exists()


@transaction.atomic
def referral_send(*, user, case: SupportCase, organisation: Organisation | None = None,
                  services: str = "", activity: Activity | None = None,
                  sent_on: datetime.date | None = None,
                  result_due: datetime.date | None = None) -> Referral:
    """Send the family to a partner organisation (for an activity of its programme, whose
    partner it takes when none is named), if the person's consent covers that partner."""
    require_case(user, case)
    if not SupportCase.objects.restrict(user, case_roles.ADD, kind=roles.REFERRAL).filter(
            pk=case.pk).exists():
        raise forbidden(_("У вас нет права направлять в организации-партнёры."))
    case = lock_case(case)
    require_status(case, (CaseStatus.INTAKE, CaseStatus.PLANNING, CaseStatus.IN_PROGRESS,
                           CaseStatus.REVIEW), _("Из закрытого случая не направляют."))
    errors: dict[str, list] = {}
    if activity is not None:
        if activity.case_id != case.pk:
            errors["activity"] = [_("Мероприятие относится к другому случаю.")]
        elif organisation is None:
            organisation = activity.partner
    if organisation is None or organisation.kind != OrganisationKind.PARTNER \
            or not organisation.is_active:
        errors["organisation"] = [_("Выберите действующую организацию-партнёра.")]
    services = (services or "").strip()
    if not services:
        errors["services"] = [_("Опишите, какая помощь нужна семье.")]
    today = case_today(case)
    sent_on = sent_on or today
    if sent_on > today or sent_on < case.received_on():
        errors["sent_on"] = [_("Дата направления вне срока случая.")]
    result_due = result_due or (activity.due_date if activity else None)
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
    assert organisation is not None  # refused above (errors["organisation"])
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
        raise forbidden(_("Это направление адресовано не вашей организации."))
    return Referral.objects.select_for_update().select_related("case__territory").get(
        pk=referral.pk)


def _partner_date(referral: Referral, date: datetime.date | None) -> datetime.date:
    today = case_today(referral.case)
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
    activity_transition(user, activity, ActivityStatus.DONE, "activity.done", activity.title,
                         finished_on=date, started_on=activity.started_on or referral.sent_on,
                         result=_("Результат партнёра (%(org)s): %(result)s")
                         % {"org": referral.organisation, "result": referral.result})
    maybe_review(user, lock_case(activity.case))


@transaction.atomic
def referral_withdraw(*, user, referral: Referral, reason: str) -> Referral:
    require_case(user, referral.case)
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




def withdraw_on_early_close(*, user, case, date, early: bool) -> None:
    """A case closed early (the family refused or moved out): referrals still waiting for the
    partner's answer are withdrawn (``cases.extensions.register_close_hook``)."""
    if early:
        case.referrals.filter(status=ReferralStatus.SENT).update(
            status=ReferralStatus.WITHDRAWN)
