"""Forms never trap the user (issue 11, decision 0033), in the system Chromium against a
live server: a citizen registered without a consent with JavaScript on and off, every
error of a form shown at once in a summary whose links lead to the fields, the intake →
registration → intake hand-off, and the person card's field action on the first screen of
a phone. Fixtures as in ``test_registry_flow.py`` (without Chromium the tests are skipped).
"""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from berezhno.cases.tests.conftest import make_family
from berezhno.core.context import acting_as
from berezhno.people import services as people
from berezhno.people.models import Consent, Person
from berezhno.testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
TIMEOUT_MS = 15_000  # as the conftest's pages


def fill_minimal(page, world) -> None:
    page.get_by_label("Фамилия").fill("Тестова")
    page.get_by_label("Имя", exact=True).fill("Мария")
    page.get_by_label("Участок или территория учёта").select_option(str(world.d1.pk))


def test_registration_without_consent_with_javascript(page, live_server, world, problems):
    sign_in(page, "spec1")
    page.goto("/people/new/")
    consent_part = page.locator("#consent-block")
    # Hidden until «подписал согласие» is ticked: its required-looking fields never block.
    expect(consent_part).to_be_hidden()
    fill_minimal(page, world)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Тестова Мария")
    expect(page.get_by_text("Гражданин зарегистрирован.")).to_be_visible()
    person = Person.objects.get(surname="Тестова")
    assert not Consent.objects.filter(person=person).exists()
    assert problems.unexpected() == []


def test_registration_without_consent_without_javascript(browser, live_server, world):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU",
                                  java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        sign_in(page, "spec1")
        page.goto("/people/new/")
        consent_part = page.locator("#consent-block")
        # Shown, and said to be optional: filled only when the consent was signed.
        expect(consent_part).to_be_visible()
        expect(consent_part).to_contain_text("Заполните, только если отметили")
        expect(page.get_by_label("Адрес субъекта")).to_be_visible()
        fill_minimal(page, world)
        page.get_by_role("button", name="Сохранить").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Тестова Мария")
        assert not Consent.objects.filter(person__surname="Тестова").exists()
    finally:
        context.close()


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_every_error_at_once_in_a_summary(page, live_server, world, problems):
    page.set_viewport_size(PHONE)
    sign_in(page, "spec1")
    page.goto("/people/new/")
    fill_minimal(page, world)
    page.get_by_label("СНИЛС").fill("123")
    page.get_by_label("Телефон", exact=True).fill("12")
    page.get_by_label("Гражданин подписал согласие сейчас").check()
    expect(page.locator("#consent-block")).to_be_visible()
    # The consent's address and document left empty: the browser does not stop the submit
    # (no required attributes); the server answers every problem in one round.
    page.get_by_role("button", name="Сохранить").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(re.compile(r"\d+ ошиб(ка|ки|ок) в форме"))
    fits(page)
    for label in ("СНИЛС", "Телефон", "Адрес субъекта", "Документ, удостоверяющий личность"):
        expect(summary.get_by_role("link", name=re.compile(f"^{label}:"))).to_be_visible()
    # The consent part stays open with what was typed; a link leads to its field.
    expect(page.locator("#consent-block")).to_be_visible()
    summary.get_by_role("link", name=re.compile("^Адрес субъекта:")).click()
    expect(page.get_by_label("Адрес субъекта")).to_be_focused()
    assert not Person.objects.filter(surname="Тестова").exists()
    # The refused form is answered 400 (which the browser logs), nothing else went wrong.
    assert problems.unexpected("status of 400 (Bad Request) (" + live_server.url
                               + "/people/new/)") == []


def test_intake_sends_to_registration_and_back(page, live_server, world, problems):
    sign_in(page, "disp")
    page.goto(reverse("cases:intake"))
    page.get_by_label("Найти заявителя: ФИО, СНИЛС или телефон").fill("Тестова Мария")
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_text("Никого не найдено.")).to_be_visible()
    page.get_by_role("link", name="Зарегистрировать гражданина").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Регистрация гражданина")
    fill_minimal(page, world)
    page.get_by_role("button", name="Сохранить").click()
    # Back at the intake with the new person as the applicant.
    person = Person.objects.get(surname="Тестова")
    expect(page).to_have_url(re.compile(rf"{reverse('cases:intake')}\?person={person.pk}$"))
    applicant = page.locator("section", has=page.get_by_role("heading", name="Заявитель"))
    expect(applicant).to_contain_text("Тестова Мария")
    expect(page.get_by_role("button", name="Зарегистрировать обращение")).to_be_visible()
    assert problems.unexpected() == []


def test_person_card_puts_the_contact_first_on_a_phone(page, live_server, world, problems):
    page.set_viewport_size(PHONE)
    sign_in(page, "spec1")
    page.goto(world.p1.get_absolute_url())
    heading = page.get_by_role("heading", name="Записать контакт")
    box = heading.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    actions = page.locator("#record-actions")
    assert actions.bounding_box()["y"] > box["y"]
    expect(actions.get_by_role("link", name="Изменить")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Семёнова Алёна Петровна")
    fits(page)
    assert problems.unexpected() == []


def test_household_member_picked_by_search_on_a_phone(page, live_server, world, problems):
    household = make_family(world)
    with acting_as("test"):
        people.person_register(user=world.user("specialist"), surname="Громова",
                               name="Ольга", birth_date=datetime.date(1990, 4, 2),
                               territory=world.d1, confirm_not_duplicate=True)
    page.set_viewport_size(PHONE)
    sign_in(page, "spec1")
    page.goto(household.get_absolute_url())
    expect(page.get_by_text("Номер записи")).to_have_count(0)
    with page.expect_response(lambda r: "/pick/" in r.url):
        page.get_by_label("Гражданин", exact=True).fill("Громова")
    page.locator("#pick-person-results").get_by_role(
        "link", name=re.compile("^Громова Ольга")).click()
    expect(page.locator(".chip")).to_contain_text("Громова Ольга, 02.04.1990")
    fits(page)
    page.get_by_label("Отношение к главе").select_option(index=1)
    page.get_by_role("button", name="Добавить").click()
    # She has no consent yet: the refusal leads to recording it and back, her chosen.
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("нет действующего согласия")
    summary.get_by_role("link", name="Оформить согласие и вернуться").click()
    page.get_by_label("Адрес субъекта").fill("г. Называевск, ул. Мира, 1")
    page.get_by_label("Документ, удостоверяющий личность").fill("паспорт 5200 123456")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Согласие записано.")).to_be_visible()
    expect(page.locator(".chip")).to_contain_text("Громова Ольга, 02.04.1990")
    page.get_by_label("Отношение к главе").select_option(index=1)
    page.get_by_role("button", name="Добавить").click()
    expect(page.get_by_text("Член домохозяйства добавлен.")).to_be_visible()
    expect(page.get_by_role("link", name="Громова Ольга")).to_be_visible()
    assert problems.unexpected("status of 400 (Bad Request)") == []  # the refusal
