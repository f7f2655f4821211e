"""Internal ids never appear in the interface (issue 11, decision 0033): the main pages,
rendered for the roles that work on them, name no record by its database number
(«Тестова Мария Ивановна № 166», «Домохозяйство № 12», «Запрос № 3»); business numbers
such as a case's 2026-000001 are fine, and addresses may keep ids."""

import re

import pytest
from django.urls import reverse

from berezhno.cases.tests.conftest import open_case

pytestmark = pytest.mark.django_db


def shown(response) -> str:
    """The visible text: tags (and so the addresses in them) stripped."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def numbers_of(text: str, pks) -> list[str]:
    return [m.group(0) for pk in pks
            for m in re.finditer(rf"(?:№|#|номер записи)\s*{pk}(?![\d-])", text, re.I)]


PAGES = [
    ("specialist", "core:home", ()), ("dispatcher", "core:home", ()), ("head", "core:home", ()),
    ("specialist", "people:list", ()), ("specialist", "people:household_list", ()),
    ("specialist", "people:share_requests", ()), ("specialist_other", "people:share_requests", ()),
    ("specialist", "people:person", ("p1",)), ("specialist", "people:person", ("child",)),
    ("specialist", "people:household", ("household",)),
    ("specialist", "people:timeline", ("p1",)), ("specialist", "people:create", ()),
    ("dispatcher", "cases:list", ()), ("dispatcher", "cases:intake", ()),
    ("dispatcher", "case", ()), ("head", "core:audit", ()),
]


@pytest.mark.parametrize(("role", "name", "args"), PAGES,
                         ids=[f"{r}-{n}-{'-'.join(a)}" for r, n, a in PAGES])
def test_main_pages_name_no_record_by_its_number(client, world, scene, role, name, args):
    case = open_case(world)
    client.force_login(world.user(role))
    if name == "case":
        url = case.get_absolute_url()
    else:
        url = reverse(name, args=[scene.pk(a) for a in args])
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    pks = {scene.pk(k) for k in ("p1", "child", "free", "duplicate", "gone", "household",
                                  "share", "member", "merge")} | {case.pk}
    text = shown(r)
    assert numbers_of(text, pks) == [], (url, numbers_of(text, pks))
    assert "Номер записи" not in text
