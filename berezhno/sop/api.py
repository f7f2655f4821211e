"""REST API of the СОП register: the same FilterSet as the page, each stage an action;
records out of scope answer 404 like a missing one."""


from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from berezhno.cases.api import ERRORS, CaseField, ListFilters, PartnerField, StaffField
from berezhno.core import dates
from berezhno.core.api import LoggedReads, ModelSerializer
from berezhno.people.api import RegistryAccess

from . import deadlines, roles, services
from .choices import SopSource
from .filters import SopFilterSet
from .models import SopRecord, SopReview

# --------------------------------------------------------------------------- СОП


class SopReviewSerializer(ModelSerializer):
    class Meta:
        model = SopReview
        fields = ["id", "held_on", "author", "notes", "next_due"]
        read_only_fields = fields


class SopSerializer(ModelSerializer):
    reviews = SopReviewSerializer(many=True, read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = SopRecord
        fields = ["id", "case", "case_number", "status", "identified_on", "identified_by",
                  "source", "grounds", "child_threat", "guardianship_notified_on",
                  "guardianship_notice_number", "guardianship_addressee",
                  "kdn_notice_due", "kdn_notice_date", "kdn_notice_number", "kdn_addressee",
                  "notice_measures", "notice_signatory", "notice_executor",
                  "first_survey_due", "first_survey_on", "first_survey_notes",
                  "decision_date", "decision_number", "curator", "next_review_due",
                  "removed_on", "removal_reason", "removal_decision_number", "reviews",
                  "overdue", "version"]
        read_only_fields = fields

    def get_overdue(self, obj) -> list[str]:
        return [label for _code, label, _due in deadlines.sop_missed(obj)]


class SopWriteSerializer(serializers.Serializer):
    case = CaseField()
    identified_on = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    source = serializers.ChoiceField(choices=SopSource.choices)
    grounds = serializers.CharField(max_length=5000)
    child_threat = serializers.BooleanField(required=False)


class SopNoticeSerializer(serializers.Serializer):
    """The notice step with what its letters print (decision 0034); the service checks
    that the addressees are of the family's territory and the signatory a head there."""

    date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    number = serializers.CharField(max_length=50)
    kdn_addressee = PartnerField(required=False, allow_null=True)
    measures = serializers.CharField(max_length=3000, required=False, allow_blank=True)
    signatory = StaffField(required=False, allow_null=True)
    guardianship_date = serializers.DateField(validators=[dates.HISTORY],
                                              required=False, allow_null=True)
    guardianship_number = serializers.CharField(max_length=50, required=False,
                                                allow_blank=True)
    guardianship_addressee = PartnerField(required=False, allow_null=True)


class SopNotesSerializer(serializers.Serializer):
    date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    notes = serializers.CharField(max_length=5000)


class SopRegisterSerializer(serializers.Serializer):
    decision_date = serializers.DateField(validators=[dates.EVENT])
    decision_number = serializers.CharField(max_length=50)
    curator = StaffField()


class SopRemoveSerializer(serializers.Serializer):
    date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    reason = serializers.CharField(max_length=300)
    decision_number = serializers.CharField(max_length=50, required=False, allow_blank=True)


class SopViewSet(LoggedReads, ListFilters, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                 mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Families in a socially dangerous position (120-ФЗ) and their deadlines. The list is
    the register page's (``SopFilterSet``, ``selectors.sop_search``); without ``status``
    it lists every record, removed ones too."""

    serializer_class = SopSerializer
    permission_classes = [RegistryAccess]
    create_permission = (roles.CASE, roles.CHANGE)
    filterset_class = SopFilterSet

    def get_queryset(self):
        return SopRecord.objects.restrict(self.request.user, roles.VIEW).select_related(
            "case__territory").prefetch_related("reviews").order_by("-identified_on", "-id")

    def _answer(self, record, code=status.HTTP_200_OK):
        record = self.get_queryset().get(pk=record.pk)
        return Response(SopSerializer(record, context=self.get_serializer_context()).data,
                        status=code)

    def _input(self, cls):
        s = cls(data=self.request.data, context={"request": self.request})
        s.is_valid(raise_exception=True)
        return dict(s.validated_data)

    @extend_schema(summary="Выявлена семья в социально опасном положении",
                   request=SopWriteSerializer, responses={201: SopSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        d = self._input(SopWriteSerializer)
        record = services.sop_identify(user=request.user, case=d.pop("case"), **d)
        return self._answer(record, status.HTTP_201_CREATED)

    @extend_schema(summary="Сообщение в КДН и ЗП", request=SopNoticeSerializer,
                   responses={200: SopSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def notify(self, request, pk=None):
        record = self.get_object()
        d = self._input(SopNoticeSerializer)
        return self._answer(services.sop_notify_kdn(
            user=request.user, record=record, date=d.get("date"), number=d["number"],
            guardianship_date=d.get("guardianship_date"),
            guardianship_number=d.get("guardianship_number") or "",
            kdn_addressee=d.get("kdn_addressee"),
            guardianship_addressee=d.get("guardianship_addressee"),
            measures=d.get("measures") or "", signatory=d.get("signatory")))

    @extend_schema(summary="Первичное обследование", request=SopNotesSerializer,
                   responses={200: SopSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def survey(self, request, pk=None):
        record = self.get_object()
        d = self._input(SopNotesSerializer)
        return self._answer(services.sop_survey(user=request.user, record=record,
                                                date=d.get("date"), notes=d["notes"]))

    @extend_schema(summary="Постановка на учёт с куратором", request=SopRegisterSerializer,
                   responses={200: SopSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="register")
    def register_family(self, request, pk=None):
        record = self.get_object()
        d = self._input(SopRegisterSerializer)
        return self._answer(services.sop_register(user=request.user, record=record, **d))

    @extend_schema(summary="Пересмотр работы с семьёй", request=SopNotesSerializer,
                   responses={200: SopSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        record = self.get_object()
        d = self._input(SopNotesSerializer)
        services.sop_review(user=request.user, record=record, date=d.get("date"),
                            notes=d["notes"])
        return self._answer(record)

    @extend_schema(summary="Снятие с учёта", request=SopRemoveSerializer,
                   responses={200: SopSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        record = self.get_object()
        d = self._input(SopRemoveSerializer)
        return self._answer(services.sop_remove(user=request.user, record=record, **d))
