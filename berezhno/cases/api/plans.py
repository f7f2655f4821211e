"""The API of programmes (plans), their activities and sessions."""



from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from berezhno.cases import roles
from berezhno.core import dates
from berezhno.core.api import LoggedReads, VersionField
from berezhno.people.api import RegistryAccess

from .. import services
from ..choices import (
    ServiceForm,
    ServiceType,
)
from ..filters import (
    ActivityFilterSet,
)
from ..models import Activity, Plan
from .cases import ActivitySerializer, ListFilters, PlanSerializer, SessionSerializer
from .common import ERRORS, CaseField, PartnerField, PlanField, ProblemField, StaffField

# --------------------------------------------------------------------------- plans


class PlanWriteSerializer(serializers.Serializer):
    case = CaseField()
    service_form = serializers.ChoiceField(choices=ServiceForm.choices, required=False,
                                           allow_blank=True)
    goal = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    valid_until = serializers.DateField(validators=[dates.PLANNED], required=False, allow_null=True)


class PlanUpdateSerializer(serializers.Serializer):
    version = VersionField(help_text="Версия проекта, на которую сделаны правки (из ответа "
                                     "GET); другая версия — конфликт 409.")
    service_form = serializers.ChoiceField(choices=ServiceForm.choices, required=False,
                                           allow_blank=True)
    goal = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    valid_until = serializers.DateField(validators=[dates.PLANNED], required=False, allow_null=True)


class DateSerializer(serializers.Serializer):
    date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)


class PlanViewSet(LoggedReads,
                  mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    """Versions of the individual programme with their activities."""

    serializer_class = PlanSerializer
    permission_classes = [RegistryAccess]
    create_permission = (roles.CASE, roles.CHANGE)
    filterset_fields = ["case", "status"]

    def get_queryset(self):
        # The activities' "is_overdue" reads their case's status and territory.
        return Plan.objects.restrict(self.request.user, roles.VIEW).prefetch_related(
            Prefetch("activities", queryset=Activity.objects.select_related(
                "case__territory"))).order_by("case_id", "-number")

    def _answer(self, plan, code=status.HTTP_200_OK):
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(PlanSerializer(plan, context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(summary="Составить проект программы", request=PlanWriteSerializer,
                   responses={201: PlanSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        s = PlanWriteSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        plan = services.plan_create(user=request.user, case=d.pop("case"), **d)
        return self._answer(plan, status.HTTP_201_CREATED)

    @extend_schema(summary="Изменить проект программы", request=PlanUpdateSerializer,
                   responses={200: PlanSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        s = PlanUpdateSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        version = d.pop("version", None)
        plan = services.plan_update(user=request.user, plan=plan, expected_version=version,
                                    **d)
        return self._answer(plan)

    @extend_schema(summary="Утвердить программу", request=DateSerializer,
                   responses={200: PlanSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        plan = self.get_object()
        s = DateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        plan = services.plan_approve(user=request.user, plan=plan, **s.validated_data)
        return self._answer(plan)


class ActivityWriteSerializer(serializers.Serializer):
    plan = PlanField()
    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    problem = ProblemField(required=False, allow_null=True)
    responsible_user = StaffField(required=False, allow_null=True)
    partner = PartnerField(required=False, allow_null=True)
    due_date = serializers.DateField(validators=[dates.PLANNED])
    volume = serializers.CharField(max_length=100, required=False, allow_blank=True)
    frequency = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ActivityUpdateSerializer(serializers.Serializer):
    version = VersionField()
    service_type = serializers.ChoiceField(choices=ServiceType.choices, required=False)
    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    problem = ProblemField(required=False, allow_null=True)
    responsible_user = StaffField(required=False, allow_null=True)
    partner = PartnerField(required=False, allow_null=True)
    due_date = serializers.DateField(validators=[dates.PLANNED], required=False)
    volume = serializers.CharField(max_length=100, required=False, allow_blank=True)
    frequency = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ResultSerializer(serializers.Serializer):
    result = serializers.CharField(max_length=5000)
    date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)


class FailSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)


class SessionWriteSerializer(serializers.Serializer):
    held_on = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                                max_value=1440)
    notes = serializers.CharField(max_length=5000)
    result = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ActivityViewSet(LoggedReads, ListFilters, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Activities of programmes: the worklist (``?mine=true``; ``ActivityFilterSet`` and
    ``selectors.activity_search``, as the page), execution and sessions."""

    serializer_class = ActivitySerializer
    permission_classes = [RegistryAccess]
    create_permission = (roles.CASE, roles.CHANGE)
    filterset_class = ActivityFilterSet

    def get_queryset(self):
        return Activity.objects.restrict(self.request.user, roles.VIEW).select_related(
            "responsible_user", "partner", "plan", "case__territory").order_by("due_date", "id")

    def _answer(self, activity, code=status.HTTP_200_OK):
        activity = self.get_queryset().get(pk=activity.pk)
        return Response(ActivitySerializer(activity,
                                           context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(summary="Включить мероприятие в проект программы",
                   request=ActivityWriteSerializer, responses={201: ActivitySerializer,
                                                               **ERRORS})
    def create(self, request, *args, **kwargs):
        s = ActivityWriteSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        activity = services.activity_add(user=request.user, plan=d.pop("plan"), **d)
        return self._answer(activity, status.HTTP_201_CREATED)

    @extend_schema(summary="Изменить мероприятие проекта (с версией)",
                   request=ActivityUpdateSerializer, responses={200: ActivitySerializer,
                                                                **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        activity = self.get_object()
        s = ActivityUpdateSerializer(data=request.data, context={"request": request},
                                     partial=True)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        version = d.pop("version", None)
        activity = services.activity_update(user=request.user, activity=activity, **d,
                                            expected_version=version)
        return self._answer(activity)

    @extend_schema(summary="Исключить мероприятие из проекта",
                   responses={204: OpenApiResponse(description="Исключено"), **ERRORS})
    def destroy(self, request, *args, **kwargs):
        services.activity_remove(user=request.user, activity=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Начать мероприятие", request=DateSerializer,
                   responses={200: ActivitySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        activity = self.get_object()
        s = DateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._answer(services.activity_start(user=request.user, activity=activity,
                                                    **s.validated_data))

    @extend_schema(summary="Мероприятие выполнено", request=ResultSerializer,
                   responses={200: ActivitySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        activity = self.get_object()
        s = ResultSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._answer(services.activity_complete(user=request.user, activity=activity,
                                                       **s.validated_data))

    @extend_schema(summary="Мероприятие не выполнено (с причиной)", request=FailSerializer,
                   responses={200: ActivitySerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="not-done")
    def not_done(self, request, pk=None):
        activity = self.get_object()
        s = FailSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._answer(services.activity_fail(user=request.user, activity=activity,
                                                   **s.validated_data))

    @extend_schema(methods=["get"], summary="Занятия по мероприятию",
                   responses={200: SessionSerializer(many=True)})
    @extend_schema(methods=["post"], summary="Записать занятие", request=SessionWriteSerializer,
                   responses={201: SessionSerializer, **ERRORS})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def sessions(self, request, pk=None):
        activity = self.get_object()
        if request.method == "GET":
            rows = activity.sessions.select_related("author").order_by("-held_on", "-id")
            return Response(SessionSerializer(rows, many=True).data)
        s = SessionWriteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        session = services.session_record(user=request.user, activity=activity,
                                           **s.validated_data)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


