"""The check before a registration (``POST /api/v1/persons/duplicates/``) tells of a СНИЛС
held outside the user's scope without a word of that record, logs the match as
registration does, and opens nothing (decision 0019)."""

import json

import pytest
from django.urls import reverse

from berezhno.core.models import AccessKind, AccessLog
from berezhno.people.models import Person, PersonShareRequest

P1_SNILS = "112-233-445 95"  # the world's p1, district 1 (Семёнова Алёна Петровна)
FREE_SNILS = "087-654-303 00"  # held by nobody


def check(client, user, **data):
    client.force_login(user)
    r = client.post(reverse("person-duplicates"), data, content_type="application/json")
    assert r.status_code == 200, r.content
    return r.json(), r.content.decode()


def matches():
    return AccessLog.objects.filter(kind=AccessKind.SNILS_MATCH)


@pytest.mark.django_db
class TestDuplicateCheck:
    def test_held_elsewhere_is_told_without_data_and_logged(self, client, world):
        out = world.user("specialist_other")  # district 2; p1 lives in district 1
        persons, requests = Person.objects.count(), PersonShareRequest.objects.count()
        body, text = check(client, out, surname="Иванова", name="Мария", snils=P1_SNILS)
        assert body["elsewhere"] is True
        assert body["candidates"] == []
        assert "запрос" in body["message"] and "другой территории" in body["message"]
        for secret in ("Семёнова", "Алёна", "Участок 1", str(world.p1.pk)):
            assert secret not in text
        row = matches().get()
        assert (row.user, row.person_id, row.detail) == (
            out, world.p1.pk, reverse("person-duplicates"))
        # A check opens nothing and registers nothing: registering does.
        assert Person.objects.count() == persons
        assert PersonShareRequest.objects.count() == requests

    def test_held_in_scope_is_a_candidate_not_elsewhere(self, client, world):
        body, _text = check(client, world.user("specialist"), surname="Иванова",
                            name="Мария", snils=P1_SNILS)
        assert body["elsewhere"] is False and body["message"] == ""
        assert [(c["id"], c["reasons"]) for c in body["candidates"]] == [
            (world.p1.pk, ["snils"])]
        assert not matches().exists()

    def test_a_free_snils_or_none_is_not_elsewhere(self, client, world):
        out = world.user("specialist_other")
        for data in ({"surname": "Иванова", "snils": FREE_SNILS}, {"surname": "Иванова"}):
            body, _text = check(client, out, **data)
            assert (body["elsewhere"], body["candidates"]) == (False, [])
        assert not matches().exists()

    @pytest.mark.parametrize("key", ["admin", "analyst", "partner", "agent", "no_role"])
    def test_who_may_not_register_learns_nothing_of_the_region(self, client, world, key):
        body, text = check(client, world.user(key), surname="Иванова", snils=P1_SNILS)
        assert body == {"candidates": [], "elsewhere": False, "message": ""}, text
        assert not matches().exists()

    def test_the_answer_is_described_exactly(self, client, world):
        client.force_login(world.user("specialist"))
        schema = json.loads(client.get("/api/v1/schema/?format=json").content)
        operation = schema["paths"]["/api/v1/persons/duplicates/"]["post"]
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert set(component["required"]) == {"candidates", "elsewhere", "message"}
        assert component["properties"]["elsewhere"]["type"] == "boolean"
        assert "запрос" in component["properties"]["elsewhere"]["description"]
