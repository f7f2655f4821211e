"""Writing audit rows: called by services inside their transaction."""

import datetime
import decimal
import uuid
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.functional import Promise

from . import context, events
from .access import RegistryError
from .models import AccessLog, ChangeAction, DomainEvent, ObjectChange

_subject_model: type[models.Model] | None = None


def register_subject(model: type[models.Model]) -> None:
    """The model whose ids audit rows carry as ``person_id`` (registered by ``people``):
    the journals show a reader the rows of the subjects in their scope."""
    global _subject_model
    _subject_model = model


def subject_model() -> type[models.Model]:
    if _subject_model is None:
        raise RegistryError("no audit subject model registered")
    return _subject_model


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, Promise):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None,
             exclude: Iterable[str] = ("created_at", "updated_at")) -> dict:
    """A JSON-ready copy of the concrete fields of a record (FKs by id)."""
    excluded = set(exclude)
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in excluded or (fields is not None and field.name not in fields):
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def _actor_id(user) -> int | None:
    return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


def record_change(*, user, obj: models.Model, action: str, before: dict | None,
                  after: dict | None, person_id: int | None = None) -> ObjectChange:
    ctx = context.current()
    return ObjectChange.objects.create(
        actor_id=_actor_id(user), request_id=ctx.request_id, ip=ctx.ip, action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk, object_repr=str(obj)[:300], person_id=person_id,
        before=before, after=after,
    )


def record_event(*, user, event_type: str, obj: models.Model | None = None,
                 person_id: int | None = None, summary: str = "",
                 change: ObjectChange | None = None) -> DomainEvent:
    events.get(event_type)  # unknown types are a programming error
    ctx = context.current()
    return DomainEvent.objects.create(
        actor_id=_actor_id(user), request_id=ctx.request_id, event_type=event_type,
        person_id=person_id,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None, summary=summary[:500], change=change,
    )


def record(*, user, obj: models.Model, action: str, event_type: str, before: dict | None = None,
           after: dict | None = None, person_id: int | None = None,
           summary: str = "") -> ObjectChange:
    """The usual pair: the change row and its domain event, in the caller's transaction."""
    if after is None and action != ChangeAction.DELETE:
        after = snapshot(obj)
    change = record_change(user=user, obj=obj, action=action, before=before, after=after,
                           person_id=person_id)
    record_event(user=user, event_type=event_type, obj=obj, person_id=person_id,
                 summary=summary, change=change)
    return change


def log_access(*, user, kind: str, person_id: int | None = None, obj_repr: str = "",
               detail: str = "") -> AccessLog:
    ctx = context.current()
    return AccessLog.objects.create(
        user_id=_actor_id(user), request_id=ctx.request_id, ip=ctx.ip, kind=kind,
        person_id=person_id, object_repr=obj_repr[:300], detail=detail[:500],
    )


def log_access_many(*, user, kind: str, person_ids: Iterable[int], detail: str = "") -> None:
    ctx = context.current()
    AccessLog.objects.bulk_create(
        AccessLog(user_id=_actor_id(user), request_id=ctx.request_id, ip=ctx.ip, kind=kind,
                  person_id=pid, detail=detail[:500])
        for pid in person_ids
    )
