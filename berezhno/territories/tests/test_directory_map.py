"""The public directory's map: each district's approximate outline (decision 0038)."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from berezhno.territories import selectors, services
from berezhno.territories.models import District, Territory
from berezhno.territories.tests.test_directory_matrix import spread_district_one

pytestmark = pytest.mark.django_db

NOTE = "Граница приблизительная: по населённым пунктам"


def _map_data(body: str) -> dict:
    start = body.index('<script id="map-data" type="application/json">')
    return json.loads(body[start:].split(">", 1)[1].split("</script>", 1)[0])


@pytest.fixture
def spread(world):
    """District 1 serves three placed settlements (the town, the village, a third one);
    district 2 one placed settlement only."""
    third = spread_district_one(world)
    services.coverage_set(user=world.user("root"),
                          district=District.objects.get(territory=world.d2),
                          settlement=Territory.objects.get(pk=world.town.pk))
    return third


def test_district_areas_name_their_placed_settlements(world, spread):
    areas = {a.name: [t.name for t in a.places] for a in selectors.district_areas()}
    # Sorted by name, each settlement once (district 1 covers the town by a street too).
    assert areas["Участок 1"] == ["Кисляки", "Лорис-Меликово", "Называевск"]
    assert areas["Участок 2"] == ["Называевск"]
    assert "Тара — участок 1" not in areas  # Тара has no coordinates


def test_a_district_with_a_point_of_its_own_counts_it(world, spread):
    Territory.objects.filter(pk=world.d2.pk).update(latitude=Decimal("55.6"),
                                                    longitude=Decimal("71.4"))
    areas = {a.name: [t.name for t in a.places] for a in selectors.district_areas()}
    assert areas["Участок 2"] == ["Называевск", "Участок 2"]


def test_the_directory_carries_each_districts_outline(client, world, spread):
    body = client.get(reverse("territories:directory")).content.decode()  # no login
    data = _map_data(body)
    outlines = {o["label"]: o["points"] for o in data["outlines"]}
    # District 1: a triangle round its three settlements; district 2 (one place): none.
    assert set(outlines) == {"Участок 1"}
    assert sorted(outlines["Участок 1"]) == [[55.345, 70.627], [55.567, 71.35],
                                             [55.585, 71.6]]
    assert data["text"]["outlineNote"] == NOTE
    # In words beside the map: what the outline goes round.
    assert "Участок 1 — Кисляки, Лорис-Меликово, Называевск" in body
    assert "Границы на карте приблизительные" in body
    # The markers stay: one per placed settlement.
    assert len(data["points"]) == 3


def test_two_places_make_a_line(client, world, spread):
    Territory.objects.filter(pk=spread.pk).update(latitude=None, longitude=None)
    outline = _map_data(client.get(reverse("territories:directory")).content.decode()
                        )["outlines"]
    assert [len(o["points"]) for o in outline] == [2]
