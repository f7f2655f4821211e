"""The audit journal at 360 and 1280 px: the head finds the citizen and the reader by
typing their names (the terms posted, never in an address), the rows speak Russian, and
nothing scrolls sideways; without JavaScript the same search answers a page of
candidates."""

import re

import pytest
from playwright.sync_api import expect

from berezhno.testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_head_picks_the_citizen_and_the_reader_by_name(page, world, problems, width):
    page.set_viewport_size({"width": width, "height": 800})
    addresses = []
    page.on("request", lambda req: addresses.append(req.url))
    sign_in(page, "spec1")
    page.goto(f"/people/{world.p1.pk}/")
    sign_in(page, "head")
    page.goto("/audit/")
    panel = page.locator("details.filters")
    # On a phone the filters are folded until opened (decision 0036).
    expect(panel).to_have_js_property("open", width > 600)
    if width <= 600:
        panel.locator("summary").click()
    expect(page.get_by_label("Гражданин")).to_be_visible()
    page.get_by_label("Гражданин").fill("Семён")
    page.locator("#pick-person-results").get_by_role(
        "link", name=re.compile("Семёнова Алёна Петровна")).click()
    expect(page.get_by_text(re.compile("Семёнова Алёна Петровна, 05.03.1985"))).to_be_visible()
    page.get_by_label("Пользователь").fill("Белова")
    page.locator("#pick-user-results").get_by_role("link", name=re.compile("Белова")).click()
    page.get_by_role("button", name="Показать").click()
    rows = page.locator("table.stack tbody tr")
    expect(rows.first).to_contain_text("просмотр карточки")
    expect(rows.first).to_contain_text("Гражданин")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert f"person={world.p1.pk}" in page.url
    assert not any("Семён" in a or "%D0%A1%D0%B5%D0%BC" in a or "Белова" in a
                   or "%D0%91%D0%B5%D0%BB" in a for a in addresses), addresses
    page.get_by_role("link", name=re.compile("Убрать: Семёнова")).click()
    assert f"person={world.p1.pk}" not in page.url
    assert problems.unexpected() == []


def test_without_javascript_the_search_answers_a_page(browser, live_server, world):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  locale="ru-RU")
    page = context.new_page()
    try:
        sign_in(page, "head")
        page.goto("/audit/?view=changes")
        page.get_by_label("Гражданин").fill("Семён")
        page.get_by_label("Гражданин").press("Enter")
        expect(page.get_by_role("heading", name="Выберите из найденных")).to_be_visible()
        page.locator("ul.pick-results").get_by_role(
            "link", name=re.compile("Семёнова Алёна Петровна")).click()
        assert "view=changes" in page.url and f"person={world.p1.pk}" in page.url
    finally:
        context.close()
