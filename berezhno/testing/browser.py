"""Helpers of the browser tests (``tests/browser``); imported by tests only (Playwright is
a development dependency)."""

import re

from playwright.sync_api import expect

from berezhno.testing.fixtures import PASSWORD


def sign_in(page, username: str) -> None:
    """Sign in through the login form, as a person would, and wait for the home page."""
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name=re.compile("Здравствуйте"))).to_be_visible()
