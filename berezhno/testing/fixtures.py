"""A small world for tests: two municipalities, three districts, users in every role."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from berezhno.accounts.models import Organisation, User
from berezhno.core.context import acting_as
from berezhno.people import services as people
from berezhno.people.models import Person
from berezhno.territories import services as territories
from berezhno.territories.choices import Level
from berezhno.territories.models import District, Territory

from .factories import (
    CONSENT,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    TerritoryFactory,
    UserFactory,
)
from .factories.accounts import PASSWORD
from .matrix import build_scene

__all__ = ["CONSENT", "PASSWORD", "World", "make_user"]


@dataclass
class World:
    region: Territory
    mun: Territory
    mun2: Territory
    town: Territory
    village: Territory
    other_town: Territory
    d1: Territory
    d2: Territory
    d3: Territory
    provider: Organisation
    partner_org: Organisation
    users: dict
    p1: Person
    p2: Person
    p3: Person
    # The поселения of the settlements (decision 0037): the municipalities' kind is left
    # unstated, so a test may still put a settlement right under them.
    pos_town: Territory
    pos_village: Territory
    pos_other: Territory

    def user(self, key: str) -> User:
        return self.users[key]


def make_user(username, role=None, territory=None, org=None, practices=(), **extra) -> User:
    user = UserFactory(username=username, organisation=org, **extra)
    if role:
        RoleAssignmentFactory(user=user, role=role, territory=territory, organisation=org,
                              practices=list(practices))
    return user


def build_world() -> World:
    """Create the world's rows; the ``world`` fixture shares them within a test module."""
    with acting_as("test"):
        root = User.objects.create_superuser("root", password=PASSWORD)
        region = TerritoryFactory(user=root, level=Level.REGION, name="Омская область",
                                  time_zone="Asia/Omsk")
        mun = TerritoryFactory(user=root, level=Level.MUNICIPALITY, parent=region,
                               name="Называевский район")
        mun2 = TerritoryFactory(user=root, level=Level.MUNICIPALITY, parent=region,
                                name="Тарский район")
        # Coordinates on the town and p1: the pages with a map are in every page test
        # (the phone width, axe) as they are in the demo.
        pos_town = TerritoryFactory(user=root, level=Level.POSELENIE, parent=mun,
                                    name="Называевское городское поселение",
                                    kind="городское поселение")
        pos_village = TerritoryFactory(user=root, level=Level.POSELENIE, parent=mun,
                                       name="Кисляковское сельское поселение",
                                       kind="сельское поселение")
        pos_other = TerritoryFactory(user=root, level=Level.POSELENIE, parent=mun2,
                                     name="Тарское городское поселение",
                                     kind="городское поселение")
        town = TerritoryFactory(user=root, parent=pos_town, name="Называевск", kind="город",
                                latitude=Decimal("55.567"), longitude=Decimal("71.35"))
        village = TerritoryFactory(user=root, parent=pos_village, name="Кисляки", kind="село")
        other_town = TerritoryFactory(user=root, parent=pos_other, name="Тара")
        d1 = TerritoryFactory(user=root, level=Level.DISTRICT, parent=town, name="Участок 1")
        d2 = TerritoryFactory(user=root, level=Level.DISTRICT, parent=town, name="Участок 2")
        d3 = TerritoryFactory(user=root, level=Level.DISTRICT, parent=other_town,
                              name="Тара — участок 1")
        street = territories.street_add(user=root, settlement=town, name="улица Ленина")
        territories.coverage_set(user=root, district=District.objects.get(territory=d1),
                                 settlement=town, street=street)
        territories.coverage_set(user=root, district=District.objects.get(territory=d1),
                                 settlement=village)
        provider = OrganisationFactory(name="КЦСОН Называевского района",
                                       address="г. Называевск, ул. Ленина, 66")
        partner_org = OrganisationFactory(partner=True, name="ОМВД по Называевскому району")
        users = {
            "root": root,
            "no_role": make_user("norole", org=provider),
            "specialist": make_user("spec1", "district_specialist", d1, provider,
                                    last_name="Белова"),
            "specialist_other": make_user("spec2", "district_specialist", d2, provider),
            # Same district as "specialist", another practice (yard management only).
            "specialist_yard": make_user("specyard", "district_specialist", d1, provider,
                                         practices=["yard"], last_name="Дворова"),
            "specialist_far": make_user("spec3", "district_specialist", d3, provider),
            "head": make_user("head", "head", mun, provider, last_name="Маркова"),
            "admin": make_user("admin", "admin", region, provider),
            "agent": make_user("agent", "social_agent", region, provider),
            "partner": make_user("partner", "partner", mun, partner_org),
            "analyst": make_user("analyst", "analyst", region, provider),
            "specialist_psy": make_user("psy", "specialist", mun, provider),
            "dispatcher": make_user("disp", "dispatcher", mun, provider, last_name="Орлова"),
        }
        district = District.objects.get(territory=d1)
        territories.district_update(
            user=root, district=district, expected_version=district.version,
            specialist=users["specialist"], order_number="12-о",
            order_date=datetime.date(2025, 1, 15), phone="+73816121101",
            email="d1@example.org", workplace_address="ул. Ленина, 66, каб. 11",
            reception_schedule="Пн, ср 9:00–13:00")
        spec = users["specialist"]
        p1 = PersonFactory(user=spec, surname="Семёнова", name="Алёна", patronymic="Петровна",
                           sex="f", birth_date=datetime.date(1985, 3, 5), territory=d1,
                           settlement=town, snils="112-233-445 95", phone="8 913 123-45-67",
                           actual_address="г. Называевск, ул. Ленина, 5",
                           latitude=Decimal("55.5877"), longitude=Decimal("71.594592"))
        p2 = PersonFactory(user=users["specialist_other"], surname="Кузнецов", name="Иван",
                           patronymic="Ильич", sex="m", birth_date=datetime.date(1950, 1, 1),
                           territory=d2)
        p3 = PersonFactory(user=users["specialist_far"], surname="Далёкий", name="Пётр",
                           patronymic="", sex="m", territory=d3)
        people.person_assign(user=spec, person=p1, assignee=users["agent"],
                             reason="социальный контракт")
    return World(region=region, mun=mun, mun2=mun2, town=town, village=village,
                 other_town=other_town, d1=d1, d2=d2, d3=d3, provider=provider,
                 partner_org=partner_org, users=users, p1=p1, p2=p2, p3=p3,
                 pos_town=pos_town, pos_village=pos_village, pos_other=pos_other)


@pytest.fixture
def world(request, _shared_data, db) -> World:
    """The world of this module's shared transaction (a private copy of its objects), or
    one built for this test alone when the test is transactional."""
    shared = _shared_data.copy_for(request.node, "world")
    if shared is not None:
        return shared
    return build_world()


@pytest.fixture
def client_for(client):
    """Log a test client in as a given user."""

    def login(user):
        if user is not None:
            client.force_login(user)
        return client

    return login



@pytest.fixture
def scene(request, _shared_data, world):
    """The world plus one of every registry record in district 1: the permission matrix's.
    Shared within a module like the world; its files are copied into the test's media root
    by the ``_media_root`` fixture of the root conftest."""

    shared = _shared_data.copy_for(request.node, "scene")
    if shared is not None:
        return shared
    return build_scene(world)
