"""Test data built once per test module and shared by its tests (a pytest plugin).

Most tests start from the same rows: the ``world`` (territories, users in every role,
three persons) and, for the permission matrices, the ``scene`` on top of it. Building them
costs more than many tests themselves, so they are built once per module, in a transaction
of their own that wraps the module's tests; every test runs, as before, in a savepoint that
is rolled back after it (pytest-django's ``db``), and gets a deep copy of the objects, so
neither its rows nor its in-memory changes reach the next test. The module's transaction is
rolled back when the module ends.

The data are layered, each layer a savepoint over the one below (``world``, then
``scene``). Before each test the stack is made to hold exactly what the test asks for: a
test that wants only the world does not see the scene's records, a test that wants no world
sees an empty registry, and a transactional test (``transaction=True``, ``live_server``)
gets the database with no shared transaction open and builds its world itself.

A transactional test ends with a flush of every table, which also removes the rows of the
data migrations (deadline rules, the problem catalogue, the questionnaires, the production
calendar). They are put back before the next test that uses the database, so that whatever
a worker of pytest-xdist runs next finds the database as the migrations left it.

One process (one xdist worker) runs one test at a time, so the state is a module global.
"""

import copy
import importlib
import shutil
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings
from pytest_django.plugin import validate_django_db

# The data migrations whose rows the tests read; each ``seed`` adds only what is missing.
SEEDS = ("berezhno.core.migrations.0003_seed_production_calendar",
         "berezhno.cases.migrations.0002_reference_data",
         "berezhno.cases.migrations.0003_questionnaires",
         "berezhno.cases.migrations.0005_sop_deadline")


_states: dict[str, object] = {}


def _historical_apps(module: str):
    """The models as they were right after the migration ``module`` (as ``migrate`` runs
    its ``seed``): a model may have moved to another app since (decision 0011). Built once
    per process."""
    if module not in _states:
        _, app_label, _, name = module.split(".")[-4:]
        loader = MigrationLoader(connection, ignore_no_migrations=True)
        _states[module] = loader.project_state((app_label, name)).apps
    return _states[module]


def reseed() -> None:
    """Put back the rows of the data migrations (after a flush)."""
    for module in SEEDS:
        importlib.import_module(module).seed(_historical_apps(module), None)


def is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs the test as a TransactionTestCase (flush at the end)."""
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transactional, reset_sequences, *_ = validate_django_db(marker)
        if transactional or reset_sequences:
            return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(names))


def uses_db(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return (item.get_closest_marker("django_db") is not None
            or bool({"db", "transactional_db", "_django_db_helper"} & set(names)))


def _build_world(state):
    from .fixtures import build_world

    return build_world()


def _build_scene(state):
    from .matrix import build_scene

    # The scene stores documents; they go to the module's media directory, from which
    # every test gets its own copy.
    with override_settings(MEDIA_ROOT=state.media):
        return build_scene(state.values["world"])


# Layer name → builder, bottom first; a layer needs every layer before it.
LAYERS = {"world": _build_world, "scene": _build_scene}


def wanted_layers(item: pytest.Item) -> list[str]:
    names = set(getattr(item, "fixturenames", ()))
    top = max((i for i, name in enumerate(LAYERS) if name in names), default=-1)
    return list(LAYERS)[:top + 1]


class SharedData:
    """The open layers of the current module: their atomic blocks and built objects."""

    def __init__(self) -> None:
        self.blocker = None  # pytest-django's django_db_blocker
        self.module = None  # the pytest Module whose tests share the layers
        self.media: Path | None = None
        self.layers: list[tuple[str, transaction.Atomic]] = []
        self.values: dict = {}
        self.current = None  # the test being set up
        self.synced_for = None  # the test the layers were last arranged for
        self.copies: dict | None = None
        self.flushed = False  # a transactional test flushed the tables since the last seed

    # -- layers

    def _push(self, name: str) -> None:
        block = transaction.atomic()
        block.__enter__()
        self.layers.append((name, block))
        try:
            self.values[name] = LAYERS[name](self)
        except BaseException:
            self._pop()
            raise

    def _pop(self) -> None:
        name, block = self.layers.pop()
        self.values.pop(name, None)
        transaction.set_rollback(True)
        block.__exit__(None, None, None)

    def sync(self, item: pytest.Item) -> None:
        """Make the stack hold exactly the layers ``item`` asks for."""
        want = [] if is_transactional(item) else wanted_layers(item)
        keep = 0
        while keep < min(len(want), len(self.layers)) and self.layers[keep][0] == want[keep]:
            keep += 1
        with self.blocker.unblock():
            while len(self.layers) > keep:
                self._pop()
            for name in want[keep:]:
                if self.media is not None and name == "scene":
                    shutil.rmtree(self.media, ignore_errors=True)
                    self.media.mkdir(parents=True)
                self._push(name)
        self.synced_for = item
        self.copies = None

    def close(self) -> None:
        if self.layers:
            with self.blocker.unblock():
                while self.layers:
                    self._pop()
        self.module = None
        self.synced_for = None
        self.copies = None

    # -- what the fixtures read

    def copy_for(self, item: pytest.Item, name: str):
        """A copy of the layer's objects private to ``item``, or None when the layer is not
        open for it. One deep copy per test, so the scene's world is the test's world."""
        if self.synced_for is not item or name not in self.values:
            return None
        if self.copies is None:
            self.copies = copy.deepcopy(self.values)
        return self.copies[name]

    def media_for(self, item: pytest.Item) -> Path | None:
        """The directory of the files the open layers stored, when they serve ``item``."""
        if self.synced_for is item and "scene" in self.values:
            return self.media
        return None


STATE = SharedData()


@pytest.fixture(scope="session", autouse=True)
def _shared_data_blocker(django_db_blocker):
    STATE.blocker = django_db_blocker


@pytest.fixture(scope="module")
def _shared_data(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """Opens the shared layers for the module of the first test that asks for them (module
    scope, so it is set up before the test's own transaction); the hook below rearranges
    them before each later test of the module."""
    STATE.blocker = django_db_blocker
    STATE.close()
    STATE.module = request.node
    STATE.media = tmp_path_factory.mktemp("shared-media")
    if STATE.current is not None and uses_db(STATE.current):
        STATE.sync(STATE.current)
    yield STATE
    if STATE.module is request.node:
        STATE.close()


@pytest.fixture(autouse=True)
def _media_root(request, settings, tmp_path):
    """A media root per test; the files of the module's shared scene are copied into it, so
    a test that deletes or replaces one does not take it from the next test."""
    media = tmp_path / "media"
    shared = STATE.media_for(request.node)
    if shared is not None:
        shutil.copytree(shared, media)
    settings.MEDIA_ROOT = media


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached choices are keyed by user id, and a
    test database rolled back reuses ids (SQLite)."""
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    # Before the test's fixtures: its own transaction must open above the shared layers,
    # and a transactional test must find none open.
    STATE.current = item
    if STATE.flushed and uses_db(item):
        with STATE.blocker.unblock():
            reseed()
        STATE.flushed = False
    if STATE.module is not None and uses_db(item):
        if item.getparent(pytest.Module) is STATE.module:
            STATE.sync(item)
        else:
            STATE.close()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    # The seeds go back before the next test that uses the database, not here: after the
    # last test the test database is already gone.
    if is_transactional(item):
        STATE.flushed = True
    return result
