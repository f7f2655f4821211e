"""Households and their members."""

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from berezhno.core import dates
from berezhno.core.api import LoggedReads, ModelSerializer, VersionField

from .. import roles, selectors, services
from ..choices import HousingConditions, IncomeLevel, Relation
from ..models import Household, HouseholdMember
from .common import RegistryAccess, ScopedPersonField, ScopedTerritoryField


class MemberSerializer(ModelSerializer):
    full_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = HouseholdMember
        fields = ["id", "person", "full_name", "relation", "is_head", "since", "until"]


class HouseholdSerializer(ModelSerializer):
    members = MemberSerializer(many=True, read_only=True)
    head = ScopedPersonField(write_only=True, required=False)
    territory = ScopedTerritoryField(kind=roles.HOUSEHOLD, action=roles.ADD, required=False)
    income_level = serializers.ChoiceField(choices=IncomeLevel.choices, required=False,
                                           allow_blank=True)
    housing_conditions = serializers.ChoiceField(choices=HousingConditions.choices,
                                                 required=False, allow_blank=True)
    version = VersionField()

    since = serializers.DateField(
        validators=[dates.HISTORY], write_only=True, required=False, allow_null=True,
        help_text="С какой даты глава состоит в домохозяйстве (при создании); "
                  "по умолчанию — сегодня")

    class Meta:
        model = Household
        fields = ["id", "name", "address", "territory", "income_level", "per_capita_income",
                  "housing_conditions", "housing_notes", "members", "head", "since",
                  "version"]


class HouseholdCreateSerializer(HouseholdSerializer):
    head = ScopedPersonField(write_only=True, help_text="Глава домохозяйства (обязателен).")


class MemberAddSerializer(serializers.Serializer):
    person = ScopedPersonField()
    relation = serializers.ChoiceField(choices=[c for c in Relation.choices if c[0] != "head"])
    since = serializers.DateField(validators=[dates.HISTORY], required=False, allow_null=True)


class MemberRemoveSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1)
    until = serializers.DateField(validators=[dates.PLANNED], required=False, allow_null=True)


@extend_schema_view(list=extend_schema(summary="Домохозяйства"),
                    create=extend_schema(summary="Создать домохозяйство (head обязателен)",
                                         request=HouseholdCreateSerializer,
                                         responses={201: HouseholdSerializer}))
class HouseholdViewSet(LoggedReads,
                       mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                       mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = HouseholdSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [RegistryAccess]
    create_permission = (roles.HOUSEHOLD, roles.ADD)

    def get_queryset(self):
        qs = selectors.household_queryset(self.request.user)
        if self.action in ("update", "partial_update", "add_member", "remove_member"):
            qs = qs.restrict(self.request.user, roles.CHANGE)
        return qs.prefetch_related(
            Prefetch("members", queryset=HouseholdMember.objects.select_related("person"))
        ).order_by("name", "id")

    def get_serializer_class(self):
        return HouseholdCreateSerializer if self.action == "create" else HouseholdSerializer

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        head = d.pop("head")
        d.pop("version", None)
        serializer.instance = services.household_create(user=self.request.user, head=head,
                                                        **d)

    def perform_update(self, serializer):
        d = dict(serializer.validated_data)
        d.pop("head", None)
        d.pop("since", None)  # the head's date is given when the household is created
        version = d.pop("version", None)
        serializer.instance = services.household_update(
            user=self.request.user, household=serializer.instance, expected_version=version,
            **d)

    @extend_schema(summary="Добавить члена домохозяйства", request=MemberAddSerializer,
                   responses=MemberSerializer)
    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request, pk=None):
        household = self.get_object()
        s = MemberAddSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        member = services.household_add_member(
            user=request.user, household=household, person=s.validated_data["person"],
            relation=s.validated_data["relation"], since=s.validated_data.get("since"))
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Отметить выбытие члена домохозяйства",
                   request=MemberRemoveSerializer, responses=MemberSerializer)
    @action(detail=True, methods=["post"], url_path="members/remove")
    def remove_member(self, request, pk=None):
        household = self.get_object()
        s = MemberRemoveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        member = HouseholdMember.objects.filter(household=household,
                                                pk=s.validated_data["member"]).first()
        if member is None:
            raise Http404
        member = services.household_remove_member(user=request.user, member=member,
                                                  until=s.validated_data.get("until"))
        return Response(MemberSerializer(member).data)
