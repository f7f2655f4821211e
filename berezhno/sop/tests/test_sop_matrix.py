"""The СОП (120-ФЗ) endpoints against every kind of user, and their flow through the API."""

import pytest

from berezhno.cases import services
from berezhno.cases.tests.test_permission_matrix import api, creating
from berezhno.core.context import acting_as
from berezhno.core.workdays import local_today
from berezhno.sop import services as sop_services
from berezhno.testing.matrix import HEAD, IN, OUT, PSY, SIGNED_IN, Case, assert_case, outcomes

WORKERS = {IN, HEAD}
READERS = {IN, HEAD, PSY}


def extend_scene(scene):
    """This module's records added to the matrix scene (also used by the phone-width
    browser test, ``testing.matrix.discover_scene_extensions``)."""
    w = scene.world
    spec = w.user(IN)
    today = local_today(w.d1)

    def case():
        return services.case_open(user=spec, person=w.p1, **{
            "channel": "police", "referred_by": w.partner_org,
            "problem_told": "Сообщение о неблагополучии"})

    with acting_as("test"):
        fresh = sop_services.sop_identify(user=spec, case=case(), **{
            "source": "police", "grounds": "Родители злоупотребляют алкоголем"})
        surveyed = sop_services.sop_identify(user=spec, case=case(), **{
            "source": "school", "grounds": "Ребёнок не посещает школу"})
        sop_services.sop_notify_kdn(user=spec, record=surveyed, date=today, number="1-исх")
        sop_services.sop_survey(user=spec, record=surveyed, date=today, notes="Обследованы")
        registered = sop_services.sop_identify(user=spec, case=case(), **{
            "source": "health", "grounds": "Травма ребёнка"})
        sop_services.sop_notify_kdn(user=spec, record=registered, date=today, number="2-исх")
        sop_services.sop_survey(user=spec, record=registered, date=today, notes="Обследованы")
        sop_services.sop_register(user=spec, record=registered, decision_date=today,
                              decision_number="5", curator=spec)
        threat = sop_services.sop_identify(user=spec, case=case(), **{
            "source": "school", "grounds": "Ребёнок остаётся один без еды",
            "child_threat": True})
        sop_services.sop_notify_kdn(user=spec, record=threat, date=today, number="3-исх",
                                    guardianship_date=today, guardianship_number="4-исх")
        spare = case()
    scene.objects.update({"sop_fresh": fresh, "sop_surveyed": surveyed,
                          "sop_registered": registered, "sop_threat": threat,
                          "sop_case": spare})
    return scene


@pytest.fixture
def sop_scene(scene):
    return extend_scene(scene)


SOP_API_CASES = [
    api("sop-list", SIGNED_IN),
    api("sop-detail", READERS, args=("sop_fresh",)),
    creating("sop-list", WORKERS, 201, method="post", scoped_out=(OUT,),
             data=lambda s: {"case": s.pk("sop_case"), "source": "citizens",
                             "grounds": "Соседи сообщили о криках детей"}),
    api("sop-notify", WORKERS, method="post", args=("sop_fresh",), extra={PSY: 403},
        data={"number": "3-исх"}),
    api("sop-survey", WORKERS, method="post", args=("sop_registered",), extra={PSY: 403},
        data={"notes": "повторно"}, label="refused", ok=400),
    api("sop-register-family", WORKERS, method="post", args=("sop_surveyed",),
        extra={PSY: 403}, data=lambda s: {"decision_date": local_today(s.d1).isoformat(),
                                          "decision_number": "9",
                                          "curator": s.pk("spec_user")}),
    api("sop-review", WORKERS, method="post", args=("sop_registered",), extra={PSY: 403},
        data={"notes": "Работа продолжается"}),
    api("sop-remove", WORKERS, method="post", args=("sop_registered",), extra={PSY: 403},
        data={"reason": "Положение исправлено", "decision_number": "11"}),
]




def _ui(name, allowed, ok=200, **kw):
    """A page: anonymous goes to the login page, the rest of the refused get 404."""
    extra = kw.pop("extra", None)
    return Case(name, outcomes(allowed, ok, extra=extra, practice_bound=True), **kw)


CASE_VIEWERS = {IN, OUT, HEAD, PSY}  # have the register (OUT sees district 2's only)

SOP_UI_CASES = [
    _ui("sop:list", CASE_VIEWERS),
    _ui("sop:list", CASE_VIEWERS, query={"status": "all", "overdue": "on"},
        label="filtered"),
    _ui("sop:identify", WORKERS, args=("sop_case",)),
    _ui("sop:identify", WORKERS, 302, method="post", args=("sop_case",),
        data={"source": "citizens", "grounds": "Соседи сообщили о криках детей"}),
    _ui("sop:notify", WORKERS, args=("sop_fresh",)),
    _ui("sop:notify", WORKERS, 302, method="post", args=("sop_fresh",),
        data={"number": "3-исх"}),
    _ui("sop:letters", WORKERS, args=("sop_threat",)),
    _ui("sop:kdn_letter_pdf", WORKERS, args=("sop_threat",)),
    _ui("sop:guardianship_letter_pdf", WORKERS, args=("sop_threat",)),
    _ui("sop:kdn_letter_pdf", set(), args=("sop_fresh",), label="not yet"),
    _ui("sop:survey", WORKERS, args=("sop_fresh",)),
    _ui("sop:survey", WORKERS, 400, method="post", args=("sop_registered",),
        data={"notes": "повторно"}, label="refused"),
    _ui("sop:register", WORKERS, args=("sop_surveyed",)),
    _ui("sop:register", WORKERS, 302, method="post", args=("sop_surveyed",),
        data=lambda s: {"decision_date": local_today(s.d1).isoformat(),
                        "decision_number": "9", "curator": s.pk("spec_user")}),
    _ui("sop:review", WORKERS, args=("sop_registered",)),
    _ui("sop:review", WORKERS, 302, method="post", args=("sop_registered",),
        data={"notes": "Работа продолжается"}),
    _ui("sop:remove", WORKERS, args=("sop_registered",)),
    _ui("sop:remove", WORKERS, 302, method="post", args=("sop_registered",),
        data={"reason": "Положение исправлено", "decision_number": "11"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", SOP_API_CASES, ids=[c.id for c in SOP_API_CASES])
def test_sop_matrix(sop_scene, case):
    assert_case(case, sop_scene)


@pytest.mark.django_db
@pytest.mark.parametrize("case", SOP_UI_CASES, ids=[c.id for c in SOP_UI_CASES])
def test_sop_ui_matrix(sop_scene, case):
    assert_case(case, sop_scene)


@pytest.mark.django_db
def test_sop_flow_through_the_api(client, sop_scene):
    client.force_login(sop_scene.world.user(IN))
    pk = sop_scene.pk("sop_fresh")
    r = client.post(f"/api/v1/sop/{pk}/survey/", {"notes": "рано"},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_transition"
    r = client.post(f"/api/v1/sop/{pk}/notify/", {"number": "8-исх"},
                    content_type="application/json")
    assert r.json()["status"] == "notified" and r.json()["kdn_notice_number"] == "8-исх"
    r = client.post(f"/api/v1/sop/{pk}/survey/", {"notes": "Условия плохие"},
                    content_type="application/json")
    assert r.json()["status"] == "surveyed" and r.json()["overdue"] == []
    listed = client.get("/api/v1/sop/", {"status": "registered"}).json()["results"]
    assert [x["id"] for x in listed] == [sop_scene.pk("sop_registered")]
