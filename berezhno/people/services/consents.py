"""Consents to personal-data processing (152-ФЗ ст. 9) and the consent gate every write of
extra data passes."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any, Required, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berezhno.accounts.choices import OrganisationKind
from berezhno.accounts.models import Organisation
from berezhno.core import audit
from berezhno.core.errors import ConsentRequiredError, DomainError, ErrorCode
from berezhno.core.files import check_upload
from berezhno.core.models import ChangeAction
from berezhno.core.services import check_version, lock
from berezhno.core.text import normalize_phone

from .. import roles
from ..choices import ConsentPurpose, NotifyChannel
from ..models import Consent, Person, valid_consent_q
from .common import is_empty, person_field_label, person_today


class ConsentData(TypedDict, total=False):
    """The keyword arguments of ``consent_record`` (a consent given at registration)."""

    purpose: Required[str]
    subject_address: Required[str]
    subject_document: Required[str]
    data_list: Required[str]
    representative_name: str
    representative_document: str
    operator: Organisation | None
    processors: str
    actions: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    recipients: Iterable[Organisation]
    scan: File | None
    by_sms: bool
    by_email: bool
    by_messenger: bool
    by_call: bool
    by_letter: bool
    contact_phone: str
    contact_email: str
    contact_messenger: str


class ConsentChannels(TypedDict, total=False):
    """The channel part of a consent (``consent_channels_set``): which channels the person
    agreed to be contacted by and the addresses."""

    by_sms: bool
    by_email: bool
    by_messenger: bool
    by_call: bool
    by_letter: bool
    contact_phone: str
    contact_email: str
    contact_messenger: str


CHANNEL_FIELDS = tuple(ConsentChannels.__annotations__)


# --------------------------------------------------------------------------- the gate


def may_hold_extra(person: Person | None, legal_basis: str) -> bool:
    if legal_basis:
        return True
    if person is None or person.pk is None:
        return False
    return Consent.objects.filter(valid_consent_q(), person=person).exists()


def check_consent(person: Person | None, cleaned: Mapping[str, Any], legal_basis: str,
                  consent_given: bool = False) -> None:
    """Person fields beyond ``Person.MINIMAL_FIELDS`` need a consent or a legal basis."""
    extra = [name for name, value in cleaned.items()
             if name not in Person.MINIMAL_FIELDS and not is_empty(value)]
    if person is not None:
        extra = [n for n in extra if getattr(person, n) != cleaned[n]]
    if not extra or consent_given or may_hold_extra(person, legal_basis):
        return
    labels = ", ".join(f"«{person_field_label(n)}»" for n in extra)
    raise ConsentRequiredError(
        _("Нельзя сохранить %(fields)s: у гражданина нет действующего согласия на обработку "
          "персональных данных (152-ФЗ). Без согласия хранятся только ФИО, пол, дата рождения "
          "и территория. Оформите согласие или отметьте законное основание (срочная помощь, "
          "сигнал).") % {"fields": labels},
        field=extra[0],
    )


def require_consent_for(person: Person, what: str) -> None:
    if not may_hold_extra(person, person.legal_basis):
        raise ConsentRequiredError(
            _("Нельзя добавить %(what)s: у гражданина нет действующего согласия на обработку "
              "персональных данных. Оформите согласие или отметьте законное основание.")
            % {"what": what}
        )


# --------------------------------------------------------------------------- consents


def consent_problems(*, user, today: datetime.date, purpose: str, subject_address: str,
                     subject_document: str, data_list: str, representative_name: str = "",
                     representative_document: str = "",
                     operator: Organisation | None = None,
                     valid_from: datetime.date | None = None,
                     valid_until: datetime.date | None = None,
                     recipients: Iterable[Organisation] = (), scan: File | None = None,
                     **channels: Unpack[ConsentChannels]) -> tuple[dict[str, list], dict]:
    """The problems of a consent's fields, all at once (``today``: the person's local date),
    and the cleaned values; ``consent_record`` refuses on them, a registration form shows
    them with the person's own (``person_check``)."""
    errors: dict[str, list[str]] = {}
    purpose = purpose or ""
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = [_("Выберите цель обработки.")]
    subject_address = (subject_address or "").strip()
    subject_document = (subject_document or "").strip()
    data_list = (data_list or "").strip()
    for key, value, message in (
            ("subject_address", subject_address, _("Укажите адрес субъекта.")),
            ("subject_document", subject_document,
             _("Укажите документ, удостоверяющий личность.")),
            ("data_list", data_list, _("Укажите перечень персональных данных."))):
        if not value:
            errors[key] = [message]
    # Defaults to the server date: valid_consent_q() checks validity on that date.
    valid_from = valid_from or timezone.localdate()
    if valid_from > today:
        errors["valid_from"] = [_("Дата согласия не может быть в будущем.")]
    if valid_until and valid_until < valid_from:
        errors["valid_until"] = [_("Срок действия раньше даты согласия.")]
    representative_name = (representative_name or "").strip()
    representative_document = (representative_document or "").strip()
    if bool(representative_name) != bool(representative_document):
        errors["representative_document"] = [
            _("Для представителя укажите и ФИО, и документ о полномочиях.")]
    operator = operator or getattr(user, "organisation", None)
    if operator is None:
        errors["operator"] = [_("Укажите оператора персональных данных.")]
    recipients = list(recipients or [])
    if purpose == ConsentPurpose.PARTNER_TRANSFER:
        if not recipients:
            errors["recipients"] = [_("Укажите организации, которым гражданин разрешает "
                                      "передавать сведения.")]
        elif any(o.kind != OrganisationKind.PARTNER for o in recipients):
            errors["recipients"] = [_("Получателями сведений могут быть только "
                                      "организации-партнёры.")]
    elif recipients:
        errors["recipients"] = [_("Получатели сведений указываются только в согласии на "
                                  "передачу сведений организациям-партнёрам.")]
    if scan:
        try:
            check_upload(scan)
        except ValidationError as exc:
            errors["scan"] = exc.messages
    channel_values, channel_errors = clean_channels(dict(channels))
    errors.update(channel_errors)
    return errors, {"purpose": purpose, "subject_address": subject_address,
                    "subject_document": subject_document, "data_list": data_list,
                    "representative_name": representative_name,
                    "representative_document": representative_document,
                    "operator": operator, "valid_from": valid_from, "recipients": recipients,
                    "channels": channel_values}


@transaction.atomic
def consent_record(*, user, person: Person, purpose: str, subject_address: str,
                   subject_document: str, data_list: str, representative_name: str = "",
                   representative_document: str = "", operator: Organisation | None = None,
                   processors: str = "", actions: str = "",
                   valid_from: datetime.date | None = None,
                   valid_until: datetime.date | None = None,
                   recipients: Iterable[Organisation] = (),
                   scan: File | None = None,
                   **channels: Unpack[ConsentChannels]) -> Consent:
    """Record a signed consent for one purpose; one active consent per purpose.

    ``operator`` defaults to the user's organisation, ``valid_from`` to today, ``actions``
    (when empty) to the model's list of processing actions.
    """
    if not Person.objects.restrict(user, roles.ADD, kind=roles.CONSENT).filter(
            pk=person.pk).exists():
        raise DomainError(_("У вас нет права оформлять согласия."), code=ErrorCode.FORBIDDEN)
    errors, clean = consent_problems(
        user=user, today=person_today(person), purpose=purpose,
        subject_address=subject_address, subject_document=subject_document,
        data_list=data_list, representative_name=representative_name,
        representative_document=representative_document, operator=operator,
        valid_from=valid_from, valid_until=valid_until, recipients=recipients, scan=scan,
        **channels)
    purpose, subject_address = clean["purpose"], clean["subject_address"]
    subject_document, data_list = clean["subject_document"], clean["data_list"]
    representative_name = clean["representative_name"]
    representative_document = clean["representative_document"]
    operator, valid_from, recipients = clean["operator"], clean["valid_from"], clean["recipients"]
    channel_values = clean["channels"]
    if errors:
        raise ValidationError(errors)
    assert operator is not None  # refused above with a message
    existing = Consent.objects.select_for_update().filter(person=person, purpose=purpose,
                                                         is_active=True).first()
    if existing is not None:
        if existing.is_valid():
            raise ValidationError({"purpose": [
                _("Действующее согласие с этой целью уже есть. Чтобы оформить новое, "
                  "сначала отзовите прежнее.")]})
        existing.is_active = False  # expired: superseded by the new one
        existing.save(update_fields=["is_active", "updated_at"])
    actions = (actions or "").strip()
    consent = Consent.objects.create(
        person=person, purpose=purpose, subject_address=subject_address,
        subject_document=subject_document, representative_name=representative_name,
        representative_document=representative_document, operator=operator,
        data_list=data_list, processors=(processors or "").strip(),
        **({"actions": actions} if actions else {}),
        valid_from=valid_from, valid_until=valid_until, scan=scan or "", taken_by=user,
        **channel_values,
    )
    if recipients:
        consent.recipients.set(recipients)
    after = audit.snapshot(consent)
    after["recipients"] = sorted(o.pk for o in recipients)
    summary = consent.get_purpose_display()
    if recipients:
        summary = f"{summary}: {', '.join(str(o) for o in recipients)}"
    audit.record(user=user, obj=consent, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="consent.given", after=after, summary=summary)
    return consent


@transaction.atomic
def consent_withdraw(*, user, consent: Consent, date: datetime.date | None,
                     reason: str) -> Consent:
    consent = lock(Consent, consent.pk)
    if not Consent.objects.restrict(user, roles.CHANGE).filter(pk=consent.pk).exists():
        raise DomainError(_("У вас нет права оформлять отзыв согласия."),
                          code=ErrorCode.FORBIDDEN)
    if not consent.is_active:
        raise DomainError(_("Согласие уже отозвано или заменено."),
                          code=ErrorCode.INVALID_TRANSITION)
    date = date or person_today(consent.person)
    errors = {}
    if date > person_today(consent.person):
        errors["date"] = [_("Дата отзыва не может быть в будущем.")]
    elif date < consent.valid_from:
        errors["date"] = [_("Дата отзыва раньше даты согласия.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Укажите основание отзыва (например, заявление гражданина).")]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(consent)
    consent.is_active = False
    consent.withdrawn_at = date
    consent.withdrawal_reason = reason.strip()
    consent.withdrawn_by = user
    consent.version += 1
    consent.save()
    audit.record(user=user, obj=consent, action=ChangeAction.UPDATE, before=before,
                 person_id=consent.person_id, event_type="consent.withdrawn",
                 summary=consent.get_purpose_display())
    return consent


# --------------------------------------------------------------------------- channels


def clean_channels(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Normalise the channel part of a consent; every error at once. A channel consented
    to needs its address (SMS and calls a phone, e-mail an address, the messenger a chat
    id; a letter goes to the subject's address)."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in CHANNEL_FIELDS:
        value = values.get(name)
        if name.startswith("by_"):
            cleaned[name] = bool(value)
        else:
            cleaned[name] = (value or "").strip()
    if cleaned["contact_phone"]:
        try:
            cleaned["contact_phone"] = normalize_phone(cleaned["contact_phone"])
        except ValidationError as exc:
            errors["contact_phone"] = exc.messages
    email = cleaned["contact_email"]
    if email:
        from django.core.validators import validate_email
        try:
            validate_email(email)
        except ValidationError:
            errors["contact_email"] = [_("Проверьте адрес электронной почты.")]
    if (cleaned["by_sms"] or cleaned["by_call"]) and not cleaned["contact_phone"]:
        errors.setdefault("contact_phone", [
            _("Укажите телефон: гражданин согласен на SMS или звонки.")])
    if cleaned["by_email"] and not email:
        errors.setdefault("contact_email", [
            _("Укажите адрес электронной почты: гражданин согласен на электронную "
              "почту.")])
    if cleaned["by_messenger"] and not cleaned["contact_messenger"]:
        errors["contact_messenger"] = [
            _("Укажите идентификатор чата: гражданин согласен на сообщения в мессенджере.")]
    return cleaned, errors


@transaction.atomic
def consent_channels_set(*, user, consent: Consent, expected_version: int | None,
                         **channels: Unpack[ConsentChannels]) -> Consent:
    """Change which channels the person agreed to be contacted by (a written statement of
    the person, kept with the consent); an inactive consent is not changed."""
    consent = lock(Consent, consent.pk)
    if not Consent.objects.restrict(user, roles.CHANGE).filter(pk=consent.pk).exists():
        raise DomainError(_("У вас нет права изменять согласия."), code=ErrorCode.FORBIDDEN)
    if not consent.is_active:
        raise DomainError(_("Согласие отозвано или заменено: способы связи не меняются."),
                          code=ErrorCode.INVALID_TRANSITION)
    before = audit.snapshot(consent, CHANNEL_FIELDS)
    check_version(consent, expected_version, CHANNEL_FIELDS, before)
    values, errors = clean_channels(dict(channels))
    if errors:
        raise ValidationError(errors)
    for name, value in values.items():
        setattr(consent, name, value)
    consent.version += 1
    consent.save()
    audit.record(user=user, obj=consent, action=ChangeAction.UPDATE, before=before,
                 after=audit.snapshot(consent, CHANNEL_FIELDS), person_id=consent.person_id,
                 event_type="consent.channels", summary=", ".join(
                     str(NotifyChannel(c).label) for c in consent.channels()) or _("нет"))
    return consent
