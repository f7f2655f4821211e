"""The rights register's and the incident register's pages against every kind of user.

Requests are read by those who take them (district specialists of the person's district,
the head), handled by the head; incidents and the report are the head's. Out of scope and
without the right: 404, and nothing changes (``berezhno.testing.matrix``)."""

import datetime

import pytest
from django.utils import timezone

from berezhno.core.context import acting_as
from berezhno.core.workdays import local_today
from berezhno.rights import services
from berezhno.testing.matrix import HEAD, IN, OUT, PRACTICE, Case, assert_case, outcomes

TAKERS = {IN, PRACTICE, HEAD}  # see and register p1's requests
READERS = TAKERS | {OUT}  # have the register (OUT sees district 2's only)
HANDLERS = {HEAD}


def extend_scene(scene):
    """This module's records added to the matrix scene (also used by the phone-width
    browser test, ``testing.matrix.discover_scene_extensions``)."""
    w = scene.world
    spec, head = w.user(IN), w.user(HEAD)
    received = datetime.date(2025, 12, 30)
    with acting_as("test"):
        access_request = services.request_register(user=spec, person=scene.p1, kind="access",
                                                   received_on=received)
        destruction = services.request_register(user=spec, person=scene.p1,
                                                kind="destruction", received_on=received)
        gone = services.request_register(user=spec, person=scene.free, kind="destruction",
                                         received_on=received)
        services.request_destroy(user=head, request=gone, expected_version=gone.version,
                                 basis="Отзыв согласия")
        incident = services.incident_open(user=head, territory=w.mun,
                                          detected_at=timezone.now(), suspect=spec,
                                          description="Подозрение на выгрузку списка")
    scene.objects.update({"rights_access": access_request, "rights_destruction": destruction,
                          "rights_gone": gone, "incident": incident})
    return scene


@pytest.fixture
def rights_scene(scene):
    return extend_scene(scene)


def ui(name, allowed, ok=200, **kw) -> Case:
    return Case(name, outcomes(allowed, ok), **kw)


def _report_query(s):
    today = local_today(s.world.mun)  # the reader's date
    return {"user": s.pk("spec_user"), "date_from": (today - datetime.timedelta(days=3))
            .isoformat(), "date_to": today.isoformat()}


RIGHTS_UI_CASES = [
    ui("rights:list", READERS),
    ui("rights:list", READERS, query={"status": "open", "kind": "access", "overdue": "on"},
       label="filtered"),
    ui("rights:create", TAKERS, args=("p1",)),
    ui("rights:create", TAKERS, 302, method="post", args=("p1",),
       data={"kind": "correction", "received_on": "2026-01-12", "channel": "post",
             "requester_kind": "subject", "subject": "Неверный адрес"}),
    ui("rights:request", TAKERS, args=("rights_access",)),
    ui("rights:extend", HANDLERS, args=("rights_access",)),
    ui("rights:extend", HANDLERS, 302, method="post", args=("rights_access",),
       data=lambda s: {"version": s.version("rights_access"), "reason": "Запрос в архив"}),
    ui("rights:close", HANDLERS, args=("rights_access",)),
    ui("rights:close", HANDLERS, 302, method="post", args=("rights_access",),
       data=lambda s: {"version": s.version("rights_access"), "status": "done",
                       "answer": "Сведения направлены почтой"}),
    ui("rights:destroy", HANDLERS, args=("rights_destruction",)),
    ui("rights:destroy", HANDLERS, 302, method="post", args=("rights_destruction",),
       data=lambda s: {"version": s.version("rights_destruction"), "basis": "Отзыв согласия",
                       "confirm": "on"}),
    ui("rights:answer_pdf", HANDLERS, args=("rights_access",)),
    ui("rights:act_pdf", HANDLERS, args=("rights_gone",)),
    ui("rights:incidents", HANDLERS),
    ui("rights:incident_create", HANDLERS),
    ui("rights:incident_create", HANDLERS, 302, method="post",
       data=lambda s: {"territory": s.pk("mun"), "detected_at": "2026-01-10T10:00",
                       "description": "Потерян ноутбук с выгрузкой"}),
    ui("rights:incident", HANDLERS, args=("incident",)),
    ui("rights:incident", HANDLERS, 302, method="post", args=("incident",),
       data=lambda s: {"version": s.version("incident"), "status": "closed",
                       "findings": "Доступ был правомерным"}),
    ui("rights:report", HANDLERS),
    ui("rights:report", HANDLERS, data=_report_query, label="filtered"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", RIGHTS_UI_CASES, ids=[c.id for c in RIGHTS_UI_CASES])
def test_rights_ui_matrix(rights_scene, case):
    assert_case(case, rights_scene)


def api(name, allowed, ok=200, *, extra=None, **kw) -> Case:
    """An endpoint: 403 without the register's right anywhere (anonymous too); p1's
    requests are out of OUT's scope (404); an action the role may not take is the
    service's 403."""
    return Case(name, outcomes(allowed, ok, denied=403, anon=403, extra=extra), body="json",
                **kw)


# Those who take requests but may not handle them: the service's 403; OUT: 404.
NOT_HANDLERS = {IN: 403, PRACTICE: 403, OUT: 404}

RIGHTS_API_CASES = [
    api("rights-request-list", READERS),
    api("rights-request-list", READERS, query={"status": "open", "kind": "access"},
        label="filtered"),
    api("rights-request-list", TAKERS, 201, method="post", extra={OUT: 400},
        data=lambda s: {"person": s.pk("p1"), "kind": "correction",
                        "received_on": "2026-01-12", "subject": "Неверный адрес"}),
    api("rights-request-detail", TAKERS, args=("rights_access",), extra={OUT: 404}),
    api("rights-request-extend", HANDLERS, method="post", args=("rights_access",),
        extra=NOT_HANDLERS,
        data=lambda s: {"version": s.version("rights_access"), "reason": "Запрос в архив"}),
    api("rights-request-close", HANDLERS, method="post", args=("rights_access",),
        extra=NOT_HANDLERS,
        data=lambda s: {"version": s.version("rights_access"), "status": "done",
                        "answer": "Сведения направлены почтой"}),
    api("rights-request-destroy-data", HANDLERS, method="post", args=("rights_destruction",),
        extra=NOT_HANDLERS,
        data=lambda s: {"version": s.version("rights_destruction"),
                        "basis": "Отзыв согласия", "confirm": True}),
    api("rights-request-answer-pdf", HANDLERS, args=("rights_access",), extra=NOT_HANDLERS),
    api("rights-request-act-pdf", HANDLERS, args=("rights_gone",), extra=NOT_HANDLERS),
    api("incident-list", HANDLERS),
    api("incident-list", HANDLERS, 201, method="post",
        data=lambda s: {"territory": s.pk("mun"), "detected_at": "2026-01-10T10:00:00Z",
                        "description": "Потерян ноутбук с выгрузкой"}),
    api("incident-detail", HANDLERS, args=("incident",)),
    api("incident-detail", HANDLERS, method="patch", args=("incident",),
        data=lambda s: {"version": s.version("incident"), "status": "closed",
                        "findings": "Доступ был правомерным"}),
    api("incident-report", HANDLERS, data=_report_query),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", RIGHTS_API_CASES, ids=[c.id for c in RIGHTS_API_CASES])
def test_rights_api_matrix(rights_scene, case):
    assert_case(case, rights_scene)
