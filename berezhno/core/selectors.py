"""Reads of the audit trail, always within the reader's scope."""

import datetime

from django.db.models import QuerySet
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
    """Who changed what, before and after."""
    if not can(user, access.AUDIT, access.VIEW):
        return ObjectChange.objects.none()
    qs = ObjectChange.objects.select_related("actor", "content_type")
    if not user.is_superuser:
        if not access.sees_personal_data(user):
            qs = qs.filter(person_id__isnull=True)  # reference data, no personal data
        else:
            qs = qs.filter(person_id__in=_scoped_person_ids(user))
    qs = _common_filters(qs, "actor", actor, person_id, date_from, date_to)
    return qs.order_by("-time", "-id")
