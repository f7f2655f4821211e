"""``/api/v1/indicators/`` and ``/api/v1/indicators/definitions/``."""

import json

import pytest
from django.urls import reverse

from berezhno.indicators.registry import Indicator, Result, Unit, registry

pytestmark = [pytest.mark.django_db, pytest.mark.urls("berezhno.indicators.tests.urls")]

Q2 = {"practice": "family_dispatch", "start": "2026-04-01", "end": "2026-06-30"}
FIELDS = ["code", "name", "definition", "unit", "value", "numerator", "denominator"]


def get(client, name, params=None):
    return client.get(reverse(name), params or {})


def test_values_for_a_practice_territory_and_period(world, families, client):
    client.force_login(world.user("analyst"))
    r = get(client, "api-indicators", {**Q2, "territory": world.mun.pk})
    assert r.status_code == 200
    data = r.json()
    assert [list(item) for item in data] == [FIELDS] * 5
    values = {i["code"]: (i["unit"], i["value"], i["numerator"], i["denominator"])
              for i in data}
    assert values == {
        "fd_families_helped": ("count", 4, None, None),
        "fd_children": ("count", 7, None, None),
        "fd_families_on_support": ("count", 4, None, None),
        "fd_improvement_share": ("share", 50, 1, 2),
        "fd_settlement_coverage": ("share", 0, 0, 1),
    }
    assert data[0]["name"] == "Семьи с детьми целевой группы, получившие помощь"
    assert "несовершеннолетний" in data[0]["definition"]


def test_no_denominator_is_null_not_an_error(world, families, client):
    client.force_login(world.user("specialist"))  # district 1 by default
    r = get(client, "api-indicators", Q2)
    values = {i["code"]: (i["value"], i["numerator"], i["denominator"]) for i in r.json()}
    assert values["fd_families_helped"] == (2, None, None)
    assert values["fd_improvement_share"] == (100, 1, 1)
    assert values["fd_settlement_coverage"] == (None, 0, 0)


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"start": "2026-06-30", "end": "2026-04-01"}, "end",
     "Дата окончания периода раньше даты начала."),
    ({"start": "2026-02-30"}, "start", "Введите правильную дату."),
    ({"start": "2019-01-01", "end": "2026-01-01"}, "end",
     "Период не может быть длиннее пяти лет."),
    ({"practice": "astrology"}, "practice", "Выберите корректный вариант."),
])
def test_bad_input_is_a_json_400(world, client, params, field, message):
    client.force_login(world.user("analyst"))
    r = get(client, "api-indicators", {**Q2, **params})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid"
    assert message in body["fields"][field][0]
    assert message in body["detail"]


def test_a_node_out_of_scope_is_a_404(world, client):
    client.force_login(world.user("specialist_far"))
    for territory in (world.d1.pk, world.region.pk, "x", 10**30):
        r = get(client, "api-indicators", {**Q2, "territory": territory})
        assert r.status_code == 404
        assert r.json()["code"] == "not_found"
    assert get(client, "api-indicators", {**Q2, "territory": world.d3.pk}).status_code == 200


@pytest.mark.parametrize("role", [None, "partner", "agent", "specialist_psy", "no_role"])
def test_who_may_not_view_indicators_gets_403(world, client, role):
    """Signed in without the right: 403; not signed in: 401 asking for a key (0015)."""
    if role:
        client.force_login(world.user(role))
    for name in ("api-indicators", "api-indicator-definitions"):
        r = get(client, name, Q2)
        if role:
            assert r.status_code == 403 and r.json()["code"] == "permission_denied"
        else:
            assert r.status_code == 401 and r["WWW-Authenticate"].startswith("Token")
            assert r.json()["code"] == "not_authenticated"


def test_definitions(world, client):
    client.force_login(world.user("analyst"))
    data = get(client, "api-indicator-definitions").json()
    codes = [d["code"] for d in data]
    assert codes[:5] == ["fd_families_helped", "fd_children", "fd_families_on_support",
                         "fd_improvement_share", "fd_settlement_coverage"]
    assert data[3] == {
        "code": "fd_improvement_share", "practice": "family_dispatch",
        "name": "Доля семей, отметивших улучшение ситуации",
        "definition": str(registry.get("fd_improvement_share").definition), "unit": "share"}
    assert get(client, "api-indicator-definitions", {"practice": "patrol"}).json() == []
    r = get(client, "api-indicator-definitions", {"practice": "astrology"})
    assert r.status_code == 400 and r.json()["code"] == "invalid"


def test_a_practice_adds_its_own_indicator_the_same_way(world, client):
    def people_seen(territory, start, end):
        return Result.count((end - start).days)

    registry.register(Indicator(code="test_district_days", practice="district",
                                name="Дни периода", definition="Число дней периода.",
                                unit=Unit.COUNT, compute=people_seen))
    try:
        client.force_login(world.user("analyst"))
        r = get(client, "api-indicators", {**Q2, "practice": "district"})
        assert r.json() == [{"code": "test_district_days", "name": "Дни периода",
                             "definition": "Число дней периода.", "unit": "count",
                             "value": 90, "numerator": None, "denominator": None}]
        r = client.get(reverse("indicators:report"), {**Q2, "practice": "district"})
        assert "Дни периода" in r.content.decode()
    finally:
        registry.unregister("test_district_days")


def test_the_schema_describes_the_endpoints(world, client):
    client.force_login(world.user("analyst"))
    schema = json.loads(client.get("/api/v1/schema/?format=json").content)
    values = schema["paths"]["/api/v1/indicators/"]["get"]
    assert sorted(p["name"] for p in values["parameters"]) == [
        "end", "practice", "start", "territory"]
    assert set(values["responses"]) == {"200", "400", "401", "403", "404", "405", "429", "503"}
    assert "/api/v1/indicators/definitions/" in schema["paths"]
