"""REST API of the special-attention data bank: the page's FilterSet for the list, the
services for every write; an entry out of scope answers 404 like a missing one."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from berezhno.cases.api import ERRORS, ListFilters, StaffField
from berezhno.cases.api.common import HouseholdField, PersonField
from berezhno.core import dates
from berezhno.core.api import LoggedReads, ModelSerializer, VersionField
from berezhno.people.api import RegistryAccess

from . import roles, selectors, services
from .choices import BankReason
from .filters import BankFilterSet
from .models import BankEntry, BankReview


class BankReviewSerializer(ModelSerializer):
    class Meta:
        model = BankReview
        fields = ["id", "held_on", "result", "next_due", "author"]
        read_only_fields = fields


class BankEntrySerializer(ModelSerializer):
    reasons = serializers.SerializerMethodField()
    reviews = BankReviewSerializer(many=True, read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = BankEntry
        fields = ["id", "person", "household", "territory", "reasons", "other_reason",
                  "since", "next_review_due", "overdue", "responsible", "notes", "added_by",
                  "removed_on", "removal_reason", "reviews", "version"]
        read_only_fields = fields

    def get_reasons(self, obj) -> list[str]:
        return sorted((r.reason for r in obj.reasons.all()), key=BankReason.values.index)

    def get_overdue(self, obj) -> bool:
        # The reader's date, read once for the whole answer (the context is the root's).
        if "today" not in self.context:
            self.context["today"] = selectors.bank_today(self.context["request"].user)
        return obj.review_overdue(self.context["today"])


class _EntryInput(serializers.Serializer):
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=BankReason.choices),
                                    min_length=1, max_length=len(BankReason.values))
    other_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    household = HouseholdField(required=False, allow_null=True)
    since = serializers.DateField(validators=[dates.HISTORY], required=False, allow_null=True)
    next_review_due = serializers.DateField(validators=[dates.PLANNED], required=False,
                                            allow_null=True)
    responsible = StaffField()
    notes = serializers.CharField(max_length=3000, required=False, allow_blank=True)


class BankEntryCreateSerializer(_EntryInput):
    person = PersonField()


class BankEntryChangeSerializer(_EntryInput):
    """A PATCH: only the fields sent change; the version is required."""

    version = VersionField()


class BankReviewInput(serializers.Serializer):
    held_on = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    result = serializers.CharField(max_length=5000)
    next_due = serializers.DateField(validators=[dates.PLANNED], required=False,
                                     allow_null=True)
    version = VersionField(required=True)


class BankRemoveInput(serializers.Serializer):
    date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    reason = serializers.CharField(max_length=300)
    version = VersionField(required=True)


@extend_schema_view(list=extend_schema(summary="Банк данных граждан, требующих особого "
                                               "внимания"),
                    retrieve=extend_schema(summary="Запись банка данных"))
class BankEntryViewSet(LoggedReads, ListFilters, mixins.ListModelMixin,
                       mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The special-attention data bank of the District social service. The list is the
    page's (``BankFilterSet``, ``selectors.bank_search``); without ``status`` it lists
    every entry, removed ones too. An entry is never deleted: ``remove`` keeps it."""

    serializer_class = BankEntrySerializer
    permission_classes = [RegistryAccess]
    create_permission = (roles.BANK, roles.ADD)
    filterset_class = BankFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        action_ = roles.CHANGE if self.action in ("partial_update", "review",
                                                  "remove") else roles.VIEW
        return BankEntry.objects.restrict(self.request.user, action_).select_related(
            "person", "territory").prefetch_related("reasons", "reviews").order_by(
            "-since", "-id")

    def _answer(self, entry, code=status.HTTP_200_OK):
        entry = BankEntry.objects.restrict(self.request.user, roles.VIEW).prefetch_related(
            "reasons", "reviews").get(pk=entry.pk)
        return Response(BankEntrySerializer(entry, context=self.get_serializer_context()).data,
                        status=code)

    def _input(self, cls, partial=False):
        s = cls(data=self.request.data, partial=partial, context={"request": self.request})
        s.is_valid(raise_exception=True)
        return dict(s.validated_data)

    @extend_schema(summary="Внести гражданина в банк данных",
                   request=BankEntryCreateSerializer,
                   responses={201: BankEntrySerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        d = self._input(BankEntryCreateSerializer)
        entry = services.bank_entry_add(
            user=request.user, person=d["person"], reasons=d["reasons"],
            responsible=d["responsible"], household=d.get("household"),
            other_reason=d.get("other_reason", ""), since=d.get("since"),
            next_review_due=d.get("next_review_due"), notes=d.get("notes", ""))
        return self._answer(entry, status.HTTP_201_CREATED)

    @extend_schema(summary="Изменить запись банка данных (нужна версия)",
                   request=BankEntryChangeSerializer,
                   responses={200: BankEntrySerializer, **ERRORS})
    def partial_update(self, request, *args, **kwargs):
        entry = self.get_object()
        d = self._input(BankEntryChangeSerializer, partial=True)
        version = d.pop("version", None)
        return self._answer(services.bank_entry_update(
            user=request.user, entry=entry, expected_version=version, **d))

    @extend_schema(summary="Пересмотр записи банка данных", request=BankReviewInput,
                   responses={200: BankEntrySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        entry = self.get_object()
        d = self._input(BankReviewInput)
        services.bank_entry_review(user=request.user, entry=entry,
                                   expected_version=d["version"], result=d["result"],
                                   held_on=d.get("held_on"), next_due=d.get("next_due"))
        return self._answer(entry)

    @extend_schema(summary="Исключить из банка данных (запись сохраняется)",
                   request=BankRemoveInput, responses={200: BankEntrySerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        entry = self.get_object()
        d = self._input(BankRemoveInput)
        return self._answer(services.bank_entry_remove(
            user=request.user, entry=entry, expected_version=d["version"],
            reason=d["reason"], date=d.get("date")))
