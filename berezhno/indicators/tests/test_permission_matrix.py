"""Every indicator page, export and endpoint against every kind of user.

Who holds the right "indicator: view" (district specialists, heads, the administrator and the
ministry analyst) gets the numbers of their own territory; everybody else gets 404 on pages
(403 on the API, for a right they hold nowhere), anonymous users the login page. A node out
of the user's scope is a 404. ``run_case`` also checks that no response shows a person.

``UI_CASES`` and ``API_CASES`` are meant for the project-wide coverage check in
``berezhno/people/tests/test_permission_matrix.py`` once the routes are in ``config/urls.py``.
"""

import pytest

from berezhno.testing.matrix import (
    ADMIN,
    ANALYST,
    HEAD,
    IN,
    OUT,
    Case,
    assert_case,
    outcomes,
)

VIEWERS = {IN, OUT, HEAD, ADMIN, ANALYST}
D1_VIEWERS = {IN, HEAD, ADMIN, ANALYST}  # district 1 is in their scope, not in OUT's


def _d1(scene) -> dict:
    return {"practice": "family_dispatch", "territory": scene.d1.pk,
            "start": "2026-01-01", "end": "2026-03-31"}


def ui(name, allowed, extra=None, **kw) -> Case:
    return Case(name, outcomes(allowed, 200, extra=extra), **kw)


def api(name, allowed, extra=None, **kw) -> Case:
    return Case(name, outcomes(allowed, 200, denied=403, anon=403, extra=extra), body="json",
                **kw)


UI_CASES = [
    ui("indicators:report", VIEWERS),
    ui("indicators:report", D1_VIEWERS, data=_d1, label="district 1"),
    ui("indicators:xlsx", VIEWERS),
    ui("indicators:xlsx", D1_VIEWERS, data=_d1, label="district 1"),
    ui("indicators:pdf", VIEWERS),
    ui("indicators:charts", VIEWERS),
    ui("indicators:charts", D1_VIEWERS, data=_d1, label="district 1"),
]
API_CASES = [
    api("api-indicators", VIEWERS),
    # OUT holds the right elsewhere: district 1 is out of scope, a 404.
    api("api-indicators", D1_VIEWERS, extra={OUT: 404}, data=_d1, label="district 1"),
    api("api-indicator-definitions", VIEWERS),
]


@pytest.mark.django_db
@pytest.mark.urls("berezhno.indicators.tests.urls")
@pytest.mark.parametrize("case", UI_CASES + API_CASES, ids=[c.id for c in UI_CASES + API_CASES])
def test_matrix(scene, case):
    assert_case(case, scene)
