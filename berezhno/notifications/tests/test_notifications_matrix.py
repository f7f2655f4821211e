"""The outbox's pages and endpoints against every kind of user.

p1's messages are read where p1 lives (district 1: the specialist, the other-practice
specialist — messages belong to no practice —, the head; the psychologist reads), retried,
cancelled and marked done by the specialists and the head. Out of scope: 404, and nothing
changes (``berezhno.testing.matrix``)."""

import pytest

from berezhno.core.context import acting_as
from berezhno.notifications import services
from berezhno.testing.matrix import (
    ANON,
    HEAD,
    IN,
    OUT,
    PRACTICE,
    PSY,
    SIGNED_IN,
    Case,
    assert_case,
    outcomes,
)

from .conftest import set_channels

HOLDERS = {IN, OUT, PRACTICE, HEAD, PSY}  # hold the outbox's view right somewhere
READERS = {IN, PRACTICE, HEAD, PSY}  # see p1's messages
CHANGERS = {IN, PRACTICE, HEAD}  # retry, cancel, mark done
MANAGERS = {IN, OUT, PRACTICE, HEAD}  # the change right somewhere (the print list)


def extend_scene(scene):
    """This module's records added to the matrix scene (also used by the phone-width
    browser test, ``testing.matrix.discover_scene_extensions``)."""
    w = scene.world
    spec = w.user(IN)
    set_channels(spec, scene.p1, by_sms=True, by_call=True, contact_phone="+79130000001")
    with acting_as("test"):
        sms = services.message_queue(user=spec, kind="notice", channel="sms", person=scene.p1,
                                     context={"subject": "Приглашение", "text": "Ждём вас"})
        call = services.message_queue(user=spec, kind="notice", channel="call",
                                      person=scene.p1,
                                      context={"subject": "Звонок", "text": "Позвонить"})
    scene.objects.update({"msg_sms": sms, "msg_call": call})
    return scene


@pytest.fixture
def outbox_scene(scene):
    return extend_scene(scene)


def ui(name, allowed, ok=200, **kw) -> Case:
    return Case(name, outcomes(allowed, ok), **kw)


def _version(key):
    return lambda s: {"version": s.version(key)}


NOTIFICATIONS_UI_CASES = [
    ui("notifications:outbox", HOLDERS),
    ui("notifications:outbox", HOLDERS, query={"status": "queued", "channel": "sms"},
       label="filtered"),
    ui("notifications:letters_pdf", MANAGERS),
    ui("notifications:message", READERS, args=("msg_sms",)),
    ui("notifications:retry", CHANGERS, 302, method="post", args=("msg_sms",),
       data=_version("msg_sms")),
    ui("notifications:cancel", CHANGERS, 302, method="post", args=("msg_sms",),
       data=_version("msg_sms")),
    ui("notifications:done", CHANGERS, 302, method="post", args=("msg_call",),
       data=lambda s: {"version": s.version("msg_call"), "reached": "1", "note": ""}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", NOTIFICATIONS_UI_CASES,
                         ids=[c.id for c in NOTIFICATIONS_UI_CASES])
def test_notifications_ui_matrix(outbox_scene, case):
    assert_case(case, outbox_scene)


def api(name, allowed, ok=200, *, extra=None, **kw) -> Case:
    """403 without the outbox's right anywhere (anonymous too); p1's messages are out of
    OUT's scope (404); the psychologist reads but may not act (the service's 403)."""
    return Case(name, outcomes(allowed, ok, denied=403, anon=403, extra=extra), body="json",
                **kw)


NOT_CHANGERS = {PSY: 403, OUT: 404}

NOTIFICATIONS_API_CASES = [
    api("message-list", HOLDERS),
    api("message-list", HOLDERS, query={"status": "queued", "channel": "sms"},
        label="filtered"),
    api("message-detail", READERS, args=("msg_sms",), extra={OUT: 404}),
    api("message-retry", CHANGERS, method="post", args=("msg_sms",), extra=NOT_CHANGERS,
        data=_version("msg_sms")),
    api("message-cancel", CHANGERS, method="post", args=("msg_sms",), extra=NOT_CHANGERS,
        data=_version("msg_sms")),
    api("message-done", CHANGERS, method="post", args=("msg_call",), extra=NOT_CHANGERS,
        data=lambda s: {"version": s.version("msg_call"), "reached": True}),
    # The gateways' delivery report: no user counts, only the shared secret (none is set
    # in the tests' settings): 401 for everyone. The report itself: test_outbox.py.
    Case("api-notify-delivery", {a: 401 for a in (ANON, *SIGNED_IN)}, method="post",
         body="json", data={"gateway": "sms", "id": "gw-1", "status": "delivered"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", NOTIFICATIONS_API_CASES,
                         ids=[c.id for c in NOTIFICATIONS_API_CASES])
def test_notifications_api_matrix(outbox_scene, case):
    assert_case(case, outbox_scene)
