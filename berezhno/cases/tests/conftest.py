import datetime

import pytest

from berezhno.accounts.choices import OrganisationKind, PartnerKind
from berezhno.accounts.models import Organisation
from berezhno.cases import services
from berezhno.cases.choices import Decision
from berezhno.core.context import acting_as
from berezhno.people import services as people
from berezhno.testing.fixtures import CONSENT, make_user

__all__ = ["CONSENT"]


def partner_consent(world, person, *orgs):
    with acting_as("test"):
        return people.consent_record(user=world.user("specialist"), person=person, data={
            **CONSENT, "purpose": "partner_transfer", "recipients": list(orgs)})


@pytest.fixture
def family(world):
    """p1 with a household of three children (one an adult), in district 1."""
    return make_family(world)


def make_family(world):
    """The ``family`` fixture's household, for tests that cannot use the fixture itself."""
    spec = world.user("specialist")
    with acting_as("test"):
        household = people.household_create(user=spec, head=world.p1, data={
            "name": "Семья Семёновых", "address": "г. Называевск, ул. Ленина, 5"})
        for name, born, sex in (("Дарья", datetime.date(2014, 5, 1), "f"),
                                ("Егор", datetime.date(2018, 9, 9), "m"),
                                ("Олег", datetime.date(2003, 1, 1), "m")):
            child = people.person_register(
                user=spec, consent=dict(CONSENT), confirm_not_duplicate=True, data={
                    "surname": "Семёнов" if sex == "m" else "Семёнова", "name": name,
                    "patronymic": "Иванович" if sex == "m" else "Ивановна", "sex": sex,
                    "birth_date": born, "territory": world.d1})
            people.household_add_member(user=spec, household=household, person=child,
                                        relation="child")
    return household


@pytest.fixture
def other_partner(world):
    org = Organisation.objects.create(kind=OrganisationKind.PARTNER,
                                      partner_kind=PartnerKind.EMPLOYMENT,
                                      name="Центр занятости населения", territory=world.mun)
    user = make_user("partner2", "partner", world.mun, org)
    return org, user


def open_case(world, family=None, **data):
    with acting_as("test"):
        return services.case_open(user=world.user("dispatcher"), person=world.p1, data={
            "channel": "walk_in", "problem_told": "Нет денег на дрова, дети пропускают школу",
            "household": family, **data})


def recognised(world, case):
    with acting_as("test"):
        return services.case_decide(user=world.user("dispatcher"), case=case,
                                    decision=Decision.NEED_RECOGNISED)
