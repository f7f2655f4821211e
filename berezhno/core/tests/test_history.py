"""Audit rows as people read them (berezhno/core/history.py): the journal and the person's
timeline show Russian kinds, field labels and value labels, related records by their text
within the reader's scope, and never a column name or an internal id."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from berezhno.core import history
from berezhno.core.models import AccessLog, ObjectChange
from berezhno.people.models import Contact


def _contact_change(world, *, before, after, action="update"):
    contact = Contact.objects.create(person=world.p1, occurred_at=timezone.now(),
                                     author=world.user("specialist"), channel="visit",
                                     purpose="monitoring")
    return ObjectChange.objects.create(
        actor=world.user("specialist"), action=action,
        content_type=ContentType.objects.get_for_model(Contact), object_id=contact.pk,
        object_repr=str(contact), person_id=world.p1.pk, before=before, after=after)


@pytest.mark.django_db
def test_fields_values_and_related_records_in_russian_within_scope(world):
    change = _contact_change(
        world,
        before={"channel": "visit", "next_contact_date": "2026-11-02", "person_id": world.p1.pk,
                "version": 1},
        after={"channel": "call", "next_contact_date": "2026-12-01", "person_id": world.p3.pk,
               "version": 2})
    [shown] = history.present(world.user("head"), [change])
    assert shown.kind_label == "Контакт"
    fields = {f.label: (f.before, f.after) for f in shown.fields}
    assert "Версия" not in fields and "version" not in str(fields)  # bookkeeping left out
    assert fields["Форма"] == ("посещение на дому (патронаж)", "телефонный звонок")
    assert fields["Дата следующего контакта"] == ("02.11.2026", "01.12.2026")
    # The head of Называевский район sees its resident, not Тарский район's one.
    assert fields["Гражданин"] == (str(world.p1), "недоступно")
    assert str(world.p3.pk) not in fields["Гражданин"][1]
    # The related person's name shown is a logged read.
    assert AccessLog.objects.filter(user=world.user("head"), person_id=world.p1.pk,
                                    kind="view_list").exists()
    assert not AccessLog.objects.filter(person_id=world.p3.pk).exists()


@pytest.mark.django_db
def test_a_new_record_lists_what_it_was_created_with(world):
    change = _contact_change(world, before=None, action="create",
                             after={"channel": "call", "notes": "", "outcome": "Договорились"})
    [shown] = history.present(world.user("head"), [change])
    assert [f.label for f in shown.fields] == ["Форма", "Результат"]  # model order, no blanks


@pytest.mark.django_db
def test_the_journal_page_speaks_russian(client, world):
    _contact_change(world, before={"channel": "visit", "person_id": world.p1.pk},
                    after={"channel": "call", "person_id": world.p1.pk})
    client.force_login(world.user("specialist"))
    client.get(reverse("people:person", args=[world.p1.pk]))
    client.force_login(world.user("head"))
    changes = client.get(reverse("core:audit"), {"view": "changes"}).content.decode()
    assert "Контакт:" in changes and "Форма:" in changes
    for raw in ("channel", "person_id", "→ call"):
        assert raw not in changes
    reads = client.get(reverse("core:audit")).content.decode()
    assert "Семёнова Алёна Петровна" in reads or str(world.p1) in reads
    assert f"person:{world.p1.pk}" not in reads and f"№ {world.p1.pk}<" not in reads
    assert "Гражданин" in reads and world.p1.get_absolute_url() in reads


@pytest.mark.django_db
def test_the_timeline_shows_field_labels(client, world):
    from berezhno.people import services as people

    client.force_login(world.user("specialist"))
    person = world.p1
    people.person_update(user=world.user("specialist"), person=person,
                         expected_version=person.version, sex="m")
    page = client.get(reverse("people:timeline", args=[person.pk])).content.decode()
    assert "Пол:" in page and "sex" not in page.replace("essex", "")
