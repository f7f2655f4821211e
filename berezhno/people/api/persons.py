"""Persons: the list and card, registration and changes, duplicates, status, merge and
health data."""

from typing import cast

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from berezhno.core import dates
from berezhno.core.api import (
    ErrorSerializer,
    LoggedReads,
    ModelSerializer,
    VersionField,
    closed_schema,
)
from berezhno.core.api_search import BodyFilters, PostedSearch, SearchBody
from berezhno.core.models import DomainEvent

from .. import roles, selectors, services
from ..choices import SENIOR, Category, DisabilityGroup, LegalBasis, PersonStatus, Sex
from ..filters import PersonFilterSet, PersonListFilterSet
from ..models import Person, PersonMerge, SensitiveInfo
from .common import (
    CONFLICT,
    ReasonSerializer,
    RegistryAccess,
    ScopedPersonField,
    ScopedTerritoryField,
    SettlementField,
    SnilsField,
)
from .consents import ConsentSerializer
from .contacts import ContactSerializer


@closed_schema
class PersonMinimalSerializer(ModelSerializer):
    """What a social agent sees of an assigned person."""

    full_name = serializers.CharField(read_only=True)
    phone = serializers.CharField(source="phone_display", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name", "surname", "name", "patronymic", "phone", "actual_address"]


class PersonSerializer(ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    snils = serializers.CharField(source="snils_display", read_only=True)
    has_consent = serializers.BooleanField(read_only=True)
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    settlement_name = serializers.CharField(source="settlement.name", read_only=True,
                                            default=None, allow_null=True)

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
    birth_date = serializers.DateField(validators=[dates.BIRTH], required=False, allow_null=True)
    estimated_birth_year = serializers.IntegerField(required=False, allow_null=True,
                                                    min_value=1800, max_value=2200)
    snils = SnilsField(required=False, allow_blank=True)
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
    version = VersionField(help_text="Версия, на которой основано изменение (обязательна "
                                     "при изменении).")
    confirm_not_duplicate = serializers.BooleanField(required=False, default=False)


class RegistrationConsentSerializer(ConsentSerializer):
    """A consent signed at registration: the fields of ``POST /consents/`` without the
    person (the one being registered)."""

    person = None  # type: ignore[assignment]  # the person is the one being registered

    class Meta(ConsentSerializer.Meta):
        fields = ["purpose", "subject_address", "subject_document", "representative_name",
                  "representative_document", "data_list", "processors", "recipients",
                  "actions", "valid_from", "valid_until"]
        read_only_fields: list[str] = []


class RegistrationContactSerializer(ContactSerializer):
    """A contact logged at registration (the first visit or call): the fields of
    ``POST /contacts/`` without the person."""

    person = None
    author_name = None

    class Meta(ContactSerializer.Meta):
        fields = ["occurred_at", "channel", "purpose", "notes", "outcome",
                  "next_contact_date", "client_uuid"]
        read_only_fields: list[str] = []

    def __init__(self, *args, **kwargs):
        serializers.ModelSerializer.__init__(self, *args, **kwargs)


class PersonRegisterSerializer(PersonWriteSerializer):
    """Registration in one call: the person, the consents signed and the contacts, saved
    together or not at all (``services.person_register``)."""

    consents = RegistrationConsentSerializer(
        many=True, required=False,
        help_text="Согласия, подписанные при регистрации. Без согласия с целью «социальное "
                  "обслуживание» (или законного основания) сохраняются только ФИО, пол, "
                  "дата рождения и территория.")
    contacts = RegistrationContactSerializer(
        many=True, required=False,
        help_text="Контакты, внесённые вместе с регистрацией (нужно согласие).")


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[PersonStatus.DECEASED, PersonStatus.MOVED_OUT])
    date = serializers.DateField(validators=[dates.EVENT], required=False, allow_null=True)
    reason = serializers.CharField(max_length=300)
    version = serializers.IntegerField(min_value=1)


class MergeSerializer(serializers.Serializer):
    source = ScopedPersonField(help_text="Запись, которая присоединяется к этой.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)


class MergeResultSerializer(ModelSerializer):
    class Meta:
        model = PersonMerge
        fields = ["id", "source", "target", "merged_by", "merged_at", "reason", "unmerged_at",
                  "unmerged_by"]


class UnmergeSerializer(serializers.Serializer):
    merge = serializers.IntegerField(min_value=1)


class EventSerializer(ModelSerializer):
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


DUPLICATE_REASONS = [("snils", "тот же СНИЛС"), ("name_birth_date", "те же ФИО и дата рождения"),
                     ("similar_name", "похожее ФИО в том же населённом пункте")]


class DuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=DUPLICATE_REASONS))


class DuplicateCheckSerializer(serializers.Serializer):
    """The answer of ``POST /persons/duplicates/`` (decision 0019)."""

    candidates = DuplicateSerializer(
        many=True, help_text="Возможные дубликаты в вашей зоне доступа.")
    elsewhere = serializers.BooleanField(
        help_text="СНИЛС принадлежит гражданину, который состоит на учёте вне вашей зоны "
                  "доступа. Его сведения не показываются; регистрация с этим СНИЛС не "
                  "создаст вторую запись, а откроет запрос в ту территорию о предоставлении "
                  "доступа (409 `duplicate` с `details.elsewhere: true`). Совпадение "
                  "записывается в журнал доступа. Всегда `false` для тех, кто не может "
                  "регистрировать граждан.")
    message = serializers.CharField(
        allow_blank=True, help_text="Пояснение для пользователя, когда `elsewhere`; иначе "
                                    "пусто.")


class SensitiveSerializer(ModelSerializer):
    disability_group = serializers.ChoiceField(choices=DisabilityGroup.choices, required=False,
                                               allow_blank=True)

    class Meta:
        model = SensitiveInfo
        fields = ["disability_group", "disability_since", "disability_until",
                  "mse_certificate", "ipra_number", "health_notes", "version"]
        extra_kwargs = {"version": {"required": False}}


class PersonSearchSerializer(SearchBody):
    """The body of ``POST /api/v1/persons/search/``: the list's filters and the term."""

    q = serializers.CharField(max_length=100, required=False, allow_blank=True,
                              help_text="ФИО (или его часть), СНИЛС или телефон")
    territory = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    category = serializers.ChoiceField(choices=[(SENIOR, "55+"), *Category.choices],
                                       required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=PersonStatus.choices, required=False,
                                     allow_blank=True)
    special_attention = serializers.BooleanField(required=False, allow_null=True,
                                                 default=None)
    no_consent = serializers.BooleanField(required=False, allow_null=True, default=None)
    unidentified = serializers.BooleanField(required=False, allow_null=True, default=None)


ELSEWHERE_MESSAGE = _(
    "Гражданин с таким СНИЛС уже состоит на учёте в другой территории. Его сведения вам не "
    "показываются. Вторую запись создавать не нужно: при регистрации туда будет отправлен "
    "запрос о предоставлении доступа.")


def PERSON_ANY(**kwargs):  # noqa: N802 - named like the serializer it stands for
    """A person as the reader may see them: the full record, or the minimal one (a social
    agent's assigned person)."""
    return PolymorphicProxySerializer(
        component_name="PersonAny", serializers=[PersonSerializer, PersonMinimalSerializer],
        resource_type_field_name=None, **kwargs)


def _person_or_404(user, pk, action=roles.VIEW):
    try:
        return selectors.person_queryset(user, action).select_related(
            "territory", "settlement").get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@extend_schema_view(
    list=extend_schema(summary="Список граждан (поиск по ФИО, СНИЛС, телефону: POST search)",
                       responses=PERSON_ANY(many=True)),
    retrieve=extend_schema(summary="Карточка гражданина (просмотр записывается)",
                           responses=PERSON_ANY()),
    create=extend_schema(
        summary="Регистрация гражданина (с согласиями и контактами — одним вызовом)",
        description=(
            "Регистрирует гражданина и, в той же транзакции, подписанные согласия "
            "(`consents`) и контакты (`contacts`): при любой ошибке не сохраняется ничего. "
            "Ошибка вложенной записи называет её поле: `consents.0.subject_address`.\n\n"
            "СНИЛС уникален во всём регионе. Совпадение с записью в вашей зоне доступа — "
            "409 `duplicate` со списком `details.candidates`. Совпадение с записью другой "
            "территории — 409 `duplicate` с `details.elsewhere: true` и номером запроса "
            "`details.share_request`: сведения о гражданине не показываются, в ту "
            "территорию отправлен запрос о предоставлении доступа."),
        request=PersonRegisterSerializer,
        responses={201: PersonSerializer, 400: ErrorSerializer, 409: CONFLICT}),
    partial_update=extend_schema(summary="Изменение сведений (нужна версия)",
                                 request=PersonWriteSerializer,
                                 responses={200: PersonSerializer, 400: ErrorSerializer,
                                            409: CONFLICT}),
)
class PersonViewSet(PostedSearch, LoggedReads,
                    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    viewsets.GenericViewSet):
    serializer_class = PersonSerializer
    filterset_class = PersonListFilterSet
    search_filterset_class = PersonFilterSet
    search_body = PersonSearchSerializer
    permission_classes = [RegistryAccess]
    create_permission = (roles.PERSON, roles.ADD)

    def get_queryset(self):
        return selectors.person_queryset(self.request.user, roles.VIEW_MINIMAL).select_related(
            "territory", "settlement").with_consent_flag().order_by("search_name", "id")

    def get_serializer_class(self):
        if self.action == "create":
            return PersonRegisterSerializer
        if self.action == "partial_update":
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
        self.shown(page)
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Поиск граждан по ФИО, СНИЛС или телефону (просмотр записывается)",
        description="Условия поиска — в теле запроса, не в адресе: ФИО, СНИЛС и телефон не "
                    "должны попадать в журналы прокси и веб-сервера. Номер и размер страницы — "
                    "в адресе (?page=2&page_size=100). Ответ — страница, как у списка.",
        request=PersonSearchSerializer,
        responses={200: PERSON_ANY(many=True), 400: ErrorSerializer})
    @action(detail=False, methods=["post"], filter_backends=[BodyFilters])
    def search(self, request):
        self.check_search_body(request)
        return self.list(request)

    def retrieve(self, request, *args, **kwargs):
        person = _person_or_404(request.user, kwargs["pk"], roles.VIEW_MINIMAL)
        self.shown([person])
        return Response(self._serialize(person))

    def create(self, request, *args, **kwargs):
        serializer = PersonRegisterSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        confirm = data.pop("confirm_not_duplicate", False)
        data.pop("version", None)
        consents = [cast(services.ConsentData, dict(c)) for c in data.pop("consents", [])]
        contacts = [cast(services.ContactData, dict(c)) for c in data.pop("contacts", [])]
        person = services.person_register(user=request.user, confirm_not_duplicate=confirm,
                                          consents=consents, contacts=contacts, **data)
        return Response(self._serialize(person), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        # A person is changed with PATCH only (no PUT of a whole record).
        person = _person_or_404(request.user, kwargs["pk"], roles.CHANGE)
        serializer = PersonWriteSerializer(data=request.data, partial=True,
                                           context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        data.pop("confirm_not_duplicate", None)
        person = services.person_update(user=request.user, person=person,
                                        expected_version=version, **data)
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

    @extend_schema(
        summary="Проверка перед регистрацией: дубликаты и СНИЛС в другой территории",
        description=(
            "Возможные дубликаты в вашей зоне доступа (`candidates`) и признак `elsewhere`: "
            "СНИЛС уже принадлежит записи вне вашей зоны доступа. Сведения той записи не "
            "показываются; регистрация откроет запрос о предоставлении доступа к ней "
            "(решение 0019). Совпадение записывается в журнал доступа."),
        request=PersonWriteSerializer, responses={200: DuplicateCheckSerializer,
                                                  400: ErrorSerializer})
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def duplicates(self, request):
        serializer = PersonWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        check = selectors.person_duplicate_check(
            request.user, surname=data.get("surname", ""), name=data.get("name", ""),
            patronymic=data.get("patronymic", ""), birth_date=data.get("birth_date"),
            snils=data.get("snils") or "",
            settlement=data.get("settlement"), territory=data.get("territory"),
            detail=request.path)
        found = check.candidates
        self.shown([c.person for c in found])
        return Response({
            "candidates": [{"id": c.person.pk, "full_name": c.person.full_name,
                            "reasons": c.reasons} for c in found],
            "elsewhere": check.elsewhere,
            "message": str(ELSEWHERE_MESSAGE) if check.elsewhere else "",
        })

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
            self.shown([info])  # special-category data: logged as view_sensitive
            return Response(SensitiveSerializer(info).data)
        s = SensitiveSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        version = data.pop("version", None)
        info = services.sensitive_update(user=request.user, person=person,
                                         expected_version=version, **data)
        return Response(SensitiveSerializer(info).data)
