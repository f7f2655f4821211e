"""The case workflow through the REST API, with its scoping and error format."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from berezhno.cases import services
from berezhno.cases.models import Problem, SupportCase
from berezhno.core.workdays import local_today
from berezhno.referrals import services as referrals_services
from berezhno.referrals.models import Referral

from .conftest import open_case, partner_consent, recognised

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def test_whole_flow_through_the_api(client, world, family):
    disp, psy, partner = (world.user(k) for k in ("dispatcher", "specialist_psy", "partner"))
    today = local_today(world.d1)
    c = _as(client, disp)
    r = c.post("/api/v1/cases/", {"person": world.p1.pk, "household": family.pk,
                                  "channel": "school", "problem_told": "Ребёнок не ходит в школу",
                                  "problems": []}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    assert "направила" in r.json()["fields"]["referred_by"][0]
    assert not SupportCase.objects.exists()
    r = c.post("/api/v1/cases/", {
        "person": world.p1.pk, "household": family.pk, "channel": "walk_in",
        "problem_told": "Нет средств на топливо", "circumstances": ["no_work_no_means"]},
        content_type="application/json")
    assert r.status_code == 201, r.json()
    case = r.json()
    assert case["status"] == "intake" and case["person_name"] == "Семёнова Алёна Петровна"
    cid = case["id"]
    r = c.post(f"/api/v1/cases/{cid}/decide/", {"decision": "recognised"},
               content_type="application/json")
    assert r.json()["status"] == "planning"
    r = c.post(f"/api/v1/cases/{cid}/decide/", {"decision": "recognised"},
               content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_transition"
    plan = c.post("/api/v1/plans/", {"case": cid, "goal": "Преодоление ТЖС"},
                  content_type="application/json").json()
    a1 = c.post("/api/v1/activities/", {
        "plan": plan["id"], "service_type": "psychological", "title": "Консультации психолога",
        "responsible_user": psy.pk, "due_date": str(today + datetime.timedelta(days=14))},
        content_type="application/json")
    assert a1.status_code == 201, a1.json()
    a2 = c.post("/api/v1/activities/", {
        "plan": plan["id"], "service_type": "labour", "title": "Подбор работы",
        "partner": world.partner_org.pk, "due_date": str(today + datetime.timedelta(days=20))},
        content_type="application/json").json()
    r = c.post(f"/api/v1/plans/{plan['id']}/approve/", {}, content_type="application/json")
    assert r.json()["status"] == "approved" and len(r.json()["activities"]) == 2
    # Referral refused without the partner-transfer consent, then sent.
    body = {"case": cid, "activity": a2["id"], "services": "Подбор вакансий"}
    r = c.post("/api/v1/referrals/", body, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "no_consent"
    assert not Referral.objects.exists()
    partner_consent(world, world.p1, world.partner_org)
    r = c.post("/api/v1/referrals/", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["organisation"] == world.partner_org.pk
    rid = r.json()["id"]
    # The partner sees the referral with the minimal applicant data, nothing else.
    c = _as(client, partner)
    listed = c.get("/api/v1/referrals/").json()["results"]
    assert [x["id"] for x in listed] == [rid]
    assert set(listed[0]["person"]) == {"full_name", "birth_date", "phone", "actual_address"}
    assert c.get(f"/api/v1/cases/{cid}/").status_code == 404
    assert c.get(f"/api/v1/persons/{world.p1.pk}/").status_code == 404
    assert c.get("/api/v1/activities/").json()["results"] == []
    r = c.post(f"/api/v1/referrals/{rid}/accept/", {"version": 99},
               content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    assert c.post(f"/api/v1/referrals/{rid}/accept/", {}, content_type="application/json"
                  ).json()["status"] == "accepted"
    r = c.post(f"/api/v1/referrals/{rid}/complete/", {"result": "Трудоустроена продавцом"},
               content_type="application/json")
    assert r.json()["status"] == "done"
    # The psychologist works on the activity from the worklist.
    c = _as(client, psy)
    mine = c.get("/api/v1/activities/", {"mine": "true"}).json()["results"]
    assert [a["id"] for a in mine] == [a1.json()["id"]]
    aid = mine[0]["id"]
    r = c.post(f"/api/v1/activities/{aid}/sessions/", {"notes": "Первая встреча",
                                                        "duration_minutes": 50},
               content_type="application/json")
    assert r.status_code == 201
    assert len(c.get(f"/api/v1/activities/{aid}/sessions/").json()) == 1
    r = c.post(f"/api/v1/activities/{aid}/complete/", {"result": "Контакт с ребёнком налажен"},
               content_type="application/json")
    assert r.json()["status"] == "done"
    c = _as(client, disp)
    # The partner's result completed the activity the referral was sent for.
    a2 = c.get(f"/api/v1/activities/{a2['id']}/").json()
    assert a2["status"] == "done" and "продавцом" in a2["result"]
    r = c.post(f"/api/v1/activities/{a2['id']}/complete/",
               {"result": "Мать трудоустроена"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_transition"
    assert c.get(f"/api/v1/cases/{cid}/").json()["status"] == "review"
    r = c.post(f"/api/v1/cases/{cid}/close/", {"outcome": "resolved_fully",
                                               "improved": "yes"},
               content_type="application/json")
    assert r.json()["status"] == "closed" and r.json()["improved"] == "yes"


def test_scope_of_cases(client, world, family):
    case = open_case(world, family)
    for key, visible in (("dispatcher", True), ("specialist", True), ("head", True),
                         ("specialist_psy", True), ("specialist_other", False),
                         ("specialist_far", False), ("partner", False), ("analyst", False),
                         ("agent", False)):
        c = _as(client, world.user(key))
        ids = [x["id"] for x in c.get("/api/v1/cases/").json()["results"]]
        assert (case.pk in ids) is visible, key
        assert (c.get(f"/api/v1/cases/{case.pk}/").status_code == 200) is visible, key
    # Writing into a case out of scope looks like a missing case.
    c = _as(client, world.user("specialist_far"))
    r = c.post(f"/api/v1/cases/{case.pk}/decide/", {"decision": "recognised"},
               content_type="application/json")
    assert r.status_code == 404
    r = c.post("/api/v1/plans/", {"case": case.pk}, content_type="application/json")
    assert r.status_code == 400 and "case" in r.json()["fields"]
    case.refresh_from_db()
    assert case.status == "intake"


def test_lists_keep_a_constant_number_of_queries(client, world, family):
    c = _as(client, world.user("dispatcher"))

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    partner_consent(world, world.p1, world.partner_org)
    from berezhno.core.context import acting_as

    def grow(n):
        for _ in range(n):
            case = recognised(world, open_case(world, family))
            with acting_as("test"):
                services.problem_add(user=world.user("dispatcher"), case=case,
                                     problem=Problem.objects.get(code="fuel"))
                referrals_services.referral_send(user=world.user("dispatcher"), case=case, **{
                    "organisation": world.partner_org, "services": "Помощь"})

    grow(1)
    urls = ["/api/v1/cases/", "/api/v1/referrals/", "/api/v1/plans/", "/api/v1/activities/",
            "/api/v1/board/"]
    first = {u: count(u) for u in urls}
    grow(4)
    assert {u: count(u) for u in urls} == first
