"""Requests to share or transfer a person's record (decision 0019): the list (incoming and
sent), a request, the requester's edit and the holder's decisions — through the services
the page calls, each on the version the client read (a stale one is a 409)."""

import datetime

from django.utils.dateparse import parse_date
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from berezhno.core.access import can
from berezhno.core.api import LoggedReads, ModelSerializer, VersionField

from .. import roles, selectors, services
from ..choices import ShareKind, ShareStatus
from ..filters import ShareRequestFilterSet
from ..models import PersonShareRequest


class ShareRequestAccess(permissions.IsAuthenticated):
    """Those who register or change persons (as on ``/people/requests/``); others 403."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and (
            can(request.user, roles.PERSON, roles.ADD)
            or can(request.user, roles.PERSON, roles.CHANGE))


class ShareRequestSerializer(ModelSerializer):
    """A request as the user may see it: the person only to the holding territory (the
    requester learns of the record when a share or transfer makes it theirs)."""

    kind = serializers.ChoiceField(choices=ShareKind.choices, read_only=True)
    status = serializers.ChoiceField(choices=ShareStatus.choices, read_only=True)
    held_here = serializers.SerializerMethodField(
        help_text="Гражданин состоит на учёте в вашей зоне доступа: решение принимаете вы.")
    sent_here = serializers.SerializerMethodField(
        help_text="Запрос отправили вы или ваша территория.")
    person = serializers.SerializerMethodField(
        help_text="Гражданин (только для территории, где он состоит).")
    person_name = serializers.SerializerMethodField()
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    requested_by_name = serializers.CharField(source="requested_by.full_name",
                                              read_only=True)
    entered_name = serializers.SerializerMethodField(
        help_text="ФИО, как его ввёл запросивший.")
    entered_birth_date = serializers.SerializerMethodField(
        help_text="Дата рождения, как её ввёл запросивший.")
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = PersonShareRequest
        fields = ["id", "kind", "status", "held_here", "sent_here", "person", "person_name",
                  "territory", "territory_name", "requested_by", "requested_by_name",
                  "requested_at", "reason", "entered_name", "entered_birth_date",
                  "decided_by", "decided_by_name", "decided_at", "decision_comment",
                  "version"]
        read_only_fields = fields

    def _held(self, obj) -> bool:
        return bool(getattr(obj, "held_here", False))

    def get_held_here(self, obj) -> bool:
        return self._held(obj)

    def get_sent_here(self, obj) -> bool:
        return bool(getattr(obj, "sent_here", False))

    def get_person(self, obj) -> int | None:
        return obj.person_id if self._held(obj) else None

    def get_person_name(self, obj) -> str | None:
        return obj.person.full_name if self._held(obj) else None

    def get_entered_name(self, obj) -> str:
        return str((obj.entered or {}).get("name") or "")

    def get_entered_birth_date(self, obj) -> datetime.date | None:
        value = (obj.entered or {}).get("birth_date")
        return parse_date(value) if isinstance(value, str) else None

    def get_decided_by_name(self, obj) -> str | None:
        return obj.decided_by.full_name if obj.decided_by_id else None


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(
        max_length=500, required=False, allow_blank=True,
        help_text="Комментарий; при отказе и прекращении доступа — обязателен.")
    version = VersionField(required=True)


class ShareRequestEditSerializer(serializers.Serializer):
    """What the requester may change while the request is pending (as on the page)."""

    kind = serializers.ChoiceField(choices=ShareKind.choices, required=False,
                                   help_text="Что просят: доступ к записи или её передачу.")
    reason = serializers.CharField(max_length=500, required=False,
                                   help_text="Основание запроса.")
    version = VersionField()


@extend_schema_view(
    list=extend_schema(summary="Запросы доступа к записям граждан (входящие и отправленные)"),
    retrieve=extend_schema(summary="Запрос доступа к записи гражданина"),
    partial_update=extend_schema(
        summary="Уточнить свой запрос, пока он ожидает решения (нужна версия)",
        description="Изменяет только тот, кто отправил запрос: что просят (`kind`) и "
                    "основание (`reason`). Другая версия — 409 с тем, что изменилось.",
        request=ShareRequestEditSerializer, responses=ShareRequestSerializer))
class ShareRequestViewSet(LoggedReads, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """A request the user sees neither as the holder nor as the requester is a 404, like
    one that does not exist; deciding one that is not the user's to decide, or editing one
    the user did not send, is a 403."""

    serializer_class = ShareRequestSerializer
    permission_classes = [ShareRequestAccess]
    filterset_class = ShareRequestFilterSet

    def get_queryset(self):
        if not self.request.user.is_authenticated:  # the schema's generator, a refusal
            return PersonShareRequest.objects.none()
        return selectors.share_requests(self.request.user)

    def shown(self, objects) -> None:
        # The requester's own view names no person: only the holder's is a read of one.
        super().shown([o for o in objects if getattr(o, "held_here", False)])

    def partial_update(self, request, pk=None):
        # PATCH only: the requester's two fields, never a whole request (no PUT).
        share = self.get_object()
        s = ShareRequestEditSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        services.share_request_update(
            user=request.user, request=share, expected_version=d["version"],
            kind=d.get("kind", share.kind), reason=d.get("reason", share.reason))
        share = self.get_queryset().get(pk=share.pk)
        return Response(self.get_serializer(share).data)

    def _decided(self, request, call):
        share = self.get_object()
        s = DecisionSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        call(share, s.validated_data["version"], s.validated_data.get("comment", ""))
        share = self.get_queryset().get(pk=share.pk)
        return Response(self.get_serializer(share).data)

    @extend_schema(summary="Одобрить запрос (доступ или передача записи)",
                   request=DecisionSerializer, responses=ShareRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decided(request, lambda share, version, comment: (
            services.share_request_decide(user=request.user, request=share,
                                          expected_version=version, approve=True,
                                          comment=comment)))

    @extend_schema(summary="Отклонить запрос (причина обязательна)",
                   request=DecisionSerializer, responses=ShareRequestSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._decided(request, lambda share, version, comment: (
            services.share_request_decide(user=request.user, request=share,
                                          expected_version=version, approve=False,
                                          comment=comment)))

    @extend_schema(summary="Прекратить предоставленный доступ (основание обязательно)",
                   request=DecisionSerializer, responses=ShareRequestSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self._decided(request, lambda share, version, comment: (
            services.share_request_revoke(user=request.user, request=share,
                                          expected_version=version, comment=comment)))
