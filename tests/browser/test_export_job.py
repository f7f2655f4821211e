"""A large export at phone width: the POST sends the head to the job's page, which shows
«в очереди», then — polled by htmx while the database worker builds the file — the
progress bar full and the download link; the file downloads. Nothing scrolls sideways."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from berezhno.testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_large_export_runs_in_the_background(page, world, problems, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.BEREZHNO_EXPORT_INLINE_ROWS = 1
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, "head")
    page.goto("/people/")
    page.locator("form.export-buttons", has_text="Граждане").get_by_role(
        "button", name="XLSX").click()
    expect(page.get_by_role("heading", name="Выгрузка «Граждане», XLSX")).to_be_visible()
    expect(page.get_by_text("Задание ждёт своей очереди…")).to_be_visible()
    assert re.search(r"/jobs/[0-9a-f-]{36}/$", page.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload",
                 "--interval", "0")
    link = page.get_by_role("link", name=re.compile(r"Скачать persons-.*\.xlsx"))
    expect(link).to_be_visible()  # swapped in by the poll, no reload
    expect(page.get_by_text(re.compile(r"Обработано \d+ из \d+"))).to_be_visible()
    assert page.locator("progress").get_attribute("value") == page.locator(
        "progress").get_attribute("max")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.get_by_role("link", name="Мои выгрузки").click()
    expect(page.get_by_role("link", name="Выгрузка «Граждане», XLSX")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert problems.unexpected() == []
