"""Each role's home page on a 360 px phone (decision 0031): the page does not scroll
sideways, the role's main action (or its first card) is on the first screen, the role
sees its own work, the patrol roles see no resident's name, and axe finds no serious
violation with the cards filled (the site-wide axe test sees the matrix's scene)."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_accessibility import AXE, FAILING, RUN  # the site-wide axe test, beside this one

from berezhno.accounts.models import User
from berezhno.cases.tests.test_home_pages import RESIDENTS, home  # noqa: F401  (fixture)
from berezhno.testing.browser import session_cookie, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("BEREZHNO_SHOTS", "")
WIDTH, HEIGHT = 360, 800

# username → (the main action or first card, by role and name; a text of the role's work)
ROLES = {
    "spec1": (("searchbox", "Найти гражданина: ФИО, СНИЛС или телефон"), "Визитова"),
    "disp": (("link", "Принять обращение"), "Срокова"),
    "psy": (("heading", "Мои мероприятия"), "Консультация семейного психолога"),
    "partner": (("heading", "Направления ждут ответа"), "1 направление"),
    "head": (("heading", "Просроченные случаи по специалистам"), "Орлова"),
    "analyst": (("heading", "Показатели"), "Все показатели квартала"),
    "admin": (("heading", "Участки без специалиста"), "Участок 2"),
    "agent": (("heading", "Мои подопечные"), "Семёнова"),
    "patrol1": (("link", "Неустановленное лицо"), "Дядя Коля"),
    "patrolhq1": (("link", "Неустановленное лицо"), "Дядя Коля"),
}


def test_every_role_home_at_phone_width(page, live_server, world, home, problems):  # noqa: F811
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    for username, ((role, name), work) in ROLES.items():
        sign_in(page, username)
        main = page.get_by_role(role, name=name).first
        expect(main).to_be_visible()
        box = main.bounding_box()
        assert box is not None and box["y"] + box["height"] <= HEIGHT, (
            f"{username}: «{name}» is not on the first screen ({box})")
        expect(page.locator("main")).to_contain_text(work)
        scrolled = page.evaluate("document.documentElement.scrollWidth")
        assert scrolled <= WIDTH, f"{username}: the home page is {scrolled} px wide"
        if username.startswith("patrol"):
            text = page.locator("main").inner_text()
            assert not [n for n in RESIDENTS if n in text], username
        if SHOTS:
            page.screenshot(path=str(Path(SHOTS) / f"home-{username}-{WIDTH}.png"),
                            full_page=True)
    assert problems.unexpected() == []


def test_every_role_home_has_no_serious_axe_violation(browser, live_server, world,
                                                      home):  # noqa: F811
    """The cards filled (the site-wide axe test sees the matrix's scene, mostly empty)."""
    script = AXE.read_text(encoding="utf-8")
    context = browser.new_context(base_url=live_server.url, locale="ru-RU",
                                  viewport={"width": WIDTH, "height": HEIGHT}, bypass_csp=True)
    try:
        page = context.new_page()
        for username in ROLES:
            context.clear_cookies()
            context.add_cookies([session_cookie(User.objects.get(username=username),
                                                live_server.url)])
            page.goto("/")
            assert page.locator("section.home-card").count() >= 2, username  # signed in
            page.add_script_tag(content=script)
            serious = [v for v in page.evaluate(RUN) if v["impact"] in FAILING]
            assert serious == [], f"{username}: {serious}"
    finally:
        context.close()
