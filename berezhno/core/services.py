"""Helpers every service uses: locking with a version check, field application."""

from collections.abc import Collection, Iterable, Mapping
from typing import Protocol

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from .errors import ConflictError, DomainError
from .models import ObjectChange, Reminder


class Versioned(Protocol):
    version: int


def lock[M: models.Model](model: type[M], pk) -> M:
    """Re-read and lock a row for the rest of the transaction."""
    return model._default_manager.select_for_update().get(pk=pk)


def check_version(obj: Versioned, expected_version: int | str | None, fields: Iterable[str],
                  current_snapshot: dict, loaded_snapshot: dict | None = None) -> None:
    """Refuse a save made on top of an older version (optimistic locking). The conflict
    names the fields that another user changed (those the user saw, ``loaded_snapshot``,
    when known; else the fields being saved) and gives their current values, so the user
    can compare and enter the change again."""
    if expected_version is None:
        raise DomainError(_("Не указана версия записи: обновите страницу и повторите."),
                          field="version")
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise DomainError(_("Версия записи указана неверно: обновите страницу и повторите."),
                          field="version") from None
    if expected == obj.version:
        return
    fields = list(fields)
    if loaded_snapshot is not None:
        names = [f for f in fields if loaded_snapshot.get(_attname(obj, f))
                 != current_snapshot.get(_attname(obj, f))]
    else:
        names = [f for f in fields if f not in ("version",)]
    current = {f: current_snapshot.get(_attname(obj, f)) for f in names}
    shown = "; ".join(f"{_label(obj, f)}: {_shown(_display(obj, f, v))}"
                      for f, v in current.items())
    message = _("Запись уже изменил другой пользователь (версия %(current)s, у вас "
                "%(yours)s). Ваши изменения не сохранены: сверьте их с текущими значениями и "
                "внесите заново.") % {"current": obj.version, "yours": expected}
    if shown:
        message = f"{message} " + _("Сейчас в записи — %(values)s.") % {"values": shown}
    raise ConflictError(message, details={"current_version": obj.version,
                                          "changed_fields": names, "current_values": current})


def _attname(obj, name: str) -> str:
    try:
        return obj._meta.get_field(name).attname
    except FieldDoesNotExist:  # a name that is no field (a computed one) is kept
        return name


def snapshot_at(obj: models.Model, version: int | None) -> dict | None:
    """The record as it was at ``version``, from its change journal (the "before" of the
    change that left that version), or None when the journal does not hold it: what a
    client that read that version saw, so that a conflict names only what changed since."""
    if version is None or not isinstance(version, int):
        return None
    return (ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk,
        before__version=version).order_by("time", "id")
        .values_list("before", flat=True).first())


def _label(obj, name: str) -> str:
    try:
        return str(obj._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _display(obj, name: str, value):
    """A current value as the user knows it: a related record by its text, a choice by its
    label, a flag as yes or no (the snapshot holds ids and codes)."""
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if value in (None, ""):
        return value
    if field.is_relation and field.many_to_one:
        related = getattr(obj, field.name, None)
        return str(related) if related is not None else value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("да") if value else _("нет")
    return value


def _shown(value) -> str:
    if value in (None, ""):
        return "—"
    text = str(value)
    return f"«{text[:80]}»" if len(text) <= 80 else f"«{text[:80]}…»"


def reject_unknown(changes: Mapping[str, object], allowed: Collection[str],
                   function: str) -> None:
    """A partial update takes its fields as keyword arguments (``**changes``): an unknown
    name is a programming error, as it is for any other keyword argument."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise TypeError(f"{function}() got unexpected keyword arguments: {', '.join(unknown)}")


def apply_fields(obj: models.Model, data: dict) -> list[str]:
    """Set the given attributes, returning the names that actually changed."""
    changed = []
    for name, value in data.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def require_scope(queryset, pk, message: str | None = None) -> None:
    """After a write: the record must still be within the actor's scope."""
    if not queryset.filter(pk=pk).exists():
        raise DomainError(message or _("Сохранение вывело бы запись за пределы вашей зоны "
                                       "доступа. Изменения не сохранены."))


def reminders_sync(*, prefix: str, due: dict) -> tuple[int, int]:
    """Make the open reminders under ``prefix`` exactly ``due``.

    ``due`` maps a key (starting with ``prefix``) to ``(user, due_on, title, link)``. New keys
    open a reminder, known ones are updated (and reopened), open ones not listed are closed.
    Returns (opened, closed).
    """
    from django.db import transaction
    from django.utils import timezone


    opened = closed = 0
    with transaction.atomic():
        existing = {r.key: r for r in Reminder.objects.select_for_update().filter(
            key__startswith=prefix)}
        for key, (user, due_on, title, link) in due.items():
            item = existing.get(key)
            if item is None:
                Reminder.objects.create(key=key, user=user, due_on=due_on, title=title[:300],
                                        link=link[:300])
                opened += 1
            elif (item.user_id, item.due_on, item.title, item.link, item.closed_at) != (
                    user.pk, due_on, title[:300], link[:300], None):
                item.user, item.due_on, item.title, item.link = user, due_on, title[:300], \
                    link[:300]
                opened += item.closed_at is not None
                item.closed_at = None
                item.save()
        stale = [r.pk for key, r in existing.items() if key not in due and r.closed_at is None]
        if stale:
            closed = Reminder.objects.filter(pk__in=stale).update(closed_at=timezone.now())
    return opened, closed
