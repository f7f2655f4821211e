"""REST API of questionnaires (reference data) and assessments (within scope; recording one
identifies problems in the case)."""


from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from berezhno.cases import roles as case_roles
from berezhno.cases.api import ERRORS, ScopedField
from berezhno.cases.models import SupportCase
from berezhno.core import dates
from berezhno.core.api import LoggedReads, ModelSerializer
from berezhno.people.api import RegistryAccess

from . import services
from .models import AnswerOption, Assessment, AssessmentAnswer, Question, Questionnaire

# --------------------------------------------------------------------------- assessment


class AnswerOptionSerializer(ModelSerializer):
    class Meta:
        model = AnswerOption
        fields = ["id", "label", "score", "problem", "circumstance"]


class QuestionSerializer(ModelSerializer):
    options = AnswerOptionSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = ["id", "order", "section", "code", "text", "help_text", "answer_type",
                  "required", "threshold", "raise_when_below", "threshold_problem", "options"]


class QuestionnaireSerializer(ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Questionnaire
        fields = ["id", "code", "title", "kind", "description", "is_active", "questions"]


class QuestionnaireViewSet(viewsets.ReadOnlyModelViewSet):
    """Questionnaires with their questions and answer variants (edited in the admin)."""

    serializer_class = QuestionnaireSerializer
    permission_classes = [RegistryAccess]
    filterset_fields = ["kind", "is_active"]

    def get_queryset(self):
        return Questionnaire.objects.restrict(self.request.user, case_roles.VIEW).prefetch_related(
            "questions__options").order_by("title", "id")


class AssessmentAnswerSerializer(ModelSerializer):
    class Meta:
        model = AssessmentAnswer
        fields = ["question", "option_ids", "value_number", "value_text", "value_date"]


class AssessmentSerializer(ModelSerializer):
    answers = AssessmentAnswerSerializer(many=True, read_only=True)
    income_ratio = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True,
                                            allow_null=True)

    class Meta:
        model = Assessment
        fields = ["id", "case", "questionnaire", "conducted_on", "conducted_by",
                  "total_score", "per_capita_income", "subsistence_minimum", "income_ratio",
                  "conclusion", "answers", "created_at"]
        read_only_fields = fields


@extend_schema_field(int)
class CaseViewField(ScopedField):
    def scoped(self, user):
        return SupportCase.objects.restrict(user, case_roles.VIEW)


@extend_schema_field(int)
class QuestionnaireField(ScopedField):
    def scoped(self, user):
        return Questionnaire.objects.filter(is_active=True)


class AssessmentWriteSerializer(serializers.Serializer):
    case = CaseViewField()
    questionnaire = QuestionnaireField()
    conducted_on = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    conclusion = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Ответы по идентификаторам вопросов: идентификатор варианта, список "
                  "идентификаторов, число, текст или дата ГГГГ-ММ-ДД.")


class AssessmentViewSet(LoggedReads, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Diagnostics and needs assessments of cases; answers identify problems."""

    serializer_class = AssessmentSerializer
    permission_classes = [RegistryAccess]
    create_permission = (case_roles.CASE, case_roles.VIEW)
    filterset_fields = ["case", "questionnaire"]

    def get_queryset(self):
        return Assessment.objects.restrict(self.request.user, case_roles.VIEW).prefetch_related(
            "answers").order_by("-conducted_on", "-id")

    @extend_schema(summary="Провести диагностику (записать ответы анкеты)",
                   request=AssessmentWriteSerializer, responses={201: AssessmentSerializer,
                                                                 **ERRORS})
    def create(self, request, *args, **kwargs):
        s = AssessmentWriteSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        d = s.validated_data
        assessment = services.assessment_record(
            user=request.user, case=d["case"], questionnaire=d["questionnaire"],
            answers=d["answers"], conducted_on=d.get("conducted_on"),
            conclusion=d.get("conclusion", ""))
        return Response(AssessmentSerializer(self.get_queryset().get(pk=assessment.pk)).data,
                        status=status.HTTP_201_CREATED)


