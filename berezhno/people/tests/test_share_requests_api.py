"""Requests to share or transfer a record (decision 0019) through the API and as a register
export: the holder sees the person, the requester does not, others get 404; deciding goes
through the page's services with their rights and audit; the export is in scope, logged
and free of formulas."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from berezhno.core.models import AccessKind, AccessLog, ObjectChange
from berezhno.people import services
from berezhno.people.choices import ShareStatus
from berezhno.people.models import Person, PersonShareRequest
from berezhno.testing.fixtures import CONSENT

P1_SNILS = "11223344595"  # the world's p1, district 1
URL = "/api/v1/share-requests/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(world):
    with pytest.raises(services.SnilsElsewhereError) as exc:
        services.person_register(user=world.user("specialist_other"), consent=dict(CONSENT),
                                 surname="=cmd|' /C calc'!A0", name="Алена",
                                 snils=P1_SNILS, territory=world.d2)
    return PersonShareRequest.objects.get(pk=exc.value.details["share_request"])


def _v(share) -> int:
    return PersonShareRequest.objects.values_list("version", flat=True).get(pk=share.pk)


def _ids(body):
    return [r["id"] for r in body["results"]]


def test_the_holder_sees_the_person_and_the_read_is_logged(client, world, pending):
    spec = world.user("specialist")
    client.force_login(spec)
    body = client.get(URL).json()
    row = next(r for r in body["results"] if r["id"] == pending.pk)
    assert (row["held_here"], row["sent_here"], row["person"], row["person_name"]) == (
        True, False, world.p1.pk, "Семёнова Алёна Петровна")
    assert row["territory_name"] == "Участок 2" and row["status"] == "pending"
    assert AccessLog.objects.filter(user=spec, person_id=world.p1.pk,
                                    kind=AccessKind.API_READ).exists()
    detail = client.get(f"{URL}{pending.pk}/").json()
    assert detail["person"] == world.p1.pk
    assert _ids(client.get(URL, {"direction": "incoming"}).json()) == [pending.pk]
    assert _ids(client.get(URL, {"direction": "outgoing"}).json()) == []
    assert _ids(client.get(URL, {"status": "refused"}).json()) == []


def test_the_requester_sees_no_person_and_reads_nothing_of_her(client, world, pending):
    out = world.user("specialist_other")
    client.force_login(out)
    body = client.get(URL, {"direction": "outgoing"}).json()
    assert _ids(body) == [pending.pk]
    row = body["results"][0]
    assert (row["held_here"], row["sent_here"], row["person"], row["person_name"]) == (
        False, True, None, None)
    assert row["entered_name"].startswith("=cmd")
    text = client.get(f"{URL}{pending.pk}/").content.decode()
    assert "Семёнова" not in text and "Петровна" not in text
    assert not AccessLog.objects.filter(user=out, kind=AccessKind.API_READ).exists()
    assert _ids(client.get(URL, {"direction": "incoming"}).json()) == []


def test_out_of_scope_is_404_like_missing_and_without_the_right_403(client, world, pending):
    client.force_login(world.user("specialist_far"))
    assert client.get(URL).json()["results"] == []
    missing = client.get(f"{URL}{10**9}/")
    assert client.get(f"{URL}{pending.pk}/").json() == missing.json()
    assert missing.status_code == 404
    r = client.post(f"{URL}{pending.pk}/approve/", {}, content_type="application/json")
    assert r.status_code == 404
    for actor in ("analyst", "admin", "specialist_psy", "agent", "partner"):
        client.force_login(world.user(actor))
        r = client.get(URL)
        assert r.status_code == 403, actor
        assert r.json()["code"] == "permission_denied"
        assert client.post(f"{URL}{pending.pk}/approve/", {},
                           content_type="application/json").status_code == 403
    assert PersonShareRequest.objects.get(pk=pending.pk).status == ShareStatus.PENDING


def test_bad_filter_is_400_in_russian(client, world, pending):
    client.force_login(world.user("specialist"))
    r = client.get(URL, {"direction": "sideways"})
    assert r.status_code == 400 and "direction" in r.json()["fields"]
    assert "Выберите" in r.json()["fields"]["direction"][0]


def test_the_requester_may_not_decide(client, world, pending):
    client.force_login(world.user("specialist_other"))
    r = client.post(f"{URL}{pending.pk}/approve/", {"version": _v(pending)},
                    content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert "территория, где состоит" in r.json()["detail"]
    assert PersonShareRequest.objects.get(pk=pending.pk).status == ShareStatus.PENDING


def test_refusal_needs_a_reason_then_is_audited(client, world, pending):
    spec = world.user("specialist")
    client.force_login(spec)
    r = client.post(f"{URL}{pending.pk}/refuse/", {"comment": " ", "version": _v(pending)},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["fields"]["comment"] == ["Укажите причину отказа."]
    assert PersonShareRequest.objects.get(pk=pending.pk).status == ShareStatus.PENDING
    r = client.post(f"{URL}{pending.pk}/refuse/", {"comment": "Не тот человек",
                                                   "version": _v(pending)},
                    content_type="application/json")
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["decided_by_name"]) == ("refused", spec.full_name)
    assert ObjectChange.objects.filter(object_id=pending.pk, action="update",
                                       actor=spec).exists()
    again = client.post(f"{URL}{pending.pk}/approve/", {"version": _v(pending)},
                        content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "invalid_transition"


def test_approve_then_revoke_a_share(client, world, pending):
    client.force_login(world.user("specialist"))
    r = client.post(f"{URL}{pending.pk}/approve/", {"version": _v(pending)},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    client.force_login(world.user("specialist_other"))
    row = client.get(f"{URL}{pending.pk}/").json()
    assert row["status"] == "approved" and row["person"] is None
    client.force_login(world.user("specialist"))
    r = client.post(f"{URL}{pending.pk}/revoke/", {"version": _v(pending)},
                    content_type="application/json")
    assert r.status_code == 400 and "comment" in r.json()["fields"]
    r = client.post(f"{URL}{pending.pk}/revoke/", {"comment": "Переехала обратно",
                                                   "version": _v(pending)},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "revoked"


def test_only_documented_methods(client, world, pending):
    client.force_login(world.user("specialist"))
    assert client.delete(f"{URL}{pending.pk}/").status_code == 405
    assert client.put(f"{URL}{pending.pk}/", {}, content_type="application/json"
                      ).status_code == 405
    assert client.get(f"{URL}{pending.pk}/approve/").status_code == 405


# --------------------------------------------------------------------------- the requester's edit


def _patch(client, share, body):
    return client.patch(f"{URL}{share.pk}/", body, content_type="application/json")


def test_the_requester_edits_the_request_on_the_version_read(client, world, pending):
    """What the page lets the requester change (what is asked, why) through the API:
    audited, on the version read; a stale version is a 409 naming what changed since."""
    out = world.user("specialist_other")
    client.force_login(out)
    seen = _v(pending)
    r = _patch(client, pending, {"kind": "transfer"})
    assert r.status_code == 400 and list(r.json()["fields"]) == ["version"]
    r = _patch(client, pending, {"kind": "sideways", "version": seen})
    assert r.status_code == 400 and "kind" in r.json()["fields"]
    r = _patch(client, pending, {"reason": " ", "version": seen})
    assert r.status_code == 400 and r.json()["fields"]["reason"]
    changes = ObjectChange.objects.count()
    r = _patch(client, pending, {"kind": "transfer", "reason": "Семья переехала",
                                 "version": seen})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["kind"], body["reason"], body["version"]) == (
        "transfer", "Семья переехала", seen + 1)
    assert body["person"] is None and "Семёнова" not in r.content.decode()
    change = ObjectChange.objects.filter(object_id=pending.pk, action="update",
                                         actor=out).latest("id")
    assert change.before["kind"] == "share" and change.after["kind"] == "transfer"
    assert ObjectChange.objects.count() == changes + 1

    # The same edit sent again on the old version: refused, naming the fields since.
    r = _patch(client, pending, {"reason": "Другое основание", "version": seen})
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "conflict"
    assert sorted(body["details"]["changed_fields"]) == ["kind", "reason"]
    assert "что просят: «передать запись»" in body["detail"]
    assert "основание: «Семья переехала»" in body["detail"]
    assert PersonShareRequest.objects.get(pk=pending.pk).reason == "Семья переехала"
    assert ObjectChange.objects.count() == changes + 1
    # Only the field given changes; the other stays.
    r = _patch(client, pending, {"reason": "Переезд к дочери", "version": seen + 1})
    assert r.status_code == 200 and r.json()["kind"] == "transfer"


def test_only_the_requester_edits_and_only_while_pending(client, world, pending):
    client.force_login(world.user("specialist"))  # the holder sees it, may not edit it
    r = _patch(client, pending, {"kind": "transfer", "version": _v(pending)})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    client.force_login(world.user("specialist_far"))  # sees it not at all
    far = _patch(client, pending, {"kind": "transfer", "version": _v(pending)})
    missing = client.patch(f"{URL}{10**9}/", {"kind": "transfer", "version": 1},
                           content_type="application/json")
    assert far.status_code == missing.status_code == 404 and far.json() == missing.json()
    client.force_login(world.user("analyst"))
    assert _patch(client, pending, {"kind": "transfer", "version": 1}).status_code == 403
    assert PersonShareRequest.objects.get(pk=pending.pk).kind == "share"
    services.share_request_decide(user=world.user("specialist"), request=pending,
                                  expected_version=_v(pending), approve=False,
                                  comment="Не тот человек")
    client.force_login(world.user("specialist_other"))
    r = _patch(client, pending, {"kind": "transfer", "version": _v(pending)})
    assert r.status_code == 400 and r.json()["code"] == "invalid_transition"


def test_a_decision_on_a_stale_version_is_refused(client, world, pending):
    """The holder read a share; the requester asked for a transfer since: approving what
    was read would move the record, so it is a 409 and nothing moves."""
    seen = _v(pending)
    services.share_request_update(user=world.user("specialist_other"), request=pending,
                                  expected_version=seen, kind="transfer",
                                  reason="Семья переехала")
    client.force_login(world.user("specialist"))
    r = client.post(f"{URL}{pending.pk}/approve/", {"version": seen},
                    content_type="application/json")
    assert r.status_code == 409 and "что просят: «передать запись»" in r.json()["detail"]
    assert PersonShareRequest.objects.get(pk=pending.pk).status == ShareStatus.PENDING
    assert Person.objects.get(pk=world.p1.pk).territory == world.d1
    r = client.post(f"{URL}{pending.pk}/approve/", {}, content_type="application/json")
    assert r.status_code == 400 and list(r.json()["fields"]) == ["version"]


def test_the_page_edit_checks_the_version_too(client, world, pending):
    from django.urls import reverse

    out = world.user("specialist_other")
    client.force_login(out)
    url = reverse("people:share_request", args=[pending.pk])
    page = client.get(url).content.decode()
    assert f'name="edit-version" value="{pending.version}"' in page
    seen = _v(pending)
    services.share_request_update(user=out, request=pending, expected_version=seen,
                                  kind="transfer", reason="Семья переехала")
    r = client.post(url, {"do": "edit", "edit-kind": "share", "edit-reason": "Иначе",
                          "edit-version": seen})
    assert r.status_code == 409
    assert "Запись уже изменил другой пользователь" in r.content.decode()
    assert PersonShareRequest.objects.get(pk=pending.pk).reason == "Семья переехала"
    r = client.post(url, {"do": "edit", "edit-kind": "share", "edit-reason": "Иначе",
                          "edit-version": seen + 1})
    assert r.status_code == 302
    assert PersonShareRequest.objects.get(pk=pending.pk).kind == "share"


# --------------------------------------------------------------------------- the export


def _rows(response, fmt):
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")),
                               delimiter=";"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if c is None else c for c in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_is_in_scope_logged_and_neutralised(client, world, pending, fmt):
    head = world.user("head")  # the municipality: district 1 holds, district 2 asked
    client.force_login(head)
    response = client.post(reverse("core:export", args=["share_requests", fmt]), {})
    assert response.status_code == 200
    rows = _rows(response, fmt)
    assert rows[0][:3] == ["Номер", "Направление", "Гражданин"]
    assert len(rows) == 2
    cells = [c for c in rows[1] if isinstance(c, str) and "cmd" in c]
    assert cells and all(c.startswith("'=") for c in cells)
    assert "Семёнова Алёна Петровна" in rows[1]
    assert AccessLog.objects.filter(user=head, kind=AccessKind.EXPORT,
                                    person_id=world.p1.pk).exists()


def test_the_requester_exports_no_person_and_logs_no_read(client, world, pending):
    out = world.user("specialist_other")
    client.force_login(out)
    response = client.post(reverse("core:export", args=["share_requests", "csv"]),
                           {"direction": "outgoing"})
    assert response.status_code == 200
    rows = _rows(response, "csv")
    assert len(rows) == 2 and "Семёнова" not in response.content.decode("utf-8-sig")
    assert not AccessLog.objects.filter(user=out, kind=AccessKind.EXPORT).exists()
    far = world.user("specialist_far")
    client.force_login(far)
    rows = _rows(client.post(reverse("core:export", args=["share_requests", "csv"]), {}),
                 "csv")
    assert len(rows) == 1  # the header only
    bad = client.post(reverse("core:export", args=["share_requests", "csv"]),
                      {"status": "nonsense"})
    assert bad.status_code == 302


def test_the_page_filters_and_offers_the_export(client, world, pending):
    client.force_login(world.user("specialist"))
    page = client.get(reverse("people:share_requests")).content.decode()
    assert reverse("core:export", args=["share_requests", "xlsx"]) in page
    page = client.get(reverse("people:share_requests"), {"status": "refused"}).content.decode()
    assert "Семёнова" not in page
    r = client.get(reverse("people:share_requests"), {"status": "nonsense"})
    assert r.status_code == 400
    client.force_login(world.user("analyst"))
    assert client.post(reverse("core:export", args=["share_requests", "csv"]),
                       {}).status_code == 404
