"""Merging duplicate person records and undoing a merge."""

from typing import cast

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from berezhno.core import audit
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.models import ChangeAction

from .. import roles
from ..choices import PersonStatus
from ..models import (
    Consent,
    Contact,
    HouseholdMember,
    Person,
    PersonAssignment,
    PersonCategory,
    PersonDocument,
    PersonMerge,
)
from .common import is_empty, search_name

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
        if is_empty(getattr(target, field.attname)) and not is_empty(
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
        target.search_name = search_name(target)
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
    restored_status = merge.source_before.get("status", PersonStatus.ACTIVE)
    if source.snils and restored_status != PersonStatus.MERGED and (
            source.snils == target.snils or Person.objects.filter(snils=source.snils)
            .exclude(status=PersonStatus.MERGED).exclude(pk__in=[source.pk, target.pk])
            .exists()):
        # One record per СНИЛС (decision 0019): two records of one СНИЛС cannot both be
        # active again.
        raise DomainError(_("Объединение нельзя отменить: у записей один СНИЛС, а СНИЛС "
                            "может быть только у одной записи. Исправьте СНИЛС в основной "
                            "записи, если он указан ошибочно, и повторите."),
                          code=ErrorCode.INVALID_TRANSITION)
    target.search_name = search_name(target)
    target.version += 1
    target.save()
    source.status = restored_status
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
