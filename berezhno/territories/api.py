"""API of the territory tree, districts and the public directory."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from berezhno.core.api import CanManage, ModelSerializer, VersionField, error_body

from . import roles, selectors, services
from .choices import TIME_ZONES, Level
from .models import District, Territory


class TerritorySerializer(ModelSerializer):
    level = serializers.ChoiceField(choices=Level.choices)
    time_zone = serializers.ChoiceField(choices=TIME_ZONES, required=False)
    version = VersionField()

    class Meta:
        model = Territory
        fields = ["id", "level", "parent", "name", "kind", "path", "time_zone", "code",
                  "latitude", "longitude", "population", "is_remote", "is_active", "source",
                  "version"]
        read_only_fields = ["path"]


@extend_schema_view(list=extend_schema(summary="Дерево территорий"))
class TerritoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, mixins.UpdateModelMixin,
                       viewsets.GenericViewSet):
    serializer_class = TerritorySerializer
    permission_classes = [CanManage]
    permission_kind = roles.TERRITORY
    filterset_fields = ["level", "parent"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Territory.objects.order_by("path")

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        level, parent = d.pop("level"), d.pop("parent", None)
        d.pop("version", None)
        serializer.instance = services.territory_create(user=self.request.user, level=level,
                                                        parent=parent, **d)

    def perform_update(self, serializer):
        d = dict(serializer.validated_data)
        version = d.pop("version", None)
        d.pop("level", None)  # the level of a node never changes; "parent" moves it
        serializer.instance = services.territory_update(
            user=self.request.user, territory=serializer.instance, expected_version=version,
            **d)


# A district's key is its territory's id.
DISTRICT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH,
                               description="Идентификатор территории участка.")


class DistrictSerializer(ModelSerializer):
    name = serializers.CharField(source="territory.name", read_only=True)
    specialist_name = serializers.CharField(source="specialist.full_name", read_only=True,
                                            default=None, allow_null=True)
    version = VersionField()

    class Meta:
        model = District
        fields = ["territory", "name", "number", "specialist", "specialist_name",
                  "order_number", "order_date", "workplace_address", "phone", "email",
                  "reception_schedule", "organisation", "version"]
        read_only_fields = ["territory"]


@extend_schema_view(list=extend_schema(summary="Социальные участки"),
                    retrieve=extend_schema(parameters=[DISTRICT_ID]),
                    partial_update=extend_schema(parameters=[DISTRICT_ID]))
class DistrictViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = DistrictSerializer
    permission_classes = [CanManage]
    permission_kind = roles.DISTRICT
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return District.objects.select_related("territory", "specialist").order_by(
            "territory__path")

    def perform_update(self, serializer):
        d = dict(serializer.validated_data)
        version = d.pop("version", None)
        serializer.instance = services.district_update(
            user=self.request.user, district=serializer.instance, expected_version=version,
            **d)


class DirectoryDistrictSerializer(serializers.Serializer):
    name = serializers.CharField(source="territory.name")
    number = serializers.CharField()
    specialist = serializers.CharField(source="specialist.full_name", default=None)
    phone = serializers.CharField()
    email = serializers.CharField()
    workplace_address = serializers.CharField()
    reception_schedule = serializers.CharField()


class DirectoryHitSerializer(serializers.Serializer):
    settlement = serializers.CharField(source="settlement.name")
    poselenie = serializers.CharField(source="poselenie.name", default=None, allow_null=True)
    municipality = serializers.CharField(source="municipality.name", default=None,
                                         allow_null=True)
    street = serializers.CharField(source="street.name", default=None)
    districts = DirectoryDistrictSerializer(many=True)


class DirectoryView(APIView):
    """Public: find the district specialist by settlement id or a typed settlement/street."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [AnonRateThrottle]

    @extend_schema(summary="Найти участкового специалиста (без входа)", parameters=[
        OpenApiParameter("settlement", int, required=False),
        OpenApiParameter("q", str, required=False)],
        responses=DirectoryHitSerializer(many=True), auth=[])
    def get(self, request):
        try:
            settlement_id = int(request.query_params.get("settlement") or 0) or None
        except ValueError:
            message = _("Укажите номер населённого пункта числом.")
            return Response(error_body("invalid", message, fields={"settlement": [message]}),
                            status=400)
        q = (request.query_params.get("q") or "")[:100]
        hits = selectors.directory_lookup(settlement_id=settlement_id, query=q)
        return Response(DirectoryHitSerializer(hits, many=True).data)
