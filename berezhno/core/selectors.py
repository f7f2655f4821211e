"""Reads of the audit trail, always within the reader's scope."""

import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from . import access, audit
from .access import can
from .models import AccessLog, ObjectChange


def _bounds(date_from: datetime.date | None, date_to: datetime.date | None):
    tz = timezone.get_current_timezone()
    start = (datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
             if date_from else None)
    end = (datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min,
                                     tzinfo=tz) if date_to else None)
    return start, end


def _common_filters(qs, actor_field: str, actor, person_id, date_from, date_to) -> QuerySet:
    start, end = _bounds(date_from, date_to)
    if start:
        qs = qs.filter(time__gte=start)
    if end:
        qs = qs.filter(time__lt=end)
    if actor is not None:
        qs = qs.filter(**{actor_field: actor})
    if person_id:
        qs = qs.filter(person_id=person_id)
    return qs


def _scoped_person_ids(user):
    # The audit trail is keyed by person id; the person model is registered by its app.
    return audit.subject_model().objects.restrict(user, access.VIEW).values("pk")


def access_log(user, *, actor=None, person_id: int | None = None,
               date_from=None, date_to=None, kind: str = "") -> QuerySet:
    """Who read which person's data: for heads (their scope) and administrators."""
    if not can(user, access.AUDIT, access.VIEW):
        return AccessLog.objects.none()
    qs = AccessLog.objects.select_related("user")
    if not user.is_superuser:
        qs = qs.filter(person_id__in=_scoped_person_ids(user))
    qs = _common_filters(qs, "user", actor, person_id, date_from, date_to)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-time", "-id")


def change_log(user, *, actor=None, person_id: int | None = None,
               date_from=None, date_to=None) -> QuerySet:
    """Who changed what, before and after: the rows the reader may read (decision 0016)."""
    if not can(user, access.AUDIT, access.VIEW):
        return ObjectChange.objects.none()
    qs = ObjectChange.objects.select_related("actor", "content_type")
    if not user.is_superuser:
        qs = qs.filter(visible_changes(user))
    qs = _common_filters(qs, "actor", actor, person_id, date_from, date_to)
    return qs.order_by("-time", "-id")


def audited_kinds() -> dict[int, tuple[type[Model], access.ScopeRule]]:
    """Content type id → (model, scope rule) of every model with a registered record kind:
    the classification of audit rows. A row of any other model has no kind, and only a
    superuser reads it."""
    models = [m for m in apps.get_models() if access.kind_of(m) is not None]
    types = ContentType.objects.get_for_models(*models, for_concrete_models=False)
    return {ct.pk: (model, access.scope_of(model)) for model, ct in types.items()}


def visible_changes(user) -> Q:
    """The change rows a (non-superuser) reader sees, denied by default.

    A row is classified by its record's model: the model's registered kind and scope rule
    (``access.scope_of``). The reader must read that kind; for reference data (no territory
    in the rule) that is enough. For a territorial kind the row's territory is its
    record's: the record must be in the reader's scope (``restrict``, practice included)
    — or, once the record is deleted, its person (``person_id``) must be, or the territory
    its snapshot names when the rule's territory is the record's own field.
    """
    grants = access.user_grants(user)
    subject = audit.subject_model()
    visible = Q(pk__in=[])
    for ct_id, (model, rule) in audited_kinds().items():
        if not any(g.role.allows(rule.kind, access.VIEW) for g in grants):
            continue
        of_type = Q(content_type_id=ct_id)
        if rule.territory is None:
            visible |= of_type
            continue
        manager = model._default_manager
        in_scope = access.restrict_queryset(manager.all(), user, access.VIEW)
        gone = ~Exists(manager.filter(pk=OuterRef("object_id")))
        persons = access.restrict_queryset(subject._default_manager.all(), user, access.VIEW,
                                           kind=rule.kind)
        deleted_in_scope = Q(person_id__in=persons.values("pk"))
        if "__" not in rule.territory:  # the territory is a field of the record itself
            nodes = list(access.territories_in_scope(user, rule.kind, access.VIEW)
                         .values_list("pk", flat=True))
            field = model._meta.get_field(rule.territory)
            key = f"{getattr(field, 'attname', rule.territory)}__in"
            deleted_in_scope |= Q(**{f"before__{key}": nodes}) | Q(**{f"after__{key}": nodes})
        visible |= of_type & (Exists(in_scope.filter(pk=OuterRef("object_id")))
                              | (gone & deleted_in_scope))
    return visible
