"""Users, role assignments and organisations."""

import factory
from factory.django import DjangoModelFactory

from berezhno.accounts.choices import OrganisationKind, PartnerKind
from berezhno.accounts.models import Organisation, RoleAssignment, User
from berezhno.accounts.validators import company_inn, company_ogrn

PASSWORD = "test-password-123"  # noqa: S105


def root_user() -> User:
    """The superuser that sets up reference data (the test world's "root")."""
    return (User.objects.filter(username="root").first()
            or User.objects.create_superuser("root", password=PASSWORD))


class OrganisationFactory(DjangoModelFactory):
    """A provider (КЦСОН) by default; ``partner=True`` gives a police partner. ИНН and ОГРН
    carry computed check digits."""

    class Meta:
        model = Organisation

    class Params:
        partner = factory.Trait(kind=OrganisationKind.PARTNER,
                                partner_kind=PartnerKind.POLICE)

    kind = OrganisationKind.PROVIDER
    name = factory.Sequence(lambda n: f"Комплексный центр социального обслуживания № {n + 1}")
    inn = factory.Sequence(lambda n: company_inn(f"55{n % 10**7:07d}"))
    ogrn = factory.Sequence(lambda n: company_ogrn(f"10255{n % 10**7:07d}"))


class UserFactory(DjangoModelFactory):
    """A staff user with the test password (hashed as at login)."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n + 1}")
    last_name = "Тестова"
    first_name = "Анна"
    patronymic = "Ивановна"
    organisation = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, password=PASSWORD, **kwargs)


class RoleAssignmentFactory(DjangoModelFactory):
    """A role at a territory node (with its subtree), for the user's organisation."""

    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = "district_specialist"
    territory = None
    organisation = factory.LazyAttribute(lambda o: o.user.organisation)
