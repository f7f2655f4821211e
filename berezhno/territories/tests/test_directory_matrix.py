"""The directory's map in the pages every page test opens (decision 0038): district 1
serves three placed settlements, so the public directory draws its approximate outline
in the phone-width, accessibility and page-weight tests
(``testing.matrix.discover_scene_extensions``). The directory's matrix row is the people
app's (``people/tests/test_permission_matrix.py``)."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from berezhno.territories import services
from berezhno.territories.models import District, Territory
from berezhno.testing.factories import TerritoryFactory


def spread_district_one(world) -> Territory:
    """Place the village (55.345, 70.627) and add a third placed settlement to district 1
    (Лорис-Меликово, 55.585, 71.6): with the town, a triangle. Returns the third one."""
    root = world.user("root")
    Territory.objects.filter(pk=world.village.pk).update(latitude=Decimal("55.345"),
                                                         longitude=Decimal("70.627"))
    third = TerritoryFactory(user=root, parent=world.mun, name="Лорис-Меликово",
                             latitude=Decimal("55.585"), longitude=Decimal("71.6"))
    services.coverage_set(user=root, district=District.objects.get(territory=world.d1),
                          settlement=third)
    return third


def extend_scene(scene):
    spread_district_one(scene.world)
    return scene


@pytest.mark.django_db
def test_the_scene_draws_an_outline_on_the_directory(scene):
    extend_scene(scene)
    body = Client().get(reverse("territories:directory")).content.decode()
    start = body.index('<script id="map-data" type="application/json">')
    data = json.loads(body[start:].split(">", 1)[1].split("</script>", 1)[0])
    assert [(o["label"], len(o["points"])) for o in data["outlines"]] == [("Участок 1", 3)]
