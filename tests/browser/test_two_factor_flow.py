"""Sign-in with a code on a 360 px phone screen, in the system Chromium (decision 0015).

The specialist turns two factors on from the profile: the QR code is an inline image and
the key is typed into "the app" (here: django-otp's TOTP computed from the key shown on
the page); the recovery codes are shown once; signing in again asks for a code after the
password. No page scrolls sideways and no script or style is refused by the CSP.
"""

import base64
import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from berezhno.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 360


def app_code(secret_shown: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed in from the page."""
    raw = secret_shown.replace(" ", "")
    key = base64.b32decode(raw + "=" * (-len(raw) % 8))
    clock = TOTP(key)
    clock.time += steps_ahead * 30
    return f"{clock.token():06d}"


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} scrolls sideways ({width} px)"


def sign_in_with_password(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill("spec1")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def sign_out(page) -> None:
    """Sign out and wait for the login page the sign-out leads to: opening another address
    while that page still loads would cancel it (an aborted request)."""
    page.get_by_role("button", name="Выйти").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", name="Вход в систему «Бережно»")).to_be_visible()


def test_two_factors_on_a_phone(page, live_server, world, problems):
    page.set_viewport_size({"width": WIDTH, "height": 740})
    sign_in_with_password(page)
    expect(page.get_by_role("heading", name="Здравствуйте, Анна!")).to_be_visible()
    page.goto("/accounts/profile/")
    fits(page)
    page.get_by_role("link", name="Включить вход с кодом").click()
    expect(page.get_by_role("heading", name="Вход с кодом (второй фактор)")).to_be_visible()
    qr = page.get_by_role("img", name="QR-код для приложения-аутентификатора")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    fits(page)
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Код из приложения").fill(app_code(secret))
    page.get_by_role("button", name="Включить").click()
    expect(page.get_by_role("heading", name="Коды восстановления")).to_be_visible()
    expect(page.locator("ul.codes li")).to_have_count(10)
    fits(page)
    page.get_by_role("link", name="Я сохранил коды").click()
    expect(page.get_by_text("включён")).to_be_visible()
    sign_out(page)

    sign_in_with_password(page)
    expect(page).to_have_url(re.compile(r"/accounts/login/code/$"))
    expect(page.get_by_role("heading", name="Код входа")).to_be_visible()
    fits(page)
    page.get_by_label("Код").fill("000000")
    page.get_by_role("button", name="Войти").click()
    # The error is told twice: in the summary at the top (a link to the field) and at the field.
    expect(page.get_by_role("link", name=re.compile("Код не подошёл"))).to_be_visible()
    expect(page.locator("#id_code_error").get_by_text("Код не подошёл")).to_be_visible()
    # The next 30 seconds' code (the set-up used this window's; a wrong try waits 1 s).
    TOTPDevice.objects.filter(user=world.user("specialist")).update(
        throttling_failure_timestamp=None)
    page.get_by_label("Код").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Здравствуйте, Анна!")).to_be_visible()
    # The wrong code's answer is a 400, which the console reports; nothing else.
    assert problems.unexpected("status of 400 (Bad Request)") == []
