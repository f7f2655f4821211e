"""The data-subject rights register on a 360 px phone and a 1280 px desktop: a specialist
registers a person's request from the card, the head sees it overdue in the register,
answers it; the incident report lists whose data the specialist read. No page scrolls
sideways; no script or style is refused."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from berezhno.testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Screenshots for a reviewer, when asked for: BEREZHNO_SHOTS=/some/dir
SHOTS = os.environ.get("BEREZHNO_SHOTS", "")


def fits(page, width: int, name: str) -> None:
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"{page.url} scrolls sideways at {width} px ({scrolled} px)"
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_request_and_incident_report(page, live_server, world, problems, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, "spec1")
    page.goto(f"/people/{world.p1.pk}/")
    page.get_by_role("link", name="Зарегистрировать обращение").click()
    fits(page, width, "request-form")
    page.get_by_label("Вид обращения").select_option("access")
    page.get_by_label("Дата получения").fill("2025-12-30")
    page.get_by_label("Способ получения").select_option("post")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("зарегистрировано, срок — 23.01.2026")).to_be_visible()
    fits(page, width, "request-card")

    sign_in(page, "head")
    page.goto("/rights/")
    expect(page.locator("tr.overdue")).to_have_count(1)
    fits(page, width, "register")
    page.locator("tr.overdue a").click()
    page.get_by_role("link", name="Ответить").click()
    page.get_by_label("Ответ гражданину").fill("Сведения направлены почтой 20.01.2026")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Обращение закрыто.")).to_be_visible()
    fits(page, width, "answered")
    page.goto("/")
    fits(page, width, "home")
    page.goto("/rights/incidents/report/")
    page.get_by_label("Пользователь").select_option(label=str(world.user("specialist")))
    page.get_by_role("button", name="Показать").click()
    expect(page.get_by_role("link", name="Семёнова Алёна Петровна")).to_be_visible()
    fits(page, width, "incident-report")
    page.goto("/rights/incidents/new/")
    fits(page, width, "incident-form")
    page.get_by_label("Что произошло").fill("Список граждан отправлен на личную почту")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("зарегистрирован")).to_be_visible()
    fits(page, width, "incident-card")
    page.goto("/rights/incidents/")
    fits(page, width, "incidents")
    assert not problems.unexpected()
