"""Shared fixtures of the browser tests: one system Chromium for the whole run (the sync
Playwright API allows one instance per thread), a page on the live server that collects JS
errors, CSP violations and failed static files.

Playwright's own browser download is not used: the Debian ``chromium`` package is driven
through ``executable_path``; without it the tests are skipped.
"""

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import sync_playwright

from berezhno.testing.chromium import chromium_path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

# Generous enough for a loaded CI machine; a healthy page answers in milliseconds.
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def _allow_async_unsafe():
    """The sync Playwright API keeps an event loop alive in the main thread, so Django's
    async-unsafe guard would refuse the ORM calls of fixtures and of the transactional
    flush. Lift the guard for the browser session only and restore it afterwards."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser(_allow_async_unsafe):
    executable = chromium_path()
    if executable is None:
        pytest.skip("no system Chromium (/usr/bin/chromium or `chromium` on PATH): "
                    "install the Debian package `chromium` to run the browser tests")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()

@dataclass
class Problems:
    """What went wrong in the browser: JS errors, console errors (CSP violations land here),
    failed requests and HTTP errors of static files.

    A request the browser aborted is no failure when something newer replaced it: a
    script's request cut short because the user moved on (the charts loading after the
    indicator table, say), or a page load cancelled by the next navigation (a redirect
    still loading when the test opens another address). An aborted page load that nothing
    replaced is reported — decided when the problems are read, when every navigation the
    test made has started."""

    items: list[str] = field(default_factory=list)
    # The main frame's navigation requests in the order they started, and the aborted ones.
    navigations: list = field(default_factory=list)
    aborted: list = field(default_factory=list)

    def request_started(self, request) -> None:
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self.navigations.append(request)

    def request_failed(self, request) -> None:
        message = f"request failed: {request.url} {request.failure}"
        if request.failure == "net::ERR_ABORTED":
            if request.resource_type in ("xhr", "fetch"):
                return
            if request.is_navigation_request():
                self.aborted.append((request, message))
                return
        self.items.append(message)

    def _superseded(self, request) -> bool:
        started = [id(r) for r in self.navigations]
        return id(request) in started and started.index(id(request)) < len(started) - 1

    def unexpected(self, *allowed: str) -> list[str]:
        """The problems that mention none of ``allowed``; the browser's own favicon request
        (the app has no favicon) is always allowed."""
        allowed = ("/favicon.ico", *allowed)
        found = [*self.items,
                 *(message for request, message in self.aborted
                   if not self._superseded(request))]
        return [p for p in found if not any(a in p for a in allowed)]

@pytest.fixture
def problems() -> Problems:
    return Problems()

@pytest.fixture
def page(browser, live_server, problems):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU",
                                  timezone_id="Europe/Moscow")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("pageerror", lambda exc: problems.items.append(f"page error: {exc}"))
    tab.on("console", lambda msg: msg.type == "error"
           and problems.items.append(f"console: {msg.text} ({msg.location.get('url')})"))
    tab.on("request", problems.request_started)
    tab.on("requestfailed", problems.request_failed)
    tab.on("response", lambda resp: "/static/" in resp.url and resp.status >= 400
           and problems.items.append(f"static {resp.status}: {resp.url}"))
    try:
        yield tab
    finally:
        context.close()
