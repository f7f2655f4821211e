"""Every write to persons, households, consents, documents and contacts.

Each function takes the acting user, runs in one transaction, validates,
saves, writes the change record and the domain event, and re-checks that
the result is still within the user's scope.
"""

import datetime
import uuid
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berezhno.accounts.choices import OrganisationKind
from berezhno.core import audit
from berezhno.core.access import can, forget_grants, territories_in_scope
from berezhno.core.errors import ConsentRequiredError, DomainError, ErrorCode
from berezhno.core.files import check_upload
from berezhno.core.models import ChangeAction
from berezhno.core.services import apply_fields, check_version, lock, require_scope
from berezhno.core.text import clean_name_part, normalize_name, normalize_phone, normalize_snils
from berezhno.core.workdays import local_today
from berezhno.people import roles
from berezhno.territories.choices import Level

from .. import selectors
from ..choices import (
    SENSITIVE_DOCUMENT_TYPES,
    Category,
    ConsentPurpose,
    ContactChannel,
    ContactPurpose,
    DocumentType,
    LegalBasis,
    PersonStatus,
    Relation,
    Sex,
)
from ..models import (
    Consent,
    Contact,
    Household,
    HouseholdMember,
    Person,
    PersonAssignment,
    PersonCategory,
    PersonDocument,
    PersonMerge,
    SensitiveInfo,
    valid_consent_q,
)

PERSON_FIELDS = (
    "surname", "name", "patronymic", "sex", "birth_date", "estimated_birth_year", "snils",
    "passport", "passport_issued", "phone", "messenger", "registration_address",
    "actual_address", "no_fixed_abode", "settlement", "territory", "latitude", "longitude",
    "special_attention", "special_attention_reason", "legal_basis", "is_unidentified",
    "nickname", "appearance", "meeting_place",
)
MIN_BIRTH_DATE = datetime.date(1900, 1, 1)


class DuplicateCandidatesError(DomainError):
    """Likely duplicates exist; the caller may confirm and register anyway."""

    code = ErrorCode.DUPLICATE
    status = 409


# --------------------------------------------------------------------------- validation


def _field_label(name: str) -> str:
    return str(getattr(Person._meta.get_field(name), "verbose_name", name))


def _is_empty(value) -> bool:
    return value in (None, "", False)


def _clean_person(user, data: dict, *, action: str, instance: Person | None) -> dict:
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
    today = timezone.localdate()
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
        errors["territory"] = [_("Укажите участок или территорию учёта.")]
    elif "territory" in cleaned or instance is None:
        if not territories_in_scope(user, roles.PERSON, action).filter(pk=territory.pk).exists():
            errors["territory"] = [_("Эта территория вне вашей зоны доступа.")]
        elif territory.level < Level.MUNICIPALITY:
            errors["territory"] = [_("Укажите муниципальное образование, населённый пункт "
                                     "или участок, а не регион целиком.")]
    if cleaned.get("snils") and "snils" not in errors:
        clash = Person.objects.filter(snils=cleaned["snils"]).exclude(
            status=PersonStatus.MERGED)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if instance is not None and clash.exists():
            errors["snils"] = [_("Гражданин с таким СНИЛС уже зарегистрирован. "
                                 "Если это один человек, объедините записи.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _may_hold_extra(person: Person | None, legal_basis: str) -> bool:
    if legal_basis:
        return True
    if person is None or person.pk is None:
        return False
    return Consent.objects.filter(valid_consent_q(), person=person).exists()


def _check_consent(person: Person | None, cleaned: dict, legal_basis: str,
                   consent_given: bool = False) -> None:
    extra = [name for name, value in cleaned.items()
             if name not in Person.MINIMAL_FIELDS and not _is_empty(value)]
    if person is not None:
        extra = [n for n in extra if getattr(person, n) != cleaned[n]]
    if not extra or consent_given or _may_hold_extra(person, legal_basis):
        return
    labels = ", ".join(f"«{_field_label(n)}»" for n in extra)
    raise ConsentRequiredError(
        _("Нельзя сохранить %(fields)s: у гражданина нет действующего согласия на обработку "
          "персональных данных (152-ФЗ). Без согласия хранятся только ФИО, пол, дата рождения "
          "и территория. Оформите согласие или отметьте законное основание (срочная помощь, "
          "сигнал).") % {"fields": labels},
        field=extra[0],
    )


def require_consent_for(person: Person, what: str) -> None:
    if not _may_hold_extra(person, person.legal_basis):
        raise ConsentRequiredError(
            _("Нельзя добавить %(what)s: у гражданина нет действующего согласия на обработку "
              "персональных данных. Оформите согласие или отметьте законное основание.")
            % {"what": what}
        )


def _local_today(person: Person) -> datetime.date:
    """Today where the person lives: "not in the future" is judged by the person's
    territory's time zone (Omsk is three hours ahead of the server's Moscow date)."""

    return local_today(person.territory)


def _search_name(p: Person) -> str:
    return normalize_name(" ".join(x for x in (p.surname, p.name, p.patronymic) if x)
                          or p.nickname)


def _person_scope_check(user, person: Person) -> None:
    require_scope(Person.objects.restrict(user, roles.VIEW_MINIMAL), person.pk)


# --------------------------------------------------------------------------- persons


@transaction.atomic
def person_register(*, user, data: dict, confirm_not_duplicate: bool = False,
                    consent: dict | None = None) -> Person:
    """Register a person; likely duplicates are offered first unless confirmed."""
    if not can(user, roles.PERSON, roles.ADD):
        raise DomainError(_("У вас нет права регистрировать граждан."), code=ErrorCode.FORBIDDEN)
    cleaned = _clean_person(user, data, action=roles.ADD, instance=None)
    _check_consent(None, cleaned, cleaned.get("legal_basis") or "", consent_given=bool(consent))
    candidates = selectors.person_find_duplicates(user, cleaned)
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
    person.search_name = _search_name(person)
    person.save()
    audit.record(user=user, obj=person, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="person.registered", summary=person.full_name)
    if consent:
        consent_record(user=user, person=person, data=consent)
    _person_scope_check(user, person)
    return person


@transaction.atomic
def person_update(*, user, person: Person, data: dict, expected_version: int | None,
                  loaded: dict | None = None) -> Person:
    """Change person fields; a save over a newer version is refused (optimistic locking)."""
    person = lock(Person, person.pk)
    if not Person.objects.restrict(user, roles.CHANGE).filter(pk=person.pk).exists():
        raise DomainError(_("У вас нет права изменять сведения об этом гражданине."),
                          code=ErrorCode.FORBIDDEN)
    before = audit.snapshot(person)
    check_version(person, expected_version, PERSON_FIELDS, before, loaded)
    if person.status == PersonStatus.MERGED:
        raise DomainError(_("Запись объединена с другой; изменяйте основную запись."))
    cleaned = _clean_person(user, data, action=roles.CHANGE, instance=person)
    legal_basis = cleaned.get("legal_basis", person.legal_basis) or ""
    _check_consent(person, cleaned, legal_basis)
    changed = apply_fields(person, cleaned)
    if not changed:
        return person
    person.search_name = _search_name(person)
    person.version += 1
    person.save()
    after = audit.snapshot(person)
    labels = ", ".join(_field_label(n) for n in changed if n in PERSON_FIELDS)
    audit.record(user=user, obj=person, action=ChangeAction.UPDATE, before=before, after=after,
                 person_id=person.pk, event_type="person.changed",
                 summary=_("Изменено: %(fields)s") % {"fields": labels})
    _person_scope_check(user, person)
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
    if date and date > _local_today(person):
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


MERGE_FILL_FIELDS = (
    "patronymic", "birth_date", "estimated_birth_year", "snils", "passport", "passport_issued",
    "phone", "messenger", "registration_address", "actual_address", "settlement", "latitude",
    "longitude", "nickname", "appearance", "meeting_place",
)


@transaction.atomic
def person_merge(*, user, source: Person, target: Person, reason: str = "") -> PersonMerge:
    """Merge ``source`` into ``target``: records move, empty fields fill; undone by unmerge."""
    if source.pk == target.pk:
        raise DomainError(_("Нельзя объединить запись саму с собой."))
    allowed = Person.objects.restrict(user, roles.MERGE)
    if allowed.filter(pk__in=[source.pk, target.pk]).count() != 2:
        raise DomainError(_("У вас нет права объединять эти записи."), code=ErrorCode.FORBIDDEN)
    first, second = sorted([source.pk, target.pk])
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[first, second])}
    source, target = locked[source.pk], locked[target.pk]
    if PersonStatus.MERGED in (source.status, target.status):
        raise DomainError(_("Одна из записей уже объединена с другой."),
                          code=ErrorCode.INVALID_TRANSITION)
    if source.snils and target.snils and source.snils != target.snils:
        raise DomainError(_("У записей разные СНИЛС: это разные люди, объединение невозможно."))
    source_before, target_before = audit.snapshot(source), audit.snapshot(target)
    moved: dict[str, list] = {
        "contacts": list(source.contacts.values_list("pk", flat=True)),
        "categories": list(source.categories.values_list("pk", flat=True)),
        "consents": list(source.consents.values_list("pk", flat=True)),
        "documents": list(source.documents.values_list("pk", flat=True)),
        "memberships": list(source.memberships.filter(until__isnull=True)
                            .values_list("pk", flat=True)),
        "assignments": list(source.assignments.values_list("pk", flat=True)),
        "filled": [],
    }
    target_purposes = set(target.consents.filter(is_active=True).values_list("purpose",
                                                                              flat=True))
    clashing = list(source.consents.filter(is_active=True, purpose__in=target_purposes)
                    .values_list("pk", flat=True))
    if clashing:
        # Keep the target's consent for a purpose; the source's stays with the source.
        moved["consents"] = [pk for pk in moved["consents"] if pk not in clashing]
    if moved["memberships"] and target.memberships.filter(until__isnull=True).exists():
        moved["memberships"] = []
    for name in MERGE_FILL_FIELDS:
        field = cast(models.Field, Person._meta.get_field(name))
        if _is_empty(getattr(target, field.attname)) and not _is_empty(
                getattr(source, field.attname)):
            setattr(target, field.attname, getattr(source, field.attname))
            moved["filled"].append(field.attname)
    Contact.objects.filter(pk__in=moved["contacts"]).update(person=target)
    PersonCategory.objects.filter(pk__in=moved["categories"]).update(person=target)
    Consent.objects.filter(pk__in=moved["consents"]).update(person=target)
    PersonDocument.objects.filter(pk__in=moved["documents"]).update(person=target)
    HouseholdMember.objects.filter(pk__in=moved["memberships"]).update(person=target)
    PersonAssignment.objects.filter(pk__in=moved["assignments"]).update(person=target)
    if moved["filled"]:
        target.search_name = _search_name(target)
        target.version += 1
        target.save()
    source.status = PersonStatus.MERGED
    source.merged_into = target
    source.version += 1
    source.save(update_fields=["status", "merged_into", "version", "updated_at"])
    merge = PersonMerge.objects.create(
        source=source, target=target, merged_by=user, reason=(reason or "").strip(),
        moved=moved, source_before=source_before, target_before=target_before,
    )
    summary = _("%(source)s → %(target)s") % {"source": source.full_name,
                                              "target": target.full_name}
    audit.record(user=user, obj=source, action=ChangeAction.MERGE, before=source_before,
                 after=audit.snapshot(source), person_id=source.pk,
                 event_type="person.merged", summary=summary)
    audit.record(user=user, obj=target, action=ChangeAction.MERGE, before=target_before,
                 after=audit.snapshot(target), person_id=target.pk,
                 event_type="person.merged", summary=summary)
    return merge


@transaction.atomic
def person_unmerge(*, user, merge: PersonMerge) -> PersonMerge:
    """Undo a merge: moved records go back, filled fields are emptied, both records return."""
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.unmerged_at is not None:
        raise DomainError(_("Это объединение уже отменено."), code=ErrorCode.INVALID_TRANSITION)
    if not Person.objects.restrict(user, roles.MERGE).filter(pk=merge.target_id).exists():
        raise DomainError(_("У вас нет права отменять это объединение."),
                          code=ErrorCode.FORBIDDEN)
    first, second = sorted([merge.source_id, merge.target_id])
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[first, second])}
    source, target = locked[merge.source_id], locked[merge.target_id]
    moved = merge.moved
    source_before, target_before = audit.snapshot(source), audit.snapshot(target)
    Contact.objects.filter(pk__in=moved.get("contacts", [])).update(person=source)
    PersonCategory.objects.filter(pk__in=moved.get("categories", [])).update(person=source)
    Consent.objects.filter(pk__in=moved.get("consents", [])).update(person=source)
    PersonDocument.objects.filter(pk__in=moved.get("documents", [])).update(person=source)
    HouseholdMember.objects.filter(pk__in=moved.get("memberships", [])).update(person=source)
    PersonAssignment.objects.filter(pk__in=moved.get("assignments", [])).update(person=source)
    for attname in moved.get("filled", []):
        # Give back only what still holds the merged-in value; later edits are kept.
        if getattr(target, attname) == _restore_value(target, attname,
                                                      merge.source_before.get(attname)):
            setattr(target, attname, _restore_value(target, attname,
                                                    merge.target_before.get(attname)))
    target.search_name = _search_name(target)
    target.version += 1
    target.save()
    source.status = merge.source_before.get("status", PersonStatus.ACTIVE)
    source.merged_into = None
    source.version += 1
    source.save(update_fields=["status", "merged_into", "version", "updated_at"])
    merge.unmerged_at = timezone.now()
    merge.unmerged_by = user
    merge.save(update_fields=["unmerged_at", "unmerged_by"])
    summary = _("%(source)s отделён от %(target)s") % {"source": source.full_name,
                                                      "target": target.full_name}
    audit.record(user=user, obj=source, action=ChangeAction.UNMERGE, before=source_before,
                 person_id=source.pk, event_type="person.unmerged", summary=summary)
    audit.record(user=user, obj=target, action=ChangeAction.UNMERGE, before=target_before,
                 person_id=target.pk, event_type="person.unmerged", summary=summary)
    return merge


def _restore_value(person: Person, attname: str, raw):
    """Turn a snapshot value back into the attribute's Python value."""
    field = next(f for f in Person._meta.concrete_fields if f.attname == attname)
    if raw is None:
        return None if field.null else field.get_default()
    return field.to_python(raw)


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


# --------------------------------------------------------------------------- categories


@transaction.atomic
def category_add(*, user, person: Person, category: str, start_date: datetime.date,
                 end_date: datetime.date | None = None, note: str = "") -> PersonCategory:
    if not Person.objects.restrict(user, roles.CHANGE).filter(pk=person.pk).exists():
        raise DomainError(_("У вас нет права изменять сведения об этом гражданине."),
                          code=ErrorCode.FORBIDDEN)
    errors = {}
    if category not in Category.values:
        errors["category"] = [_("Выберите категорию из списка.")]
    if start_date is None:
        errors["start_date"] = [_("Укажите дату начала.")]
    elif start_date > _local_today(person):
        errors["start_date"] = [_("Дата начала не может быть в будущем.")]
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = [_("Дата окончания раньше даты начала.")]
    if errors:
        raise ValidationError(errors)
    require_consent_for(person, _("категорию"))
    if person.categories.filter(category=category, end_date__isnull=True).exists():
        raise ValidationError({"category": [_("Эта категория уже отмечена и не снята.")]})
    item = PersonCategory.objects.create(person=person, category=category, start_date=start_date,
                                         end_date=end_date, note=(note or "").strip(),
                                         created_by=user)
    audit.record(user=user, obj=item, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="person.category_added", summary=item.get_category_display())
    return item


@transaction.atomic
def category_end(*, user, item: PersonCategory, end_date: datetime.date) -> PersonCategory:
    item = lock(PersonCategory, item.pk)
    if not Person.objects.restrict(user, roles.CHANGE).filter(pk=item.person_id).exists():
        raise DomainError(_("У вас нет права изменять сведения об этом гражданине."),
                          code=ErrorCode.FORBIDDEN)
    if end_date is None or end_date < item.start_date:
        raise ValidationError({"end_date": [_("Дата окончания не раньше даты начала.")]})
    if item.end_date is not None:
        raise DomainError(_("Категория уже снята."), code=ErrorCode.INVALID_TRANSITION)
    before = audit.snapshot(item)
    item.end_date = end_date
    item.save(update_fields=["end_date"])
    audit.record(user=user, obj=item, action=ChangeAction.UPDATE, before=before,
                 person_id=item.person_id, event_type="person.category_ended",
                 summary=item.get_category_display())
    return item


@transaction.atomic
def sensitive_update(*, user, person: Person, data: dict,
                     expected_version: int | None) -> SensitiveInfo:
    """Special-category data: needs its own permission and a special-category consent."""
    if not Person.objects.restrict(user, roles.CHANGE, kind=roles.SENSITIVE).filter(
            pk=person.pk).exists():
        raise DomainError(_("У вас нет права вносить сведения о здоровье."),
                          code=ErrorCode.FORBIDDEN)
    if not Consent.objects.filter(valid_consent_q(purpose=ConsentPurpose.SPECIAL_CATEGORY),
                                  person=person).exists():
        raise ConsentRequiredError(_(
            "Сведения о здоровье — специальная категория персональных данных: нужно "
            "отдельное письменное согласие на их обработку (152-ФЗ ст. 10)."))
    info, created = SensitiveInfo.objects.select_for_update().get_or_create(person=person)
    before = audit.snapshot(info)
    if not created:
        check_version(info, expected_version, (), {})
    allowed = {"disability_group", "disability_since", "disability_until", "mse_certificate",
               "ipra_number", "health_notes"}
    cleaned: dict[str, Any] = {k: (v.strip() if isinstance(v, str) else v)
                               for k, v in data.items() if k in allowed}
    since, until = cleaned.get("disability_since"), cleaned.get("disability_until")
    if since and since > _local_today(person):
        raise ValidationError({"disability_since": [_("Дата не может быть в будущем.")]})
    if since and until and until < since:
        raise ValidationError({"disability_until": [_("Срок раньше даты установления.")]})
    if apply_fields(info, cleaned):
        info.version += 1
        info.save()
        audit.record(user=user, obj=info, action=ChangeAction.UPDATE, before=before,
                     person_id=person.pk, event_type="person.sensitive_changed")
    return info


# --------------------------------------------------------------------------- households


@transaction.atomic
def household_create(*, user, data: dict, head: Person) -> Household:
    if not can(user, roles.HOUSEHOLD, roles.ADD):
        raise DomainError(_("У вас нет права создавать домохозяйства."),
                          code=ErrorCode.FORBIDDEN)
    if not Person.objects.restrict(user, roles.CHANGE).filter(pk=head.pk).exists():
        raise ValidationError({"head": [_("Гражданин не найден.")]})
    require_consent_for(head, _("гражданина в домохозяйство"))
    territory = data.get("territory") or head.territory
    if not territories_in_scope(user, roles.HOUSEHOLD, roles.ADD).filter(
            pk=territory.pk).exists():
        raise ValidationError({"territory": [_("Эта территория вне вашей зоны доступа.")]})
    if head.memberships.filter(until__isnull=True).exists():
        raise ValidationError({"head": [_("Гражданин уже состоит в другом домохозяйстве.")]})
    household = Household(
        name=(data.get("name") or "").strip() or _("Семья %(surname)s") % {
            "surname": head.surname or head.full_name},
        address=(data.get("address") or head.actual_address or "").strip(),
        territory=territory, income_level=data.get("income_level") or "",
        per_capita_income=data.get("per_capita_income"),
        housing_conditions=data.get("housing_conditions") or "",
        housing_notes=(data.get("housing_notes") or "").strip(),
    )
    if household.per_capita_income is not None and household.per_capita_income < 0:
        raise ValidationError({"per_capita_income": [_("Доход не может быть отрицательным.")]})
    household.save()
    HouseholdMember.objects.create(household=household, person=head, relation=Relation.HEAD,
                                   is_head=True, since=timezone.localdate())
    audit.record(user=user, obj=household, action=ChangeAction.CREATE, person_id=head.pk,
                 event_type="household.created", summary=str(household))
    require_scope(Household.objects.restrict(user, roles.VIEW), household.pk)
    return household


@transaction.atomic
def household_update(*, user, household: Household, data: dict,
                     expected_version: int | None) -> Household:
    household = lock(Household, household.pk)
    if not Household.objects.restrict(user, roles.CHANGE).filter(pk=household.pk).exists():
        raise DomainError(_("У вас нет права изменять это домохозяйство."),
                          code=ErrorCode.FORBIDDEN)
    before = audit.snapshot(household)
    check_version(household, expected_version, (), {})
    allowed = {"name", "address", "income_level", "per_capita_income", "housing_conditions",
               "housing_notes", "territory"}
    cleaned = {k: v for k, v in data.items() if k in allowed}
    if cleaned.get("per_capita_income") is not None and cleaned["per_capita_income"] < 0:
        raise ValidationError({"per_capita_income": [_("Доход не может быть отрицательным.")]})
    if "territory" in cleaned and not territories_in_scope(
            user, roles.HOUSEHOLD, roles.CHANGE).filter(pk=cleaned["territory"].pk).exists():
        raise ValidationError({"territory": [_("Эта территория вне вашей зоны доступа.")]})
    if apply_fields(household, cleaned):
        household.version += 1
        household.save()
        head_id = household.members.filter(is_head=True, until__isnull=True).values_list(
            "person_id", flat=True).first()
        audit.record(user=user, obj=household, action=ChangeAction.UPDATE, before=before,
                     person_id=head_id, event_type="household.changed", summary=str(household))
    return household


@transaction.atomic
def household_add_member(*, user, household: Household, person: Person, relation: str,
                         since: datetime.date | None = None) -> HouseholdMember:
    household = lock(Household, household.pk)
    if not Household.objects.restrict(user, roles.CHANGE).filter(pk=household.pk).exists():
        raise DomainError(_("У вас нет права изменять это домохозяйство."),
                          code=ErrorCode.FORBIDDEN)
    if not Person.objects.restrict(user, roles.VIEW).filter(pk=person.pk).exists():
        raise ValidationError({"person": [_("Гражданин не найден.")]})
    if relation not in Relation.values or relation == Relation.HEAD:
        raise ValidationError({"relation": [_("Выберите отношение к главе домохозяйства.")]})
    require_consent_for(person, _("гражданина в домохозяйство"))
    if person.memberships.filter(until__isnull=True).exists():
        raise ValidationError({"person": [_("Гражданин уже состоит в домохозяйстве.")]})
    member = HouseholdMember.objects.create(household=household, person=person,
                                            relation=relation,
                                            since=since or timezone.localdate())
    audit.record(user=user, obj=member, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="household.member_added",
                 summary=f"{household}: {member.get_relation_display()}")
    return member


@transaction.atomic
def household_remove_member(*, user, member: HouseholdMember,
                            until: datetime.date | None = None) -> HouseholdMember:
    member = lock(HouseholdMember, member.pk)
    if not Household.objects.restrict(user, roles.CHANGE).filter(
            pk=member.household_id).exists():
        raise DomainError(_("У вас нет права изменять это домохозяйство."),
                          code=ErrorCode.FORBIDDEN)
    if member.until is not None:
        raise DomainError(_("Гражданин уже выбыл из домохозяйства."),
                          code=ErrorCode.INVALID_TRANSITION)
    if member.is_head and member.household.members.filter(until__isnull=True).exclude(
            pk=member.pk).exists():
        raise DomainError(_("Сначала назначьте другого главу домохозяйства."))
    before = audit.snapshot(member)
    member.until = until or timezone.localdate()
    member.save(update_fields=["until"])
    audit.record(user=user, obj=member, action=ChangeAction.UPDATE, before=before,
                 person_id=member.person_id, event_type="household.member_removed",
                 summary=str(member.household))
    return member


# --------------------------------------------------------------------------- consents


@transaction.atomic
def consent_record(*, user, person: Person, data: dict) -> Consent:
    """Record a signed consent for one purpose; one active consent per purpose."""
    if not Person.objects.restrict(user, roles.ADD, kind=roles.CONSENT).filter(
            pk=person.pk).exists():
        raise DomainError(_("У вас нет права оформлять согласия."), code=ErrorCode.FORBIDDEN)
    errors: dict[str, list[str]] = {}
    purpose: str = data.get("purpose") or ""
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = [_("Выберите цель обработки.")]
    for key, message in (("subject_address", _("Укажите адрес субъекта.")),
                         ("subject_document", _("Укажите документ, удостоверяющий личность.")),
                         ("data_list", _("Укажите перечень персональных данных."))):
        if not (data.get(key) or "").strip():
            errors[key] = [message]
    # Defaults to the server date: valid_consent_q() checks validity on that date.
    valid_from = data.get("valid_from") or timezone.localdate()
    valid_until = data.get("valid_until")
    if valid_from > _local_today(person):
        errors["valid_from"] = [_("Дата согласия не может быть в будущем.")]
    if valid_until and valid_until < valid_from:
        errors["valid_until"] = [_("Срок действия раньше даты согласия.")]
    if bool((data.get("representative_name") or "").strip()) != bool(
            (data.get("representative_document") or "").strip()):
        errors["representative_document"] = [
            _("Для представителя укажите и ФИО, и документ о полномочиях.")]
    operator = data.get("operator") or getattr(user, "organisation", None)
    if operator is None:
        errors["operator"] = [_("Укажите оператора персональных данных.")]
    recipients = list(data.get("recipients") or [])
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
    scan = data.get("scan")
    if scan:
        try:
            check_upload(scan)
        except ValidationError as exc:
            errors["scan"] = exc.messages
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
    consent = Consent.objects.create(
        person=person, purpose=purpose, subject_address=data["subject_address"].strip(),
        subject_document=data["subject_document"].strip(),
        representative_name=(data.get("representative_name") or "").strip(),
        representative_document=(data.get("representative_document") or "").strip(),
        operator=operator, data_list=data["data_list"].strip(),
        processors=(data.get("processors") or "").strip(),
        **({"actions": data["actions"].strip()} if (data.get("actions") or "").strip() else {}),
        valid_from=valid_from, valid_until=valid_until, scan=scan or "", taken_by=user,
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
    date = date or _local_today(consent.person)
    errors = {}
    if date > _local_today(consent.person):
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


# --------------------------------------------------------------------------- documents


@transaction.atomic
def document_attach(*, user, person: Person, upload, doc_type: str,
                    doc_date: datetime.date | None = None, title: str = "") -> PersonDocument:
    if not Person.objects.restrict(user, roles.ADD, kind=roles.DOCUMENT).filter(
            pk=person.pk).exists():
        raise DomainError(_("У вас нет права прикреплять документы."), code=ErrorCode.FORBIDDEN)

    errors = {}
    if doc_type not in DocumentType.values:
        errors["doc_type"] = [_("Выберите вид документа.")]
    elif doc_type in SENSITIVE_DOCUMENT_TYPES and not can(user, roles.SENSITIVE, roles.CHANGE):
        errors["doc_type"] = [_("Документы о здоровье может прикреплять только специалист с "
                                "правом на специальные категории данных.")]
    if doc_date and doc_date > _local_today(person):
        errors["doc_date"] = [_("Дата документа не может быть в будущем.")]
    if upload is None:
        errors["file"] = [_("Выберите файл.")]
    else:
        try:
            mime = check_upload(upload)
        except ValidationError as exc:
            errors["file"] = exc.messages
    if errors:
        raise ValidationError(errors)
    require_consent_for(person, _("документ"))
    original = (getattr(upload, "name", "") or "file")[-200:]
    doc = PersonDocument(person=person, doc_type=doc_type, doc_date=doc_date,
                         title=(title or "").strip(), original_name=original,
                         content_type=mime, size=upload.size, uploaded_by=user)
    doc.file.save(uuid.uuid4().hex, upload, save=False)
    try:
        doc.save()
    except IntegrityError:
        doc.file.delete(save=False)
        raise
    audit.record(user=user, obj=doc, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="document.attached", summary=doc.get_doc_type_display())
    return doc


@transaction.atomic
def document_delete(*, user, document: PersonDocument, reason: str) -> PersonDocument:
    document = lock(PersonDocument, document.pk)
    if not PersonDocument.objects.restrict(user, roles.DELETE).filter(pk=document.pk).exists():
        raise DomainError(_("У вас нет права удалять документы."), code=ErrorCode.FORBIDDEN)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Укажите причину удаления.")]})
    before = audit.snapshot(document)
    document.is_deleted = True
    document.deleted_reason = reason.strip()
    document.save(update_fields=["is_deleted", "deleted_reason"])
    audit.record(user=user, obj=document, action=ChangeAction.DELETE, before=before,
                 after=audit.snapshot(document), person_id=document.person_id,
                 event_type="document.deleted", summary=reason.strip())
    return document


# --------------------------------------------------------------------------- contacts


@transaction.atomic
def contact_log(*, user, person: Person, data: dict) -> Contact:
    """Log an interaction. Re-sending with the same client_uuid returns the first record."""
    client_uuid = data.get("client_uuid")
    if client_uuid:
        existing = Contact.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            if existing.person_id != person.pk or existing.author_id != user.pk:
                raise ValidationError({"client_uuid": [_("Идентификатор уже использован.")]})
            return existing
    if not Person.objects.restrict(user, roles.ADD, kind=roles.CONTACT).filter(
            pk=person.pk).exists():
        raise DomainError(_("У вас нет права вносить контакты с этим гражданином."),
                          code=ErrorCode.FORBIDDEN)

    errors = {}
    occurred_at = data.get("occurred_at") or timezone.now()
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["occurred_at"] = [_("Дата контакта не может быть в будущем.")]
    if data.get("channel") not in ContactChannel.values:
        errors["channel"] = [_("Выберите форму контакта.")]
    if data.get("purpose") not in ContactPurpose.values:
        errors["purpose"] = [_("Выберите цель контакта.")]
    next_date = data.get("next_contact_date")
    if next_date and next_date < timezone.localtime(occurred_at).date():
        errors["next_contact_date"] = [_("Следующий контакт не может быть раньше этого.")]
    household = data.get("household")
    if household is not None and not household.members.filter(person=person).exists():
        errors["household"] = [_("Гражданин не состоит в этом домохозяйстве.")]
    if person.status == PersonStatus.MERGED:
        errors["person"] = [_("Запись объединена с другой; вносите контакт в основную.")]
    if errors:
        raise ValidationError(errors)
    require_consent_for(person, _("контакт"))
    contact = Contact.objects.create(
        person=person, household=household, occurred_at=occurred_at, author=user,
        channel=data["channel"], purpose=data["purpose"],
        notes=(data.get("notes") or "").strip(), outcome=(data.get("outcome") or "").strip(),
        next_contact_date=next_date, client_uuid=client_uuid or None,
    )
    audit.record(user=user, obj=contact, action=ChangeAction.CREATE, person_id=person.pk,
                 event_type="contact.logged",
                 summary=f"{contact.get_channel_display()}: {contact.get_purpose_display()}")
    return contact
