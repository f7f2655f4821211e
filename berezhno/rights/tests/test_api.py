"""The rights register and the incident register through the API: the pages' services,
rights and scope (out of scope 404 like missing, without the right 403), reads logged,
bad input 400 in Russian, stale versions 409."""

import datetime

import pytest
from django.utils import timezone

from berezhno.core.models import AccessKind, AccessLog, ObjectChange
from berezhno.core.workdays import local_today
from berezhno.rights.models import Incident, SubjectRequest

from .conftest import register

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/rights-requests/"
INCIDENTS = "/api/v1/incidents/"


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_list_and_the_card_are_in_scope_and_logged(client, world, spec):
    item = register(spec, world.p1)
    client.force_login(spec)
    body = client.get(REQUESTS).json()
    assert [r["id"] for r in body["results"]] == [item.pk]
    row = body["results"][0]
    assert (row["person"], row["person_name"], row["kind"], row["status"]) == (
        world.p1.pk, "Семёнова Алёна Петровна", "access", "open")
    assert row["due_on"] == item.due_on.isoformat() and row["act_number"] is None
    assert AccessLog.objects.filter(user=spec, person_id=world.p1.pk,
                                    kind=AccessKind.API_READ).exists()
    assert client.get(REQUESTS, {"person": world.p1.pk}).json()["count"] == 1
    assert client.get(REQUESTS, {"kind": "blocking"}).json()["count"] == 0
    client.force_login(world.user("specialist_far"))
    assert client.get(REQUESTS).json()["count"] == 0
    missing = client.get(f"{REQUESTS}{10**9}/")
    hidden = client.get(f"{REQUESTS}{item.pk}/")
    assert (hidden.status_code, hidden.json()) == (404, missing.json())
    # The person filter: out of scope is refused like an id that does not exist.
    far = client.get(REQUESTS, {"person": world.p1.pk})
    nowhere = client.get(REQUESTS, {"person": 10**9})
    assert far.status_code == nowhere.status_code == 400
    assert far.json()["fields"] == nowhere.json()["fields"]


def test_roles_without_the_register_get_403(client, world, spec):
    item = register(spec, world.p1)
    for actor in ("analyst", "admin", "agent", "partner", "specialist_psy"):
        client.force_login(world.user(actor))
        assert client.get(REQUESTS).status_code == 403, actor
        assert client.get(f"{REQUESTS}{item.pk}/").status_code == 403, actor
        r = _post(client, REQUESTS, {"person": world.p1.pk, "kind": "access",
                                     "received_on": "2025-12-30"})
        assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    assert SubjectRequest.objects.count() == 1


def test_registration_computes_the_deadline_and_refuses_bad_input(client, world, spec):
    client.force_login(spec)
    r = _post(client, REQUESTS, {"person": world.p1.pk, "kind": "access",
                                 "received_on": "2025-12-30"})
    assert r.status_code == 201, r.content
    item = SubjectRequest.objects.get(pk=r.json()["id"])
    assert r.json()["due_on"] == item.due_on.isoformat() and item.responsible == spec
    assert ObjectChange.objects.filter(object_id=item.pk, action="create").exists()
    before = SubjectRequest.objects.count()
    r = _post(client, REQUESTS, {"person": world.p1.pk, "kind": "correction",
                                 "received_on": "2025-12-30",
                                 "requester_kind": "representative"})
    assert r.status_code == 400
    fields = r.json()["fields"]
    assert fields["requester_name"] == ["Укажите ФИО представителя."]
    assert "subject" in fields and "requester_basis" in fields
    r = _post(client, REQUESTS, {"person": world.p1.pk, "kind": "access"})
    assert r.status_code == 400 and "received_on" in r.json()["fields"]
    far = _post(client, REQUESTS, {"person": world.p3.pk, "kind": "access",
                                   "received_on": "2025-12-30"})
    nowhere = _post(client, REQUESTS, {"person": 10**9, "kind": "access",
                                       "received_on": "2025-12-30"})
    assert far.status_code == nowhere.status_code == 400
    assert far.json()["fields"]["person"] == [
        m.replace(str(10**9), str(world.p3.pk)) for m in nowhere.json()["fields"]["person"]]
    assert SubjectRequest.objects.count() == before


def test_extension_is_the_heads_with_the_version(client, world, spec, head):
    item = register(spec, world.p1)
    client.force_login(spec)
    r = _post(client, f"{REQUESTS}{item.pk}/extend/", {"version": item.version,
                                                       "reason": "Запрос в архив"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    client.force_login(head)
    r = _post(client, f"{REQUESTS}{item.pk}/extend/", {"reason": "Запрос в архив"})
    assert r.status_code == 400 and "version" in r.json()["fields"]
    r = _post(client, f"{REQUESTS}{item.pk}/extend/", {"version": item.version + 3,
                                                       "reason": "Запрос в архив"})
    assert r.status_code == 409 and r.json()["details"]["current_version"] == item.version
    r = _post(client, f"{REQUESTS}{item.pk}/extend/", {"version": item.version,
                                                       "reason": "Запрос в архив"})
    assert r.status_code == 200 and r.json()["extended"] is True
    assert r.json()["due_on"] > item.due_on.isoformat()
    again = _post(client, f"{REQUESTS}{item.pk}/extend/", {"version": r.json()["version"],
                                                           "reason": "Ещё раз"})
    assert again.status_code == 400 and "повторное продление" in again.json()["detail"]


def test_the_answer_and_its_print(client, world, spec, head):
    item = register(spec, world.p1)
    client.force_login(spec)
    assert client.get(f"{REQUESTS}{item.pk}/answer-pdf/").status_code == 403
    r = _post(client, f"{REQUESTS}{item.pk}/close/", {"version": item.version,
                                                      "status": "done", "answer": "Ответ"})
    assert r.status_code == 403
    client.force_login(head)
    pdf = client.get(f"{REQUESTS}{item.pk}/answer-pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(user=head, person_id=world.p1.pk,
                                    kind=AccessKind.PRINT).exists()
    r = _post(client, f"{REQUESTS}{item.pk}/close/", {"version": item.version,
                                                      "status": "done", "answer": " "})
    assert r.status_code == 400 and r.json()["fields"]["answer"]
    r = _post(client, f"{REQUESTS}{item.pk}/close/", {"version": item.version,
                                                      "status": "done",
                                                      "answer": "Сведения направлены"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert SubjectRequest.objects.get(pk=item.pk).closed_by == head
    other = register(spec, world.p1, kind="blocking", subject="Неверный адрес")
    r = client.get(f"{REQUESTS}{other.pk}/answer-pdf/")
    assert r.status_code == 400 and "только по запросу о доступе" in r.json()["detail"]
    assert client.get(f"{REQUESTS}{other.pk}/act-pdf/").status_code == 400


def test_destruction_needs_confirmation_and_leaves_the_act(client, world, spec, head):
    item = register(spec, world.p1, kind="destruction")
    client.force_login(head)
    r = _post(client, f"{REQUESTS}{item.pk}/destroy/", {"version": item.version,
                                                        "basis": "Отзыв согласия",
                                                        "confirm": False})
    assert r.status_code == 400 and "confirm" in r.json()["fields"]
    assert SubjectRequest.objects.get(pk=item.pk).status == "open"
    r = _post(client, f"{REQUESTS}{item.pk}/destroy/", {"version": item.version,
                                                        "basis": "Отзыв согласия",
                                                        "confirm": True})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "done" and r.json()["act_number"]
    act = client.get(f"{REQUESTS}{item.pk}/act-pdf/")
    assert act.status_code == 200 and act.content.startswith(b"%PDF")


def test_only_documented_methods(client, world, spec, head):
    item = register(spec, world.p1)
    client.force_login(head)
    assert client.delete(f"{REQUESTS}{item.pk}/").status_code == 405
    assert client.patch(f"{REQUESTS}{item.pk}/", {}, content_type="application/json"
                        ).status_code == 405
    assert client.get(f"{REQUESTS}{item.pk}/destroy/").status_code == 405
    assert SubjectRequest.objects.filter(pk=item.pk).exists()


# --------------------------------------------------------------------------- incidents


def test_incidents_are_the_heads_in_scope(client, world, spec, head, other_head):
    client.force_login(head)
    detected = (timezone.now() - datetime.timedelta(hours=30)).isoformat()
    r = _post(client, INCIDENTS, {"territory": world.mun.pk, "detected_at": detected,
                                  "description": "Выгрузка списка", "suspect": spec.pk})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["number"].startswith("ИН") and body["notice_overdue"] is True
    incident = Incident.objects.get(pk=body["id"])
    bad = _post(client, INCIDENTS, {"territory": world.mun2.pk, "detected_at": detected,
                                    "description": " "})
    assert bad.status_code == 400 and "territory" in bad.json()["fields"]
    assert Incident.objects.count() == 1
    client.force_login(other_head)
    missing = client.get(f"{INCIDENTS}{10**9}/")
    hidden = client.get(f"{INCIDENTS}{incident.pk}/")
    assert (hidden.status_code, hidden.json()) == (404, missing.json())
    assert client.get(INCIDENTS).json()["count"] == 0
    client.force_login(spec)
    assert client.get(INCIDENTS).status_code == 403
    assert client.get(f"{INCIDENTS}{incident.pk}/").status_code == 403


def test_an_incident_change_names_its_version(client, world, head):
    client.force_login(head)
    r = _post(client, INCIDENTS, {"territory": world.mun.pk,
                                  "detected_at": timezone.now().isoformat(),
                                  "description": "Подозрение"})
    pk, version = r.json()["id"], r.json()["version"]
    url = f"{INCIDENTS}{pk}/"
    r = client.patch(url, {"findings": "Подтвердилось"}, content_type="application/json")
    assert r.status_code == 400 and "version" in r.json()["fields"]
    r = client.patch(url, {"findings": "Подтвердилось", "version": version,
                           "notice_sent_at": timezone.now().isoformat()},
                     content_type="application/json")
    assert r.status_code == 200 and r.json()["findings"] == "Подтвердилось"
    assert r.json()["notice_overdue"] is False
    r = client.patch(url, {"findings": "Иначе", "version": version},
                     content_type="application/json")
    assert r.status_code == 409
    assert r.json()["details"]["current_values"]["findings"] == "Подтвердилось"
    r = client.patch(url, {"description": "Переписано", "version": version + 1},
                     content_type="application/json")
    assert r.status_code == 200 and r.json()["description"] == "Подозрение"  # read-only


def test_the_report_through_the_api(client, world, spec, head, other_head):
    from django.urls import reverse

    client.force_login(spec)
    client.get(reverse("people:person", args=[world.p1.pk]))
    today = local_today(world.mun)  # the reader's date: the report's days are theirs
    query = {"user": spec.pk, "date_from": (today - datetime.timedelta(days=1)).isoformat(),
             "date_to": today.isoformat()}
    assert client.get(f"{INCIDENTS}report/", query).status_code == 403
    client.force_login(head)
    r = client.get(f"{INCIDENTS}report/", query)
    assert r.status_code == 200, r.content
    rows = [row for row in r.json() if row["person"] == world.p1.pk]
    assert rows and rows[0]["person_name"] == "Семёнова Алёна Петровна"
    assert rows[0]["kind"] == "view_card" and rows[0]["count"] >= 1
    assert AccessLog.objects.filter(user=head, person_id=world.p1.pk,
                                    kind=AccessKind.API_READ).exists()
    r = client.get(f"{INCIDENTS}report/", {**query, "date_to": "2000-01-01"})
    assert r.status_code == 400 and r.json()["fields"]
    client.force_login(other_head)
    r = client.get(f"{INCIDENTS}report/", query)
    missing = client.get(f"{INCIDENTS}report/", {**query, "user": 10**9})
    assert r.status_code == missing.status_code == 400
    assert r.json()["fields"]["user"] == [
        m.replace(str(10**9), str(spec.pk)) for m in missing.json()["fields"]["user"]]
    assert not AccessLog.objects.filter(user=other_head, person_id=world.p1.pk).exists()
