"""Each refusal offers the way forward (issue 11, decision 0033), through the pages: a
referral started from an activity has the activity's partner chosen; «no consent for this
partner» links to recording that consent, which comes back to the referral; the intake
sends the dispatcher to register a citizen and brings them back with the applicant chosen."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from berezhno.cases.tests.conftest import open_case, recognised
from berezhno.core.context import acting_as
from berezhno.people import services as people
from berezhno.people.models import Person
from berezhno.referrals.models import Referral
from berezhno.testing.factories import ActivityFactory, PlanFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def police_activity(world, family):
    disp = world.user("dispatcher")
    case = open_case(world, family)
    recognised(world, case)
    with acting_as("test"):
        plan = PlanFactory(user=disp, case=case)
        return ActivityFactory(user=disp, plan=plan, service_type="legal",
                               title="Обследование условий проживания",
                               responsible_user=None, partner=world.partner_org)


def test_a_referral_from_an_activity_has_its_partner_chosen(client, world, police_activity):
    client.force_login(world.user("dispatcher"))
    case = police_activity.case
    html = client.get(reverse("referrals:send", args=[case.pk]),
                      {"activity": police_activity.pk}).content.decode()
    assert re.search(rf'<option value="{world.partner_org.pk}" selected>', html)
    assert re.search(rf'<option value="{police_activity.pk}" selected>', html)
    # Without the activity (or with one of another case) nothing is chosen.
    html = client.get(reverse("referrals:send", args=[case.pk]),
                      {"activity": "x"}).content.decode()
    assert not re.search(r"<option value=\"\d+\" selected>", html)


def test_no_consent_offers_to_record_it_and_come_back(client, world, police_activity):
    client.force_login(world.user("dispatcher"))
    case = police_activity.case
    send = reverse("referrals:send", args=[case.pk]) + f"?activity={police_activity.pk}"
    r = client.post(send, {"organisation": world.partner_org.pk,
                           "activity": police_activity.pk,
                           "services": "Обследование условий проживания"})
    assert r.status_code == 400 and not Referral.objects.exists()
    link = re.search(r'<a class="button" href="([^"]+)">Оформить согласие на передачу сведений',
                     r.content.decode())
    assert link, text(r)[:3000]
    address = link.group(1).replace("&amp;", "&")
    parts = urlsplit(address)
    assert parts.path == reverse("people:consent_add", args=[case.person_id])
    query = parse_qs(parts.query)
    assert query == {"purpose": ["partner_transfer"], "recipient": [str(world.partner_org.pk)],
                     "next": [send]}

    # The consent form opens with the purpose and the partner chosen …
    html = client.get(address).content.decode()
    assert re.search(r'<option value="partner_transfer" selected>', html)
    assert re.search(rf'value="{world.partner_org.pk}"[^>]*checked', html)
    assert f'name="next" value="{send}"' in html.replace("&amp;", "&")
    # … and once it is recorded, the user is back at the referral, the partner chosen.
    r = client.post(address, {
        "next": send, "purpose": "partner_transfer", "valid_from": "2025-02-01",
        "subject_address": "г. Называевск, ул. Ленина, 5",
        "subject_document": "паспорт 5200 123456", "data_list": "ФИО, адрес",
        "recipients": [world.partner_org.pk]})
    assert r.status_code == 302, text(r)[:3000]
    assert r["Location"] == send
    r = client.post(send, {"organisation": world.partner_org.pk,
                           "activity": police_activity.pk,
                           "services": "Обследование условий проживания"})
    assert r.status_code == 302 and Referral.objects.get().activity == police_activity


def test_a_foreign_next_is_not_followed_after_the_consent(client, world, police_activity):
    client.force_login(world.user("dispatcher"))
    person = police_activity.case.person
    address = reverse("people:consent_add", args=[person.pk])
    r = client.post(address, {
        "next": "https://evil.example/", "purpose": "special_category",
        "valid_from": "2025-02-01", "subject_address": "г. Называевск",
        "subject_document": "паспорт", "data_list": "ФИО"})
    assert r.status_code == 302, text(r)[:2000]
    assert r["Location"] == person.get_absolute_url()


def test_intake_register_and_back_with_the_applicant(client, world):
    client.force_login(world.user("dispatcher"))
    r = client.post(reverse("cases:intake"), {"search": "1", "q": "Тестова Мария"})
    link = re.search(r'id="register-applicant" href="([^"]+)"', r.content.decode())
    assert link
    address = link.group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(address).query) == {"next": [reverse("cases:intake")]}
    r = client.post(address, {"surname": "Тестова", "name": "Мария", "territory": world.d1.pk,
                              "next": reverse("cases:intake")})
    person = Person.objects.get(surname="Тестова")
    assert r.status_code == 302
    assert r["Location"] == f"{reverse('cases:intake')}?person={person.pk}"
    r = client.get(r["Location"])
    assert "Тестова Мария" in text(r) and "Зарегистрировать обращение" in text(r)


def test_intake_of_an_applicant_without_consent_leads_to_it_and_back(client, world):
    with acting_as("test"):
        person = people.person_register(user=world.user("specialist"), surname="Тестова",
                                        name="Мария", territory=world.d1,
                                        confirm_not_duplicate=True)
    client.force_login(world.user("dispatcher"))
    intake = f"{reverse('cases:intake')}?person={person.pk}"
    html = client.get(intake).content.decode()
    link = re.search(r'href="([^"]+)">Оформить согласие и вернуться', html)
    assert link
    address = link.group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(address).query) == {"purpose": ["social_service"],
                                                 "next": [intake]}
    r = client.post(address, {
        "next": intake, "purpose": "social_service", "valid_from": "2025-02-01",
        "subject_address": "г. Называевск", "subject_document": "паспорт 5200 123456",
        "data_list": "ФИО"})
    assert r.status_code == 302 and r["Location"] == intake
    html = client.get(intake).content.decode()
    assert "Оформить согласие и вернуться" not in html
