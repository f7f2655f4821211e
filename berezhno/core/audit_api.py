"""API of the audit journals (heads within their scope, administrators)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets

from . import access, audit, dates, selectors
from .access import can
from .api import LoggedReads, ModelSerializer
from .models import AccessLog, ObjectChange


class JournalFilters(serializers.Serializer):
    """The journals' filters, read from the address: a value that is not what the schema
    says is a 400, never ignored (ignoring it would answer the whole journal). An empty
    value means "not set", as a form submits it."""

    user = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                    help_text="Пользователь (номер)")
    person = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                      help_text="Гражданин (номер)")
    date_from = serializers.DateField(required=False, validators=[dates.ANY],
                                      help_text="С даты (ГГГГ-ММ-ДД)")
    date_to = serializers.DateField(required=False, validators=[dates.ANY],
                                    help_text="По дату (ГГГГ-ММ-ДД)")


PARAMS = [JournalFilters]


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
    from django.contrib.auth import get_user_model

    given = {name: value for name in JournalFilters().fields
             if (value := request.query_params.get(name, "").strip())}
    filters = JournalFilters(data=given)
    filters.is_valid(raise_exception=True)
    data = filters.validated_data
    # By id: an unknown user's journal is empty, not the whole one.
    actor = get_user_model()(pk=data["user"]) if "user" in data else None
    return {"actor": actor, "person_id": data.get("person"),
            "date_from": data.get("date_from"), "date_to": data.get("date_to")}


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
