"""Registration, changes, status and work assignment of persons."""

import contextlib
import datetime
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from berezhno.core import audit
from berezhno.core.access import can, forget_grants, territories_in_scope
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.models import ChangeAction
from berezhno.core.services import apply_fields, check_version, lock
from berezhno.core.text import clean_name_part, normalize_phone, normalize_snils
from berezhno.core.workdays import local_today
from berezhno.territories.choices import Level
from berezhno.territories.models import Territory

from .. import roles, selectors
from ..choices import ConsentPurpose, LegalBasis, PersonStatus, Sex
from ..models import Contact, Person, PersonAssignment
from .common import (
    person_field_label,
    person_scope_check,
    person_today,
    reject_unknown,
    search_name,
)
from .consents import ConsentData, check_consent, consent_problems, consent_record
from .contacts import ContactData, contact_log
from .identity import (
    SnilsHeldElsewhere,
    entered_of,
    in_user_scope,
    is_snils_clash,
    refuse_held_elsewhere,
    snils_holder,
)


class PersonChanges(TypedDict, total=False):
    """The fields of a person a caller may set: the keyword arguments of ``person_update``
    (a field left out stays as it is) and, with their defaults, of ``person_register``."""

    surname: str
    name: str
    patronymic: str
    sex: str
    birth_date: datetime.date | None
    estimated_birth_year: int | None
    snils: str
    passport: str
    passport_issued: str
    phone: str
    messenger: str
    registration_address: str
    actual_address: str
    no_fixed_abode: bool
    settlement: Territory | None
    territory: Territory | None
    latitude: Decimal | None
    longitude: Decimal | None
    special_attention: bool
    special_attention_reason: str
    legal_basis: str
    is_unidentified: bool
    nickname: str
    appearance: str
    meeting_place: str


PERSON_FIELDS = tuple(PersonChanges.__annotations__)
MIN_BIRTH_DATE = datetime.date(1900, 1, 1)


class DuplicateCandidatesError(DomainError):
    """Likely duplicates exist; the caller may confirm and register anyway."""

    code = ErrorCode.DUPLICATE
    status = 409


# --------------------------------------------------------------------------- validation


def _clean_person(user, data: Mapping[str, Any], *, action: str,
                  instance: Person | None) -> dict[str, Any]:
    """Normalise and validate person fields; all problems are reported at once."""
    errors: dict[str, list[str]] = {}
    cleaned = {k: v for k, v in data.items() if k in PERSON_FIELDS}
    for key in ("surname", "name", "patronymic"):
        if key in cleaned:
            cleaned[key] = clean_name_part(cleaned[key] or "")
    for key in ("passport", "passport_issued", "messenger", "registration_address",
                "actual_address", "special_attention_reason", "nickname", "appearance",
                "meeting_place"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip()
    # "Not in the future" where the person lives (decision 0017), not the server's date.
    today = local_today(cleaned.get("territory") or getattr(instance, "territory",
                                                                      None))
    if cleaned.get("birth_date"):
        if cleaned["birth_date"] > today:
            errors["birth_date"] = [_("Дата рождения не может быть в будущем.")]
        elif cleaned["birth_date"] < MIN_BIRTH_DATE:
            errors["birth_date"] = [_("Дата рождения не может быть раньше 1900 года.")]
    year = cleaned.get("estimated_birth_year")
    if year is not None and not (MIN_BIRTH_DATE.year <= int(year) <= today.year):
        errors["estimated_birth_year"] = [
            _("Год рождения должен быть между 1900 и %(year)s.") % {"year": today.year}
        ]
    if cleaned.get("snils"):
        try:
            cleaned["snils"] = normalize_snils(cleaned["snils"])
        except ValidationError as exc:
            errors["snils"] = exc.messages
    elif "snils" in cleaned:
        cleaned["snils"] = ""
    if cleaned.get("phone"):
        try:
            cleaned["phone"] = normalize_phone(cleaned["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages
    elif "phone" in cleaned:
        cleaned["phone"] = ""
    if "sex" in cleaned and cleaned["sex"] not in Sex.values:
        errors["sex"] = [_("Выберите пол из списка.")]
    if "legal_basis" in cleaned and (cleaned["legal_basis"] or "") not in LegalBasis.values:
        errors["legal_basis"] = [_("Выберите основание из списка.")]
    lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
    if lat is not None and not (Decimal(-90) <= Decimal(lat) <= Decimal(90)):
        errors["latitude"] = [_("Широта должна быть от −90 до 90.")]
    if lon is not None and not (Decimal(-180) <= Decimal(lon) <= Decimal(180)):
        errors["longitude"] = [_("Долгота должна быть от −180 до 180.")]

    merged = {f: getattr(instance, f) for f in PERSON_FIELDS} if instance else {}
    merged.update(cleaned)
    if merged.get("special_attention") and not merged.get("special_attention_reason"):
        errors["special_attention_reason"] = [_("Укажите причину особого внимания.")]
    identified = merged.get("surname") or merged.get("name")
    described = merged.get("nickname") or merged.get("appearance")
    if not identified and not (merged.get("is_unidentified") and described):
        errors["surname"] = [_("Укажите фамилию или имя. Для неустановленного лица укажите "
                               "прозвище или приметы.")]

    territory = merged.get("territory")
    settlement = merged.get("settlement")
    if settlement is not None and settlement.level != Level.SETTLEMENT:
        errors["settlement"] = [_("Выберите населённый пункт.")]
    if territory is None and settlement is not None:
        territory = selectors.district_for_settlement(user, settlement)
        cleaned["territory"] = territory
    if territory is None:
        # The form's help text says the same: a settlement is enough (issue 11).
        errors["territory"] = [_("Выберите населённый пункт (участок определится по нему) "
                                 "или укажите участок.")]
    elif "territory" in cleaned or instance is None:
        if not territories_in_scope(user, roles.PERSON, action).filter(pk=territory.pk).exists():
            errors["territory"] = [_("Эта территория вне вашей зоны доступа.")]
        elif territory.level < Level.MUNICIPALITY:
            errors["territory"] = [_("Укажите муниципальное образование, населённый пункт "
                                     "или участок, а не регион целиком.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def holder_label(holder) -> str:
    """A record in the user's scope named for a message: name and birth date, never its
    number (issue 11)."""
    person = Person.objects.filter(pk=holder.pk).first()
    if person is None:
        return "—"
    if person.birth_date:
        return f"{person.full_name}, {person.birth_date:%d.%m.%Y}"
    return person.full_name


def _check_snils_holder(user, snils: str, *, instance: Person | None, territory,
                        entered: Mapping[str, Any]) -> None:
    """One record per СНИЛС, region-wide (decision 0019). A holder in the user's scope is
    offered (registration: by the duplicate check; update: by the message); one outside
    it is not shown: ``SnilsHeldElsewhere`` makes the caller open a request instead."""
    holder = snils_holder(snils, exclude_pk=instance.pk if instance else None)
    if holder is None:
        return
    if not in_user_scope(user, holder.pk):
        raise SnilsHeldElsewhere(holder.pk, territory, entered_of(dict(entered)))
    if instance is not None:
        raise ValidationError({"snils": [
            _("Гражданин с таким СНИЛС уже зарегистрирован: %(name)s. Если это один "
              "человек, объедините записи.") % {"name": holder_label(holder)}]})


def _save_unique(user, person: Person, *, territory, entered: Mapping[str, Any],
                 update_fields: list[str] | None = None) -> None:
    """Save, turning a lost race for a СНИЛС (the unique index ``person_snils_unique``:
    another registration committed it first) into the same answers as the check above."""
    try:
        with transaction.atomic():
            person.save(update_fields=update_fields)
    except IntegrityError as exc:
        if not is_snils_clash(exc):
            raise
        holder = snils_holder(person.snils, exclude_pk=person.pk)
        if holder is None:
            raise
        if not in_user_scope(user, holder.pk):
            raise SnilsHeldElsewhere(holder.pk, territory, entered_of(dict(entered))) from exc
        if person.pk is not None:
            raise ValidationError({"snils": [
                _("Гражданин с таким СНИЛС уже зарегистрирован: %(name)s. Если это один "
                  "человек, объедините записи.") % {"name": holder_label(holder)}]}) from exc
        holder = Person.objects.get(pk=holder.pk)
        raise DuplicateCandidatesError(
            _("Гражданин с таким СНИЛС уже зарегистрирован."),
            details={"candidates": [{"id": holder.pk, "name": holder.full_name,
                                     "reasons": ["snils"]}]}) from exc


# --------------------------------------------------------------------------- persons


def person_register(*, user, surname: str = "", name: str = "", patronymic: str = "",
                    sex: str = Sex.UNKNOWN, birth_date: datetime.date | None = None,
                    estimated_birth_year: int | None = None, snils: str = "",
                    passport: str = "", passport_issued: str = "", phone: str = "",
                    messenger: str = "", registration_address: str = "",
                    actual_address: str = "", no_fixed_abode: bool = False,
                    settlement: Territory | None = None, territory: Territory | None = None,
                    latitude: Decimal | None = None, longitude: Decimal | None = None,
                    special_attention: bool = False, special_attention_reason: str = "",
                    legal_basis: str = LegalBasis.NONE, is_unidentified: bool = False,
                    nickname: str = "", appearance: str = "", meeting_place: str = "",
                    confirm_not_duplicate: bool = False,
                    consent: ConsentData | None = None,
                    consents: Iterable[ConsentData] = (),
                    contacts: Iterable[ContactData] = ()) -> Person:
    """Register a person; likely duplicates are offered first unless confirmed.

    Without ``territory`` the district serving ``settlement`` is taken. A surname or a name
    is needed, or, for an unidentified person, a nickname or a description. ``consent``
    (the keyword arguments of ``consent_record``) records the consent in the same
    transaction, so that the extra fields may be held from the start; ``consents`` (several)
    and ``contacts`` (the keyword arguments of ``contact_log``) likewise: all or nothing.

    A СНИЛС held by a record in the user's scope is offered as a duplicate (no override);
    one held outside it raises ``SnilsElsewhereError`` once a request to share that record
    has been opened and logged (decision 0019) — the request outlives the refusal.
    """
    # A registration re-sent from the field carries its contacts' client ids: the first
    # one's person is the answer, also when the copies race (decision 0028).
    contacts = list(contacts)
    client_ids = [c["client_uuid"] for c in contacts if c.get("client_uuid")]
    if (first := _registered_with(user, client_ids)) is not None:
        return first
    try:
        with transaction.atomic():
            return _register(
                user=user, confirm_not_duplicate=confirm_not_duplicate,
                consents=[consent, *consents] if consent else list(consents),
                contacts=contacts, single_consent=consent is not None,
                fields={
                    "surname": surname, "name": name, "patronymic": patronymic, "sex": sex,
                    "birth_date": birth_date, "estimated_birth_year": estimated_birth_year,
                    "snils": snils, "passport": passport, "passport_issued": passport_issued,
                    "phone": phone, "messenger": messenger,
                    "registration_address": registration_address,
                    "actual_address": actual_address, "no_fixed_abode": no_fixed_abode,
                    "settlement": settlement, "territory": territory, "latitude": latitude,
                    "longitude": longitude, "special_attention": special_attention,
                    "special_attention_reason": special_attention_reason,
                    "legal_basis": legal_basis, "is_unidentified": is_unidentified,
                    "nickname": nickname, "appearance": appearance,
                    "meeting_place": meeting_place,
                })
    except SnilsHeldElsewhere as held:
        raise refuse_held_elsewhere(user=user, held=held) from None
    except (ValidationError, DomainError):
        # A copy sent at the same time won: its contact's client id is now taken (or its
        # person is now this one's duplicate).
        if (first := _registered_with(user, client_ids)) is not None:
            return first
        raise


def person_check(*, user, consent: ConsentData | None = None,
                 **fields: Unpack[PersonChanges]) -> None:
    """Check a registration without saving anything: the person's fields, the consent
    gate and the consent's own fields, every problem at once in one ``ValidationError``
    (a consent field's key carries the ``consent.`` prefix). A form whose own parsing
    failed calls it with what did parse, so that its page shows every problem in one
    round instead of revealing the service's only after the form's are fixed."""
    reject_unknown(fields, PERSON_FIELDS, "person_check")
    errors: dict[str, list] = {}
    cleaned: Mapping[str, Any] = fields
    try:
        cleaned = _clean_person(user, fields, action=roles.ADD, instance=None)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        check_consent(None, cleaned, cleaned.get("legal_basis") or "", consent_given=(
            consent is not None and consent.get("purpose") == ConsentPurpose.SOCIAL_SERVICE))
    except DomainError as exc:
        errors.setdefault(NON_FIELD_ERRORS, []).append(str(exc.message))
    if consent is not None:
        fields_of: dict[str, Any] = {k: v for k, v in consent.items()
                                     if k not in ("processors", "actions")}
        consent_errors, _clean = consent_problems(
            user=user, today=local_today(cleaned.get("territory")), **fields_of)
        errors.update({f"consent.{k}": v for k, v in consent_errors.items()})
    if errors:
        raise ValidationError(errors)


def _registered_with(user, client_ids: list) -> Person | None:
    """The person an earlier registration by this user logged a contact with one of
    these client ids for (visible to the user), if any."""
    if not client_ids:
        return None
    contact = Contact.objects.filter(client_uuid__in=client_ids, author_id=user.pk).first()
    if contact is None:
        return None
    # Only a person this user registered: a contact logged later on someone else's card
    # under the id is refused by ``contact_log`` as before.
    return Person.objects.restrict(user, roles.VIEW).filter(
        pk=contact.person_id, created_by_id=user.pk).first()


def _register(*, user, fields: PersonChanges, confirm_not_duplicate: bool,
              consents: list[ConsentData], contacts: list[ContactData],
              single_consent: bool) -> Person:
    if not can(user, roles.PERSON, roles.ADD):
        raise DomainError(_("У вас нет права регистрировать граждан."), code=ErrorCode.FORBIDDEN)
    cleaned = _clean_person(user, fields, action=roles.ADD, instance=None)
    check_consent(None, cleaned, cleaned.get("legal_basis") or "", consent_given=any(
        c.get("purpose") == ConsentPurpose.SOCIAL_SERVICE for c in consents))
    if cleaned["snils"]:
        _check_snils_holder(user, cleaned["snils"], instance=None,
                            territory=cleaned["territory"], entered=cleaned)
    candidates = selectors.person_find_duplicates(
        user, surname=cleaned["surname"], name=cleaned["name"],
        patronymic=cleaned["patronymic"], birth_date=cleaned["birth_date"],
        snils=cleaned["snils"], settlement=cleaned["settlement"],
        territory=cleaned["territory"])
    if candidates:
        exact = [c for c in candidates if "snils" in c.reasons]
        if exact or not confirm_not_duplicate:
            raise DuplicateCandidatesError(
                _("Гражданин с таким СНИЛС уже зарегистрирован.") if exact else
                _("Найдены возможные дубликаты. Проверьте их; если это другой человек, "
                  "подтвердите регистрацию."),
                details={"candidates": [{"id": c.person.pk, "name": c.person.full_name,
                                         "reasons": c.reasons} for c in candidates]},
            )
    person = Person(created_by=user if user.is_authenticated else None, **cleaned)
    person.search_name = search_name(person)
    _save_unique(user, person, territory=cleaned["territory"], entered=cleaned)
    audit.record(user=user, obj=person, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="person.registered", summary=person.full_name)
    for index, consent in enumerate(consents):
        # The registration form's one consent keeps its field names (its own form shows
        # them); the API's list names the item: "consents.0.subject_address".
        prefix = "" if single_consent and index == 0 else f"consents.{index - single_consent}."
        with _prefixed(prefix):
            consent_record(user=user, person=person, **consent)
    for index, contact in enumerate(contacts):
        with _prefixed(f"contacts.{index}."):
            contact_log(user=user, person=person, **contact)
    person_scope_check(user, person)
    return person


@contextlib.contextmanager
def _prefixed(prefix: str) -> Iterator[None]:
    """Name a nested item's field errors after the item (``contacts.0.channel``)."""
    try:
        yield
    except ValidationError as exc:
        if not prefix:
            raise
        if hasattr(exc, "error_dict"):
            raise ValidationError({f"{prefix}{k}": v for k, v in exc.error_dict.items()}
                                  ) from exc
        raise ValidationError({prefix.rstrip("."): exc.messages}) from exc
    except DomainError as exc:
        if not prefix:
            raise
        exc.field = f"{prefix}{exc.field}" if exc.field else prefix.rstrip(".")
        raise


def person_update(*, user, person: Person, expected_version: int | None,
                  loaded: dict | None = None, **changes: Unpack[PersonChanges]) -> Person:
    """Change the given person fields (those left out stay as they are); a save over a
    newer version is refused (optimistic locking). A СНИЛС held by another record follows
    the registration's rule (decision 0019)."""
    reject_unknown(changes, PERSON_FIELDS, "person_update")
    try:
        with transaction.atomic():
            return _update(user=user, person=person, expected_version=expected_version,
                           loaded=loaded, changes=changes)
    except SnilsHeldElsewhere as held:
        raise refuse_held_elsewhere(user=user, held=held) from None


def _update(*, user, person: Person, expected_version: int | None, loaded: dict | None,
            changes: PersonChanges) -> Person:
    person = lock(Person, person.pk)
    if not Person.objects.restrict(user, roles.CHANGE).filter(pk=person.pk).exists():
        raise DomainError(_("У вас нет права изменять сведения об этом гражданине."),
                          code=ErrorCode.FORBIDDEN)
    before = audit.snapshot(person)
    check_version(person, expected_version, PERSON_FIELDS, before, loaded)
    if person.status == PersonStatus.MERGED:
        raise DomainError(_("Запись объединена с другой; изменяйте основную запись."))
    cleaned = _clean_person(user, changes, action=roles.CHANGE, instance=person)
    moved = cleaned.get("territory") is not None and cleaned["territory"] != person.territory
    if moved and not territories_in_scope(user, roles.PERSON, roles.CHANGE).filter(
            pk=person.territory_id).exists():
        # Seen through a share (decision 0019): the holding territory moves the record,
        # by approving a transfer request.
        raise ValidationError({"territory": [
            _("Гражданин состоит на учёте в другой территории и доступен вам по запросу. "
              "Перевести его к вам может только та территория: попросите передать запись.")]})
    legal_basis = cleaned.get("legal_basis", person.legal_basis) or ""
    check_consent(person, cleaned, legal_basis)
    if cleaned.get("snils") and cleaned["snils"] != person.snils:
        _check_snils_holder(user, cleaned["snils"], instance=person,
                            territory=cleaned.get("territory") or person.territory,
                            entered={**{f: getattr(person, f) for f in PERSON_FIELDS},
                                     **cleaned})
    changed = apply_fields(person, cleaned)
    if not changed:
        return person
    person.search_name = search_name(person)
    person.version += 1
    _save_unique(user, person, territory=person.territory,
                 entered={f: getattr(person, f) for f in PERSON_FIELDS})
    after = audit.snapshot(person)
    labels = ", ".join(person_field_label(n) for n in changed if n in PERSON_FIELDS)
    audit.record(user=user, obj=person, action=ChangeAction.UPDATE, before=before, after=after,
                 person_id=person.pk, event_type="person.changed",
                 summary=_("Изменено: %(fields)s") % {"fields": labels})
    person_scope_check(user, person)
    return person


@transaction.atomic
def person_set_status(*, user, person: Person, status: str, date: datetime.date | None,
                      reason: str, expected_version: int | None) -> Person:
    """Mark a person deceased or moved out (soft: restorable)."""
    if status not in (PersonStatus.DECEASED, PersonStatus.MOVED_OUT):
        raise DomainError(_("Можно отметить только смерть или выбытие."), field="status")
    person = lock(Person, person.pk)
    if not Person.objects.restrict(user, roles.DELETE).filter(pk=person.pk).exists():
        raise DomainError(_("У вас нет права снимать граждан с учёта."),
                          code=ErrorCode.FORBIDDEN)
    check_version(person, expected_version, (), {})
    if person.status != PersonStatus.ACTIVE:
        raise DomainError(_("Гражданин уже снят с учёта."), code=ErrorCode.INVALID_TRANSITION)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = [_("Укажите основание.")]
    if date and date > person_today(person):
        errors["date"] = [_("Дата не может быть в будущем.")]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(person)
    person.status, person.status_date, person.status_reason = status, date, reason
    person.version += 1
    person.save(update_fields=["status", "status_date", "status_reason", "version",
                               "updated_at"])
    audit.record(user=user, obj=person, action=ChangeAction.DELETE, before=before,
                 after=audit.snapshot(person), person_id=person.pk,
                 event_type="person.status_changed",
                 summary=f"{person.get_status_display()}: {reason}")
    return person


@transaction.atomic
def person_restore(*, user, person: Person, reason: str) -> Person:
    person = lock(Person, person.pk)
    if not Person.objects.restrict(user, roles.DELETE).filter(pk=person.pk).exists():
        raise DomainError(_("У вас нет права восстанавливать граждан на учёте."),
                          code=ErrorCode.FORBIDDEN)
    if person.status not in (PersonStatus.DECEASED, PersonStatus.MOVED_OUT):
        raise DomainError(_("Гражданин и так состоит на учёте."),
                          code=ErrorCode.INVALID_TRANSITION)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Укажите основание восстановления.")]})
    before = audit.snapshot(person)
    person.status, person.status_date, person.status_reason = PersonStatus.ACTIVE, None, ""
    person.version += 1
    person.save(update_fields=["status", "status_date", "status_reason", "version",
                               "updated_at"])
    audit.record(user=user, obj=person, action=ChangeAction.RESTORE, before=before,
                 after=audit.snapshot(person), person_id=person.pk,
                 event_type="person.restored", summary=reason.strip())
    return person


@transaction.atomic
def person_assign(*, user, person: Person, assignee, reason: str) -> PersonAssignment:
    """Assign a person to a user by work (e.g. a social agent)."""
    if not Person.objects.restrict(user, roles.CHANGE).filter(pk=person.pk).exists():
        raise DomainError(_("У вас нет права закреплять этого гражданина."),
                          code=ErrorCode.FORBIDDEN)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Укажите основание закрепления.")]})
    assignment, _created = PersonAssignment.objects.update_or_create(
        person=person, user=assignee, defaults={"reason": reason.strip(), "is_active": True})
    forget_grants(assignee)
    audit.record(user=user, obj=assignment, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="person.assigned", summary=str(assignee))
    return assignment

