"""Documents attached to a person's record (scans, photos), deleted softly."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from berezhno.core import audit
from berezhno.core.access import can
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.files import check_upload
from berezhno.core.models import ChangeAction
from berezhno.core.services import lock

from .. import roles
from ..choices import SENSITIVE_DOCUMENT_TYPES, DocumentType
from ..models import Person, PersonDocument
from .common import person_today
from .consents import require_consent_for


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
    if doc_date and doc_date > person_today(person):
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
