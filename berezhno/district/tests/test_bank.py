"""The special-attention data bank: services, scope, pages, API, export, home card."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from berezhno.core.context import acting_as
from berezhno.core.errors import ConflictError, DomainError, TransitionError
from berezhno.core.models import AccessKind, AccessLog, DomainEvent, ObjectChange
from berezhno.core.workdays import local_today
from berezhno.district import selectors, services
from berezhno.district.models import BankEntry, BankReview
from berezhno.district.tests.test_district_matrix import extend_scene
from berezhno.testing.matrix import HEAD, IN, OUT, PRACTICE, PSY

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(scene):
    return extend_scene(scene)


def _user(s, key):
    return s.world.user(key)


def _today(s):
    return local_today(s.d1)


# ----------------------------------------------------------------------------- services


def test_add_sets_territory_practice_and_the_default_review(s):
    spec = _user(s, IN)
    with acting_as("test"):
        entry = services.bank_entry_add(user=spec, person=s.free, reasons=["elderly"],
                                        responsible=spec)
    assert entry.territory_id == s.free.territory_id and entry.practice == "district"
    assert entry.since == _today(s)
    assert entry.next_review_due == _today(s) + datetime.timedelta(days=182)
    assert DomainEvent.objects.filter(event_type="district.bank_added",
                                      object_id=entry.pk).exists()


def test_add_reports_every_field_error_at_once_and_writes_nothing(s):
    spec = _user(s, IN)
    before = BankEntry.objects.count()
    with pytest.raises(ValidationError) as exc, acting_as("test"):
        services.bank_entry_add(user=spec, person=s.free, reasons=["other", "nonsense"],
                                responsible=None,
                                since=_today(s) + datetime.timedelta(days=2))
    errors = exc.value.message_dict
    assert set(errors) >= {"reasons", "responsible", "since"}
    assert "Укажите хотя бы одну причину" in errors["reasons"][0]
    assert BankEntry.objects.count() == before


def test_other_needs_its_text_and_a_person_is_in_the_bank_once(s):
    spec = _user(s, IN)
    with pytest.raises(ValidationError) as exc, acting_as("test"):
        services.bank_entry_add(user=spec, person=s.free, reasons=["other"],
                                responsible=spec)
    assert "опишите" in exc.value.message_dict["other_reason"][0]
    with pytest.raises(ValidationError) as exc, acting_as("test"):
        services.bank_entry_add(user=spec, person=s.p1, reasons=["elderly"],
                                responsible=spec)
    assert "уже в банке данных" in exc.value.message_dict["person"][0]


def test_a_specialist_of_another_district_cannot_add_or_change(s):
    other = _user(s, OUT)
    with pytest.raises(ValidationError), acting_as("test"):
        services.bank_entry_add(user=other, person=s.free, reasons=["elderly"],
                                responsible=other)
    with pytest.raises(DomainError), acting_as("test"):
        services.bank_entry_review(user=other, entry=s.bank_entry,
                                   expected_version=s.bank_entry.version, result="нет")


def test_a_stale_version_is_a_conflict_and_changes_nothing(s):
    spec = _user(s, IN)
    entry = s.bank_entry
    with acting_as("test"):
        services.bank_entry_update(user=spec, entry=entry, expected_version=entry.version,
                                   notes="Первое изменение")
    with pytest.raises(ConflictError), acting_as("test"):
        services.bank_entry_update(user=spec, entry=entry, expected_version=entry.version - 1,
                                   notes="Второе поверх старого")
    assert BankEntry.objects.get(pk=entry.pk).notes == "Первое изменение"


def test_update_changes_the_reasons_and_journals_them(s):
    spec = _user(s, IN)
    entry = BankEntry.objects.get(pk=s.pk("bank_entry"))
    with acting_as("test"):
        services.bank_entry_update(user=spec, entry=entry, expected_version=entry.version,
                                   reasons=["mental_disorder", "lonely"])
    entry.refresh_from_db()
    assert sorted(entry.reasons.values_list("reason", flat=True)) == [
        "lonely", "mental_disorder"]
    assert entry.health_reason and entry.other_reason == ""
    change = ObjectChange.objects.filter(object_id=entry.pk, action="update").latest("id")
    assert change.before["reasons"] == ["dysfunctional_family", "other"]
    assert change.after["reasons"] == ["lonely", "mental_disorder"]


def test_a_review_records_its_result_and_moves_the_next_date(s):
    spec = _user(s, IN)
    entry = s.bank_entry
    with acting_as("test"):
        review = services.bank_entry_review(user=spec, entry=entry,
                                            expected_version=entry.version,
                                            result="Положение улучшилось")
    entry.refresh_from_db()
    assert review.held_on == _today(s)
    assert entry.next_review_due == review.next_due == _today(s) + datetime.timedelta(
        days=182)
    with pytest.raises(ValidationError) as exc, acting_as("test"):
        services.bank_entry_review(user=spec, entry=entry, expected_version=entry.version,
                                   result="", next_due=_today(s))
    assert set(exc.value.message_dict) == {"result", "next_due"}


def test_removal_keeps_the_entry_its_reasons_and_reviews(s):
    spec = _user(s, IN)
    entry = s.bank_entry
    with acting_as("test"):
        services.bank_entry_review(user=spec, entry=entry, expected_version=entry.version,
                                   result="Без изменений")
        entry.refresh_from_db()
        services.bank_entry_remove(user=spec, entry=entry, expected_version=entry.version,
                                   reason="Ситуация разрешена")
    entry = BankEntry.objects.get(pk=entry.pk)
    assert entry.removed_on == _today(s) and entry.next_review_due is None
    assert entry.reasons.count() == 2 and BankReview.objects.filter(entry=entry).count() == 1
    with pytest.raises(TransitionError), acting_as("test"):
        services.bank_entry_remove(user=spec, entry=entry, expected_version=entry.version,
                                   reason="ещё раз")
    with pytest.raises(TransitionError), acting_as("test"):
        services.bank_entry_update(user=spec, entry=entry, expected_version=entry.version,
                                   notes="после исключения")
    # The person may be put in the bank again: a new entry, the old one stays.
    with acting_as("test"):
        services.bank_entry_add(user=spec, person=s.p1, reasons=["elderly"],
                                responsible=spec)
    assert BankEntry.objects.filter(person=s.p1).count() == 2


# ----------------------------------------------------------------------------- selectors


def test_the_list_is_the_users_scope(s):
    assert [e.pk for e in selectors.bank_search(_user(s, IN), status="active")] == [
        s.pk("bank_entry")]
    assert list(selectors.bank_search(_user(s, OUT), status="all")) == []
    assert list(selectors.bank_search(_user(s, PRACTICE), status="all")) == []
    assert {e.pk for e in selectors.bank_search(_user(s, HEAD), status="all")} == {
        s.pk("bank_entry"), s.pk("bank_removed")}


@pytest.mark.parametrize("query,expected", [
    ({}, ["bank_entry"]),
    ({"status": "removed"}, ["bank_removed"]),
    ({"status": "all", "reason": "disabled"}, ["bank_removed"]),
    ({"overdue": "on"}, ["bank_entry"]),
    ({"status": "all", "overdue": "false"}, ["bank_removed"]),
])
def test_list_filters(client, s, query, expected):
    client.force_login(_user(s, IN))
    r = client.get(reverse("district:bank"), query)
    assert r.status_code == 200
    shown = [e.pk for e in r.context["page"].items]
    assert shown == [s.pk(k) for k in expected]


def test_the_list_marks_overdue_reviews_and_logs_the_reads(client, s):
    client.force_login(_user(s, IN))
    r = client.get(reverse("district:bank"))
    body = r.content.decode()
    assert "пересмотр просрочен" in body and "Семёнова Алёна" in body
    assert "долги за жильё" in body
    assert AccessLog.objects.filter(user=_user(s, IN), person_id=s.p1.pk,
                                    kind=AccessKind.VIEW_LIST).exists()


def test_a_filter_by_person_and_district(client, s):
    client.force_login(_user(s, HEAD))
    r = client.get(reverse("district:bank"), {"status": "all", "person": s.pk("child")})
    assert [e.pk for e in r.context["page"].items] == [s.pk("bank_removed")]
    r = client.get(reverse("district:bank"), {"status": "all", "district": s.world.d2.pk})
    assert r.context["page"].items == []
    # A person out of the user's scope is refused like a missing one.
    client.force_login(_user(s, OUT))
    r = client.get(reverse("district:bank"), {"person": s.pk("p1")})
    assert r.status_code == 400 and "Семёнова" not in r.content.decode()


def test_list_and_card_query_counts_do_not_grow(client, s, django_assert_max_num_queries):
    spec = _user(s, IN)
    with acting_as("test"):
        for i in range(4):
            services.bank_entry_review(user=spec, entry=BankEntry.objects.get(
                pk=s.pk("bank_entry")), expected_version=BankEntry.objects.get(
                pk=s.pk("bank_entry")).version, result=f"Пересмотр {i}")
    client.force_login(spec)
    client.get(reverse("district:bank"))  # warm the caches of the filter choices
    with django_assert_max_num_queries(22):
        assert client.get(reverse("district:bank")).status_code == 200
    with django_assert_max_num_queries(20):
        r = client.get(reverse("district:bank_entry", args=[s.pk("bank_entry")]))
    assert r.status_code == 200 and r.content.decode().count("Пересмотр ") >= 4


# ----------------------------------------------------------------------------- views


def test_the_card_shows_reviews_and_history_and_404_out_of_scope(client, s):
    client.force_login(_user(s, IN))
    r = client.get(reverse("district:bank_entry", args=[s.pk("bank_entry")]))
    body = r.content.decode()
    assert r.status_code == 200 and "Провести пересмотр" in body
    assert "Гражданин внесён в банк данных особого внимания" in body
    client.force_login(_user(s, OUT))
    assert client.get(reverse("district:bank_entry",
                              args=[s.pk("bank_entry")])).status_code == 404
    assert client.get(reverse("district:bank_entry", args=["999999"])).status_code == 404


def test_add_through_the_page_with_the_person_picked(client, s):
    client.force_login(_user(s, IN))
    url = reverse("district:bank_add")
    r = client.get(url, {"person": s.pk("free")})
    assert r.status_code == 200 and "Громова" in r.content.decode()
    r = client.post(url, {"person": s.pk("free"), "reasons": ["elderly", "other"],
                          "other_reason": "нет родственников",
                          "responsible": s.pk("spec_user")})
    entry = BankEntry.objects.get(person=s.free)
    assert r.status_code == 302 and r.url == entry.get_absolute_url()


@pytest.mark.parametrize("data,message", [
    ({"reasons": ["elderly"]}, "Найдите и выберите гражданина"),
    ({"person": "abc", "reasons": ["elderly"]}, "Найдите и выберите гражданина"),
    ({"person": "free", "reasons": ["other"]}, "опишите её"),
    ({"person": "free", "reasons": ["elderly"], "since": "31.02.2026"}, "Введите"),
    ({"person": "free", "reasons": ["elderly"], "next_review_due": "2000-01-01"}, ""),
])
def test_bad_input_is_a_russian_message_and_nothing_changes(client, s, data, message):
    client.force_login(_user(s, IN))
    before = BankEntry.objects.count()
    data = {"responsible": s.pk("spec_user"), **data}
    if data.get("person") == "free":
        data["person"] = s.pk("free")
    r = client.post(reverse("district:bank_add"), data)
    assert r.status_code == 400 and BankEntry.objects.count() == before
    assert message in r.content.decode()
    assert 'class="errorlist' in r.content.decode()


def test_edit_with_a_stale_version_shows_the_conflict(client, s):
    client.force_login(_user(s, IN))
    r = client.post(reverse("district:bank_edit", args=[s.pk("bank_entry")]), {
        "reasons": ["elderly"], "responsible": s.pk("spec_user"),
        "next_review_due": (_today(s) + datetime.timedelta(days=10)).isoformat(),
        "version": "1"})
    # The scene's entry is at version 1; make it stale first.
    assert r.status_code == 302
    r = client.post(reverse("district:bank_edit", args=[s.pk("bank_entry")]), {
        "reasons": ["lonely"], "responsible": s.pk("spec_user"),
        "next_review_due": (_today(s) + datetime.timedelta(days=10)).isoformat(),
        "version": "1"})
    assert r.status_code == 409 and "уже изменил другой пользователь" in r.content.decode()
    assert list(BankEntry.objects.get(pk=s.pk("bank_entry")).reasons.values_list(
        "reason", flat=True)) == ["elderly"]


def test_a_reader_has_no_forms(client, s):
    client.force_login(_user(s, PSY))
    r = client.get(reverse("district:bank_entry", args=[s.pk("bank_entry")]))
    assert r.status_code == 200 and "Провести пересмотр" not in r.content.decode()
    assert client.get(reverse("district:bank_review",
                              args=[s.pk("bank_entry")])).status_code == 404


# ----------------------------------------------------------------------------- API


def test_the_api_flow(client, s):
    client.force_login(_user(s, IN))
    r = client.post("/api/v1/district-bank/", {
        "person": s.pk("free"), "reasons": ["disabled_child"],
        "responsible": s.pk("spec_user")}, content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["reasons"] == ["disabled_child"] and body["overdue"] is False
    pk, version = body["id"], body["version"]
    r = client.patch(f"/api/v1/district-bank/{pk}/", {"notes": "без версии"},
                     content_type="application/json")
    assert r.status_code == 400
    r = client.post(f"/api/v1/district-bank/{pk}/review/", {
        "result": "Оформлена ИПРА", "version": version}, content_type="application/json")
    assert r.status_code == 200 and len(r.json()["reviews"]) == 1
    r = client.post(f"/api/v1/district-bank/{pk}/remove/", {
        "reason": "переезд", "version": version}, content_type="application/json")
    assert r.status_code == 409
    listed = client.get("/api/v1/district-bank/", {"overdue": "true"}).json()["results"]
    assert [x["id"] for x in listed] == [s.pk("bank_entry")]


# ----------------------------------------------------------------------------- export


def test_the_export_is_the_lists_rows_and_is_logged(client, s):
    spec = _user(s, IN)
    client.force_login(spec)
    r = client.post(reverse("core:export", args=["district_bank", "xlsx"]),
                    {"status": "all"})
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    names = [row[0] for row in rows[1:]]
    assert "Семёнова Алёна Петровна" in names and "Ветров Кирилл" in names
    assert AccessLog.objects.filter(user=spec, person_id=s.p1.pk, kind=AccessKind.EXPORT,
                                    detail="district_bank.xlsx").exists()
    client.force_login(_user(s, PSY))  # reads the bank, may not export it
    assert client.post(reverse("core:export", args=["district_bank", "xlsx"])
                       ).status_code == 404


# ----------------------------------------------------------------------------- home


def test_the_home_card_lists_overdue_reviews_for_the_district_specialist(client, s):
    client.force_login(_user(s, IN))
    body = client.get("/").content.decode()
    assert "Пересмотр банка данных" in body and "Семёнова Алёна" in body
    client.force_login(_user(s, PSY))
    assert "Пересмотр банка данных" not in client.get("/").content.decode()
    client.force_login(_user(s, HEAD))
    assert "Пересмотр банка данных" not in client.get("/").content.decode()


# ----------------------------------------------------------------------------- retention


def test_a_destruction_request_destroys_the_persons_entries(s):
    from berezhno.rights import services as rights
    from berezhno.rights.models import DestructionAct

    spec, head = _user(s, IN), _user(s, HEAD)
    entry = s.bank_entry
    with acting_as("test"):
        services.bank_entry_review(user=spec, entry=entry, expected_version=entry.version,
                                   result="Без изменений")
        item = rights.request_register(user=spec, person=s.p1, kind="destruction",
                                       received_on=_today(s))
        rights.request_destroy(user=head, request=item, expected_version=item.version,
                               basis="Отзыв согласия")
    assert not BankEntry.objects.filter(person=s.p1).exists()
    assert not BankReview.objects.filter(entry_id=entry.pk).exists()
    act = DestructionAct.objects.get(request=item)
    destroyed = {line["what"]: line["count"] for line in act.destroyed}
    assert destroyed[str(BankEntry._meta.verbose_name_plural)] == 1
