"""API of the audit journals (heads within their scope, administrators)."""

from django.utils.dateparse import parse_date
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets

from . import access, audit, selectors
from .access import can
from .api import LoggedReads, ModelSerializer
from .models import AccessLog, ObjectChange

PARAMS = [OpenApiParameter("user", int, required=False),
          OpenApiParameter("person", int, required=False),
          OpenApiParameter("date_from", str, required=False, description="ГГГГ-ММ-ДД"),
          OpenApiParameter("date_to", str, required=False, description="ГГГГ-ММ-ДД")]


class AccessLogSerializer(ModelSerializer):
    class Meta:
        model = AccessLog
        fields = ["id", "time", "user", "kind", "person_id", "object_repr", "detail", "ip",
                  "request_id"]


class ObjectChangeSerializer(ModelSerializer):
    content_type = serializers.CharField(source="content_type.model")

    class Meta:
        model = ObjectChange
        fields = ["id", "time", "actor", "action", "content_type", "object_id", "object_repr",
                  "person_id", "before", "after", "request_id"]


class CanReadAudit(permissions.BasePermission):
    """The journals are for roles with "audit: view" (heads, administrators): 403 for others,
    like the journal page that they do not get either."""

    def has_permission(self, request, view):
        return can(request.user, access.AUDIT, access.VIEW)


def _filters(request) -> dict:
    def as_int(name):
        try:
            return int(request.query_params.get(name) or 0) or None
        except ValueError:
            return None

    from django.contrib.auth import get_user_model

    actor_id = as_int("user")
    return {
        "actor": get_user_model().objects.filter(pk=actor_id).first() if actor_id else None,
        "person_id": as_int("person"),
        "date_from": parse_date(request.query_params.get("date_from") or "") or None,
        "date_to": parse_date(request.query_params.get("date_to") or "") or None,
    }


@extend_schema(parameters=PARAMS, summary="Журнал доступа к персональным данным")
class AccessLogViewSet(LoggedReads, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AccessLogSerializer
    permission_classes = [CanReadAudit]

    def get_queryset(self):
        return selectors.access_log(self.request.user, **_filters(self.request))


@extend_schema(parameters=PARAMS, summary="Журнал изменений")
class ChangeLogViewSet(LoggedReads, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ObjectChangeSerializer
    permission_classes = [CanReadAudit]

    def get_queryset(self):
        return selectors.change_log(self.request.user, **_filters(self.request))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else audit.mask_sensitive(self.request.user, page)
