"""The list pages on a 360 × 640 phone (decision 0036): the filter panel is folded when no
filter is active, so the first result row is on the first screen; the panel opens, its
filters submit (by htmx on the person and case lists, by a page load elsewhere) and its
summary counts them; without JavaScript the panel is open."""

import re

import pytest
from playwright.sync_api import expect

from berezhno.cases.tests.conftest import open_case
from berezhno.testing.browser import actor_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 640}
NOT_FOUND = "Ничего не найдено. Измените условия или сбросьте фильтры."


def _first_row_on_first_screen(page, link_text: str) -> None:
    link = page.locator("#results tbody tr").first.get_by_role("link", name=link_text)
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], (
        f"the first row's «{link_text}» is below the first screen: {box}")


def _panel(page):
    return page.locator("details.filters")


def test_person_list_shows_results_first_and_its_panel_filters(browser, live_server, world,
                                                               problems):
    with actor_page(browser, live_server.url, world.user("specialist"), PHONE) as page:
        page.goto("/people/")
        panel = _panel(page)
        assert page.evaluate("document.querySelector('details.filters').open") is False
        _first_row_on_first_screen(page, world.p1.full_name)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        expect(page.locator(".filter-buttons .filter-reset")).to_be_hidden()
        # Open the panel; choosing a filter searches (htmx) and the summary counts it.
        panel.locator("summary").click()
        expect(page.get_by_label("Учёт")).to_be_visible()
        page.get_by_label("Учёт").select_option("moved_out")
        expect(page.locator("#results")).to_contain_text(NOT_FOUND)
        expect(panel.locator("summary")).to_have_text("Фильтры: 1")
        expect(page.locator(".filter-buttons .filter-reset")).to_be_visible()
        # «Сбросить» goes back to the whole list, folded again.
        page.locator(".filter-buttons .filter-reset").click()
        expect(page.locator("#results tbody tr").first).to_be_visible()
        assert page.evaluate("document.querySelector('details.filters').open") is False
    assert problems.unexpected() == []


def test_case_list_shows_results_first_and_its_panel_submits(browser, live_server, world):
    case = open_case(world)
    with actor_page(browser, live_server.url, world.user("dispatcher"), PHONE) as page:
        page.goto("/cases/")
        assert page.evaluate("document.querySelector('details.filters').open") is False
        _first_row_on_first_screen(page, case.number)
        _panel(page).locator("summary").click()
        page.get_by_label("Этап").select_option("closed")
        page.get_by_role("button", name="Найти").click()
        expect(page.locator("#results")).to_contain_text(NOT_FOUND)
        expect(_panel(page).locator("summary")).to_have_text("Фильтры: 1")
        expect(page.locator("#results .filter-reset")).to_have_attribute("href", "/cases/")


def test_a_get_list_keeps_its_filters_in_the_address_and_the_panel_open(browser, live_server,
                                                                         world):
    with actor_page(browser, live_server.url, world.user("head"), PHONE) as page:
        page.goto("/notifications/")
        assert page.evaluate("document.querySelector('details.filters').open") is False
        _panel(page).locator("summary").click()
        page.get_by_label("Канал").select_option("sms")
        page.get_by_role("button", name="Показать").click()
        expect(page).to_have_url(re.compile(r"channel=sms"))
        # A filter is active: the panel stays open on the phone and says how many.
        assert page.evaluate("document.querySelector('details.filters').open") is True
        expect(_panel(page).locator("summary")).to_have_text("Фильтры: 1")
        expect(page.get_by_text(NOT_FOUND)).to_be_visible()


def test_without_javascript_the_panel_is_open(browser, live_server, world):
    with actor_page(browser, live_server.url, world.user("specialist"), PHONE,
                    java_script_enabled=False) as page:
        page.goto("/people/")
        expect(page.get_by_label("Учёт")).to_be_visible()
