"""API of the outbox: the messages in the user's scope (read), retry, cancel, the mark of a
call or a letter; the gateways' delivery reports (a shared secret, no user)."""

import hmac

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import (
    authentication,
    exceptions,
    mixins,
    permissions,
    serializers,
    viewsets,
)
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from berezhno.core import access
from berezhno.core.api import LoggedReads, ModelSerializer, VersionField

from . import conf, roles, selectors, services
from .choices import Channel, Status
from .filters import MessageFilterSet
from .models import Message


class OutboxAccess(permissions.IsAuthenticated):
    """Signed-in users with the outbox's ``view`` right somewhere, else 403; the actions'
    own right is the service's (403); a message out of scope is a 404."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and access.can(
            request.user, roles.NOTIFICATION, access.VIEW)


class MessageSerializer(ModelSerializer):
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    recipient_name = serializers.CharField(read_only=True)
    version = VersionField(read_only=True)

    class Meta:
        model = Message
        fields = ["id", "kind", "channel", "person", "recipient_user", "recipient_name",
                  "address", "subject", "body", "link", "status", "refusal_reason",
                  "attempts", "next_attempt_at", "last_error", "gateway", "external_id",
                  "created_by", "created_at", "sent_at", "delivered_at", "done_by", "version"]
        read_only_fields = fields


class VersionSerializer(serializers.Serializer):
    version = VersionField(required=True)


class DoneSerializer(serializers.Serializer):
    version = VersionField(required=True)
    reached = serializers.BooleanField(help_text="true: связались (доставлено); false: нет.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


@extend_schema_view(list=extend_schema(summary="Исходящие сообщения"),
                    retrieve=extend_schema(summary="Сообщение"))
class MessageViewSet(LoggedReads, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    """Messages in the user's scope (the person's territory; a staff user's own)."""

    serializer_class = MessageSerializer
    permission_classes = [OutboxAccess]
    filterset_class = MessageFilterSet

    def get_queryset(self):
        return selectors.messages_for(self.request.user).select_related(
            "person", "recipient_user").order_by("-created_at", "-id")

    def _act(self, request, serializer_class, call):
        message = self.get_object()
        s = serializer_class(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        result = call(message, data.pop("version"), data)
        return Response(self.get_serializer(self.get_queryset().get(pk=result.pk)).data)

    @extend_schema(summary="Отправить повторно", request=VersionSerializer,
                   responses=MessageSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        return self._act(request, VersionSerializer, lambda m, v, d: services.message_retry(
            user=request.user, message=m, expected_version=v))

    @extend_schema(summary="Отменить сообщение в очереди", request=VersionSerializer,
                   responses=MessageSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(request, VersionSerializer, lambda m, v, d: services.message_cancel(
            user=request.user, message=m, expected_version=v))

    @extend_schema(summary="Отметить звонок или письмо", request=DoneSerializer,
                   responses=MessageSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        return self._act(request, DoneSerializer, lambda m, v, d: services.message_mark_done(
            user=request.user, message=m, expected_version=v, **d))


class DeliveryReportSerializer(serializers.Serializer):
    gateway = serializers.ChoiceField(choices=["sms", "messenger", "email"])
    id = serializers.CharField(max_length=100, help_text="Номер сообщения у шлюза.")
    status = serializers.ChoiceField(choices=[Status.DELIVERED, Status.FAILED])
    error = serializers.CharField(max_length=300, required=False, allow_blank=True)


class GatewaySecret(authentication.BaseAuthentication):
    """A gateway's delivery report carries the shared secret
    (``NOTIFICATIONS["CALLBACK_SECRET"]``) as ``Authorization: Bearer <secret>``; without
    a secret configured every report is refused."""

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        secret = conf.get("CALLBACK_SECRET")
        given = header.removeprefix("Bearer ").strip()
        if not secret or not hmac.compare_digest(secret.encode(), given.encode()):
            raise exceptions.AuthenticationFailed(_("Неверный ключ отчёта о доставке."))
        return AnonymousUser(), "gateway"

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="delivery-reports"'


class GatewaySecretScheme(OpenApiAuthenticationExtension):
    target_class = "berezhno.notifications.api.GatewaySecret"
    name = "gatewaySecret"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "Общий ключ шлюза (NOTIFICATIONS[\"CALLBACK_SECRET\"])."}


class IsGateway(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.auth == "gateway"


class DeliveryReportView(APIView):
    """A gateway's delivery report (``GatewaySecret``); a user's session or token does not
    count: 401 for everyone without the secret."""

    permission_classes = [IsGateway]
    authentication_classes = [GatewaySecret]
    throttle_classes = [AnonRateThrottle]

    def initial(self, request, *args, **kwargs):
        # A method the endpoint does not have is a 405 whoever asks (before the secret).
        if not hasattr(self, request.method.lower()):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    @extend_schema(summary="Отчёт шлюза о доставке", request=DeliveryReportSerializer,
                   responses=MessageSerializer)
    def post(self, request):
        s = DeliveryReportSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        try:
            message = services.delivery_report(
                gateway=s.validated_data["gateway"], external_id=s.validated_data["id"],
                status=s.validated_data["status"], error=s.validated_data.get("error", ""))
        except Message.DoesNotExist as exc:
            raise exceptions.NotFound(_("Сообщение с таким номером шлюза не найдено.")) from exc
        return Response(MessageSerializer(message).data)
