"""API of organisations, agreements, users and role assignments (administration)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from berezhno.core import access, audit
from berezhno.core.api import CanManage, ModelSerializer, VersionField
from berezhno.core.files import check_upload
from berezhno.core.models import ChangeAction

from . import roles, services
from .choices import OrganisationKind, PartnerKind
from .models import Agreement, Organisation, RoleAssignment, User
from .validators import validate_inn_ogrn_pair


class OrganisationSerializer(ModelSerializer):
    version = VersionField()
    kind = serializers.ChoiceField(choices=OrganisationKind.choices)
    partner_kind = serializers.ChoiceField(choices=PartnerKind.choices, required=False,
                                           allow_blank=True)

    class Meta:
        model = Organisation
        fields = ["id", "kind", "partner_kind", "name", "short_name", "inn", "ogrn",
                  "address", "phone", "email", "territory", "is_active", "version"]

    def validate(self, attrs):
        """The model's own ИНН/ОГРН pair rule (``Organisation.clean``), which a model
        serializer does not run."""
        instance = self.instance
        inn = attrs.get("inn", instance.inn if instance else "")
        ogrn = attrs.get("ogrn", instance.ogrn if instance else "")
        try:
            validate_inn_ogrn_pair(inn, ogrn)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs


class AuditedSaveMixin:
    """Create/update of reference data through one audited path."""

    event_type = "record.saved"

    def perform_create(self, serializer):
        serializer.validated_data.pop("version", None)
        with transaction.atomic():
            obj = serializer.save()
            audit.record(user=self.request.user, obj=obj, action=ChangeAction.CREATE,
                         event_type=self.event_type, summary=str(obj))

    def perform_update(self, serializer):
        """A change of the version the client read (optimistic locking: a newer one is a
        409 with the current values), through the record's service."""
        d = dict(serializer.validated_data)
        version = d.pop("version", None)
        serializer.instance = self.update_service(
            user=self.request.user, expected_version=version,
            **{self.update_arg: serializer.instance}, **d)


@extend_schema_view(list=extend_schema(summary="Организации"))
class OrganisationViewSet(AuditedSaveMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, mixins.UpdateModelMixin,
                          viewsets.GenericViewSet):
    serializer_class = OrganisationSerializer
    permission_classes = [CanManage]
    permission_kind = roles.ORGANISATION
    event_type = "organisation.saved"
    update_service, update_arg = staticmethod(services.organisation_update), "organisation"
    filterset_fields = ["kind", "partner_kind"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Organisation.objects.order_by("name")


class AgreementSerializer(ModelSerializer):
    version = VersionField()

    class Meta:
        model = Agreement
        fields = ["id", "organisation", "provider", "number", "date", "valid_until", "subject",
                  "file", "is_active", "version"]
        # The scan is uploaded by itself (``POST …/file/``, multipart): the rest is JSON.
        read_only_fields = ["file"]

    def validate(self, attrs):
        date = attrs.get("date", getattr(self.instance, "date", None))
        until = attrs.get("valid_until", getattr(self.instance, "valid_until", None))
        if date and until and until < date:
            raise serializers.ValidationError({"valid_until": [_("Срок действия раньше даты.")]})
        return attrs


class AgreementFileSerializer(serializers.Serializer):
    file = serializers.FileField()
    version = VersionField(required=True)

    def validate_file(self, value):
        """The scan is checked by its content and size, like every uploaded document."""
        try:
            check_upload(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value


@extend_schema_view(list=extend_schema(summary="Соглашения о взаимодействии"))
class AgreementViewSet(AuditedSaveMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, mixins.UpdateModelMixin,
                       viewsets.GenericViewSet):
    serializer_class = AgreementSerializer
    permission_classes = [CanManage]
    permission_kind = roles.AGREEMENT
    event_type = "agreement.saved"
    update_service, update_arg = staticmethod(services.agreement_update), "agreement"
    filterset_fields = ["organisation", "is_active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Agreement.objects.order_by("-date", "id")

    @extend_schema(summary="Загрузить скан соглашения (PDF или изображение)",
                   request={"multipart/form-data": AgreementFileSerializer},
                   responses={200: AgreementSerializer})
    @action(detail=True, methods=["post"], url_path="file", parser_classes=[MultiPartParser])
    def upload_file(self, request, pk=None):
        agreement = self.get_object()
        s = AgreementFileSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        agreement = services.agreement_file_set(
            user=request.user, agreement=agreement,
            expected_version=s.validated_data["version"], file=s.validated_data["file"])
        return Response(AgreementSerializer(agreement, context={"request": request}).data)


class RoleAssignmentSerializer(ModelSerializer):
    role = serializers.ChoiceField(choices=roles.ROLE_CHOICES)
    practices = serializers.ListField(
        child=serializers.ChoiceField(choices=access.practice_choices()), required=False,
        help_text="Коды практик; пусто — практики роли по умолчанию (у руководителя — все).")

    class Meta:
        model = RoleAssignment
        fields = ["id", "user", "role", "territory", "include_subtree", "organisation",
                  "practices", "valid_until", "is_active"]


class UserSerializer(ModelSerializer):
    role_assignments = RoleAssignmentSerializer(many=True, read_only=True)
    password = serializers.CharField(write_only=True, required=False)

    class Meta:
        model = User
        fields = ["id", "username", "last_name", "first_name", "patronymic", "position",
                  "phone", "email", "organisation", "department", "is_active",
                  "role_assignments", "password"]


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet):
    serializer_class = UserSerializer
    permission_classes = [CanManage]
    permission_kind = roles.USER

    def get_queryset(self):
        # Users are not territorial; their role assignments are, and only those within
        # the reader's scope are shown.
        assignments = RoleAssignment.objects.restrict(self.request.user, roles.VIEW)
        return User.objects.prefetch_related(
            Prefetch("role_assignments", queryset=assignments.order_by("id"))
        ).order_by("last_name", "id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.user_create(
            user=self.request.user, username=d["username"], password=d.get("password", ""),
            last_name=d.get("last_name", ""), first_name=d.get("first_name", ""),
            patronymic=d.get("patronymic", ""), organisation=d.get("organisation"),
            position=d.get("position", ""), email=d.get("email", ""), phone=d.get("phone", ""))


class CanGrantRoles(CanManage):
    """Reading role assignments needs "user: view"; giving one, a row of the grant matrix
    (decision 0016) — the service then checks the role, the place and the person."""

    def has_permission(self, request, view):
        if request.method == "POST":
            return request.user.is_authenticated and access.may_grant_any(request.user)
        return super().has_permission(request, view)


class RoleAssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = RoleAssignmentSerializer
    permission_classes = [CanGrantRoles]
    permission_kind = roles.USER
    filterset_fields = ["user", "role", "territory"]

    def get_queryset(self):
        return RoleAssignment.objects.restrict(self.request.user, roles.VIEW).select_related(
            "territory").order_by("user_id", "id")

    def perform_create(self, serializer):
        d = serializer.validated_data
        serializer.instance = services.role_assign(
            user=self.request.user, target=d["user"], role=d["role"], territory=d["territory"],
            include_subtree=d.get("include_subtree", True), organisation=d.get("organisation"),
            practices=d.get("practices"), valid_until=d.get("valid_until"),
            is_active=d.get("is_active", True))
