"""Consents to personal-data processing: recording, withdrawal, the printed form."""

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from berezhno.core import audit, dates
from berezhno.core.api import LoggedReads, ModelSerializer, VersionField
from berezhno.core.models import AccessKind
from berezhno.core.pdf import render_pdf

from .. import roles, services
from ..choices import ConsentPurpose
from ..models import Consent
from .common import RegistryAccess, ScopedPersonField


class ConsentSerializer(ModelSerializer):
    person = ScopedPersonField()
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    is_valid = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = ["id", "person", "purpose", "subject_address", "subject_document",
                  "representative_name", "representative_document", "operator", "data_list",
                  "processors", "recipients", "actions", "valid_from", "valid_until",
                  "withdrawal_procedure", *services.consents.CHANNEL_FIELDS,
                  "taken_by", "is_active", "is_valid", "withdrawn_at", "withdrawal_reason",
                  "withdrawn_by", "version"]
        read_only_fields = ["operator", "taken_by", "is_active", "withdrawn_at",
                            "withdrawal_reason", "withdrawn_by", "version",
                            "withdrawal_procedure"]
        extra_kwargs = {"valid_from": {"required": False}, "actions": {"required": False},
                        "recipients": {"required": False}}

    def get_is_valid(self, obj) -> bool:
        return obj.is_valid()


class ChannelsSerializer(serializers.Serializer):
    """The channels the person agreed to be contacted by (decision 0025); all fields are
    replaced (a missing flag is «not consented»)."""

    version = VersionField()
    by_sms = serializers.BooleanField(required=False, default=False)
    by_email = serializers.BooleanField(required=False, default=False)
    by_messenger = serializers.BooleanField(required=False, default=False)
    by_call = serializers.BooleanField(required=False, default=False)
    by_letter = serializers.BooleanField(required=False, default=False)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    contact_email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    contact_messenger = serializers.CharField(max_length=100, required=False,
                                              allow_blank=True)


class WithdrawSerializer(serializers.Serializer):
    date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    reason = serializers.CharField(max_length=300)


@extend_schema_view(list=extend_schema(summary="Согласия на обработку ПД"),
                    create=extend_schema(summary="Записать согласие"))
class ConsentViewSet(LoggedReads,
                     mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = ConsentSerializer
    filterset_fields = ["person", "purpose", "is_active"]
    permission_classes = [RegistryAccess]
    create_permission = (roles.CONSENT, roles.ADD)

    def get_queryset(self):
        qs = Consent.objects.restrict(self.request.user, roles.VIEW)
        if self.action in ("withdraw", "channels"):
            qs = qs.restrict(self.request.user, roles.CHANGE)
        return qs.select_related("person").prefetch_related("recipients").order_by(
            "-valid_from", "-id")

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        person = d.pop("person")
        serializer.instance = services.consent_record(user=self.request.user, person=person,
                                                      **d)

    @extend_schema(summary="Отзыв согласия", request=WithdrawSerializer,
                   responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        consent = self.get_object()
        s = WithdrawSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        consent = services.consent_withdraw(user=request.user, consent=consent,
                                            date=s.validated_data.get("date"),
                                            reason=s.validated_data["reason"])
        return Response(ConsentSerializer(consent, context={"request": request}).data)

    @extend_schema(summary="Способы связи, на которые согласен гражданин",
                   request=ChannelsSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def channels(self, request, pk=None):
        consent = self.get_object()
        s = ChannelsSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        version = data.pop("version", None)
        consent = services.consent_channels_set(user=request.user, consent=consent,
                                                expected_version=version, **data)
        return Response(ConsentSerializer(consent, context={"request": request}).data)

    @extend_schema(summary="Печатная форма согласия (PDF)",
                   responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        consent = self.get_object()
        audit.log_access(user=request.user, kind=AccessKind.PRINT, person_id=consent.person_id,
                         obj_repr=f"consent:{consent.pk}", detail="api")
        pdf = render_pdf("people/consent_pdf.html", {"consent": consent,
                                                     "person": consent.person})
        return HttpResponse(pdf, content_type="application/pdf")
