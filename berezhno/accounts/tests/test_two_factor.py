"""Two-factor authentication (decision 0015), end to end with real codes.

The codes are computed here from the device's key with django-otp's own TOTP
(``django_otp.oath``), as an authenticator app would; nothing is mocked. django-otp refuses
a code of a time step already used, so a test that signs in again after the set-up moves
the device's last step back (``_next_window``), as if the next 30 seconds had come.
"""

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from berezhno.accounts import services, two_factor
from berezhno.accounts.models import ApiToken
from berezhno.core.models import DomainEvent, ObjectChange
from berezhno.testing.fixtures import PASSWORD

pytestmark = pytest.mark.django_db
REQUIRED = override_settings(BEREZHNO_2FA_REQUIRED_ROLES=["head", "patrol_hq", "admin"])


def code_of(device: TOTPDevice, *, at: float | None = None) -> str:
    device.refresh_from_db()
    if at is None:
        value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    else:
        clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        clock.time = at
        value = clock.token()
    return f"{value:0{device.digits}d}"


def _next_window(device: TOTPDevice) -> None:
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, drift=0,
                                                    throttling_failure_count=0,
                                                    throttling_failure_timestamp=None)


def enable(client, user) -> tuple[TOTPDevice, list[str]]:
    """Switch two factors on through the pages, as the user does."""
    client.force_login(user)
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    r = client.post(reverse("accounts:otp_setup"), {"code": code_of(device)})
    assert r.status_code == 200, r.content.decode()[:500]
    codes = r.context["codes"]
    client.logout()
    _next_window(device)
    return device, codes


def sign_in(client, username: str) -> object:
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


def test_setting_up_shows_a_qr_code_and_confirms_with_a_real_code(client, world):
    spec = world.user("specialist")
    client.force_login(spec)
    page = client.get(reverse("accounts:otp_setup"))
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=spec)
    assert not device.confirmed
    assert 'src="data:image/svg+xml' in body  # drawn here, no request to anyone
    assert two_factor.secret_text(device) in body
    assert client.get(reverse("accounts:otp_setup")).status_code == 200
    assert TOTPDevice.objects.filter(user=spec).count() == 1  # the same key until confirmed
    r = client.post(reverse("accounts:otp_setup"), {"code": "000000"})
    assert r.status_code == 400 and "Код не подошёл" in r.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not DomainEvent.objects.filter(event_type="two_factor.enabled").exists()
    _next_window(device)  # the wrong code made the device wait a second
    r = client.post(reverse("accounts:otp_setup"), {"code": code_of(device)})
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    codes = r.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(c in r.content.decode() for c in codes)
    device.refresh_from_db()
    assert device.confirmed
    stored = set(StaticToken.objects.filter(device__user=spec).values_list("token", flat=True))
    assert stored == {two_factor.recovery_digest(c) for c in codes}
    assert not stored & {c for code in codes for c in (code, two_factor.normalise_recovery(code))}
    change = ObjectChange.objects.get(
        events__event_type="two_factor.enabled", object_id=spec.pk)
    assert change.after == {"two_factor": True} and change.actor_id == spec.pk
    assert client.session[DEVICE_ID_SESSION_KEY]  # this session is verified by that code
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_after_the_password_the_session_is_not_signed_in_until_the_code(client, world):
    device, _codes = enable(client, world.user("specialist"))
    r = sign_in(client, "spec1")
    assert r.status_code == 302 and r["Location"] == reverse("accounts:otp_verify")
    assert "_auth_user_id" not in client.session
    r = client.get(reverse("people:list"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))
    assert client.get("/api/v1/persons/").status_code == 401
    page = client.get(reverse("accounts:otp_verify"))
    assert page.status_code == 200 and "Код входа" in page.content.decode()
    r = client.post(reverse("accounts:otp_verify"), {"code": "123456"})
    assert r.status_code == 400 and "Код не подошёл" in r.content.decode()
    assert "_auth_user_id" not in client.session
    _next_window(device)
    r = client.post(reverse("accounts:otp_verify"), {"code": code_of(device)})
    assert r.status_code == 302 and r["Location"] == reverse("core:home")
    assert client.get(reverse("people:list")).status_code == 200
    assert AccessAttempt.objects.count() == 0  # the full sign-in reset the failures


def test_a_recovery_code_signs_in_once(client, world):
    _device, codes = enable(client, world.user("specialist"))
    sign_in(client, "spec1")
    r = client.post(reverse("accounts:otp_verify"), {"code": codes[3].upper()}, follow=True)
    assert r.status_code == 200 and "Осталось кодов: 9" in r.content.decode()
    assert DomainEvent.objects.filter(event_type="two_factor.recovery_used").count() == 1
    client.logout()
    sign_in(client, "spec1")
    r = client.post(reverse("accounts:otp_verify"), {"code": codes[3]})
    assert r.status_code == 400 and "_auth_user_id" not in client.session


def test_failed_codes_count_towards_the_login_lockout(client, world):
    device, _codes = enable(client, world.user("specialist"))
    sign_in(client, "spec1")
    for _ in range(4):
        assert client.post(reverse("accounts:otp_verify"),
                           {"code": "000000"}).status_code == 400
    r = client.post(reverse("accounts:otp_verify"), {"code": "000000"})
    assert r.status_code == 429 and "заблокирован" in r.content.decode()
    _next_window(device)
    r = client.post(reverse("accounts:otp_verify"), {"code": code_of(device)})
    assert r.status_code == 429 and "_auth_user_id" not in client.session
    # The password is locked too: the five failures were for this user name and address.
    client.session.flush()
    r = sign_in(client, "spec1")
    assert "заблокирован" in r.content.decode() and "_auth_user_id" not in client.session


@override_settings(OTP_TOTP_THROTTLE_FACTOR=60)  # a minute's wait, so a slow run still sees it
def test_the_device_backs_off_whatever_the_address(client, world):
    """django-otp's own throttle: right after a wrong code even the right one waits."""
    device, _codes = enable(client, world.user("specialist"))
    sign_in(client, "spec1")
    client.post(reverse("accounts:otp_verify"), {"code": "000000"},
                REMOTE_ADDR="10.0.0.7")
    r = client.post(reverse("accounts:otp_verify"), {"code": code_of(device)},
                    REMOTE_ADDR="10.0.0.8")
    assert r.status_code == 400 and "_auth_user_id" not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    r = client.post(reverse("accounts:otp_verify"), {"code": code_of(device)})
    assert r.status_code == 302 and "_auth_user_id" in client.session


@REQUIRED
def test_a_required_role_without_a_device_can_only_set_it_up(client, world):
    sign_in(client, "head")
    assert "_auth_user_id" in client.session  # no device yet: the password signs in
    for url in (reverse("people:list"), reverse("core:home"), reverse("accounts:profile"),
                "/admin/"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"] == reverse("accounts:otp_setup"), url
    r = client.get("/api/v1/persons/")
    assert r.status_code == 403 and r.json()["code"] == "two_factor_required"
    r = client.post(reverse("accounts:profile"))
    assert r.status_code == 302 and not ApiToken.objects.exists()
    page = client.get(reverse("accounts:otp_setup"))
    assert "обязателен" in page.content.decode()
    device = TOTPDevice.objects.get(user=world.user("head"))
    client.post(reverse("accounts:otp_setup"), {"code": code_of(device)})
    assert client.get(reverse("people:list")).status_code == 200
    assert client.get("/api/v1/persons/").status_code == 200


@REQUIRED
def test_roles_that_do_not_require_it_are_not_stopped(client, world):
    sign_in(client, "spec1")
    assert client.get(reverse("people:list")).status_code == 200
    assert not TOTPDevice.objects.exists()


@REQUIRED
def test_a_superuser_counts_as_an_administrator(client, world):
    sign_in(client, "root")
    assert client.get("/admin/")["Location"] == reverse("accounts:otp_setup")


def test_the_admin_login_does_not_skip_the_code(client, world):
    """The Django admin's own login form signs in with the password; the next request
    still asks for the code."""
    enable(client, world.user("root"))
    client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD,
                                         "next": "/admin/"})
    r = client.get("/admin/")
    assert r.status_code == 302
    assert r["Location"] == reverse("accounts:otp_verify") + "?next=%2Fadmin%2F"


@REQUIRED
def test_a_token_needs_a_verified_session_and_then_ignores_two_factors(client, world):
    head = world.user("head")
    device, _codes = enable(client, head)
    with pytest.raises(services.DomainError):
        services.api_token_issue(user=head, second_factor_verified=False)
    sign_in(client, "head")
    client.post(reverse("accounts:otp_verify"), {"code": code_of(device)})
    r = client.post(reverse("accounts:profile"))
    assert r.status_code == 200
    key = r.context["new_key"]
    client.logout()
    r = client.get("/api/v1/persons/", HTTP_AUTHORIZATION=f"Token {key}")
    assert r.status_code == 200  # no session, no code: the key was issued after one


def test_switching_off_needs_a_code_and_is_refused_for_a_required_role(client, world):
    spec = world.user("specialist")
    device, _codes = enable(client, spec)
    sign_in(client, "spec1")
    client.post(reverse("accounts:otp_verify"), {"code": code_of(device)})
    _next_window(device)
    with override_settings(BEREZHNO_2FA_REQUIRED_ROLES=["district_specialist"]):
        r = client.post(reverse("accounts:otp_disable"), {"code": code_of(device)})
        assert r.status_code == 403 and "обязателен" in r.content.decode()
    assert TOTPDevice.objects.filter(user=spec).exists()
    r = client.post(reverse("accounts:otp_disable"), {"code": "000000"})
    assert r.status_code == 400 and TOTPDevice.objects.filter(user=spec).exists()
    _next_window(device)
    r = client.post(reverse("accounts:otp_disable"), {"code": code_of(device)})
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=spec).exists()
    assert not StaticToken.objects.filter(device__user=spec).exists()
    assert DomainEvent.objects.filter(event_type="two_factor.disabled").count() == 1
    client.logout()
    sign_in(client, "spec1")
    assert client.get(reverse("people:list")).status_code == 200  # the password again


def test_new_recovery_codes_replace_the_old_ones(client, world):
    spec = world.user("specialist")
    device, old = enable(client, spec)
    sign_in(client, "spec1")
    client.post(reverse("accounts:otp_verify"), {"code": code_of(device)})
    r = client.post(reverse("accounts:otp_recovery"))
    new = r.context["codes"]
    assert r.status_code == 200 and not set(new) & set(old)
    assert services.two_factor_check(user=spec, code=new[0]) is not None
    assert services.two_factor_check(user=spec, code=old[0]) is None
    assert DomainEvent.objects.filter(event_type="two_factor.recovery_renewed").count() == 1


def test_the_operator_resets_a_lost_phone(client, world):
    spec = world.user("specialist")
    enable(client, spec)
    with pytest.raises(CommandError):
        call_command("reset_two_factor", "nobody", reason="заявка 5")
    call_command("reset_two_factor", "spec1", reason="заявка 5")
    assert not TOTPDevice.objects.filter(user=spec).exists()
    event = DomainEvent.objects.get(event_type="two_factor.reset")
    assert event.actor_id is None and "заявка 5" in event.summary
    with pytest.raises(CommandError):
        call_command("reset_two_factor", "spec1", reason="заявка 5")  # nothing left


def test_the_defaults_require_it_for_wide_access_roles():
    from config.settings import base

    assert base.BEREZHNO_2FA_REQUIRED_ROLES == ["head", "patrol_hq", "admin"]


def test_unknown_role_codes_fail_the_system_check():
    with override_settings(BEREZHNO_2FA_REQUIRED_ROLES=["head", "boss"]):
        errors = two_factor.check_required_roles()
    assert [e.id for e in errors] == ["berezhno.E2FA"] and "boss" in errors[0].msg
    with REQUIRED:
        assert two_factor.check_required_roles() == []
