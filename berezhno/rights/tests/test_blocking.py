"""Blocked data is read-only and marked: while a blocking request is open, every service
that writes about the person refuses (the one guard in ``core.audit``), from the pages and
from the API alike; nothing changes; the card shows the banner."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from berezhno.cases import services as case_services
from berezhno.core.context import acting_as
from berezhno.core.errors import BlockedError
from berezhno.core.models import ObjectChange
from berezhno.people import services as people
from berezhno.rights import services

from .conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def blocked(world, spec):
    return register(spec, world.p1, kind="blocking", received_on=datetime.date.today(),
                    subject="Оспаривает сведения о месте жительства")


def _edit(world, version):
    p = world.p1
    return {"surname": "Иванова", "name": p.name, "patronymic": p.patronymic, "sex": p.sex,
            "birth_date": p.birth_date.isoformat(), "territory": p.territory_id,
            "settlement": p.settlement_id or "", "version": version}


def test_the_card_shows_the_banner(client, world, spec, blocked):
    client.force_login(world.user("specialist_psy"))  # reads the card, has no rights kind
    body = client.get(reverse("people:person", args=[world.p1.pk])).content.decode()
    assert "Данные заблокированы" in body and blocked.number in body


def test_edits_through_the_pages_are_refused(client, world, spec, blocked):
    client.force_login(spec)
    changes = ObjectChange.objects.count()
    r = client.post(reverse("people:edit", args=[world.p1.pk]), _edit(world, world.p1.version))
    assert r.status_code == 400
    assert "заблокированы на время проверки" in r.content.decode()
    r = client.post(reverse("people:contact_add", args=[world.p1.pk]), {
        "channel": "call", "purpose": "information",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    assert r.status_code in (200, 302, 400)
    assert world.p1.contacts.count() == 0
    r = client.post(reverse("people:category_add", args=[world.p1.pk]),
                    {"category": "low_income", "start_date": "2025-01-10"})
    assert "заблокированы" in r.content.decode() or r.status_code == 302
    world.p1.refresh_from_db()
    assert world.p1.surname == "Семёнова" and world.p1.categories.count() == 0
    assert ObjectChange.objects.count() == changes


def test_edits_through_the_api_are_refused(client, world, spec, blocked):
    client.force_login(spec)
    version = world.p1.version
    r = client.patch(reverse("person-detail", args=[world.p1.pk]),
                     {"surname": "Иванова", "version": version},
                     content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "blocked"
    assert blocked.number in r.json()["detail"]
    r = client.post(reverse("contact-list"), {
        "person": world.p1.pk, "channel": "call", "purpose": "information",
        "occurred_at": timezone.now().isoformat()}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "blocked"
    world.p1.refresh_from_db()
    assert world.p1.surname == "Семёнова" and world.p1.version == version
    assert world.p1.contacts.count() == 0


def test_services_of_other_apps_are_refused_too(world, spec, blocked):
    with pytest.raises(BlockedError), acting_as("test"):
        case_services.case_open(user=spec, person=world.p1, channel="police",
                                referred_by=world.partner_org, problem_told="Нужна помощь")
    assert not world.p1.cases.exists()
    with pytest.raises(BlockedError), acting_as("test"):
        people.category_add(user=spec, person=world.p1, category="low_income",
                            start_date=datetime.date(2025, 1, 10))
    assert not world.p1.categories.exists()


def test_other_people_and_the_register_itself_are_not_blocked(world, spec, head, blocked):
    with acting_as("test"):
        people.person_update(user=world.user("specialist_other"), person=world.p2,
                             expected_version=world.p2.version, surname="Кузнецова")
        # The register's own records are writable: the check is answered and closed.
        services.request_close(user=head, request=blocked, expected_version=blocked.version,
                               status="done", answer="Сведения подтверждены")
        # Closed: the person is editable again.
        people.person_update(user=spec, person=world.p1, expected_version=world.p1.version,
                             surname="Иванова")
    world.p1.refresh_from_db()
    assert world.p1.surname == "Иванова"
