"""REST API of the registry: serializers parse, services write, selectors read."""

from django.http import FileResponse, Http404, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from berezhno.core import audit
from berezhno.core.access import can, territories_in_scope
from berezhno.core.api import ErrorSerializer
from berezhno.core.files import ALLOWED_UPLOAD_TYPES
from berezhno.core.models import AccessKind, DomainEvent
from berezhno.core.pdf import render_pdf
from berezhno.core.text import normalize_snils
from berezhno.people import roles
from berezhno.territories.models import Territory

from .. import selectors, services
from ..choices import (
    SENSITIVE_DOCUMENT_TYPES,
    Category,
    ConsentPurpose,
    ContactChannel,
    ContactPurpose,
    DisabilityGroup,
    DocumentType,
    HousingConditions,
    IncomeLevel,
    LegalBasis,
    PersonStatus,
    Relation,
    Sex,
)
from ..filters import PersonFilterSet
from ..models import (
    Consent,
    Contact,
    Household,
    HouseholdMember,
    Person,
    PersonCategory,
    PersonDocument,
    PersonMerge,
    SensitiveInfo,
)


class RegistryAccess(permissions.IsAuthenticated):
    """Signed-in users only; creating a record needs the view's ``create_permission``
    (kind, action) somewhere, else 403. Object actions look the record up in the queryset
    restricted for that action, so a record out of scope answers 404 like a missing one."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        needed = getattr(view, "create_permission", None)
        if getattr(view, "action", None) == "create" and needed is not None:
            return can(request.user, *needed)
        return True


class ScopedTerritoryField(serializers.PrimaryKeyRelatedField):
    """Only territories within the user's scope are accepted."""

    def __init__(self, *, kind=roles.PERSON, action=roles.ADD, **kwargs):
        self.kind, self.action = kind, action
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Territory.objects.none()
        return territories_in_scope(request.user, self.kind, self.action)


class SettlementField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Territory.objects.none()
        return selectors.settlement_choices(request.user, roles.VIEW)


class ScopedPersonField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Person.objects.none()
        return selectors.person_queryset(request.user, roles.VIEW)


class PersonMinimalSerializer(serializers.ModelSerializer):
    """What a social agent sees of an assigned person."""

    full_name = serializers.CharField(read_only=True)
    phone = serializers.CharField(source="phone_display", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name", "surname", "name", "patronymic", "phone", "actual_address"]


class PersonSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    snils = serializers.CharField(source="snils_display", read_only=True)
    has_consent = serializers.BooleanField(read_only=True)
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    settlement_name = serializers.CharField(source="settlement.name", read_only=True,
                                            default=None)

    class Meta:
        model = Person
        fields = [
            "id", "full_name", "surname", "name", "patronymic", "sex", "birth_date",
            "estimated_birth_year", "snils", "passport", "passport_issued", "phone", "messenger",
            "registration_address", "actual_address", "no_fixed_abode", "settlement",
            "settlement_name", "territory", "territory_name", "latitude", "longitude",
            "special_attention", "special_attention_reason", "legal_basis", "is_unidentified",
            "nickname", "appearance", "meeting_place", "status", "status_date", "status_reason",
            "merged_into", "has_consent", "version",
        ]
        read_only_fields = fields


class PersonWriteSerializer(serializers.Serializer):
    surname = serializers.CharField(required=False, allow_blank=True, max_length=100)
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    patronymic = serializers.CharField(required=False, allow_blank=True, max_length=100)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    estimated_birth_year = serializers.IntegerField(required=False, allow_null=True,
                                                    min_value=1800, max_value=2200)
    snils = serializers.CharField(required=False, allow_blank=True, max_length=20)
    passport = serializers.CharField(required=False, allow_blank=True, max_length=30)
    passport_issued = serializers.CharField(required=False, allow_blank=True, max_length=300)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    messenger = serializers.CharField(required=False, allow_blank=True, max_length=100)
    registration_address = serializers.CharField(required=False, allow_blank=True,
                                                 max_length=300)
    actual_address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    no_fixed_abode = serializers.BooleanField(required=False)
    settlement = SettlementField(required=False, allow_null=True)
    territory = ScopedTerritoryField(required=False, allow_null=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False,
                                        allow_null=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, required=False,
                                         allow_null=True)
    special_attention = serializers.BooleanField(required=False)
    special_attention_reason = serializers.CharField(required=False, allow_blank=True,
                                                     max_length=300)
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices, required=False,
                                          allow_blank=True)
    is_unidentified = serializers.BooleanField(required=False)
    nickname = serializers.CharField(required=False, allow_blank=True, max_length=100)
    appearance = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    meeting_place = serializers.CharField(required=False, allow_blank=True, max_length=300)
    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text="Версия, на которой основано изменение.")
    confirm_not_duplicate = serializers.BooleanField(required=False, default=False)


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[PersonStatus.DECEASED, PersonStatus.MOVED_OUT])
    date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=300)
    version = serializers.IntegerField(min_value=1)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class MergeSerializer(serializers.Serializer):
    source = ScopedPersonField(help_text="Запись, которая присоединяется к этой.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class MergeResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonMerge
        fields = ["id", "source", "target", "merged_by", "merged_at", "reason", "unmerged_at",
                  "unmerged_by"]


class UnmergeSerializer(serializers.Serializer):
    merge = serializers.IntegerField(min_value=1)


class EventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    actor_name = serializers.CharField(source="actor.full_name", default=None, read_only=True)
    changes = serializers.SerializerMethodField()

    class Meta:
        model = DomainEvent
        fields = ["id", "time", "event_type", "label", "summary", "actor", "actor_name",
                  "changes"]

    def get_changes(self, obj) -> list[dict]:
        if obj.change is None:
            return []
        return [{"field": f, "before": b, "after": a} for f, b, a in obj.change.changed_fields()
                if f not in ("version", "search_name")]


class DuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class SensitiveSerializer(serializers.ModelSerializer):
    disability_group = serializers.ChoiceField(choices=DisabilityGroup.choices, required=False,
                                               allow_blank=True)

    class Meta:
        model = SensitiveInfo
        fields = ["disability_group", "disability_since", "disability_until",
                  "mse_certificate", "ipra_number", "health_notes", "version"]
        extra_kwargs = {"version": {"required": False}}


def _person_or_404(user, pk, action=roles.VIEW):
    try:
        return selectors.person_queryset(user, action).select_related(
            "territory", "settlement").get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


CONFLICT = OpenApiResponse(ErrorSerializer, description="Конфликт версий или дубликаты")


@extend_schema_view(
    list=extend_schema(summary="Список и поиск граждан"),
    retrieve=extend_schema(summary="Карточка гражданина (просмотр записывается)"),
    create=extend_schema(summary="Регистрация гражданина", request=PersonWriteSerializer,
                         responses={201: PersonSerializer, 400: ErrorSerializer,
                                    409: CONFLICT}),
    update=extend_schema(exclude=True),  # PUT of a whole person is not offered: 405
    partial_update=extend_schema(summary="Изменение сведений (нужна версия)",
                                 request=PersonWriteSerializer,
                                 responses={200: PersonSerializer, 400: ErrorSerializer,
                                            409: CONFLICT}),
)
class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    # "put" for the health action only; a person is changed with PATCH.
    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    permission_classes = [RegistryAccess]
    create_permission = (roles.PERSON, roles.ADD)

    def get_queryset(self):
        return selectors.person_queryset(self.request.user, roles.VIEW_MINIMAL).select_related(
            "territory", "settlement").with_consent_flag().order_by("search_name", "id")

    def get_serializer_class(self):
        if self.action in ("create", "partial_update"):
            return PersonWriteSerializer
        return PersonSerializer

    def _serialize(self, person):
        full = Person.objects.restrict(self.request.user, roles.VIEW).filter(
            pk=person.pk).exists()
        if not full:
            return PersonMinimalSerializer(person).data
        person = selectors.person_queryset(self.request.user).with_consent_flag().select_related(
            "territory", "settlement").get(pk=person.pk)
        return PersonSerializer(person).data

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        full_ids = set(Person.objects.restrict(request.user, roles.VIEW).filter(
            pk__in=[p.pk for p in page]).values_list("pk", flat=True))
        # One list serializer per kind: DRF builds a serializer's fields once per
        # instance otherwise, which costs more than the queries on a 200-row page.
        full = iter(PersonSerializer([p for p in page if p.pk in full_ids], many=True).data)
        minimal = iter(PersonMinimalSerializer([p for p in page if p.pk not in full_ids],
                                               many=True).data)
        data = [next(full) if p.pk in full_ids else next(minimal) for p in page]
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        person = _person_or_404(request.user, kwargs["pk"], roles.VIEW_MINIMAL)
        audit.log_access(user=request.user, kind=AccessKind.VIEW_CARD, person_id=person.pk,
                         obj_repr=f"person:{person.pk}", detail="api")
        return Response(self._serialize(person))

    def create(self, request, *args, **kwargs):
        serializer = PersonWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        confirm = data.pop("confirm_not_duplicate", False)
        data.pop("version", None)
        person = services.person_register(user=request.user, data=data,
                                          confirm_not_duplicate=confirm)
        return Response(self._serialize(person), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            raise exceptions.MethodNotAllowed(request.method)
        person = _person_or_404(request.user, kwargs["pk"], roles.CHANGE)
        serializer = PersonWriteSerializer(data=request.data, partial=True,
                                           context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        data.pop("confirm_not_duplicate", None)
        person = services.person_update(user=request.user, person=person, data=data,
                                        expected_version=version)
        return Response(self._serialize(person))

    # A plain list, neither paginated nor filtered: say so, or the schema promises a page.
    @extend_schema(summary="История гражданина", responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        try:
            _person, events = selectors.person_timeline(request.user, pk)
        except (Person.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        return Response(EventSerializer(events, many=True).data)

    @extend_schema(summary="Проверка возможных дубликатов", request=PersonWriteSerializer,
                   responses=DuplicateSerializer(many=True))
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def duplicates(self, request):
        serializer = PersonWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.get("snils"):
            data["snils"] = normalize_snils(data["snils"])
        found = selectors.person_find_duplicates(request.user, data)
        return Response([{"id": c.person.pk, "full_name": c.person.full_name,
                          "reasons": c.reasons} for c in found])

    @extend_schema(summary="Снять с учёта (смерть, выбытие)", request=StatusSerializer,
                   responses={200: PersonSerializer, 400: ErrorSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        person = _person_or_404(request.user, pk, roles.DELETE)
        s = StatusSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        person = services.person_set_status(
            user=request.user, person=person, status=s.validated_data["status"],
            date=s.validated_data.get("date"), reason=s.validated_data["reason"],
            expected_version=s.validated_data["version"])
        return Response(self._serialize(person))

    @extend_schema(summary="Восстановить на учёте", request=ReasonSerializer,
                   responses={200: PersonSerializer, 400: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        person = _person_or_404(request.user, pk, roles.DELETE)
        s = ReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        person = services.person_restore(user=request.user, person=person,
                                         reason=s.validated_data["reason"])
        return Response(self._serialize(person))

    @extend_schema(summary="Присоединить запись-дубликат к этой", request=MergeSerializer,
                   responses={201: MergeResultSerializer, 400: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        target = _person_or_404(request.user, pk, roles.MERGE)
        s = MergeSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        merge = services.person_merge(user=request.user, source=s.validated_data["source"],
                                      target=target, reason=s.validated_data.get("reason", ""))
        return Response(MergeResultSerializer(merge).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Отменить объединение", request=UnmergeSerializer,
                   responses={200: MergeResultSerializer, 400: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def unmerge(self, request, pk=None):
        target = _person_or_404(request.user, pk, roles.MERGE)
        s = UnmergeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        merge = PersonMerge.objects.filter(target=target, pk=s.validated_data["merge"]).first()
        if merge is None:
            raise Http404
        merge = services.person_unmerge(user=request.user, merge=merge)
        return Response(MergeResultSerializer(merge).data)

    @extend_schema(summary="Сведения о здоровье (специальная категория; чтение записывается)",
                   methods=["GET"], responses=SensitiveSerializer)
    @extend_schema(summary="Изменить сведения о здоровье", methods=["PUT"],
                   request=SensitiveSerializer,
                   responses={200: SensitiveSerializer, 400: ErrorSerializer, 409: CONFLICT})
    @action(detail=True, methods=["get", "put"])
    def health(self, request, pk=None):
        action_name = roles.VIEW if request.method == "GET" else roles.CHANGE
        try:
            person = Person.objects.restrict(request.user, action_name,
                                             kind=roles.SENSITIVE).get(pk=pk)
        except (Person.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        if request.method == "GET":
            info = SensitiveInfo.objects.filter(person=person).first()
            if info is None:
                raise Http404
            audit.log_access(user=request.user, kind=AccessKind.VIEW_SENSITIVE,
                             person_id=person.pk, obj_repr=f"sensitive:{person.pk}",
                             detail="api")
            return Response(SensitiveSerializer(info).data)
        s = SensitiveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        version = data.pop("version", None)
        info = services.sensitive_update(user=request.user, person=person, data=data,
                                         expected_version=version)
        return Response(SensitiveSerializer(info).data)


class CategorySerializer(serializers.ModelSerializer):
    person = ScopedPersonField()
    category = serializers.ChoiceField(choices=Category.choices)

    class Meta:
        model = PersonCategory
        fields = ["id", "person", "category", "start_date", "end_date", "note"]


class CategoryEndSerializer(serializers.Serializer):
    end_date = serializers.DateField()


@extend_schema_view(list=extend_schema(summary="Категории граждан"),
                    create=extend_schema(summary="Отметить категорию"))
class CategoryViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
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


class ConsentSerializer(serializers.ModelSerializer):
    person = ScopedPersonField()
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    is_valid = serializers.SerializerMethodField()

    class Meta:
        model = Consent
        fields = ["id", "person", "purpose", "subject_address", "subject_document",
                  "representative_name", "representative_document", "operator", "data_list",
                  "processors", "recipients", "actions", "valid_from", "valid_until",
                  "withdrawal_procedure",
                  "taken_by", "is_active", "is_valid", "withdrawn_at", "withdrawal_reason",
                  "withdrawn_by", "version"]
        read_only_fields = ["operator", "taken_by", "is_active", "withdrawn_at",
                            "withdrawal_reason", "withdrawn_by", "version",
                            "withdrawal_procedure"]
        extra_kwargs = {"valid_from": {"required": False}, "actions": {"required": False},
                        "recipients": {"required": False}}

    def get_is_valid(self, obj) -> bool:
        return obj.is_valid()


class WithdrawSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=300)


@extend_schema_view(list=extend_schema(summary="Согласия на обработку ПД"),
                    create=extend_schema(summary="Записать согласие"))
class ConsentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = ConsentSerializer
    filterset_fields = ["person", "purpose", "is_active"]
    permission_classes = [RegistryAccess]
    create_permission = (roles.CONSENT, roles.ADD)

    def get_queryset(self):
        qs = Consent.objects.restrict(self.request.user, roles.VIEW)
        if self.action == "withdraw":
            qs = qs.restrict(self.request.user, roles.CHANGE)
        return qs.select_related("person").prefetch_related("recipients").order_by(
            "-valid_from", "-id")

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        person = d.pop("person")
        serializer.instance = services.consent_record(user=self.request.user, person=person,
                                                      data=d)

    @extend_schema(summary="Отзыв согласия", request=WithdrawSerializer,
                   responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        consent = self.get_object()
        s = WithdrawSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        consent = services.consent_withdraw(user=request.user, consent=consent,
                                            date=s.validated_data.get("date"),
                                            reason=s.validated_data["reason"])
        return Response(ConsentSerializer(consent, context={"request": request}).data)

    @extend_schema(summary="Печатная форма согласия (PDF)",
                   responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        consent = self.get_object()
        audit.log_access(user=request.user, kind=AccessKind.PRINT, person_id=consent.person_id,
                         obj_repr=f"consent:{consent.pk}", detail="api")
        pdf = render_pdf("people/consent_pdf.html", {"consent": consent,
                                                     "person": consent.person})
        return HttpResponse(pdf, content_type="application/pdf")


class ContactSerializer(serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    channel = serializers.ChoiceField(choices=ContactChannel.choices)
    purpose = serializers.ChoiceField(choices=ContactPurpose.choices)
    author_name = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "person", "household", "occurred_at", "author", "author_name", "channel",
                  "purpose", "notes", "outcome", "next_contact_date", "client_uuid"]
        read_only_fields = ["author", "household"]
        extra_kwargs = {"occurred_at": {"required": False},
                        "client_uuid": {"validators": []}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["person"].queryset = Person.objects.restrict(
                request.user, roles.ADD, kind=roles.CONTACT)


@extend_schema_view(list=extend_schema(summary="Контакты"),
                    create=extend_schema(summary="Записать контакт (повтор с тем же client_uuid "
                                                 "не создаёт дубль)"))
class ContactViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = ContactSerializer
    filterset_fields = ["person", "channel", "purpose"]
    permission_classes = [RegistryAccess]
    create_permission = (roles.CONTACT, roles.ADD)

    def get_queryset(self):
        return Contact.objects.restrict(self.request.user, roles.VIEW).select_related(
            "author").order_by("-occurred_at", "-id")

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        person = d.pop("person")
        serializer.instance = services.contact_log(user=self.request.user, person=person,
                                                   data=d)


class DocumentSerializer(serializers.ModelSerializer):
    person = ScopedPersonField()
    doc_type = serializers.ChoiceField(choices=DocumentType.choices)
    file = serializers.FileField(write_only=True)

    class Meta:
        model = PersonDocument
        fields = ["id", "person", "doc_type", "doc_date", "title", "file", "original_name",
                  "content_type", "size", "uploaded_by", "uploaded_at"]
        read_only_fields = ["original_name", "content_type", "size", "uploaded_by",
                            "uploaded_at"]


@extend_schema_view(list=extend_schema(summary="Документы"),
                    create=extend_schema(summary="Прикрепить документ"))
class DocumentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_fields = ["person", "doc_type"]
    permission_classes = [RegistryAccess]
    create_permission = (roles.DOCUMENT, roles.ADD)

    def get_queryset(self):
        qs = PersonDocument.objects.restrict(self.request.user, roles.VIEW).filter(
            is_deleted=False)
        if self.action == "delete":
            qs = qs.restrict(self.request.user, roles.DELETE)
        sensitive_ok = Person.objects.restrict(self.request.user, roles.VIEW,
                                               kind=roles.SENSITIVE).values("pk")
        from django.db.models import Q

        qs = qs.filter(~Q(doc_type__in=SENSITIVE_DOCUMENT_TYPES) | Q(person__in=sensitive_ok))
        return qs.order_by("-uploaded_at", "-id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.document_attach(
            user=self.request.user, person=d["person"], upload=d["file"],
            doc_type=d["doc_type"], doc_date=d.get("doc_date"), title=d.get("title", ""))

    @extend_schema(summary="Скачать файл документа",
                   responses={(200, mime): bytes for mime in sorted(ALLOWED_UPLOAD_TYPES)})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        doc = self.get_object()
        kind = (AccessKind.VIEW_SENSITIVE if doc.doc_type in SENSITIVE_DOCUMENT_TYPES
                else AccessKind.VIEW_DOCUMENT)
        audit.log_access(user=request.user, kind=kind, person_id=doc.person_id,
                         obj_repr=f"document:{doc.pk}", detail="api")
        response = FileResponse(doc.file.open("rb"), content_type=doc.content_type,
                                as_attachment=True, filename=doc.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(summary="Удалить документ (мягко, с причиной)", request=ReasonSerializer,
                   responses={204: None})
    @action(detail=True, methods=["post"])
    def delete(self, request, pk=None):
        doc = self.get_object()
        s = ReasonSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.document_delete(user=request.user, document=doc,
                                 reason=s.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="person.full_name", read_only=True)

    class Meta:
        model = HouseholdMember
        fields = ["id", "person", "full_name", "relation", "is_head", "since", "until"]


class HouseholdSerializer(serializers.ModelSerializer):
    members = MemberSerializer(many=True, read_only=True)
    head = ScopedPersonField(write_only=True, required=False)
    territory = ScopedTerritoryField(kind=roles.HOUSEHOLD, action=roles.ADD, required=False)
    income_level = serializers.ChoiceField(choices=IncomeLevel.choices, required=False,
                                           allow_blank=True)
    housing_conditions = serializers.ChoiceField(choices=HousingConditions.choices,
                                                 required=False, allow_blank=True)

    class Meta:
        model = Household
        fields = ["id", "name", "address", "territory", "income_level", "per_capita_income",
                  "housing_conditions", "housing_notes", "members", "head", "version"]
        extra_kwargs = {"version": {"required": False, "read_only": False}}


class MemberAddSerializer(serializers.Serializer):
    person = ScopedPersonField()
    relation = serializers.ChoiceField(choices=[c for c in Relation.choices if c[0] != "head"])
    since = serializers.DateField(required=False, allow_null=True)


class MemberRemoveSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1)
    until = serializers.DateField(required=False, allow_null=True)


@extend_schema_view(list=extend_schema(summary="Домохозяйства"),
                    create=extend_schema(summary="Создать домохозяйство (head обязателен)"))
class HouseholdViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                       mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = HouseholdSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [RegistryAccess]
    create_permission = (roles.HOUSEHOLD, roles.ADD)

    def get_queryset(self):
        from django.db.models import Prefetch

        qs = selectors.household_queryset(self.request.user)
        if self.action in ("update", "partial_update", "add_member", "remove_member"):
            qs = qs.restrict(self.request.user, roles.CHANGE)
        return qs.prefetch_related(
            Prefetch("members", queryset=HouseholdMember.objects.select_related("person"))
        ).order_by("name", "id")

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        head = d.pop("head", None)
        if head is None:
            raise serializers.ValidationError({"head": ["Укажите главу домохозяйства."]})
        d.pop("version", None)
        serializer.instance = services.household_create(user=self.request.user, data=d,
                                                        head=head)

    def perform_update(self, serializer):
        d = dict(serializer.validated_data)
        d.pop("head", None)
        version = d.pop("version", None)
        serializer.instance = services.household_update(
            user=self.request.user, household=serializer.instance, data=d,
            expected_version=version)

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

