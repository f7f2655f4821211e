"""API of the rights register and the incident register: the same services, selectors and
rights as the pages (``views.py``); reads of requests logged (``LoggedReads``)."""

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from berezhno.core import access, dates
from berezhno.core.api import LoggedReads, ModelSerializer, VersionField
from berezhno.core.api_filters import ScopedFilterSet
from berezhno.core.errors import TransitionError
from berezhno.core.pdf import render_pdf
from berezhno.people.models import Person
from berezhno.territories.models import Territory

from . import roles, selectors, services
from .choices import (
    IncidentStatus,
    RequestChannel,
    RequesterKind,
    RequestKind,
    RequestStatus,
)
from .forms import ReportForm
from .models import Incident, SubjectRequest

PDF = {(200, "application/pdf"): OpenApiResponse(bytes, description="PDF")}


class KindAccess(permissions.IsAuthenticated):
    """Signed-in users holding the view's ``permission_kind`` somewhere (``view``; creating
    also ``add``), else 403. An action's own right is the service's to check (403 too);
    a record out of scope is a 404, like a missing one."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        kind = view.permission_kind
        if getattr(view, "action", None) == "create":
            return access.can(request.user, kind, access.ADD)
        return access.can(request.user, kind, access.VIEW)


# --------------------------------------------------------------------------- requests


@extend_schema_field(int)
class ScopedPersonForRights(serializers.PrimaryKeyRelatedField):
    """A person the user may register a request for (``rights_request: add`` over the
    person's territory); anyone else is refused like a missing id."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Person.objects.none()
        return Person.objects.restrict(request.user, access.ADD, kind=roles.RIGHTS)


class SubjectRequestSerializer(ModelSerializer):
    person = ScopedPersonForRights()
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    kind = serializers.ChoiceField(choices=RequestKind.choices)
    channel = serializers.ChoiceField(choices=RequestChannel.choices, required=False)
    requester_kind = serializers.ChoiceField(choices=RequesterKind.choices, required=False)
    status = serializers.ChoiceField(choices=RequestStatus.choices, read_only=True)
    responsible_name = serializers.CharField(source="responsible.full_name", read_only=True)
    overdue = serializers.SerializerMethodField(
        help_text="Срок истёк (по дате территории гражданина), обращение в работе.")
    act_number = serializers.SerializerMethodField(
        help_text="Номер акта об уничтожении, если данные уничтожены.")
    version = VersionField(read_only=True)

    class Meta:
        model = SubjectRequest
        fields = ["id", "number", "person", "person_name", "kind", "received_on", "channel",
                  "requester_kind", "requester_name", "requester_basis", "subject",
                  "purpose_ended_on", "due_on", "overdue", "extended", "extension_reason",
                  "extended_at", "status", "answer", "responsible", "responsible_name",
                  "created_by", "closed_by", "closed_at", "act_number", "version"]
        read_only_fields = ["number", "due_on", "extended", "extension_reason", "extended_at",
                            "answer", "responsible", "created_by", "closed_by", "closed_at"]
        extra_kwargs = {"received_on": {"required": True}}

    def get_overdue(self, obj) -> bool:
        return bool(selectors.due_state(obj)["overdue"])

    def get_act_number(self, obj) -> str | None:
        try:
            return obj.act.number
        except ObjectDoesNotExist:
            return None


class SubjectRequestFilterSet(ScopedFilterSet):
    person = django_filters.ModelChoiceFilter(queryset=Person.objects.all(),
                                              label=_("Гражданин"))
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("Состояние"))
    kind = django_filters.ChoiceFilter(choices=RequestKind.choices, label=_("Вид"))
    overdue = django_filters.BooleanFilter(method="filter_overdue",
                                           label=_("Только просроченные"))

    class Meta:
        model = SubjectRequest
        fields = ["person", "status", "kind", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(selectors.overdue_q())


class RequestExtendSerializer(serializers.Serializer):
    version = VersionField(required=True)
    reason = serializers.CharField(max_length=500, help_text="Мотивированная причина продления.")


class RequestCloseSerializer(serializers.Serializer):
    version = VersionField(required=True)
    status = serializers.ChoiceField(choices=[RequestStatus.DONE, RequestStatus.REFUSED])
    answer = serializers.CharField(help_text="Ответ гражданину (при отказе — основания).")


class RequestDestroySerializer(serializers.Serializer):
    version = VersionField(required=True)
    basis = serializers.CharField(max_length=500, help_text="Основание уничтожения.")
    confirm = serializers.BooleanField(
        help_text="true: сведения будут уничтожены безвозвратно.")

    def validate_confirm(self, value):
        if not value:
            raise serializers.ValidationError(
                _("Подтвердите, что сведения будут уничтожены безвозвратно."))
        return value


@extend_schema_view(
    list=extend_schema(summary="Обращения субъектов персональных данных"),
    retrieve=extend_schema(summary="Обращение субъекта персональных данных"),
    create=extend_schema(summary="Зарегистрировать обращение (срок считается сразу)"))
class SubjectRequestViewSet(LoggedReads, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Requests in the user's scope (the person's territory). Extending needs
    ``change``; answering, destroying and the answer's print ``close`` (the head)."""

    serializer_class = SubjectRequestSerializer
    permission_classes = [KindAccess]
    permission_kind = roles.RIGHTS
    filterset_class = SubjectRequestFilterSet

    def get_queryset(self):
        return selectors.requests_for(self.request.user).select_related(
            "person__territory", "act").order_by("status", "due_on", "id")

    def perform_create(self, serializer):
        d = dict(serializer.validated_data)
        d.pop("version", None)
        serializer.instance = services.request_register(user=self.request.user, **d)

    def _transition(self, request, serializer_class, call):
        item = self.get_object()
        s = serializer_class(data=request.data)
        s.is_valid(raise_exception=True)
        data = dict(s.validated_data)
        version = data.pop("version")
        data.pop("confirm", None)
        call(item, version, data)
        return Response(self.get_serializer(self.get_queryset().get(pk=item.pk)).data)

    @extend_schema(summary="Продлить срок ответа на запрос о доступе (один раз)",
                   request=RequestExtendSerializer, responses=SubjectRequestSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._transition(request, RequestExtendSerializer, lambda item, v, d:
                                services.request_extend(user=request.user, request=item,
                                                        expected_version=v, **d))

    @extend_schema(summary="Ответить на обращение (исполнено или мотивированный отказ)",
                   request=RequestCloseSerializer, responses=SubjectRequestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._transition(request, RequestCloseSerializer, lambda item, v, d:
                                services.request_close(user=request.user, request=item,
                                                       expected_version=v, **d))

    @extend_schema(summary="Уничтожить персональные данные по обращению (с актом)",
                   request=RequestDestroySerializer, responses=SubjectRequestSerializer)
    @action(detail=True, methods=["post"], url_path="destroy")
    def destroy_data(self, request, pk=None):
        return self._transition(request, RequestDestroySerializer, lambda item, v, d:
                                services.request_destroy(user=request.user, request=item,
                                                         expected_version=v, **d))

    def _closable(self) -> SubjectRequest:
        item = self.get_object()
        if not selectors.requests_for(self.request.user, access.CLOSE).filter(
                pk=item.pk).exists():
            raise services.forbidden(_("Печатает ответ и акт тот, кто отвечает на "
                                       "обращение."))
        return item

    @extend_schema(summary="Ответ на запрос о доступе (PDF): все сведения и кто их читал",
                   responses=PDF)
    @action(detail=True, methods=["get"], url_path="answer-pdf")
    def answer_pdf(self, request, pk=None):
        item = self._closable()
        if item.kind != RequestKind.ACCESS:
            raise TransitionError(_("Ответ со сведениями печатается только по запросу о "
                                    "доступе."))
        try:
            doc = selectors.answer_document(request.user, item)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc
        return _pdf(render_pdf("rights/answer_pdf.html", {"doc": doc}),
                    f"answer-{item.number}.pdf")

    @extend_schema(summary="Акт об уничтожении персональных данных (PDF)", responses=PDF)
    @action(detail=True, methods=["get"], url_path="act-pdf")
    def act_pdf(self, request, pk=None):
        item = self._closable()
        try:
            act = selectors.act_get(request.user, item.pk)
        except ObjectDoesNotExist as exc:
            raise TransitionError(_("Акта нет: данные по обращению не уничтожались.")) from exc
        return _pdf(render_pdf("rights/act_pdf.html", {"act": act, "printed_by": request.user}),
                    f"act-{act.number}.pdf")


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --------------------------------------------------------------------------- incidents


@extend_schema_field(int)
class SuspectField(serializers.PrimaryKeyRelatedField):
    """A user with a role at a node of the reader's incident scope."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return get_user_model()._default_manager.none()
        return selectors.suspects_for(request.user)


@extend_schema_field(int)
class TerritoryForIncidents(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Territory.objects.none()
        return access.territories_in_scope(request.user, roles.INCIDENT, access.ADD)


CREATE_ONLY = ["territory", "detected_at", "description", "suspect", "period_from",
               "period_to"]
UPDATE_ONLY = ["notice_sent_at", "result_sent_at", "findings", "status"]


class IncidentSerializer(ModelSerializer):
    """An incident as read, and its change (``PATCH``: the notices sent, the findings,
    the status); what was registered stays as it was."""

    status = serializers.ChoiceField(choices=IncidentStatus.choices, required=False)
    notice_due = serializers.DateTimeField(read_only=True)
    result_due = serializers.DateTimeField(read_only=True)
    notice_overdue = serializers.SerializerMethodField()
    result_overdue = serializers.SerializerMethodField()
    version = VersionField()

    class Meta:
        model = Incident
        fields = ["id", "number", "territory", "detected_at", "description", "suspect",
                  "period_from", "period_to", "notice_due", "notice_sent_at",
                  "notice_overdue", "result_due", "result_sent_at", "result_overdue",
                  "findings", "status", "created_by", "version"]
        read_only_fields = ["number", "created_by", *CREATE_ONLY]
        extra_kwargs = {"notice_sent_at": {"validators": [dates.EVENT]},
                        "result_sent_at": {"validators": [dates.EVENT]}}

    def get_notice_overdue(self, obj) -> bool:
        return obj.notice_overdue(timezone.now())

    def get_result_overdue(self, obj) -> bool:
        return obj.result_overdue(timezone.now())


class IncidentCreateSerializer(IncidentSerializer):
    territory = TerritoryForIncidents(help_text="Территория из вашей зоны.")
    suspect = SuspectField(required=False, allow_null=True)

    class Meta(IncidentSerializer.Meta):
        read_only_fields = ["number", "created_by", *UPDATE_ONLY]
        extra_kwargs = {"detected_at": {"validators": [dates.EVENT]}}


class ReportQuerySerializer(serializers.Serializer):
    user = SuspectField(help_text="Пользователь, чьи действия проверяются.")
    date_from = serializers.DateField(validators=[dates.PERIOD])
    date_to = serializers.DateField(validators=[dates.PERIOD])

    def validate(self, attrs):
        form = ReportForm({"user": attrs["user"].pk, "date_from": attrs["date_from"],
                           "date_to": attrs["date_to"]}, user=self.context["request"].user)
        if not form.is_valid():
            raise serializers.ValidationError(
                {name: [str(m) for m in errors] for name, errors in form.errors.items()})
        return attrs


class ReportRowSerializer(serializers.Serializer):
    person = serializers.IntegerField(source="person.pk")
    person_name = serializers.CharField(source="person.full_name")
    kind = serializers.CharField(help_text="Вид доступа (код журнала доступа).")
    kind_label = serializers.CharField()
    count = serializers.IntegerField()
    first = serializers.DateTimeField(read_only=True)
    last = serializers.DateTimeField(read_only=True)


@extend_schema_view(
    list=extend_schema(summary="Инциденты с персональными данными"),
    retrieve=extend_schema(summary="Инцидент с персональными данными"),
    create=extend_schema(summary="Зарегистрировать инцидент (сроки 24 и 72 часа)"),
    partial_update=extend_schema(summary="Уведомления, результаты, закрытие инцидента"))
class IncidentViewSet(LoggedReads, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, mixins.UpdateModelMixin,
                      viewsets.GenericViewSet):
    serializer_class = IncidentSerializer
    permission_classes = [KindAccess]
    permission_kind = roles.INCIDENT
    filterset_fields = ["status"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.incidents_for(self.request.user).order_by("-detected_at", "-id")

    def get_serializer_class(self):
        return IncidentCreateSerializer if self.action == "create" else IncidentSerializer

    def perform_create(self, serializer):
        d = {k: v for k, v in serializer.validated_data.items() if k in CREATE_ONLY}
        serializer.instance = services.incident_open(user=self.request.user, **d)

    def perform_update(self, serializer):
        d = {k: v for k, v in serializer.validated_data.items() if k in UPDATE_ONLY}
        serializer.instance = services.incident_update(
            user=self.request.user, incident=serializer.instance,
            expected_version=serializer.validated_data.get("version"), **d)

    @extend_schema(summary="Чьи данные читал пользователь за период (журнал доступа)",
                   parameters=[ReportQuerySerializer],
                   responses=ReportRowSerializer(many=True))
    @action(detail=False, methods=["get"])
    def report(self, request):
        query = ReportQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        rows = selectors.incident_report(request.user, suspect=query.validated_data["user"],
                                         date_from=query.validated_data["date_from"],
                                         date_to=query.validated_data["date_to"])
        self.shown([row.person for row in rows])
        return Response(ReportRowSerializer(rows, many=True).data)

