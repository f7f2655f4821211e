"""What the registry's viewsets share: the access rule and the scoped choice fields."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import permissions, serializers

from berezhno.core.access import can, territories_in_scope
from berezhno.core.api import ErrorSerializer
from berezhno.core.text import normalize_snils
from berezhno.territories.models import Territory

from .. import roles, selectors
from ..models import Person


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


class SnilsField(serializers.CharField):
    """A СНИЛС as typed (ASCII digits, spaces, dashes), checked by the one validator
    (``core.text.normalize_snils``) and given on as its 11 digits; blank stays blank."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", "СНИЛС: 11 цифр 0–9, можно с пробелами и дефисами "
                                       "(123-456-789 01). Буквы и цифры других письменностей "
                                       "не принимаются.")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not value.strip():
            return ""
        try:
            return normalize_snils(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


@extend_schema_field(int)
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


@extend_schema_field(int)
class SettlementField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Territory.objects.none()
        return selectors.settlement_choices(request.user, roles.VIEW)


@extend_schema_field(int)
class ScopedPersonField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Person.objects.none()
        return selectors.person_queryset(request.user, roles.VIEW)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


CONFLICT = OpenApiResponse(ErrorSerializer, description="Конфликт версий или дубликаты")
