import datetime

import pytest

from berezhno.accounts.choices import PartnerKind
from berezhno.cases import services
from berezhno.cases.choices import Decision
from berezhno.core.context import acting_as
from berezhno.people import services as people
from berezhno.testing.factories import (
    HouseholdFactory,
    HouseholdMemberFactory,
    OrganisationFactory,
    PersonFactory,
    SupportCaseFactory,
)
from berezhno.testing.fixtures import CONSENT, make_user

__all__ = ["CONSENT"]


def partner_consent(world, person, *orgs):
    with acting_as("test"):
        return people.consent_record(user=world.user("specialist"), person=person, **{
            **CONSENT, "purpose": "partner_transfer", "recipients": list(orgs)})


@pytest.fixture
def family(world):
    """p1 with a household of three children (one an adult), in district 1."""
    return make_family(world)


def make_family(world):
    """The ``family`` fixture's household, for tests that cannot use the fixture itself."""
    spec = world.user("specialist")
    household = HouseholdFactory(user=spec, head=world.p1, name="Семья Семёновых",
                                 address="г. Называевск, ул. Ленина, 5")
    for name, born, sex in (("Дарья", datetime.date(2014, 5, 1), "f"),
                            ("Егор", datetime.date(2018, 9, 9), "m"),
                            ("Олег", datetime.date(2003, 1, 1), "m")):
        child = PersonFactory(user=spec, sex=sex, name=name, birth_date=born,
                              surname="Семёнов" if sex == "m" else "Семёнова",
                              patronymic="Иванович" if sex == "m" else "Ивановна",
                              territory=world.d1)
        HouseholdMemberFactory(user=spec, household=household, person=child)
    return household


@pytest.fixture
def other_partner(world):
    org = OrganisationFactory(partner=True, partner_kind=PartnerKind.EMPLOYMENT,
                              name="Центр занятости населения", territory=world.mun)
    user = make_user("partner2", "partner", world.mun, org)
    return org, user


def open_case(world, family=None, **data):
    return SupportCaseFactory(user=world.user("dispatcher"), person=world.p1, household=family,
                              **data)


def recognised(world, case):
    with acting_as("test"):
        return services.case_decide(user=world.user("dispatcher"), case=case,
                                    decision=Decision.NEED_RECOGNISED)
