"""The administration in Russian: list and form titles without Django's broken case
(«Выберите организация для изменения»), counts without «14 пользователи», the libraries'
apps and models by Russian names."""

import re

import pytest
from django.urls import reverse


def _title(html: str) -> tuple[str, str]:
    title = re.search(r"<title>([^<]+)</title>", html).group(1).strip()
    heading = re.search(r"<h1>([^<]+)</h1>", html).group(1).strip()
    return title, heading


@pytest.mark.django_db
def test_titles_and_counts(client, world):
    client.force_login(world.user("root"))
    listing = client.get(reverse("admin:accounts_organisation_changelist")).content.decode()
    assert _title(listing) == ("Организации | Бережно", "Организации")
    assert "Выберите" not in listing
    assert re.search(r"Всего записей: \d+", listing)
    change = client.get(reverse("admin:accounts_organisation_change",
                                args=[world.provider.pk])).content.decode()
    assert _title(change)[1] == "Организация: изменение"
    add = client.get(reverse("admin:accounts_organisation_add")).content.decode()
    assert _title(add)[1] == "Организация: добавление"
    users = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert " пользователи\n" not in users and "Всего записей:" in users


@pytest.mark.django_db
def test_the_libraries_apps_by_russian_names(client, world):
    client.force_login(world.user("root"))
    index = client.get(reverse("admin:index")).content.decode()
    for english in ("Axes", "Tasks Database Backend", "Task Results"):
        assert f">{english}<" not in index
    assert "Фоновые задачи" in index and "Результаты фоновых задач" in index
    assert "Защита входа" in index
    tasks = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assert _title(tasks.content.decode())[1] == "Результаты фоновых задач"
