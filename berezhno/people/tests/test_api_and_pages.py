import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from berezhno.core.context import acting_as
from berezhno.core.models import AccessLog
from berezhno.people import services
from berezhno.people.models import Person
from berezhno.testing.fixtures import CONSENT


def make_people(world, n):
    spec = world.user("specialist")
    for i in range(n):
        services.person_register(user=spec, confirm_not_duplicate=True, consent=dict(CONSENT),
                                 surname=f"Иванова{i:03d}", name="Анна", sex="f",
                                 territory=world.d1, birth_date=datetime.date(1960, 1, 1))


@pytest.mark.django_db
def test_api_register_validation_conflict(client, world):
    client.force_login(world.user("specialist"))
    url = reverse("person-list")
    r = client.post(url, {"surname": "Петров", "name": "Олег", "territory": world.d1.pk,
                          "snils": "111"}, content_type="application/json")
    assert r.status_code == 400
    assert "11 цифр" in r.json()["fields"]["snils"][0]
    r = client.post(url, {"surname": "Петров", "name": "Олег", "territory": world.d1.pk,
                          "birth_date": "1970-05-05"}, content_type="application/json")
    assert r.status_code == 201, r.content
    pk, version = r.json()["id"], r.json()["version"]
    r = client.post(url, {"surname": "Петров", "name": "Олег", "territory": world.d1.pk,
                          "birth_date": "1970-05-05"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "duplicate"
    assert r.json()["details"]["candidates"][0]["id"] == pk
    detail = reverse("person-detail", args=[pk])
    r = client.patch(detail, {"patronymic": "Ильич", "version": version},
                     content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == version + 1
    r = client.patch(detail, {"patronymic": "Петрович", "version": version},
                     content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    assert Person.objects.get(pk=pk).patronymic == "Ильич"
    r = client.patch(detail, {"phone": "+79130001122", "version": version + 1},
                     content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "no_consent"
    timeline = client.get(reverse("person-timeline", args=[pk])).json()
    assert [e["event_type"] for e in timeline] == ["person.changed", "person.registered"]
    assert timeline[0]["changes"] == [{"field": "patronymic", "before": "", "after": "Ильич"}]


@pytest.mark.django_db
def test_api_search_by_fragment_snils_phone(client, world):
    client.force_login(world.user("head"))
    url = reverse("person-search")
    for q in ("семенова", "СЕМЁН", "алена петр", "112-233-445 95", "11223344595",
              "+7 913 123 45 67", "89131234567"):
        found = client.post(url, {"q": q}, content_type="application/json").json()
        assert [r["id"] for r in found["results"]] == [world.p1.pk], q
    assert client.post(url, {"q": "нет-такого"},
                       content_type="application/json").json()["results"] == []


@pytest.mark.django_db
def test_constant_queries_whatever_the_page_size(client, world):
    make_people(world, 60)  # two full pages of the list (50 a page)
    client.force_login(world.user("specialist"))
    counts = []
    for size in (5, 30):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(reverse("person-list"), {"page_size": size})
        assert len(r.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    ui = []
    for page in (1, 2):
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(reverse("people:list"), {"page": page})
        assert r.status_code == 200
        ui.append(len(ctx.captured_queries))
    assert ui[0] == ui[1]


@pytest.mark.django_db
def test_card_constant_queries(client, world):
    spec = world.user("specialist")
    client.force_login(spec)
    url = reverse("people:person", args=[world.p1.pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        services.contact_log(user=spec, person=world.p1, channel="call", purpose="information")
    with CaptureQueriesContext(connection) as many:
        r = client.get(url)
    assert r.status_code == 200 and "Последние контакты" in r.content.decode()
    assert len(few.captured_queries) == len(many.captured_queries)


@pytest.mark.django_db
def test_public_directory(client, world):
    r = client.get(reverse("territories:directory"), {"q": "ленина"})
    body = r.content.decode()
    assert r.status_code == 200 and "Белова" in body and "Пн, ср 9:00–13:00" in body
    r = client.get(reverse("territories:directory"), {"settlement": world.village.pk})
    assert "Участок 1" in r.content.decode()
    api = client.get(reverse("api-directory"), {"q": "кисляки"}).json()
    assert api[0]["districts"][0]["specialist"].startswith("Белова")
    assert client.get(reverse("api-directory"), {"settlement": "x"}).status_code == 400
    # A NUL character in a query is refused with a message, in the API and the pages.
    r = client.get(reverse("api-directory"), {"q": "лен\x00ина"})
    assert r.status_code == 400 and "недопустимый символ" in r.json()["detail"]
    r = client.get(reverse("territories:directory"), {"q": "лен\x00ина"})
    assert r.status_code == 400 and "недопустимый символ" in r.content.decode()


@pytest.mark.django_db
def test_ui_register_log_contact_and_timeline(client, world):
    client.force_login(world.user("specialist"))
    r = client.post(reverse("people:create"), {
        "surname": "Орлов", "name": "Степан", "sex": "m", "birth_date": "1955-02-03",
        "territory": world.d1.pk, "phone": "+79135550011", "with_consent": "1",
        "consent-purpose": "social_service", "consent-valid_from": "2026-01-10",
        "consent-subject_address": "г. Называевск", "consent-subject_document": "паспорт",
        "consent-data_list": "ФИО, телефон"})
    assert r.status_code == 302, r.content.decode()[:3000]
    person = Person.objects.get(surname="Орлов")
    assert person.phone == "+79135550011"
    r = client.post(reverse("people:contact_add", args=[person.pk]), {
        "occurred_at": "2026-01-11T10:30", "channel": "visit", "purpose": "patronage",
        "notes": "Проверены условия", "next_contact_date": "2026-02-11"})
    assert r.status_code == 302
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert "Проверены условия" in page and "Контакт" in page and "55+" in page
    r = client.post(reverse("people:create"), {"surname": "", "name": "", "territory": ""})
    assert r.status_code == 400 and "Укажите фамилию или имя" in r.content.decode()


@pytest.mark.django_db
def test_consent_pdf_and_audit_page(client, world):
    client.force_login(world.user("specialist"))
    consent = world.p1.consents.get()
    r = client.get(reverse("people:consent_pdf", args=[world.p1.pk, consent.pk]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = PdfReader(BytesIO(r.content)).pages[0].extract_text()
    assert "СОГЛАСИЕ" in text and "Семёнова" in text
    client.get(reverse("people:person", args=[world.p1.pk]))
    client.force_login(world.user("head"))
    page = client.get(reverse("core:audit"), {"person": world.p1.pk}).content.decode()
    assert "просмотр карточки" in page and "печать" in page
    changes = client.get(reverse("core:audit"), {"view": "changes"}).content.decode()
    assert "Семёнова" in changes
    client.force_login(world.user("specialist"))
    assert client.get(reverse("core:audit")).status_code == 404
    assert AccessLog.objects.filter(kind="print").count() == 1


@pytest.mark.django_db
def test_schema_and_docs(client, world):
    client.force_login(world.user("head"))
    assert client.get(reverse("api-schema")).status_code == 200
    r = client.get(reverse("api-docs"))
    assert r.status_code == 200
    assert "<script>" not in r.content.decode().replace(" ", "")


@pytest.mark.django_db
def test_security_headers_and_login_throttle(client, world):
    r = client.get(reverse("accounts:login"))
    assert "script-src 'self'" in r["Content-Security-Policy"]
    assert "Вход" in r.content.decode()
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "spec1", "password": "wrong"})
    r = client.post(reverse("accounts:login"), {"username": "spec1",
                                                "password": "test-password-123"})
    assert "заблокирован" in r.content.decode()


@pytest.mark.django_db
def test_consent_pdf_declines_the_subject_and_the_representative(client, world):
    from io import BytesIO

    from pypdf import PdfReader

    spec = world.user("specialist")
    with acting_as("test"):
        consent = services.consent_record(user=spec, person=world.p1, **{
            **CONSENT, "purpose": "special_category",
            "representative_name": "Семёнов Игорь Павлович",
            "representative_document": "доверенность № 5"})
    client.force_login(spec)
    r = client.get(reverse("people:consent_pdf", args=[world.p1.pk, consent.pk]))
    text = " ".join(PdfReader(BytesIO(r.content)).pages[0].extract_text().split())
    assert "Я, Семёнова Алёна Петровна" in text  # the subject speaks in the nominative
    assert "в лице представителя Семёнова Игоря Павловича" in text
    assert "Согласие получено от Семёновой Алёны Петровны." in text
