"""REST API of support cases: serializers parse, services write, restricted querysets read.

Every list starts from ``Model.objects.restrict(user, action)``: a case, plan, activity or
referral out of the user's scope answers 404 like a missing one. Partners reach only the
referrals addressed to their organisation, with the minimal data of the applicant.
"""


from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from berezhno.accounts.choices import OrganisationKind
from berezhno.accounts.models import Organisation, User
from berezhno.cases import roles
from berezhno.core.api import ErrorSerializer
from berezhno.people.api import RegistryAccess
from berezhno.people.models import Household, Person

from . import deadlines, selectors, services
from .choices import (
    Decision,
    Improvement,
    IntakeChannel,
    NeedCircumstance,
    Outcome,
    Practice,
    ProblemSource,
    ServiceForm,
    ServiceType,
    Urgency,
)
from .filters import (
    ActivityFilterSet,
    BoardFilterSet,
    CaseFilterSet,
)
from .models import Activity, ActivitySession, CaseProblem, Plan, Problem, SupportCase

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer,
          409: ErrorSerializer}


class ScopedField(serializers.PrimaryKeyRelatedField):
    """A related record accepted only from the user's scope (else "does not exist")."""

    def scoped(self, user):
        raise NotImplementedError

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.queryset.none() if self.queryset is not None else None
        return self.scoped(request.user)


@extend_schema_field(int)
class PersonField(ScopedField):
    def scoped(self, user):
        return Person.objects.restrict(user, roles.VIEW)


@extend_schema_field(int)
class HouseholdField(ScopedField):
    def scoped(self, user):
        return Household.objects.restrict(user, roles.VIEW)


@extend_schema_field(int)
class StaffField(ScopedField):
    def scoped(self, user):
        return User.objects.filter(is_active=True)


@extend_schema_field(int)
class PartnerField(ScopedField):
    def scoped(self, user):
        return Organisation.objects.filter(kind=OrganisationKind.PARTNER, is_active=True)


@extend_schema_field(int)
class OrganisationField(ScopedField):
    def scoped(self, user):
        return Organisation.objects.filter(is_active=True)


@extend_schema_field(int)
class ProblemField(ScopedField):
    def scoped(self, user):
        return Problem.objects.filter(is_active=True)


@extend_schema_field(int)
class CaseField(ScopedField):
    def scoped(self, user):
        return SupportCase.objects.restrict(user, roles.CHANGE)


@extend_schema_field(int)
class PlanField(ScopedField):
    def scoped(self, user):
        return Plan.objects.restrict(user, roles.CHANGE)


@extend_schema_field(int)
class ActivityField(ScopedField):
    def scoped(self, user):
        return Activity.objects.restrict(user, roles.VIEW)


# --------------------------------------------------------------------------- catalogue


class ProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Problem
        fields = ["id", "code", "name", "description", "is_active"]


class ProblemViewSet(viewsets.ReadOnlyModelViewSet):
    """The problem catalogue (edited by administrators in the administration pages)."""

    serializer_class = ProblemSerializer
    permission_classes = [RegistryAccess]
    filterset_fields = ["is_active"]

    def get_queryset(self):
        return Problem.objects.restrict(self.request.user, roles.VIEW).order_by("order", "id")


# --------------------------------------------------------------------------- cases


class SessionSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.short_name", read_only=True)

    class Meta:
        model = ActivitySession
        fields = ["id", "activity", "held_on", "author", "author_name", "duration_minutes",
                  "notes", "result", "created_at"]
        read_only_fields = fields


class ActivitySerializer(serializers.ModelSerializer):
    executor = serializers.CharField(read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "plan", "case", "service_type", "title", "description", "problem",
                  "responsible_user", "partner", "executor", "due_date", "volume",
                  "frequency", "status", "started_on", "finished_on", "result",
                  "not_done_reason", "copied_from", "is_overdue", "version"]
        read_only_fields = fields

    def get_is_overdue(self, obj) -> bool:
        return deadlines.activity_is_overdue(obj)


class PlanSerializer(serializers.ModelSerializer):
    activities = ActivitySerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "case", "number", "status", "service_form", "goal", "valid_until",
                  "created_at", "created_by", "approved_on", "approved_by", "activities"]
        read_only_fields = fields




class CaseProblemSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="problem.name", read_only=True)

    class Meta:
        model = CaseProblem
        fields = ["id", "problem", "name", "source", "identified_on", "note", "is_resolved"]


class CaseSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    responsible_name = serializers.CharField(source="responsible.short_name", read_only=True)
    problems = CaseProblemSerializer(many=True, read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = SupportCase
        fields = ["id", "number", "practice", "person", "person_name", "household",
                  "territory", "territory_name", "provider", "received_at", "channel",
                  "referred_by", "problem_told", "urgency", "circumstances",
                  "is_social_support", "registered_by", "responsible", "responsible_name",
                  "status", "contract_number", "contract_date", "contract_until", "decision",
                  "decision_date", "decision_notes", "decision_due", "programme_due",
                  "programme_date", "review_since", "outcome", "improved", "closed_on",
                  "closure_notes", "problems", "is_overdue", "version"]
        read_only_fields = fields

    def get_is_overdue(self, obj) -> bool:
        # The rule of the list's "overdue" filter and of the page's labels.
        return deadlines.case_is_overdue(obj)


class CaseWriteSerializer(serializers.Serializer):
    practice = serializers.ChoiceField(choices=Practice.choices, required=False)
    person = PersonField()
    household = HouseholdField(required=False, allow_null=True)
    received_at = serializers.DateTimeField(required=False)
    channel = serializers.ChoiceField(choices=IntakeChannel.choices)
    referred_by = OrganisationField(required=False, allow_null=True)
    problem_told = serializers.CharField(max_length=5000)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    circumstances = serializers.ListField(
        child=serializers.ChoiceField(choices=NeedCircumstance.choices), required=False)
    is_social_support = serializers.BooleanField(required=False)
    responsible = StaffField(required=False, allow_null=True)
    contract_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contract_date = serializers.DateField(required=False, allow_null=True)
    contract_until = serializers.DateField(required=False, allow_null=True)
    problems = serializers.ListField(child=ProblemField(), required=False)


class CaseUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    household = HouseholdField(required=False, allow_null=True)
    channel = serializers.ChoiceField(choices=IntakeChannel.choices, required=False)
    referred_by = OrganisationField(required=False, allow_null=True)
    problem_told = serializers.CharField(max_length=5000, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    circumstances = serializers.ListField(
        child=serializers.ChoiceField(choices=NeedCircumstance.choices), required=False)
    is_social_support = serializers.BooleanField(required=False)
    responsible = StaffField(required=False)
    contract_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contract_date = serializers.DateField(required=False, allow_null=True)
    contract_until = serializers.DateField(required=False, allow_null=True)


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[Decision.NEED_RECOGNISED,
                                                Decision.NEED_NOT_RECOGNISED])
    date = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    improved = serializers.ChoiceField(choices=Improvement.choices)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    date = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False)


class CaseReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ProblemAddSerializer(serializers.Serializer):
    problem = ProblemField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=ProblemSource.choices, required=False)


class ListFilters:
    """Apply the list's FilterSet to the list only: a record's own address and its
    actions look it up in the scope, whatever the query string says."""

    def filter_queryset(self, queryset):
        if getattr(self, "action", None) != "list":
            return queryset
        return super().filter_queryset(queryset)


class CaseViewSet(ListFilters, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Support cases: intake, decision, problems, review and closure. The list is the
    page's (``CaseFilterSet``, ``selectors.case_search``)."""

    serializer_class = CaseSerializer
    permission_classes = [RegistryAccess]
    create_permission = (roles.CASE, roles.ADD)
    filterset_class = CaseFilterSet

    def get_queryset(self):
        scope = selectors.case_queryset(self.request.user)
        if self.action == "list":
            return scope  # CaseFilterSet reads the list from it
        return selectors.case_rows(scope).prefetch_related("problems__problem").order_by(
            "-received_at", "-id")

    def filter_queryset(self, queryset):
        found = super().filter_queryset(queryset)
        if isinstance(found, selectors.TwoStep):
            found.rows = found.rows.prefetch_related("problems__problem")  # serialized
        return found

    def _answer(self, case, code=status.HTTP_200_OK):
        case = self.get_queryset().get(pk=case.pk)
        return Response(CaseSerializer(case, context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(summary="Зарегистрировать обращение (открыть случай)",
                   request=CaseWriteSerializer, responses={201: CaseSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        s = CaseWriteSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        person, problems = d.pop("person"), d.pop("problems", [])
        case = services.case_open(user=request.user, person=person, data=d, problems=problems)
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(summary="Изменить обращение и договор (с версией)",
                   request=CaseUpdateSerializer, responses={200: CaseSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        case = self.get_object()
        s = CaseUpdateSerializer(data=request.data, context={"request": request},
                                 partial=True)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        version = d.pop("version", None)
        case = services.case_update(user=request.user, case=case, data=d,
                                    expected_version=version)
        return self._answer(case)

    @extend_schema(summary="Решение о нуждаемости", request=DecideSerializer,
                   responses={200: CaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        case = self.get_object()
        s = DecideSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        case = services.case_decide(user=request.user, case=case, **s.validated_data)
        return self._answer(case)

    @extend_schema(summary="Отметить проблему из каталога", request=ProblemAddSerializer,
                   responses={201: CaseProblemSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="problems")
    def add_problem(self, request, pk=None):
        case = self.get_object()
        s = ProblemAddSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        item = services.problem_add(user=request.user, case=case, **s.validated_data)
        return Response(CaseProblemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Закрыть случай с результатом", request=CloseSerializer,
                   responses={200: CaseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        case = self.get_object()
        s = CloseSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        case = services.case_close(user=request.user, case=case,
                                   expected_version=d.pop("version", None), **d)
        return self._answer(case)

    @extend_schema(summary="Продолжить сопровождение: новая редакция программы",
                   request=CaseReasonSerializer, responses={201: PlanSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="continue")
    def continue_support(self, request, pk=None):
        case = self.get_object()
        s = CaseReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        plan = services.case_continue(user=request.user, case=case, **s.validated_data)
        plan = Plan.objects.prefetch_related("activities").get(pk=plan.pk)
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class CaseProblemViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Problems identified in cases; removal needs a reason."""

    serializer_class = CaseProblemSerializer
    permission_classes = [RegistryAccess]
    filterset_fields = ["case", "problem"]

    def get_queryset(self):
        return CaseProblem.objects.restrict(self.request.user, roles.VIEW).select_related(
            "problem").order_by("id")

    @extend_schema(summary="Исключить проблему (с причиной)", request=CaseReasonSerializer,
                   responses={204: OpenApiResponse(description="Исключена"), **ERRORS})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        item = self.get_object()
        s = CaseReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.problem_remove(user=request.user, item=item, **s.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --------------------------------------------------------------------------- plans


class PlanWriteSerializer(serializers.Serializer):
    case = CaseField()
    service_form = serializers.ChoiceField(choices=ServiceForm.choices, required=False,
                                           allow_blank=True)
    goal = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class PlanUpdateSerializer(serializers.Serializer):
    service_form = serializers.ChoiceField(choices=ServiceForm.choices, required=False,
                                           allow_blank=True)
    goal = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class DateSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, allow_null=True)


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
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
        plan = services.plan_create(user=request.user, case=d.pop("case"), data=d)
        return self._answer(plan, status.HTTP_201_CREATED)

    @extend_schema(summary="Изменить проект программы", request=PlanUpdateSerializer,
                   responses={200: PlanSerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        s = PlanUpdateSerializer(data=request.data, partial=True)
        s.is_valid(raise_exception=True)
        plan = services.plan_update(user=request.user, plan=plan, data=s.validated_data)
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
    due_date = serializers.DateField()
    volume = serializers.CharField(max_length=100, required=False, allow_blank=True)
    frequency = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ActivityUpdateSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    service_type = serializers.ChoiceField(choices=ServiceType.choices, required=False)
    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    problem = ProblemField(required=False, allow_null=True)
    responsible_user = StaffField(required=False, allow_null=True)
    partner = PartnerField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False)
    volume = serializers.CharField(max_length=100, required=False, allow_blank=True)
    frequency = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ResultSerializer(serializers.Serializer):
    result = serializers.CharField(max_length=5000)
    date = serializers.DateField(required=False, allow_null=True)


class FailSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
    date = serializers.DateField(required=False, allow_null=True)


class SessionWriteSerializer(serializers.Serializer):
    held_on = serializers.DateField(required=False, allow_null=True)
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                                max_value=1440)
    notes = serializers.CharField(max_length=5000)
    result = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class ActivityViewSet(ListFilters, mixins.ListModelMixin, mixins.RetrieveModelMixin,
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
        activity = services.activity_add(user=request.user, plan=d.pop("plan"), data=d)
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
        activity = services.activity_update(user=request.user, activity=activity, data=d,
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
                                           data=s.validated_data)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


# --------------------------------------------------------------------------- board


class BoardColumnSerializer(serializers.Serializer):
    problem = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    cases = serializers.IntegerField()


@extend_schema(summary="Доска диспетчера: число активных случаев по проблемам",
               responses=BoardColumnSerializer(many=True))
class BoardViewSet(viewsets.ViewSet):
    """The page's board (``BoardFilterSet``, ``selectors.board``) counted per problem."""

    permission_classes = [RegistryAccess]
    filterset_class = BoardFilterSet

    def list(self, request):
        filterset = BoardFilterSet(request.query_params, request=request)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        return Response(BoardColumnSerializer(filterset.qs.counts, many=True).data)



