"""The district specialist's registry flow, driven in the system Chromium against a live server.

Login (Russian page) → search the registry by a name fragment → open the card → log a contact
through the form → the contact is on the card and in the timeline. A second test checks that a
person of another district is neither found nor reachable by URL.

Playwright's own browser download is not used: the Debian ``chromium`` package is driven
through ``executable_path``; without it the tests are skipped.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from berezhno.people.models import Contact
from berezhno.testing.fixtures import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    """Open the system, land on the Russian login page and sign in."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Вход в систему «Бережно»")).to_be_visible()
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Здравствуйте, Анна!")).to_be_visible()


def search_registry(page, fragment: str) -> None:
    """Go to the registry from the menu and type a name fragment into the search field.

    Typing is enough: the list searches as one types. Pressing "Найти" as well would send a
    second request and leave the delayed one of the typing in flight."""
    page.get_by_role("navigation").get_by_role("link", name="Граждане").click()
    expect(page.get_by_role("heading", name="Граждане", exact=True)).to_be_visible()
    # The results come through htmx (proof that the scripts loaded under the CSP), POSTed:
    # the term stays out of the address bar and the history (decision 0017).
    with page.expect_response(lambda r: r.url.endswith("/people/")
                              and r.request.method == "POST"
                              and r.request.headers.get("hx-request") == "true") as answer:
        page.get_by_label("ФИО, СНИЛС или телефон").fill(fragment)
    assert answer.value.status == 200
    assert fragment not in answer.value.request.url
    expect(page).to_have_url(re.compile(r"/people/$"))


def test_specialist_finds_person_and_logs_contact(page, live_server, world, problems):
    person = world.p1  # Семёнова Алёна Петровна, district 1 of the specialist "spec1"
    notes = "Уточнили перечень документов для субсидии на оплату ЖКУ."
    outcome = "Записана на приём в МФЦ, принесёт справку о доходах."
    next_date = timezone.localdate() + datetime.timedelta(days=7)

    log_in(page, "spec1")
    # Lower case and "е" for "ё": the search is case- and ё-insensitive.
    search_registry(page, "семен")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Семёнова Алёна Петровна")).to_be_visible()
    expect(results.get_by_role("row")).to_have_count(2)  # header + the one match

    results.get_by_role("link", name="Семёнова Алёна Петровна").click()
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Семёнова Алёна Петровна")
    expect(page.get_by_text("согласие на обработку ПД есть")).to_be_visible()
    recent = page.locator("section", has=page.get_by_role("heading", name="Последние контакты"))
    expect(recent).to_contain_text("Контактов нет.")

    form = page.locator("#contact-form")
    expect(form.get_by_label("Дата и время")).not_to_have_value("")
    form.get_by_label("Форма").select_option(label="телефонный звонок")
    form.get_by_label("Цель").select_option(label="консультация")
    form.get_by_label("Содержание").fill(notes)
    form.get_by_label("Результат").fill(outcome)
    form.get_by_label("Дата следующего контакта").fill(next_date.isoformat())
    form.get_by_role("button", name="Записать").click()

    # Back on the card: the success message and the contact in "Последние контакты".
    expect(page.locator("ul.messages")).to_contain_text("Контакт записан.")
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    entry = recent.locator("ul.timeline > li")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("телефонный звонок — консультация")
    expect(entry).to_contain_text("Белова А.И.")
    expect(entry).to_contain_text(notes)
    expect(entry).to_contain_text(outcome)
    expect(entry).to_contain_text(f"Следующий контакт: {next_date:%d.%m.%Y}")
    history = page.locator("#timeline")
    expect(history.locator("li").first).to_contain_text("Контакт: телефонный звонок: консультация")

    # The full timeline page.
    history.get_by_role("link", name="Вся история с изменениями").click()
    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/timeline/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "История: Семёнова Алёна Петровна")
    events = page.locator("ul.timeline > li")
    expect(events.first).to_contain_text("Контакт: телефонный звонок: консультация")
    expect(events.first).to_contain_text("Белова Анна Ивановна")
    expect(events.filter(has_text="Гражданин зарегистрирован")).to_have_count(1)

    # The record behind what the user saw.
    contact = Contact.objects.get(person=person)
    assert (contact.channel, contact.purpose) == ("call", "consultation")
    assert (contact.notes, contact.outcome) == (notes, outcome)
    assert contact.next_contact_date == next_date
    assert contact.author == world.user("specialist")
    assert contact.client_uuid is not None
    assert contact.occurred_at <= timezone.now()

    # Static files were served, htmx ran, and the CSP refused nothing.
    assert problems.unexpected() == []


def test_specialist_does_not_see_person_of_other_district(page, live_server, world,
                                                          problems):
    other = world.p2  # Кузнецов Иван Ильич, district 2 (same town, another specialist)
    log_in(page, "spec1")

    search_registry(page, "Кузнецов")
    expect(page.locator("#results")).to_contain_text("Ничего не найдено. Измените условия")
    expect(page.get_by_role("link", name=re.compile("Кузнецов"))).to_have_count(0)

    for url in (f"/people/{other.pk}/", f"/people/{other.pk}/timeline/"):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        expect(page.get_by_text("Кузнецов")).to_have_count(0)

    # The browser logs the two 404 answers as console errors; nothing else may go wrong.
    assert problems.unexpected(f"/people/{other.pk}/") == []
