"""The sign-in-with-a-code and API-key pages against every kind of user (decision 0015).

Nobody in the matrix's world has an authenticator, so the code page sends the signed-in on
to where they were going and anonymous visitors to the password page; the set-up page is
everyone's own; the key list is the administrator's; a key is revoked by its owner or the
administrator, anyone else gets the answer of a missing key.
"""

import pytest

from berezhno.accounts import services
from berezhno.testing.matrix import ADMIN, IN, PRACTICE, SIGNED_IN, Case, assert_case, outcomes


def ui(name, allowed, ok=200, **kw) -> Case:
    extra = kw.pop("extra", None)
    return Case(name, outcomes(allowed, ok, extra=extra), **kw)


def extend_scene(scene):
    """This module's records added to the matrix scene (also used by the phone-width
    browser test, ``testing.matrix.discover_scene_extensions``)."""
    token, _key = services.api_token_issue(user=scene.users[IN], second_factor_verified=False)
    scene.objects["spec_token"] = token
    return scene


@pytest.fixture
def token_scene(scene):
    return extend_scene(scene)


ACCOUNT_CASES = [
    ui("accounts:otp_verify", SIGNED_IN, 302),
    ui("accounts:otp_verify", SIGNED_IN, 302, method="post", data={"code": "123456"},
       writes=False),
    ui("accounts:otp_setup", SIGNED_IN),
    # A wrong first code: refused, nothing of the accounts or the journal changes (the
    # unconfirmed device's throttling step is django-otp's, outside the fingerprint).
    ui("accounts:otp_setup", set(), 400, method="post", data={"code": "000000"},
       extra=dict.fromkeys(SIGNED_IN, 400)),
    ui("accounts:otp_recovery", set(), method="post"),  # nobody here has two factors
    ui("accounts:otp_disable", set()),
    ui("accounts:otp_disable", set(), method="post", data={"code": "123456"}),
    ui("accounts:tokens", {ADMIN}),
    ui("accounts:token_revoke", {IN, ADMIN}, 302, method="post", extra={PRACTICE: 404},
       args=(lambda s: s.pk("spec_token"),)),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", ACCOUNT_CASES, ids=[c.id for c in ACCOUNT_CASES])
def test_account_matrix(token_scene, case):
    assert_case(case, token_scene)
