"""The special-attention data bank's pages and endpoints against every kind of user."""

import datetime

import pytest

from berezhno.core.context import acting_as
from berezhno.core.workdays import local_today
from berezhno.district import services
from berezhno.people.tests.test_permission_matrix import api as registry_api
from berezhno.testing.matrix import (
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

WORKERS = {IN, HEAD}  # add, change, review, remove
READERS = {IN, HEAD, PSY}  # read the bank of district 1
LISTERS = {IN, OUT, HEAD, PSY}  # have the list (OUT sees district 2's only)


def extend_scene(scene):
    """This module's records added to the matrix scene (also used by the phone-width
    browser test)."""
    w = scene.world
    spec = w.user(IN)
    today = local_today(w.d1)
    with acting_as("test"):
        entry = services.bank_entry_add(
            user=spec, person=scene.p1, household=scene.household,
            reasons=["dysfunctional_family", "other"], other_reason="долги за жильё",
            responsible=spec, since=today - datetime.timedelta(days=200),
            next_review_due=today - datetime.timedelta(days=3),
            notes="Мать одна воспитывает сына")
        removed = services.bank_entry_add(user=spec, person=scene.child, reasons=["disabled"],
                                          responsible=spec)
        services.bank_entry_remove(user=spec, entry=removed, expected_version=removed.version,
                                   reason="переезд")
    scene.objects.update({"bank_entry": entry, "bank_removed": removed})
    return scene


@pytest.fixture
def bank_scene(scene):
    return extend_scene(scene)


def _ui(name, allowed, ok=200, **kw):
    """A page: anonymous goes to the login page, the rest of the refused get 404."""
    extra = kw.pop("extra", None)
    return Case(name, outcomes(allowed, ok, extra=extra, practice_bound=True), **kw)


def _api(name, allowed, ok=200, **kw):
    return registry_api(name, allowed, ok, practice_bound=True, **kw)


def _new(s):
    return {"person": s.pk("free"), "reasons": ["elderly", "lonely"],
            "responsible": s.pk("spec_user")}


def _v(key="bank_entry", **data):
    return lambda s: {**data, "version": s.version(key)}


BANK_UI_CASES = [
    _ui("district:bank", LISTERS),
    _ui("district:bank", LISTERS, query={"status": "all", "overdue": "on",
                                         "reason": "other"}, label="filtered"),
    _ui("district:bank", set(), ok=400, query={"reason": "nonsense"}, label="bad filter",
        extra={IN: 400, OUT: 400, HEAD: 400, PSY: 400}),
    _ui("district:bank_add", WORKERS | {OUT}, extra={PRACTICE: 404}),
    _ui("district:bank_add", WORKERS, 302, method="post", data=_new,
        extra={OUT: 400, PRACTICE: 404}),
    _ui("district:bank_add", set(), method="post", label="no reason",
        data=lambda s: {"person": s.pk("free"), "responsible": s.pk("spec_user")},
        extra={IN: 400, HEAD: 400, OUT: 400, PRACTICE: 404}),
    _ui("district:bank_entry", READERS, args=("bank_entry",)),
    _ui("district:bank_entry", READERS, args=("bank_removed",), label="removed"),
    _ui("district:bank_edit", WORKERS, args=("bank_entry",)),
    _ui("district:bank_edit", WORKERS, 302, method="post", args=("bank_entry",),
        data=lambda s: {"reasons": ["dysfunctional_family"], "since": "",
                        "next_review_due": (local_today(s.d1) + datetime.timedelta(
                            days=30)).isoformat(),
                        "responsible": s.pk("spec_user"), "notes": "Уточнено",
                        "version": s.version("bank_entry")}),
    _ui("district:bank_edit", set(), args=("bank_removed",), label="removed"),
    _ui("district:bank_review", WORKERS, args=("bank_entry",)),
    _ui("district:bank_review", WORKERS, 302, method="post", args=("bank_entry",),
        data=_v(result="Семья получает пособие, долги погашаются")),
    _ui("district:bank_review", set(), method="post", args=("bank_entry",), label="stale",
        data={"result": "Поздно", "version": 99}, extra={IN: 409, HEAD: 409}),
    _ui("district:bank_remove", WORKERS, args=("bank_entry",)),
    _ui("district:bank_remove", WORKERS, 302, method="post", args=("bank_entry",),
        data=_v(reason="Трудная ситуация преодолена")),
    _ui("district:bank_remove", set(), method="post", args=("bank_entry",),
        label="no reason", data=_v(reason=""), extra={IN: 400, HEAD: 400}),
]

BANK_API_CASES = [
    _api("district-bank-list", SIGNED_IN),
    _api("district-bank-detail", READERS, args=("bank_entry",)),
    _api("district-bank-list", WORKERS, 201, method="post", data=_new, label="create",
         denied=403, extra={OUT: 400, PSY: 403, PRACTICE: 403}),
    _api("district-bank-detail", WORKERS, method="patch", args=("bank_entry",),
         data=_v(notes="Через API"), extra={PSY: 404}),
    _api("district-bank-review", WORKERS, method="post", args=("bank_entry",),
         data=_v(result="Положение без изменений")),
    _api("district-bank-remove", WORKERS, method="post", args=("bank_entry",),
         data=_v(reason="Переезд в другой район")),
    _api("district-bank-remove", set(), method="post", args=("bank_removed",),
         label="removed", data=_v("bank_removed", reason="ещё раз"),
         extra={IN: 400, HEAD: 400}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", BANK_UI_CASES, ids=[c.id for c in BANK_UI_CASES])
def test_bank_ui_matrix(bank_scene, case):
    assert_case(case, bank_scene)


@pytest.mark.django_db
@pytest.mark.parametrize("case", BANK_API_CASES, ids=[c.id for c in BANK_API_CASES])
def test_bank_api_matrix(bank_scene, case):
    assert_case(case, bank_scene)
