"""The API of cases, their problems and the Family Dispatch board."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from berezhno.cases import roles
from berezhno.core import dates
from berezhno.core.api import LoggedReads, ModelSerializer, VersionField
from berezhno.core.api_search import BodyFilters, PostedSearch, SearchBody
from berezhno.people.api import RegistryAccess

from .. import deadlines, selectors, services
from ..choices import (
    Decision,
    Improvement,
    IntakeChannel,
    NeedCircumstance,
    Outcome,
    Practice,
    ProblemSource,
    Urgency,
)
from ..filters import (
    BoardFilterSet,
    CaseFilterSet,
    CaseListFilterSet,
)
from ..models import Activity, ActivitySession, CaseProblem, Plan, SupportCase
from .common import ERRORS, HouseholdField, OrganisationField, PersonField, ProblemField, StaffField

# --------------------------------------------------------------------------- cases


class SessionSerializer(ModelSerializer):
    author_name = serializers.CharField(source="author.short_name", read_only=True)

    class Meta:
        model = ActivitySession
        fields = ["id", "activity", "held_on", "author", "author_name", "duration_minutes",
                  "notes", "result", "created_at"]
        read_only_fields = fields


class ActivitySerializer(ModelSerializer):
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


class PlanSerializer(ModelSerializer):
    activities = ActivitySerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "case", "number", "status", "service_form", "goal", "valid_until",
                  "created_at", "created_by", "approved_on", "approved_by", "activities",
                  "version"]
        read_only_fields = fields




class CaseProblemSerializer(ModelSerializer):
    name = serializers.CharField(source="problem.name", read_only=True)

    class Meta:
        model = CaseProblem
        fields = ["id", "problem", "name", "source", "identified_on", "note", "is_resolved"]


class CaseSerializer(ModelSerializer):
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
    received_at = serializers.DateTimeField(validators=[dates.EVENT], required=False)
    channel = serializers.ChoiceField(choices=IntakeChannel.choices)
    referred_by = OrganisationField(required=False, allow_null=True)
    problem_told = serializers.CharField(max_length=5000)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    circumstances = serializers.ListField(
        child=serializers.ChoiceField(choices=NeedCircumstance.choices), required=False)
    is_social_support = serializers.BooleanField(required=False)
    responsible = StaffField(required=False, allow_null=True)
    contract_number = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contract_date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    contract_until = serializers.DateField(validators=[dates.PLANNED],
                                           required=False, allow_null=True)
    problems = serializers.ListField(child=ProblemField(), required=False)


class CaseUpdateSerializer(serializers.Serializer):
    version = VersionField()
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
    contract_date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    contract_until = serializers.DateField(validators=[dates.PLANNED],
                                           required=False, allow_null=True)


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[Decision.NEED_RECOGNISED,
                                                Decision.NEED_NOT_RECOGNISED])
    date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class CloseSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    improved = serializers.ChoiceField(choices=Improvement.choices)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    version = serializers.IntegerField(required=False)


class CaseReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ProblemAddSerializer(serializers.Serializer):
    problem = ProblemField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    source = serializers.ChoiceField(choices=ProblemSource.choices, required=False)


class ListFilters:
    """Apply the list's FilterSet to the list (and its POSTed search) only: a record's own
    address and its actions look it up in the scope, whatever the query string says."""

    def filter_queryset(self, queryset):
        if getattr(self, "action", None) not in ("list", "search"):
            return queryset
        return super().filter_queryset(queryset)


class CaseSearchSerializer(SearchBody):
    """The body of ``POST /api/v1/cases/search/``: the list's filters and the term."""

    q = serializers.CharField(max_length=100, required=False, allow_blank=True,
                              help_text="Номер случая или фамилия заявителя")
    status = serializers.CharField(
        max_length=20, required=False, allow_blank=True,
        help_text="active (в работе) или этап случая, как в фильтре status списка")
    practice = serializers.CharField(max_length=40, required=False, allow_blank=True)
    territory = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    responsible = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    active = serializers.BooleanField(required=False, allow_null=True, default=None)
    person = serializers.IntegerField(required=False, allow_null=True, min_value=1)


# A case's problems with their catalogue entries, in one query (not one for each).
_PROBLEMS = Prefetch("problems", queryset=CaseProblem.objects.select_related("problem"))


class CaseViewSet(PostedSearch, LoggedReads, ListFilters, mixins.ListModelMixin,
                  mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Support cases: intake, decision, problems, review and closure. The list is the
    page's (``CaseFilterSet``, ``selectors.case_search``); a search by the applicant's
    surname is POSTed to ``search`` (decision 0017)."""

    serializer_class = CaseSerializer
    permission_classes = [RegistryAccess]
    create_permission = (roles.CASE, roles.ADD)
    filterset_class = CaseListFilterSet
    search_filterset_class = CaseFilterSet
    search_body = CaseSearchSerializer

    def get_queryset(self):
        scope = selectors.case_queryset(self.request.user)
        if self.action in ("list", "search"):
            return scope  # CaseFilterSet reads the list from it
        return selectors.case_rows(scope).prefetch_related(_PROBLEMS).order_by(
            "-received_at", "-id")

    def filter_queryset(self, queryset):
        found = super().filter_queryset(queryset)
        if isinstance(found, selectors.TwoStep):
            found.rows = found.rows.prefetch_related(_PROBLEMS)  # serialized
        return found

    @extend_schema(
        summary="Поиск случаев по номеру или фамилии заявителя (просмотр записывается)",
        description="Условия поиска — в теле запроса, не в адресе (фамилия не должна попадать "
                    "в журналы прокси и веб-сервера); номер и размер страницы — в адресе. "
                    "Ответ — страница, как у списка.",
        request=CaseSearchSerializer, responses={200: CaseSerializer(many=True), **ERRORS})
    @action(detail=False, methods=["post"], filter_backends=[BodyFilters])
    def search(self, request):
        self.check_search_body(request)
        return self.list(request)

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
        case = services.case_open(user=request.user, person=person, **d, problems=problems)
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
        case = services.case_update(user=request.user, case=case, **d,
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


class CaseProblemViewSet(LoggedReads, mixins.ListModelMixin, viewsets.GenericViewSet):
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



