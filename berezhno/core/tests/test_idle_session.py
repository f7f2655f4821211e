"""Idle sessions end after SESSION_IDLE_SECONDS; reads do not rewrite the session each time."""

import time

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from berezhno.core.middleware import IdleSessionMiddleware

pytestmark = pytest.mark.django_db
KEY = IdleSessionMiddleware.key


def _set_last_seen(client, value):
    session = client.session
    session[KEY] = value
    session.save()


def _session_writes(ctx) -> int:
    return sum(1 for q in ctx.captured_queries
               if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(
                   ("UPDATE", "INSERT")))


def test_an_idle_session_is_logged_out(world, client):
    client.force_login(world.user("specialist"))
    _set_last_seen(client, int(time.time()) - settings.SESSION_IDLE_SECONDS - 5)
    r = client.get(reverse("people:list"))
    assert r.status_code == 302 and reverse("accounts:login") in r.url


def test_reads_within_a_minute_do_not_write_the_session(world, client):
    client.force_login(world.user("specialist"))
    client.get(reverse("people:list"))  # first request stamps the time
    stamped = client.session[KEY]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("people:list")).status_code == 200
    assert _session_writes(ctx) == 0
    assert client.session[KEY] == stamped
    # A minute later the stamp moves on (one write), and the session stays alive.
    _set_last_seen(client, stamped - IdleSessionMiddleware.resolution)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("people:list")).status_code == 200
    assert _session_writes(ctx) == 1
    assert client.session[KEY] >= stamped
