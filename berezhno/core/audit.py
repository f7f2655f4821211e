"""Writing audit rows: called by services inside their transaction."""

import contextlib
import datetime
import decimal
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from types import SimpleNamespace
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from . import access, context, events
from .access import RegistryError
from .errors import BlockedError
from .models import AccessKind, AccessLog, ChangeAction, DomainEvent, ObjectChange

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


# --------------------------------------------------------------------------- write guards
#
# Every service that writes a person's record records the change here with the person's id
# (``record_change``), in its own transaction: the one place where a write about a person
# can still be refused as a whole. An app registers a guard (``register_write_guard``) —
# the data-subject rights register refuses writes about a person whose data is blocked
# during a check (152-ФЗ ст. 21) — and the refusal rolls the service's transaction back.

WriteGuard = Callable[[models.Model, int], Any]
_write_guards: list[WriteGuard] = []
_guards_off: ContextVar[bool] = ContextVar("berezhno_guards_off", default=False)


def register_write_guard(fn: WriteGuard) -> None:
    """``fn(obj, person_id)`` returns a refusal message (or ``None``) for a write of ``obj``
    about the person; the write is refused with ``errors.BlockedError``."""
    if fn not in _write_guards:
        _write_guards.append(fn)


@contextlib.contextmanager
def write_guards_suspended() -> Iterator[None]:
    """For the procedure that acts on blocked data itself (the rights register's
    destruction and anonymisation), and only for it."""
    token = _guards_off.set(True)
    try:
        yield
    finally:
        _guards_off.reset(token)


def check_write_allowed(obj: models.Model, person_id: int | None) -> None:
    """Refuse a write about ``person_id`` that a registered guard forbids."""
    if person_id is None or _guards_off.get():
        return
    for guard in _write_guards:
        message = guard(obj, person_id)
        if message:
            raise BlockedError(message)


def record_change(*, user, obj: models.Model, action: str, before: dict | None,
                  after: dict | None, person_id: int | None = None) -> ObjectChange:
    check_write_allowed(obj, person_id)
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


# --------------------------------------------------------------------------- reads
#
# Every read of personal data leaves a row per person read (152-ФЗ): the selectors and the
# API mixin (``core.api.LoggedReads``) pass the records they return to ``log_reads``, which
# finds the people each is about through the scope registry (``register_scope(persons=)``)
# and writes the rows of a whole page in one insert.

_sensitive: dict[type[models.Model], Callable[[Any], bool] | None] = {}
_sensitive_kind = ""
HIDDEN = gettext_lazy("скрыто")


def register_sensitive(model: type[models.Model], when: Callable[[Any], bool] | None = None,
                       *, kind: str) -> None:
    """Records of ``model`` (those for which ``when`` holds, if given) are special-category
    data (health): reading one is logged as such, and histories show their values only to
    those who may read record ``kind`` of the person (``mask_sensitive``)."""
    global _sensitive_kind
    _sensitive[model] = when
    _sensitive_kind = kind


def is_sensitive(obj: models.Model) -> bool:
    """Whether ``obj`` is special-category data, or an audit row about such a record (its
    before/after values are that data) shown unmasked."""
    if getattr(obj, "masked", False):
        return False
    model = type(obj)
    if model in _sensitive:
        when = _sensitive[model]
        return when is None or bool(when(obj))
    content_type_id = getattr(obj, "content_type_id", None)
    if content_type_id is None:
        return False
    about = ContentType.objects.get_for_id(content_type_id).model_class()
    if about not in _sensitive:
        return False
    when = _sensitive[about]
    if when is None:
        return True
    snapshot = getattr(obj, "after", None) or getattr(obj, "before", None)
    return isinstance(snapshot, dict) and bool(when(SimpleNamespace(**snapshot)))


def persons_of(objects: Iterable[models.Model]) -> dict[tuple[type, object], set[int]]:
    """(model, pk) → the ids of the people each record is about, one query per model and
    path at most (none when the path is the record's own key or a loaded foreign key)."""
    by_model: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    for obj in objects:
        by_model[type(obj)].append(obj)
    found: dict[tuple[type, object], set[int]] = defaultdict(set)
    for model, rows in by_model.items():
        try:
            paths = access.scope_of(model).persons
        except RegistryError:
            # The journals' rows (changes, events, reads) carry the person as ``person_id``.
            if not any(f.attname == "person_id" for f in model._meta.concrete_fields):
                continue
            paths = ("person_id",)
        for path in paths:
            if path == "pk":
                for obj in rows:
                    found[(model, obj.pk)].add(obj.pk)
                continue
            field = _direct_field(model, path)
            if field is not None:
                for obj in rows:
                    value = getattr(obj, field)
                    if value is not None:
                        found[(model, obj.pk)].add(value)
                continue
            pks = [obj.pk for obj in rows]
            for pk, person_id in (model._default_manager.filter(pk__in=pks).order_by()
                                  .values_list("pk", path)):
                if person_id is not None:
                    found[(model, pk)].add(person_id)
    return found


def _direct_field(model: type[models.Model], path: str) -> str | None:
    """The attribute holding the person's id when ``path`` is a foreign key of ``model``
    (or the plain ``person_id`` column of a journal row)."""
    if "__" in path:
        return None
    if path == "person_id":
        return path
    field = model._meta.get_field(path)
    return getattr(field, "attname", None) if field.many_to_one else None


_collected: ContextVar[list | None] = ContextVar("berezhno_reads", default=None)


@contextlib.contextmanager
def collecting_reads(reader: Callable[[], object] = lambda: None) -> Iterator[None]:
    """Collect the reads of a block (a request: ``RequestContextMiddleware``) and write
    them at its end in one insert, each record and person once, however many selectors
    and views of the request passed it on. ``reader`` gives the user of the reads logged
    without one (``log_request_read``): the request's user, known once it is signed in."""
    token = _collected.set([])
    try:
        yield
    finally:
        pending = _collected.get() or []
        _collected.reset(token)
        if pending:
            user = None
            if any(item[0] is None for item in pending):
                user = reader()
            pending = [(u or user, *rest) for u, *rest in pending]
            _write_reads([item for item in pending
                          if getattr(item[0], "is_authenticated", False)])


def log_request_read(obj: models.Model, kind: str = AccessKind.VIEW_CARD) -> None:
    """A record a view fetched to show (``views_utils.get_or_404``), read by the request's
    user; outside a request, nothing."""
    log_request_reads([obj], kind)


def log_request_reads(objects: Iterable[models.Model], kind: str = AccessKind.VIEW_LIST
                      ) -> None:
    """Records shown to the request's user by code that does not know the user (a lazily
    built board); outside a request, nothing."""
    pending = _collected.get()
    if pending is not None:
        pending.extend((None, obj, None, kind, "") for obj in objects
                       if isinstance(obj, models.Model))


def log_reads(*, user, objects: Iterable[models.Model], kind: str = AccessKind.VIEW_LIST,
              detail: str = "") -> None:
    """Log that ``user`` was shown ``objects``: a row per record and person it is about,
    special-category records as ``view_sensitive``; records about nobody are skipped.
    Inside a request the rows are written at its end (``collecting_reads``)."""
    _collect(user, [(obj, None, kind, detail) for obj in objects
                    if isinstance(obj, models.Model)])


def read(user, obj: models.Model, kind: str = AccessKind.VIEW_CARD):
    """``obj``, its read logged: the selectors that return one record for display."""
    log_reads(user=user, objects=[obj], kind=kind)
    return obj


def log_person_read(*, user, person_id: int, kind: str, what: str, detail: str = "") -> None:
    """A read about one person that is no single record (the health entries of a
    timeline, a printed file): ``what`` names it (``"timeline"``)."""
    _collect(user, [(None, (what, person_id), kind, detail)])


def _collect(user, items: list[tuple]) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not items:
        return
    items = [(user, *item) for item in items]
    pending = _collected.get()
    if pending is None:
        _write_reads(items)
    else:
        pending.extend(items)


def _write_reads(items: list[tuple]) -> None:
    persons = persons_of(obj for _u, obj, _p, _k, _d in items if obj is not None)
    ctx = context.current()
    rows: list[AccessLog] = []
    seen: dict[tuple, AccessLog] = {}
    for user, obj, plain, kind, detail in items:
        if obj is not None:
            label, pk = obj._meta.model_name, obj.pk
            row_kind = AccessKind.VIEW_SENSITIVE if is_sensitive(obj) else kind
            person_ids = sorted(persons.get((type(obj), obj.pk), ()))
        else:
            (label, person_id), pk, row_kind = plain, plain[1], kind
            person_ids = [person_id]
        for person_id in person_ids:
            key = (user.pk, row_kind, person_id, label, pk)
            if key in seen:
                if detail and not seen[key].detail:
                    seen[key].detail = detail[:500]
                continue
            seen[key] = row = AccessLog(user_id=_actor_id(user), request_id=ctx.request_id,
                                  ip=ctx.ip, kind=row_kind, person_id=person_id,
                                  object_repr=f"{label}:{pk}", detail=detail[:500])
            rows.append(row)
    AccessLog.objects.bulk_create(rows)


def mask_sensitive(user, changes: Iterable[ObjectChange]) -> list[ObjectChange]:
    """Audit rows about special-category records keep their values only for those who may
    read that data of the person; for others the values read «скрыто» (``masked``) and the
    row is logged as an ordinary read. Rows about nobody's health are left as they are."""
    changes = list(changes)
    health = [c for c in changes if is_sensitive(c)]
    if not health:
        return changes
    allowed: set[int] = set()
    if _sensitive_kind and not getattr(user, "is_superuser", False):
        allowed = set(subject_model()._default_manager.restrict(  # type: ignore[attr-defined]
            user, access.VIEW, kind=_sensitive_kind).filter(
            pk__in={c.person_id for c in health if c.person_id}).values_list("pk", flat=True))
    for change in health:
        if getattr(user, "is_superuser", False) or change.person_id in allowed:
            continue
        change.hidden_fields = [name for name, _b, _a in change.changed_fields()]
        change.masked = True
        change.before = {k: str(HIDDEN) for k in change.before or {}} or change.before
        change.after = {k: str(HIDDEN) for k in change.after or {}} or change.after
        change.object_repr = str(HIDDEN)
    return changes
