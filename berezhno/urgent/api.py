"""REST API of urgent acts: list and read within scope, create with its lines."""


from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from berezhno.cases import roles as case_roles
from berezhno.cases.api import ERRORS, CaseField, OrganisationField, PersonField
from berezhno.core import dates
from berezhno.core.api import LoggedReads, ModelSerializer
from berezhno.people.api import RegistryAccess

from . import roles, services
from .choices import UrgentService
from .models import UrgentServiceAct

# --------------------------------------------------------------------------- urgent


class UrgentLineSerializer(serializers.Serializer):
    service = serializers.ChoiceField(choices=UrgentService.choices)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    quantity = serializers.CharField(max_length=100, required=False, allow_blank=True)
    provided_on = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)


class UrgentActSerializer(ModelSerializer):
    lines = UrgentLineSerializer(many=True, read_only=True)
    person_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = UrgentServiceAct
        fields = ["id", "number", "act_date", "person", "person_name", "case", "provider",
                  "date_from", "date_to", "notes", "lines", "created_by", "created_at"]
        read_only_fields = fields


class UrgentActWriteSerializer(serializers.Serializer):
    person = PersonField()
    case = CaseField(required=False, allow_null=True)
    act_date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    date_from = serializers.DateField(validators=[dates.EVENT])
    date_to = serializers.DateField(validators=[dates.EVENT])
    provider = OrganisationField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    lines = UrgentLineSerializer(many=True)


class UrgentActViewSet(LoggedReads, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Acts of urgent social services (without a programme)."""

    serializer_class = UrgentActSerializer
    permission_classes = [RegistryAccess]
    create_permission = (roles.CASE, case_roles.ADD)
    filterset_fields = ["person", "case"]

    def get_queryset(self):
        return UrgentServiceAct.objects.restrict(self.request.user, case_roles.VIEW).select_related(
            "person").prefetch_related("lines").order_by("-act_date", "-id")

    @extend_schema(summary="Оформить акт срочных социальных услуг",
                   request=UrgentActWriteSerializer, responses={201: UrgentActSerializer,
                                                                **ERRORS})
    def create(self, request, *args, **kwargs):
        s = UrgentActWriteSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        d = dict(s.validated_data)
        person, case, lines = d.pop("person"), d.pop("case", None), d.pop("lines")
        act = services.urgent_act_create(user=request.user, person=person, **d,
                                         lines=[dict(line) for line in lines], case=case)
        act = self.get_queryset().get(pk=act.pk)
        return Response(UrgentActSerializer(act).data, status=status.HTTP_201_CREATED)


