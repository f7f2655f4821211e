"""The outbox's pages and the consent's channel part on the person's pages and API: the
refusal shown with its reason, the list's queries bounded, labelled stacked cells, bad
input refused in Russian with nothing changed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from berezhno.core.context import acting_as
from berezhno.notifications import services
from berezhno.notifications.choices import Status
from berezhno.notifications.models import Message
from berezhno.people.models import Consent

from .conftest import set_channels

pytestmark = pytest.mark.django_db


def _queue(user, person, channel="sms"):
    with acting_as("test"):
        return services.message_queue(user=user, kind="notice", channel=channel, person=person,
                                      context={"subject": "Приглашение", "text": "Ждём вас"})


def test_refusal_reason_on_the_card_and_the_list(client, world):
    spec = world.user("specialist")
    message = _queue(spec, world.p1)
    client.force_login(spec)
    card = client.get(reverse("notifications:message", args=[message.pk])).content.decode()
    assert "не давал согласия на связь по каналу «SMS»" in card
    listing = client.get(reverse("notifications:outbox"), {"status": "refused"})
    html = listing.content.decode()
    assert listing.status_code == 200 and "отказано: нет согласия" in html
    for table in re.findall(r'<table class="stack">(.*?)</table>', html, re.S):
        body = table.split("<tbody>", 1)[-1]
        assert all("data-label=" in td for td in re.findall(r"<td[^>]*>", body))


def test_outbox_list_queries_do_not_grow(client, world):
    spec = world.user("specialist")
    set_channels(spec, world.p1, by_sms=True, contact_phone="+79130000001")
    client.force_login(spec)
    _queue(spec, world.p1)
    client.get(reverse("notifications:outbox"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("notifications:outbox"))
    for _i in range(5):
        _queue(spec, world.p1)
    with CaptureQueriesContext(connection) as six:
        assert client.get(reverse("notifications:outbox")).status_code == 200
    assert len(six) == len(one)


def test_bad_filter_is_a_russian_400(client, world):
    client.force_login(world.user("specialist"))
    response = client.get(reverse("notifications:outbox"), {"status": "nonsense"})
    assert response.status_code == 400
    assert "Проверьте условия отбора" in response.content.decode()


def test_channels_form_refuses_a_missing_address_and_changes_nothing(client, world):
    spec = world.user("specialist")
    consent = Consent.objects.get(person=world.p1, purpose="social_service", is_active=True)
    client.force_login(spec)
    url = reverse("people:consent_channels", args=[world.p1.pk, consent.pk])
    response = client.post(url, {"version": consent.version, "by_sms": "on",
                                 "by_email": "on", "contact_email": "не почта"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Укажите телефон" in html and "Проверьте адрес электронной почты" in html
    consent.refresh_from_db()
    assert not consent.by_sms and not consent.by_email
    response = client.post(url, {"version": consent.version, "by_sms": "on",
                                 "contact_phone": "8 913 000 00 01"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.by_sms and consent.contact_phone == "+79130000001"
    card = client.get(reverse("people:person", args=[world.p1.pk])).content.decode()
    assert 'SMS <a class="tap" href="tel:+79130000001">+79130000001</a>' in card


def test_consent_recorded_with_channels_through_the_api(client, world):
    from berezhno.people import services as people

    spec = world.user("specialist")
    old = Consent.objects.get(person=world.p1, purpose="social_service", is_active=True)
    with acting_as("test"):
        people.consent_withdraw(user=spec, consent=old, date=None, reason="Новое согласие")
    client.force_login(spec)
    body = {"person": world.p1.pk, "purpose": "social_service",
            "subject_address": "г. Называевск, ул. Мира, 1", "subject_document": "паспорт",
            "data_list": "ФИО, телефон", "by_messenger": True}
    response = client.post("/api/v1/consents/", body, content_type="application/json")
    assert response.status_code == 400
    assert "contact_messenger" in response.json()["fields"]
    response = client.post("/api/v1/consents/", {**body, "contact_messenger": "5550001"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["by_messenger"] is True
    message = _queue(spec, world.p1, channel="messenger")
    assert message.status == Status.QUEUED and message.address == "5550001"


def test_retry_with_a_stale_version_is_a_conflict(client, world):
    spec = world.user("specialist")
    set_channels(spec, world.p1, by_sms=True, contact_phone="+79130000001")
    message = _queue(spec, world.p1)
    client.force_login(spec)
    response = client.post(f"/api/v1/messages/{message.pk}/cancel/",
                           {"version": message.version + 5}, content_type="application/json")
    assert response.status_code == 409
    assert Message.objects.get(pk=message.pk).status == Status.QUEUED


def test_the_message_card_links_the_phone_and_the_mail(client, world):
    spec = world.user("specialist")
    set_channels(spec, world.p1, by_call=True, contact_phone="8 913 765-43-21", by_email=True,
                 contact_email="semenova@example.org")
    call, mail = _queue(spec, world.p1, "call"), _queue(spec, world.p1, "email")
    client.force_login(spec)
    card = client.get(reverse("notifications:message", args=[call.pk])).content.decode()
    assert 'href="tel:+79137654321"' in card
    card = client.get(reverse("notifications:message", args=[mail.pk])).content.decode()
    assert 'href="mailto:semenova@example.org"' in card
