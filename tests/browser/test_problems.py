"""The browser tests' problem collector (``conftest.Problems``): a page load that the next
navigation cancelled is no problem; one aborted with nothing after it is reported, as is
any other failed request."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_page_load_cancelled_by_the_next_navigation_is_no_problem(page, live_server,
                                                                      problems):
    # The first load is held (never answered) until the test opens another address.
    page.route(re.compile(r".*/accounts/login/\?held$"), lambda route: None)
    with page.expect_request(re.compile(r".*\?held$")):
        page.evaluate(f"location.href = '{live_server.url}/accounts/login/?held'")
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Вход в систему «Бережно»")).to_be_visible()
    assert [m for _r, m in problems.aborted] == [
        f"request failed: {live_server.url}/accounts/login/?held net::ERR_ABORTED"]
    assert problems.unexpected() == []


def test_an_aborted_load_nothing_replaced_is_reported(page, live_server, problems):
    page.goto("/accounts/login/")
    page.route(re.compile(r".*/accounts/login/\?cut$"), lambda route: route.abort("aborted"))
    with pytest.raises(Exception, match="ERR_ABORTED"):
        page.goto("/accounts/login/?cut")
    assert problems.unexpected() == [
        f"request failed: {live_server.url}/accounts/login/?cut net::ERR_ABORTED"]


def test_a_failed_static_request_is_reported(page, live_server, problems):
    page.route(re.compile(r".*/static/.*\.css$"), lambda route: route.abort("failed"))
    page.goto("/accounts/login/")
    assert any("net::ERR_FAILED" in p and "/static/" in p for p in problems.unexpected())
