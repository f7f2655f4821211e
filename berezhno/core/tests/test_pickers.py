"""Picking a record by search (berezhno/core/pickers.py): posted terms, the user's scope,
logged reads, safe return addresses."""

import pytest
from django.urls import reverse

from berezhno.core.models import AccessLog
from berezhno.core.pickers import back_with


def _pick(client, code, q, field="person", back="/audit/?view=changes&page=3", **extra):
    return client.post(reverse("core:pick", args=[code]),
                       {"q": q, "field": field, "back": back}, **extra)


@pytest.mark.django_db
def test_a_person_is_found_in_scope_and_linked_back_by_id(client, world):
    client.force_login(world.user("head"))
    r = _pick(client, "person", "Семён", HTTP_HX_REQUEST="true")
    text = r.content.decode()
    assert r.status_code == 200
    assert "Семёнова Алёна Петровна, 05.03.1985 г. р." in text
    assert f"/audit/?view=changes&amp;person={world.p1.pk}" in text  # page 3 dropped
    assert AccessLog.objects.filter(user=world.user("head"), person_id=world.p1.pk,
                                    detail="выбор гражданина").exists()
    # Тарский район's resident is not the head's: not found, like a missing one.
    assert "Далёкий" not in _pick(client, "person", "Далёк").content.decode()
    assert "Никого не найдено" in _pick(client, "person", "Далёк",
                                        HTTP_HX_REQUEST="true").content.decode()


@pytest.mark.django_db
def test_bad_input_changes_nothing_and_is_no_error(client, world):
    client.force_login(world.user("head"))
    assert client.get(reverse("core:pick", args=["person"]), {"q": "Семён"}).status_code == 405
    assert _pick(client, "nothing", "Семён").status_code == 404
    assert _pick(client, "person", "Семён", field="x;y").status_code == 404
    short = _pick(client, "person", "С", HTTP_HX_REQUEST="true").content.decode()
    assert "не меньше двух букв" in short
    # A return address elsewhere is replaced by the home page.
    away = _pick(client, "person", "Семён", back="https://evil.example/x").content.decode()
    assert "evil.example" not in away and f'href="/?person={world.p1.pk}"' in away
    assert _pick(client, "person", "Семён" * 50).status_code == 200  # cut at 100 characters


@pytest.mark.django_db
def test_the_user_picker_is_for_auditors_only(client, world):
    client.force_login(world.user("head"))
    hx = {"HTTP_HX_REQUEST": "true"}
    assert "Белова" in _pick(client, "user", "Белов", field="user", **hx).content.decode()
    client.force_login(world.user("specialist"))
    assert "Белова" not in _pick(client, "user", "Белов", field="user", **hx).content.decode()


@pytest.mark.django_db
def test_the_journal_shows_the_chosen_citizen_and_hides_one_out_of_scope(client, world):
    client.force_login(world.user("head"))
    page = client.get(reverse("core:audit"), {"person": world.p1.pk}).content.decode()
    assert "Семёнова Алёна Петровна, 05.03.1985 г. р." in page
    assert f'name="person" value="{world.p1.pk}"' in page
    hidden = client.get(reverse("core:audit"), {"person": world.p3.pk}).content.decode()
    assert "Далёкий" not in hidden and "Выбранная запись недоступна" in hidden
    assert client.get(reverse("core:audit"), {"person": "abc"}).status_code == 200


def test_back_with_sets_and_removes_a_field():
    assert back_with("/audit/?view=changes&page=2", "person", 5) == \
        "/audit/?view=changes&person=5"
    assert back_with("/audit/?person=5&kind=print", "person", None) == "/audit/?kind=print"
