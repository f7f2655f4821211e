"""Every registry view and endpoint against anonymous, no role, in territory, out of
territory, agent, partner, head and admin. Out of scope looks exactly like missing (404)."""

import pytest
from django.urls import reverse

from berezhno.core.models import AccessLog

ANON, NO_ROLE, IN, OUT, AGENT, PARTNER, HEAD, ADMIN = (
    "anonymous", "no_role", "specialist", "specialist_other", "agent", "partner", "head",
    "admin")
ROLES = [ANON, NO_ROLE, IN, OUT, AGENT, PARTNER, HEAD, ADMIN]

# url name, expected status per role for GET on the p1 record (in district 1).
UI_MATRIX = [
    ("people:person", {ANON: 302, NO_ROLE: 404, IN: 200, OUT: 404, AGENT: 200, PARTNER: 404,
                       HEAD: 200, ADMIN: 404}),
    ("people:timeline", {ANON: 302, NO_ROLE: 404, IN: 200, OUT: 404, AGENT: 404, PARTNER: 404,
                         HEAD: 200, ADMIN: 404}),
    ("people:edit", {ANON: 302, NO_ROLE: 404, IN: 200, OUT: 404, AGENT: 404, PARTNER: 404,
                     HEAD: 200, ADMIN: 404}),
    ("people:consent_add", {ANON: 302, NO_ROLE: 404, IN: 200, OUT: 404, AGENT: 404,
                            PARTNER: 404, HEAD: 200, ADMIN: 404}),
    ("people:category_add", {ANON: 302, NO_ROLE: 404, IN: 200, OUT: 404, AGENT: 404,
                             PARTNER: 404, HEAD: 200, ADMIN: 404}),
    ("people:document_add", {ANON: 302, NO_ROLE: 404, IN: 200, OUT: 404, AGENT: 404,
                             PARTNER: 404, HEAD: 200, ADMIN: 404}),
    ("people:status", {ANON: 302, NO_ROLE: 404, IN: 200, OUT: 404, AGENT: 404, PARTNER: 404,
                       HEAD: 200, ADMIN: 404}),
    ("people:merge", {ANON: 302, NO_ROLE: 404, IN: 200, OUT: 404, AGENT: 404, PARTNER: 404,
                      HEAD: 200, ADMIN: 404}),
    ("people:sensitive_edit", {ANON: 302, NO_ROLE: 404, IN: 200, OUT: 404, AGENT: 404,
                               PARTNER: 404, HEAD: 200, ADMIN: 404}),
    ("people:household_create", {ANON: 302, NO_ROLE: 404, IN: 200, OUT: 404, AGENT: 404,
                                 PARTNER: 404, HEAD: 200, ADMIN: 404}),
]

API_MATRIX = [
    ("person-detail", {ANON: 403, NO_ROLE: 404, IN: 200, OUT: 404, AGENT: 200, PARTNER: 404,
                       HEAD: 200, ADMIN: 404}),
    ("person-timeline", {ANON: 403, NO_ROLE: 404, IN: 200, OUT: 404, AGENT: 404, PARTNER: 404,
                         HEAD: 200, ADMIN: 404}),
]


def _client(client, world, role):
    if role != ANON:
        client.force_login(world.user(role))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,expected", UI_MATRIX, ids=[m[0] for m in UI_MATRIX])
def test_ui_matrix(client, world, role, name, expected):
    response = _client(client, world, role).get(reverse(name, args=[world.p1.pk]))
    assert response.status_code == expected[role]
    if expected[role] == 404:
        assert "Семёнова" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,expected", API_MATRIX, ids=[m[0] for m in API_MATRIX])
def test_api_matrix(client, world, role, name, expected):
    response = _client(client, world, role).get(reverse(name, args=[world.p1.pk]))
    assert response.status_code == expected[role]
    if expected[role] == 404:
        assert "Семёнова" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role,visible", [(IN, {"p1"}), (OUT, {"p2"}), (HEAD, {"p1", "p2"}),
                                          (AGENT, {"p1"}), (PARTNER, set()), (ADMIN, set()),
                                          (NO_ROLE, set())])
def test_lists_show_only_scope(client, world, role, visible):
    _client(client, world, role)
    api = client.get(reverse("person-list")).json()
    ids = {r["id"] for r in api["results"]}
    expected = {getattr(world, k).pk for k in visible}
    assert ids == expected
    ui = client.get(reverse("people:list"))
    if ui.status_code == 200:
        body = ui.content.decode()
        for key in ("p1", "p2", "p3"):
            assert (f"/people/{getattr(world, key).pk}/\"" in body) == (key in visible)


@pytest.mark.django_db
def test_agent_sees_minimal_fields_only(client, world):
    client.force_login(world.user(AGENT))
    data = client.get(reverse("person-detail", args=[world.p1.pk])).json()
    assert set(data) == {"id", "full_name", "surname", "name", "patronymic", "phone",
                         "actual_address"}
    page = client.get(reverse("people:person", args=[world.p1.pk])).content.decode()
    assert "112-233-445 95" not in page
    assert "Согласия на обработку" not in page


@pytest.mark.django_db
def test_card_view_is_logged_and_out_of_scope_is_not(client, world):
    client.force_login(world.user(IN))
    client.get(reverse("people:person", args=[world.p1.pk]))
    client.get(reverse("people:person", args=[world.p2.pk]))
    logs = list(AccessLog.objects.filter(kind="view_card").values_list("person_id", "user_id"))
    assert logs == [(world.p1.pk, world.user(IN).pk)]


@pytest.mark.django_db
def test_writes_out_of_scope_change_nothing(client, world):
    client.force_login(world.user(OUT))
    before = world.p1.version
    r = client.post(reverse("people:edit", args=[world.p1.pk]),
                    {"surname": "Взлом", "version": before})
    assert r.status_code == 404
    r = client.patch(reverse("person-detail", args=[world.p1.pk]),
                     {"surname": "Взлом", "version": before}, content_type="application/json")
    assert r.status_code == 404
    r = client.post(reverse("people:contact_add", args=[world.p1.pk]),
                    {"channel": "call", "purpose": "information",
                     "occurred_at": "2026-01-01T10:00"})
    assert r.status_code == 404
    world.p1.refresh_from_db()
    assert world.p1.surname == "Семёнова" and world.p1.version == before
    assert world.p1.contacts.count() == 0


@pytest.mark.django_db
def test_choice_fields_list_only_scope(client, world):
    client.force_login(world.user(IN))
    body = client.get(reverse("people:create")).content.decode()
    assert "Участок 1" in body
    assert "Участок 2" not in body and "Тара — участок 1" not in body
