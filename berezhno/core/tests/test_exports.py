"""Register exports: in scope, logged as exports, no formulas, filters in the body."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from berezhno.core import exports
from berezhno.core.models import AccessKind, AccessLog
from berezhno.people.models import Person
from berezhno.testing.factories import PersonFactory
from berezhno.testing.matrix import ADMIN, HEAD, IN, OUT, PSY

pytestmark = pytest.mark.django_db


def _url(code, fmt="xlsx"):
    return reverse("core:export", args=[code, fmt])


def _rows(response, fmt):
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=";"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[("" if c is None else c) for c in row] for row in sheet.iter_rows(values_only=True)]


def test_every_register_of_the_issue_is_exportable():
    assert {"persons", "households", "contacts", "cases", "referrals", "sop"} <= set(
        exports.registers())


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_person_export_holds_the_scope_only_and_is_logged(client, scene, fmt):
    client.force_login(scene.users[IN])
    response = client.post(_url("persons", fmt), {})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = _rows(response, fmt)
    surnames = {r[0] for r in rows[1:]}
    in_scope = set(Person.objects.restrict(scene.users[IN], "view").filter(
        status="active").values_list("surname", flat=True))
    assert "Семёнова" in surnames and surnames <= in_scope
    assert "Кузнецов" not in surnames and "Далёкий" not in surnames
    exported = set(AccessLog.objects.filter(kind=AccessKind.EXPORT).values_list(
        "person_id", flat=True))
    assert scene.pk("p1") in exported and scene.pk("p2") not in exported


def test_formula_looking_cells_are_neutralised(client, world):
    spec = world.user(IN)
    PersonFactory(user=spec, surname="=HYPERLINK(\"http://x\")", territory=world.d1)
    client.force_login(spec)
    for fmt in ("xlsx", "csv"):
        rows = _rows(client.post(_url("persons", fmt), {}), fmt)
        cells = [c for r in rows for c in r if isinstance(c, str) and "HYPERLINK" in c]
        assert cells and all(c.startswith("'=") for c in cells)


def test_export_needs_the_right_and_a_post(client, scene):
    for actor in (PSY, ADMIN):
        client.force_login(scene.users[actor])
        assert client.post(_url("persons"), {}).status_code == 404
    client.force_login(scene.users[HEAD])
    assert client.get(_url("persons")).status_code == 405
    assert client.post(_url("nothing"), {}).status_code == 404
    assert client.post(_url("persons", "pdf"), {}).status_code == 404


def test_the_filters_of_the_list_apply_and_bad_ones_change_nothing(client, scene):
    client.force_login(scene.users[HEAD])
    rows = _rows(client.post(_url("persons", "csv"), {"q": "Семёнова"}), "csv")
    assert {r[0] for r in rows[1:]} == {"Семёнова"}
    before = AccessLog.objects.count()
    bad = client.post(_url("persons"), {"territory": "999999"})
    assert bad.status_code == 302 and AccessLog.objects.count() == before


def test_the_other_district_sees_its_own_people_only(client, scene):
    client.force_login(scene.users[OUT])
    rows = _rows(client.post(_url("persons", "csv"), {}), "csv")
    surnames = {r[0] for r in rows[1:]}
    assert "Семёнова" not in surnames


@pytest.mark.parametrize("code", ["households", "contacts", "cases", "referrals", "sop"])
def test_each_register_exports_for_the_head(client, scene, code):
    client.force_login(scene.users[HEAD])
    response = client.post(_url(code, "xlsx"), {})
    assert response.status_code == 200
    assert len(_rows(response, "xlsx")) >= 1  # the header at least


def test_the_row_limit_is_a_message_not_a_file(client, scene, settings):
    settings.BEREZHNO_EXPORT_MAX_ROWS = 1
    client.force_login(scene.users[HEAD])
    response = client.post(_url("persons"), {})
    assert response.status_code == 302
    assert not AccessLog.objects.filter(kind=AccessKind.EXPORT).exists()


def test_the_list_pages_offer_the_export_to_those_who_may_only(client, scene):
    client.force_login(scene.users[IN])
    page = client.post(reverse("people:list"), {"q": "Семёнова"}).content.decode()
    assert reverse("core:export", args=["persons", "xlsx"]) in page
    assert 'name="q" value="Семёнова"' in page  # the filters travel in the POST body
    assert reverse("core:export", args=["contacts", "csv"]) in page
    for name in ("cases:list", "sop:list", "referrals:inbox", "people:household_list"):
        client.force_login(scene.users[HEAD])
        assert "export-buttons" in client.get(reverse(name)).content.decode(), name
    client.force_login(scene.users[PSY])
    assert "export-buttons" not in client.get(reverse("people:list")).content.decode()
