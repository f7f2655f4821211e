"""REST API of support cases: serializers parse, services write, restricted querysets read.

Every list starts from ``Model.objects.restrict(user, action)``: a case, plan, activity or
referral out of the user's scope answers 404 like a missing one. Partners reach only the
referrals addressed to their organisation, with the minimal data of the applicant.
"""


from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from berezhno.accounts.choices import OrganisationKind
from berezhno.accounts.models import Organisation, User
from berezhno.cases import roles
from berezhno.core.api import ErrorSerializer, ModelSerializer
from berezhno.people.api import RegistryAccess
from berezhno.people.models import Household, Person

from ..models import Activity, Plan, Problem, SupportCase

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer,
          409: ErrorSerializer}


class ScopedField(serializers.PrimaryKeyRelatedField):
    """A related record accepted only from the user's scope (else "does not exist")."""

    def scoped(self, user):
        raise NotImplementedError

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return self.queryset.none() if self.queryset is not None else None
        return self.scoped(request.user)


@extend_schema_field(int)
class PersonField(ScopedField):
    def scoped(self, user):
        return Person.objects.restrict(user, roles.VIEW)


@extend_schema_field(int)
class HouseholdField(ScopedField):
    def scoped(self, user):
        return Household.objects.restrict(user, roles.VIEW)


@extend_schema_field(int)
class StaffField(ScopedField):
    def scoped(self, user):
        return User.objects.filter(is_active=True)


@extend_schema_field(int)
class PartnerField(ScopedField):
    def scoped(self, user):
        return Organisation.objects.filter(kind=OrganisationKind.PARTNER, is_active=True)


@extend_schema_field(int)
class OrganisationField(ScopedField):
    def scoped(self, user):
        return Organisation.objects.filter(is_active=True)


@extend_schema_field(int)
class ProblemField(ScopedField):
    def scoped(self, user):
        return Problem.objects.filter(is_active=True)


@extend_schema_field(int)
class CaseField(ScopedField):
    def scoped(self, user):
        return SupportCase.objects.restrict(user, roles.CHANGE)


@extend_schema_field(int)
class PlanField(ScopedField):
    def scoped(self, user):
        return Plan.objects.restrict(user, roles.CHANGE)


@extend_schema_field(int)
class ActivityField(ScopedField):
    def scoped(self, user):
        return Activity.objects.restrict(user, roles.VIEW)


# --------------------------------------------------------------------------- catalogue


class ProblemSerializer(ModelSerializer):
    class Meta:
        model = Problem
        fields = ["id", "code", "name", "description", "is_active"]


class ProblemViewSet(viewsets.ReadOnlyModelViewSet):
    """The problem catalogue (edited by administrators in the administration pages)."""

    serializer_class = ProblemSerializer
    permission_classes = [RegistryAccess]
    filterset_fields = ["is_active"]

    def get_queryset(self):
        return Problem.objects.restrict(self.request.user, roles.VIEW).order_by("order", "id")


