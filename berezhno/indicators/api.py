"""REST API of indicators: values for a practice, territory and period; the definitions.

Aggregates only, never a person. The territory is looked up in the user's indicator scope:
out of scope answers 404 like a missing node; a user without the right answers 403.
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from berezhno.cases.choices import Practice
from berezhno.core.api import ErrorSerializer, error_body

from . import selectors
from .forms import bind_query
from .registry import Unit, registry

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class IndicatorAccess(permissions.IsAuthenticated):
    """Signed-in users who may view indicators somewhere."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and selectors.may_view(request.user)


class IndicatorDefinitionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Стабильный код показателя.")
    practice = serializers.ChoiceField(choices=Practice.choices)
    name = serializers.CharField()
    definition = serializers.CharField(help_text="Что именно считается.")
    unit = serializers.ChoiceField(choices=Unit.choices,
                                   help_text="count — количество; share — доля в процентах.")


class IndicatorValueSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.ChoiceField(choices=Unit.choices)
    value = serializers.IntegerField(
        allow_null=True, help_text="Количество или доля в целых процентах; null — знаменатель "
                                   "равен нулю.")
    numerator = serializers.IntegerField(allow_null=True, help_text="Только для долей.")
    denominator = serializers.IntegerField(allow_null=True, help_text="Только для долей.")


def _invalid(form) -> Response:
    fields = {field: [str(e) for e in errors] for field, errors in form.errors.items()}
    return Response(error_body("invalid", " ".join(form.messages()), fields=fields),
                    status=400)


QUERY_PARAMETERS = [
    OpenApiParameter("practice", str, enum=Practice.values, required=False,
                     description="Практика; по умолчанию family_dispatch."),
    OpenApiParameter("territory", int, required=False,
                     description="Узел территории в вашей зоне доступа; по умолчанию верхний."),
    OpenApiParameter("start", OpenApiTypes.DATE, required=False,
                     description="Начало периода (включительно); по умолчанию начало "
                                 "текущего квартала."),
    OpenApiParameter("end", OpenApiTypes.DATE, required=False,
                     description="Конец периода (включительно), не раньше начала и не "
                                 "дальше пяти лет от него; по умолчанию конец текущего "
                                 "квартала."),
]


class IndicatorValuesView(APIView):
    permission_classes = [IndicatorAccess]

    @extend_schema(summary="Показатели практики за период по территории",
                   parameters=QUERY_PARAMETERS,
                   responses={200: IndicatorValueSerializer(many=True), **ERRORS})
    def get(self, request):
        form = bind_query(request.user, request.query_params)
        if not form.is_valid():
            return _invalid(form)
        q = form.cleaned_data
        rows = selectors.evaluate(q["practice"], q["territory"], q["start"], q["end"])
        data = [{"code": r.indicator.code, "name": str(r.indicator.name),
                 "definition": str(r.indicator.definition), "unit": r.indicator.unit,
                 "value": r.result.value, "numerator": r.result.numerator,
                 "denominator": r.result.denominator} for r in rows]
        return Response(IndicatorValueSerializer(data, many=True).data)


class IndicatorDefinitionsView(APIView):
    permission_classes = [IndicatorAccess]

    @extend_schema(summary="Перечень показателей и их определения", parameters=[
        OpenApiParameter("practice", str, enum=Practice.values, required=False,
                         description="Только показатели этой практики.")],
        responses={200: IndicatorDefinitionSerializer(many=True), **ERRORS})
    def get(self, request):
        practice = request.query_params.get("practice") or ""
        if practice and practice not in Practice.values:
            message = _("Выберите практику из списка.")
            return Response(error_body("invalid", message, fields={"practice": [message]}),
                            status=400)
        items = registry.for_practice(practice) if practice else list(registry)
        data = [{"code": i.code, "practice": i.practice, "name": str(i.name),
                 "definition": str(i.definition), "unit": i.unit} for i in items]
        return Response(IndicatorDefinitionSerializer(data, many=True).data)
