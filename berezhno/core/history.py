"""Audit rows as people read them: Russian record kinds, field labels, value labels.

A change row (``ObjectChange``) keeps its record's fields as a snapshot keyed by column
(``status``, ``activity_id``, ``started_on``) with raw values (``sent``, ``115``,
``2026-11-02``). The journal, the person's timeline and the API's history show them
through ``present``: the record kind is its model's Russian name, a field its
``verbose_name``, a choice its label, a date in Russian order, a yes/no a word, and a
related record its text — read through the reader's scope, so a record the reader may
not see is «недоступно», never its number. Internal ids never reach the page.

Access rows (``AccessLog``) name their record as ``<model>:<pk>``; ``present_reads``
gives the record kind and, for the person the row is about, the person's name (read in
the reader's scope, the same one the journal's rows are filtered by) and a link to the
card. Those names are a read of personal data: the journal's page logs them like a list.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access, audit
from .access import RegistryError
from .models import AccessKind

# Bookkeeping columns a person does not need to see change.
HIDDEN_FIELDS = frozenset({"id", "version", "search_name", "created_at", "updated_at"})
EMPTY = "—"


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    before: str
    after: str


def _field_by_column(model: type[models.Model] | None, column: str) -> models.Field | None:
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if column in (field.attname, field.name):
            return field
    try:
        found = model._meta.get_field(column)
    except FieldDoesNotExist:  # a column of an older version of the model
        return None
    return found if isinstance(found, models.Field) else None


def kind_label(model: type[models.Model] | None) -> str:
    return capfirst(str(model._meta.verbose_name)) if model is not None else _("запись")


class _Related:
    """The text of related records, read in bulk and through the reader's scope."""

    def __init__(self, user) -> None:
        self.user = user
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.texts: dict[tuple[type[models.Model], object], str] = {}

    def want(self, model: type[models.Model], value) -> None:
        for pk in value if isinstance(value, list) else [value]:
            if pk not in (None, ""):
                self.wanted[model].add(pk)

    def load(self) -> None:
        shown: list[models.Model] = []
        for model, pks in self.wanted.items():
            manager = model._default_manager
            qs = manager.filter(pk__in=list(pks))
            try:
                rule = access.scope_of(model)
            except RegistryError:
                rule = None
            if rule is not None and rule.territory is not None:
                qs = access.restrict_queryset(qs, self.user, access.VIEW)
            for obj in qs:
                self.texts[(model, obj.pk)] = str(obj)
                self.texts[(model, str(obj.pk))] = str(obj)
                shown.append(obj)
        # A related person's (or household's, case's) text is a read of their data; records
        # about nobody (users, territories, reference data) leave no row.
        audit.log_reads(user=self.user, objects=shown, kind=AccessKind.VIEW_LIST,
                        detail=_("журнал изменений"))

    def text(self, model: type[models.Model], pk) -> str:
        return self.texts.get((model, pk)) or self.texts.get((model, str(pk))) or _("недоступно")


def _date(value) -> str:
    day = parse_date(value) if isinstance(value, str) else value
    return formats.date_format(day, "d.m.Y") if isinstance(day, datetime.date) else str(value)


def _datetime(value) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime.datetime):
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "d.m.Y H:i")


def display(field: models.Field | None, value, related: _Related) -> str:
    """A snapshot value as the field's form would show it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if value == str(audit.HIDDEN):
        return value
    if field is None:
        return str(value)[:300]
    if field.is_relation and field.related_model is not None:
        model = field.related_model
        if isinstance(value, list):
            return ", ".join(related.text(model, pk) for pk in value)
        return related.text(model, value)
    if field.choices:
        labels = {str(k): str(v) for k, v in field.flatchoices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(field, models.BooleanField):
        return _("да") if value else _("нет")
    if isinstance(field, models.DateTimeField):
        return _datetime(value)
    if isinstance(field, models.DateField):
        return _date(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)[:300]


def _model_of(content_type_id: int | None) -> type[models.Model] | None:
    if content_type_id is None:
        return None
    return ContentType.objects.get_for_id(content_type_id).model_class()


def present(user, changes: Iterable) -> list:
    """The change rows with ``kind_label``, ``fields`` (``FieldChange`` of the changed
    fields, bookkeeping left out) and ``link`` (the record's page when it still exists,
    has one, and the reader may see it). Masked rows (``audit.mask_sensitive``) keep
    their «скрыто»."""
    changes = list(changes)
    related = _Related(user)
    pending = []
    links: dict[type[models.Model], set] = defaultdict(set)
    for change in changes:
        model = _model_of(change.content_type_id)
        change.kind_label = kind_label(model)
        rows = []
        for name, before, after in change.changed_fields():
            if name in HIDDEN_FIELDS:
                continue
            field = _field_by_column(model, name)
            if field is not None and field.is_relation and field.related_model is not None:
                related.want(field.related_model, before)
                related.want(field.related_model, after)
            label = capfirst(str(field.verbose_name)) if field is not None else name
            rows.append((name, label, field, before, after))
        pending.append((change, rows))
        if model is not None and hasattr(model, "get_absolute_url"):
            links[model].add(change.object_id)
    related.load()
    urls: dict[tuple[type[models.Model], object], str] = {}
    for model, pks in links.items():
        qs = access.restrict_queryset(model._default_manager.filter(pk__in=list(pks)), user,
                                      access.VIEW) if _scoped(model) else \
            model._default_manager.filter(pk__in=list(pks))
        for obj in qs:
            urls[(model, obj.pk)] = obj.get_absolute_url()  # type: ignore[union-attr]
    for change, rows in pending:
        model = _model_of(change.content_type_id)
        order = {f.attname: i for i, f in enumerate(model._meta.concrete_fields)} if model else {}
        rows.sort(key=lambda row: order.get(row[2].attname if row[2] is not None else "",
                                            len(order)))
        shown = [FieldChange(name, label, display(field, before, related),
                             display(field, after, related))
                 for name, label, field, before, after in rows]
        # A new record lists what it was created with, a deleted one what it held.
        side = {"create": "after", "delete": "before"}.get(change.action)
        change.fields = [f for f in shown if side is None or getattr(f, side) != EMPTY]
        change.link = urls.get((model, change.object_id), "") if model is not None else ""
    return changes


def _scoped(model: type[models.Model]) -> bool:
    try:
        access.scope_of(model)
    except RegistryError:
        return False
    return True


def present_reads(user, rows: Iterable) -> list:
    """The access rows with ``kind_label`` (the record kind read), ``person_name`` and
    ``person_link`` (the person the row is about, in the reader's scope)."""
    rows = list(rows)
    subject = audit.subject_model()
    person_ids = {row.person_id for row in rows if row.person_id}
    persons = {}
    if person_ids:
        qs = access.restrict_queryset(subject._default_manager.filter(pk__in=person_ids),
                                      user, access.VIEW)
        persons = {p.pk: p for p in qs}
        audit.log_reads(user=user, objects=list(persons.values()), kind=AccessKind.VIEW_LIST,
                        detail=_("журнал доступа"))
    labels: dict[str, str] = {}
    for row in rows:
        label, _sep, _pk = row.object_repr.partition(":")
        if label not in labels:
            labels[label] = _reads_kind(label)
        row.kind_label = labels[label]
        person = persons.get(row.person_id)
        row.person_name = str(getattr(person, "full_name", "") or person) if person else ""
        row.person_link = person.get_absolute_url() if person is not None else ""
    return rows


def _reads_kind(label: str) -> str:
    """``person`` (a model name) → «Гражданин»; a plain read's name (``timeline``) → its
    Russian name; anything else as it is."""
    for model in apps.get_models():
        if model._meta.model_name == label:
            return kind_label(model)
    return str(READ_NAMES.get(label, label))


# Reads that are no single record (``audit.log_person_read(what=…)``); apps add theirs.
READ_NAMES: dict[str, object] = {"timeline": gettext_lazy("история гражданина")}


def register_read_name(what: str, label) -> None:
    """The Russian name of a plain read (``log_person_read(what=…)``) for the journal."""
    READ_NAMES[what] = label
