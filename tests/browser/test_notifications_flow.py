"""The outbox on a 360 px phone and a 1280 px desktop: a message refused for want of
consent shows its reason; the specialist records the person's channels from the card and
sends the message again; it waits in the queue (no SMS gateway here) with the error and is
cancelled. No page scrolls sideways; no script or style is refused."""

import re

import pytest
from playwright.sync_api import expect

from berezhno.core.context import acting_as
from berezhno.notifications import services
from berezhno.testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page, width: int) -> None:
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"{page.url} scrolls sideways at {width} px ({scrolled} px)"


@pytest.mark.parametrize("width", [360, 1280])
def test_refused_message_sent_after_channel_consent(page, live_server, world, problems,
                                                    width):
    with acting_as("test"):
        message = services.message_queue(
            user=world.user("specialist"), kind="notice", channel="sms", person=world.p1,
            context={"subject": "Приглашение на приём", "text": "Ждём вас в среду"})
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, "spec1")
    page.goto("/notifications/")
    fits(page, width)
    page.get_by_role("link", name="Приглашение на приём").click()
    expect(page.locator("#refusal")).to_contain_text("не давал согласия на связь по каналу")
    fits(page, width)

    page.goto(f"/people/{world.p1.pk}/")
    page.get_by_role("link", name="способы связи").first.click()
    page.get_by_label("Согласен на SMS").check()
    page.get_by_label("Телефон для SMS и звонков").fill("8 913 000-00-01")
    fits(page, width)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Способы связи записаны.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"SMS \+79130000001"))).to_be_visible()

    page.goto(f"/notifications/{message.pk}/")
    page.get_by_role("button", name="Отправить повторно").click()
    expect(page.get_by_text("Сообщение поставлено в очередь.")).to_be_visible()
    expect(page.locator("#status")).to_have_text("в очереди")
    # The worker tried at once (tasks run immediately here): no SMS gateway is configured.
    expect(page.locator("#last-error")).to_contain_text("не настроен шлюз")
    fits(page, width)
    page.get_by_role("button", name="Отменить").click()
    expect(page.locator("#status")).to_have_text("отменено")
    assert not problems.unexpected()
