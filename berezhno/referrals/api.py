"""REST API of referrals: serializers parse, services write, restricted querysets read.

The list is the inbox page's (one FilterSet); a partner reaches only the referrals addressed
to its organisation, and out of scope answers 404 like a missing one."""


from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from berezhno.cases import roles as case_roles
from berezhno.cases.api import (
    ERRORS,
    ActivityField,
    CaseField,
    CaseReasonSerializer,
    ListFilters,
    PartnerField,
)
from berezhno.core import dates
from berezhno.core.api import LoggedReads, ModelSerializer
from berezhno.people.api import RegistryAccess

from . import deadlines, roles, services
from .filters import ReferralFilterSet
from .models import Referral

# --------------------------------------------------------------------------- referrals


class ReferralPersonSerializer(serializers.Serializer):
    """The minimal applicant data a partner needs to act on a referral."""

    full_name = serializers.CharField()
    birth_date = serializers.DateField(validators=[dates.BIRTH], allow_null=True)
    phone = serializers.CharField()
    actual_address = serializers.CharField()


class ReferralSerializer(ModelSerializer):
    person = serializers.SerializerMethodField()
    case_number = serializers.CharField(source="case.number", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = ["id", "case", "case_number", "activity", "organisation",
                  "organisation_name", "person", "services", "sent_on", "response_due",
                  "result_due", "status", "responded_on", "rejection_reason", "result",
                  "completed_on", "is_overdue", "version"]
        read_only_fields = fields

    @extend_schema_field(ReferralPersonSerializer)
    def get_person(self, obj) -> dict:
        p = obj.case.person
        return {"full_name": p.full_name, "birth_date": p.birth_date, "phone": p.phone,
                "actual_address": p.actual_address}

    def get_is_overdue(self, obj) -> bool:
        return deadlines.referral_is_overdue(obj)


class ReferralWriteSerializer(serializers.Serializer):
    case = CaseField()
    organisation = PartnerField(required=False, allow_null=True)
    activity = ActivityField(required=False, allow_null=True)
    services = serializers.CharField(max_length=5000)
    sent_on = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    result_due = serializers.DateField(validators=[dates.PLANNED], required=False, allow_null=True)


class AnswerSerializer(serializers.Serializer):
    date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    version = serializers.IntegerField(required=False)


class RejectSerializer(AnswerSerializer):
    reason = serializers.CharField(max_length=300)


class ReferralResultSerializer(AnswerSerializer):
    result = serializers.CharField(max_length=5000)


class ReferralViewSet(LoggedReads, ListFilters, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Referrals: sent by case workers, answered by the partner organisation's users. The
    list is the inbox page's (``ReferralFilterSet``, ``selectors.referral_inbox``)."""

    serializer_class = ReferralSerializer
    permission_classes = [RegistryAccess]
    create_permission = (roles.REFERRAL, case_roles.ADD)
    filterset_class = ReferralFilterSet

    def get_queryset(self):
        return Referral.objects.restrict(self.request.user, roles.VIEW).select_related(
            "case__person", "case__territory", "organisation").order_by("-sent_on", "-id")

    def _answer(self, referral, code=status.HTTP_200_OK):
        referral = self.get_queryset().get(pk=referral.pk)
        return Response(ReferralSerializer(referral,
                                           context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(summary="Направить в организацию-партнёр",
                   request=ReferralWriteSerializer, responses={201: ReferralSerializer,
                                                               **ERRORS})
    def create(self, request, *args, **kwargs):
        s = ReferralWriteSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        referral = services.referral_send(user=request.user, case=d.pop("case"), **d)
        return self._answer(referral, status.HTTP_201_CREATED)

    def _serializer(self, cls):
        s = cls(data=self.request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        return d, d.pop("version", None)

    @extend_schema(summary="Принять направление (партнёр)", request=AnswerSerializer,
                   responses={200: ReferralSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        referral = self.get_object()
        d, version = self._serializer(AnswerSerializer)
        return self._answer(services.referral_accept(
            user=request.user, referral=referral, expected_version=version, **d))

    @extend_schema(summary="Отклонить направление (партнёр)", request=RejectSerializer,
                   responses={200: ReferralSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        referral = self.get_object()
        d, version = self._serializer(RejectSerializer)
        return self._answer(services.referral_reject(
            user=request.user, referral=referral, expected_version=version, **d))

    @extend_schema(summary="Сообщить результат (партнёр)", request=ReferralResultSerializer,
                   responses={200: ReferralSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        referral = self.get_object()
        d, version = self._serializer(ReferralResultSerializer)
        return self._answer(services.referral_complete(
            user=request.user, referral=referral, expected_version=version, **d))

    @extend_schema(summary="Отозвать направление", request=CaseReasonSerializer,
                   responses={200: ReferralSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        referral = self.get_object()
        s = CaseReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._answer(services.referral_withdraw(user=request.user, referral=referral,
                                                       **s.validated_data))


