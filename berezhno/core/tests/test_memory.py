"""The one-time freeze of a process's long-lived objects (berezhno/core/memory.py)."""

import gc

import pytest
from django.test import override_settings

from berezhno.core import memory


@pytest.fixture
def fresh_process():
    """As if the process had served no request yet."""
    gc.unfreeze()
    memory._done = False
    yield
    memory._done = True


def test_the_first_request_freezes_once(fresh_process, client):
    memory.install()
    assert gc.get_freeze_count() == 0
    assert client.get("/accounts/login/").status_code == 200
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # Django, the URL patterns, the templates of the page
    gc.unfreeze()
    client.get("/accounts/login/")
    assert gc.get_freeze_count() == 0  # the handler ran once and let go


@override_settings(BEREZHNO_GC_FREEZE=False)
def test_the_setting_turns_it_off(fresh_process, client):
    memory.install()
    client.get("/accounts/login/")
    assert gc.get_freeze_count() == 0
