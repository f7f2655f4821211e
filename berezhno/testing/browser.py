"""Helpers of the browser tests (``tests/browser``); imported by tests only (Playwright is
a development dependency)."""

import re
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from berezhno.testing.fixtures import PASSWORD
from berezhno.testing.matrix import discover_cases


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would, and wait for the home page."""
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name=re.compile("Здравствуйте"))).to_be_visible()


def matrix_pages():
    """The permission matrix's GET pages (not the API, not the Django admin) with the actors
    whose row expects 200: every route of the site, a new page included as soon as it has
    its matrix row."""
    for case in discover_cases():
        if case.method != "get" or case.body == "json":
            continue
        if case.name.startswith(("api", "admin:")) or case.path is not None:
            continue
        actors = sorted(a for a, expected in case.expect.items() if expected == 200)
        if actors:
            yield case, actors


def page_url(case, scene) -> str:
    url = case.url(scene)
    if case.query:
        url += "?" + urllib.parse.urlencode(case.query, doseq=True)
    return url


def session_cookie(user, base_url: str) -> dict:
    """A signed-in session for ``user`` as a browser cookie (no login form per page)."""
    client = Client()
    client.force_login(user)
    host = urllib.parse.urlsplit(base_url).hostname
    return {"name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "domain": host, "path": "/"}


@contextmanager
def actor_page(browser, base_url: str, user, viewport: dict, **options) -> Iterator:
    """A page of a new browser context signed in as ``user`` (``None``: anonymous)."""
    context = browser.new_context(base_url=base_url, locale="ru-RU", viewport=viewport,
                                  **options)
    context.set_default_timeout(15_000)
    if user is not None:
        context.add_cookies([session_cookie(user, base_url)])
    try:
        yield context.new_page()
    finally:
        context.close()


def html_pages(page, cases, scene) -> Iterator[tuple]:
    """(case, url) of the matrix rows whose answer is a page (not a PDF, a spreadsheet)."""
    for case in cases:
        url = page_url(case, scene)
        answer = page.request.get(url)
        if "text/html" in answer.headers.get("content-type", ""):
            yield case, url
