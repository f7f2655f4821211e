"""Maps on the people pages and the directory (issue 11, field basics; decision 0032)."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from berezhno.people import services
from berezhno.people.models import Consent, Person

pytestmark = pytest.mark.django_db


def _map_data(body: str, dom_id: str = "map") -> dict:
    start = body.index(f'<script id="{dom_id}-data" type="application/json">')
    return json.loads(body[start:].split(">", 1)[1].split("</script>", 1)[0])


def test_the_card_shows_the_address_on_a_map_when_it_has_coordinates(client, world):
    client.force_login(world.user("specialist"))
    url = reverse("people:person", args=[world.p1.pk])
    body = client.get(url).content.decode()  # p1 has coordinates (the test world)
    assert _map_data(body)["points"] == [
        {"lat": 55.5877, "lon": 71.594592, "label": "г. Называевск, ул. Ленина, 5", "url": ""}]
    assert "55.587700, 71.594592" in body
    Person.objects.filter(pk=world.p1.pk).update(latitude=None, longitude=None)
    assert "leaflet.js" not in client.get(url).content.decode()  # no coordinates: no map


def test_pages_without_a_map_do_not_carry_leaflet(client, world):
    client.force_login(world.user("specialist"))
    for name in ("core:home", "people:list", "people:household_list"):
        assert "leaflet" not in client.get(reverse(name)).content.decode(), name


def test_the_person_form_has_a_map_after_the_coordinates(client, world):
    client.force_login(world.user("specialist"))
    page = client.get(reverse("people:create")).content.decode()
    data = _map_data(page)
    assert data["pick"] == {"lat": "id_latitude", "lon": "id_longitude"}
    assert data["points"] == []
    assert data["center"] == [55.567, 71.35]  # where the specialist works (the town)
    # After the two inputs, before the consent part; hidden until the script shows it.
    assert (page.index('id="id_longitude"') < page.index('id="map"')
            < page.index('id="consent-block"'))
    assert '<div class="map map-pick" id="map" data-map="map-data" hidden' in page
    assert page.count("leaflet.js") == 1
    # Editing: the person's point is the marker.
    edit = _map_data(client.get(reverse("people:edit", args=[world.p1.pk])).content.decode())
    assert edit["points"] == [{"lat": 55.5877, "lon": 71.594592, "label": "Адрес на карте",
                               "url": ""}]


def test_the_person_form_with_errors_keeps_its_map_and_summary(client, world):
    client.force_login(world.user("specialist"))
    response = client.post(reverse("people:create"), {
        "surname": "Картина", "name": "Анна", "territory": world.d1.pk,
        "latitude": "95", "longitude": "71,6"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_latitude"' in page  # the summary links to the field
    assert "Широта должна быть от −90 до 90." in page
    data = _map_data(page)
    assert data["points"] == []  # an impossible point is not drawn
    assert 'value="71,6"' in page  # what was typed stays
    ok = client.post(reverse("people:create"), {
        "surname": "Картина", "name": "Анна", "territory": world.d1.pk,
        "latitude": "55,5701234", "longitude": "71.3512", "with_consent": "1",
        "consent-purpose": "social_service", "consent-valid_from": "2026-01-10",
        "consent-subject_address": "г. Называевск", "consent-subject_document": "паспорт",
        "consent-data_list": "ФИО, адрес"})
    assert ok.status_code == 302, ok.content.decode()[:3000]
    person = Person.objects.get(surname="Картина")
    assert (person.latitude, person.longitude) == (Decimal("55.570123"), Decimal("71.351200"))


def test_the_household_card_shows_its_members(client, world):
    spec = world.user("specialist")
    household = services.household_create(user=spec, head=Person.objects.get(pk=world.p1.pk),
                                           address="г. Называевск, ул. Ленина, 5")
    client.force_login(spec)
    body = client.get(reverse("people:household", args=[household.pk])).content.decode()
    point = _map_data(body)["points"][0]
    assert point["label"] == "Семёнова Алёна Петровна"
    assert point["url"] == reverse("people:person", args=[world.p1.pk])


def test_the_unidentified_form_takes_coordinates_and_says_what_is_wrong(client, world):
    client.force_login(world.user("specialist"))
    url = reverse("people:unidentified_create")
    page = client.get(url).content.decode()
    assert _map_data(page)["pick"] == {"lat": "id_latitude", "lon": "id_longitude"}
    # Empty, it opens where the specialist works (Участок 1 has no point: its town's).
    assert _map_data(page)["center"] == [55.567, 71.35]
    data = {"nickname": "Седой", "appearance": "в сером пальто", "sex": "u",
            "territory": world.d1.pk, "legal_basis": "signal"}
    before = Person.objects.count()
    bad = client.post(url, data | {"latitude": "95", "longitude": "север"})
    assert bad.status_code == 400 and Person.objects.count() == before
    text = bad.content.decode()
    assert "Широта должна быть от −90 до 90." in text
    assert "Введите долготу числом, например 73.368212." in text
    ok = client.post(url, data | {"latitude": "55,587712345", "longitude": "71.594592"})
    assert ok.status_code == 302
    person = Person.objects.get(nickname="Седой")
    assert (person.latitude, person.longitude) == (Decimal("55.587712"), Decimal("71.594592"))


def test_the_edit_form_refuses_coordinates_off_the_globe(client, world):
    client.force_login(world.user("specialist"))
    person = Person.objects.get(pk=world.p1.pk)
    response = client.post(reverse("people:edit", args=[person.pk]), {
        "surname": person.surname, "name": person.name, "sex": person.sex,
        "territory": person.territory_id, "version": person.version,
        "latitude": "-90.5", "longitude": "200"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Широта должна быть от −90 до 90." in text
    assert "Долгота должна быть от −180 до 180." in text
    assert Person.objects.get(pk=person.pk).latitude == Decimal("55.5877")  # unchanged


def test_the_unidentified_form_is_reachable_from_the_menu_and_the_search(client, world):
    url = reverse("people:unidentified_create")
    client.force_login(world.user("specialist"))
    assert f'href="{url}"' in client.get(reverse("core:home")).content.decode()
    assert f'href="{url}"' in client.get(reverse("people:list")).content.decode()
    client.force_login(world.user("partner"))  # may not register anyone
    assert f'href="{url}"' not in client.get(reverse("core:home")).content.decode()


def test_the_directory_shows_served_settlements_and_their_districts(client, world):
    body = client.get(reverse("territories:directory")).content.decode()  # no login
    points = _map_data(body)["points"]
    assert [p["url"] for p in points] == [f"?settlement={world.town.pk}"]
    assert points[0]["label"].startswith("Называевск (")
    assert "Участок 1" in points[0]["label"]
    # The search's answer (htmx) does not carry the map again.
    hits = client.get(reverse("territories:directory"), {"settlement": world.town.pk},
                      HTTP_HX_REQUEST="true").content.decode()
    assert "leaflet" not in hits


def test_consent_channels_link_phones_and_mail(client, world):
    spec = world.user("specialist")
    consent = Consent.objects.get(person=world.p1, is_active=True)
    services.consent_channels_set(
        user=spec, consent=consent, expected_version=consent.version, by_call=True,
        contact_phone="8 913 765-43-21", by_email=True, contact_email="semenova@example.org")
    client.force_login(spec)
    card = client.get(reverse("people:person", args=[world.p1.pk])).content.decode()
    assert 'href="tel:+79137654321"' in card and 'href="mailto:semenova@example.org"' in card
