"""Categories of persons: marking and ending."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from berezhno.core import dates
from berezhno.core.api import LoggedReads, ModelSerializer

from .. import roles, services
from ..choices import Category
from ..models import PersonCategory
from .common import RegistryAccess, ScopedPersonField


class CategorySerializer(ModelSerializer):
    person = ScopedPersonField()
    category = serializers.ChoiceField(choices=Category.choices)

    class Meta:
        model = PersonCategory
        fields = ["id", "person", "category", "start_date", "end_date", "note"]


class CategoryEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(validators=[dates.PLANNED])


@extend_schema_view(list=extend_schema(summary="Категории граждан"),
                    create=extend_schema(summary="Отметить категорию"))
class CategoryViewSet(LoggedReads,
                      mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    serializer_class = CategorySerializer
    filterset_fields = ["person", "category"]
    permission_classes = [RegistryAccess]
    create_permission = (roles.PERSON, roles.CHANGE)

    def get_queryset(self):
        qs = PersonCategory.objects.restrict(self.request.user, roles.VIEW)
        if self.action == "end":
            qs = qs.restrict(self.request.user, roles.CHANGE)
        return qs.order_by("-start_date", "id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.category_add(
            user=self.request.user, person=d["person"], category=d["category"],
            start_date=d["start_date"], end_date=d.get("end_date"), note=d.get("note", ""))

    @extend_schema(summary="Снять категорию", request=CategoryEndSerializer,
                   responses=CategorySerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        item = self.get_object()
        s = CategoryEndSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        item = services.category_end(user=request.user, item=item,
                                     end_date=s.validated_data["end_date"])
        return Response(CategorySerializer(item, context={"request": request}).data)
