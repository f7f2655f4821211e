"""The answer to an access request as a PDF (everything held and who read it; printing is
logged) and the destruction procedure with its act."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from berezhno.core.context import acting_as
from berezhno.core.errors import TransitionError
from berezhno.core.models import AccessKind, AccessLog, DomainEvent, ObjectChange
from berezhno.people import services as people
from berezhno.people.models import Contact, Person, PersonCategory, PersonDocument
from berezhno.rights import services
from berezhno.rights.models import DestructionAct
from berezhno.testing.factories import CONSENT
from berezhno.testing.matrix import pdf_upload

from .conftest import register

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_answer_holds_the_record_the_contacts_and_who_read_them(client, world, spec, head):
    with acting_as("test"):
        people.contact_log(user=spec, person=world.p1, channel="visit", purpose="patronage",
                           notes="Проверены условия проживания")
        people.category_add(user=spec, person=world.p1, category="low_income",
                            start_date=datetime.date(2025, 1, 10))
    item = register(spec, world.p1)
    client.force_login(spec)
    client.get(reverse("people:person", args=[world.p1.pk]))  # Белова reads the card
    client.force_login(head)
    before = AccessLog.objects.count()
    r = client.get(reverse("rights:answer_pdf", args=[item.pk]))
    text = " ".join(_text(r).split())
    assert "Семёнова" in text and ("112-233-445 95" in text or "11223344595" in text)
    assert "Проверены условия проживания" in text  # contacts, through the scope registry
    assert "Малоимущ" in text or "малоимущ" in text  # categories
    assert "Белова" in text and "просмотр карточки" in text  # who read it, how
    printed = AccessLog.objects.filter(pk__gt=0).order_by("pk")[before:]
    assert {(row.user_id, row.kind) for row in printed if row.person_id == world.p1.pk} >= {
        (head.pk, AccessKind.PRINT)}


def test_only_the_head_prints_the_answer_and_only_for_access_requests(client, world, spec, head):
    item = register(spec, world.p1)
    client.force_login(spec)
    assert client.get(reverse("rights:answer_pdf", args=[item.pk])).status_code == 404
    other = register(spec, world.p1, kind="correction", subject="Адрес")
    client.force_login(head)
    assert client.get(reverse("rights:answer_pdf", args=[other.pk])).status_code == 404
    assert not AccessLog.objects.filter(user=head, kind=AccessKind.PRINT).exists()


@pytest.fixture
def leaving(world, spec):
    """A person who withdrew consent, with a contact, a category and a document."""
    with acting_as("test"):
        person = people.person_register(
            user=spec, surname="Лебедева", name="Анна", patronymic="Сергеевна",
            territory=world.d1, phone="8 913 555-12-34", birth_date=datetime.date(1990, 2, 2),
            consent=dict(CONSENT),
            confirm_not_duplicate=True)
        people.contact_log(user=spec, person=person, channel="call", purpose="information",
                           notes="Просила удалить данные")
        people.category_add(user=spec, person=person, category="low_income",
                            start_date=datetime.date(2025, 1, 10))
        people.document_attach(user=spec, person=person, upload=pdf_upload(),
                               doc_type="application", title="Заявление Лебедевой")
    return person


def test_destruction_follows_the_procedure_and_leaves_an_act(client, world, spec, head, leaving,
                                                             django_capture_on_commit_callbacks):
    item = register(spec, leaving, kind="destruction",
                    purpose_ended_on=datetime.date(2025, 12, 20))
    document = PersonDocument.objects.get(person=leaving)
    stored = document.file.name
    storage = document.file.storage
    assert storage.exists(stored)
    with pytest.raises(TransitionError), acting_as("test"):
        services.request_close(user=head, request=item, expected_version=item.version,
                               status="done", answer="уничтожено")
    client.force_login(head)
    r = client.post(reverse("rights:destroy", args=[item.pk]),
                    {"version": item.version, "basis": "Отзыв согласия от 20.12.2025"})
    assert r.status_code == 400  # the confirmation box not ticked
    assert Contact.objects.filter(person=leaving).exists()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("rights:destroy", args=[item.pk]),
                        {"version": item.version, "basis": "Отзыв согласия от 20.12.2025",
                         "confirm": "on"})
    assert r.status_code == 302
    person = Person.objects.get(pk=leaving.pk)
    assert (person.surname, person.name, person.phone, person.birth_date) == (
        "Обезличено", "", "", None)
    assert person.estimated_birth_year == 1990 and person.territory_id == world.d1.pk
    assert not Contact.objects.filter(person=person).exists()
    assert not PersonCategory.objects.filter(person=person).exists()
    assert not PersonDocument.objects.filter(person=person).exists()
    assert not storage.exists(stored)
    assert person.consents.count() == 1  # kept: proof of lawful processing
    # The audit rows are kept, their personal values masked.
    changes = ObjectChange.objects.filter(person_id=person.pk)
    assert changes.exists()
    dumped = " ".join(str(c.before) + str(c.after) + c.object_repr for c in changes)
    assert "Лебедева" not in dumped and "Просила удалить" not in dumped
    assert "913" not in dumped
    assert not DomainEvent.objects.filter(person_id=person.pk,
                                          summary__contains="Лебедев").exists()
    act = DestructionAct.objects.get(request=item)
    item.refresh_from_db()
    assert item.status == "done" and item.closed_by == head and act.number in item.answer
    destroyed = {line["what"]: line["count"] for line in act.destroyed}
    assert destroyed[str(Contact._meta.verbose_name_plural)] == 1
    assert destroyed[str(PersonDocument._meta.verbose_name_plural)] == 1
    assert any(line["what"] == str(Person._meta.verbose_name) for line in act.anonymised)
    r = client.get(reverse("rights:act_pdf", args=[item.pk]))
    text = " ".join(_text(r).split())
    assert act.number in text and "Отзыв согласия от 20.12.2025" in text
    assert "Председатель комиссии" in text and "Лебедева" not in text
    assert AccessLog.objects.filter(user=head, kind=AccessKind.PRINT,
                                    person_id=person.pk).exists()


def test_destruction_needs_a_basis_and_a_destruction_request(world, spec, head, leaving):
    item = register(spec, leaving, kind="destruction")
    with pytest.raises(ValidationError), acting_as("test"):
        services.request_destroy(user=head, request=item, expected_version=item.version,
                                 basis=" ")
    access_request = register(spec, leaving)
    with pytest.raises(TransitionError), acting_as("test"):
        services.request_destroy(user=head, request=access_request,
                                 expected_version=access_request.version, basis="отзыв")
    assert Person.objects.get(pk=leaving.pk).surname == "Лебедева"
    assert Contact.objects.filter(person=leaving).exists()
