"""The outbox against a real fake gateway on 127.0.0.1: consent per channel, sending,
failure then recovery with back-off, delivery reports by callback and by polling, the
staff's e-mail reminders, retry, cancel, the call list (decision 0025)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from berezhno.core.context import acting_as
from berezhno.core.models import DomainEvent, Reminder
from berezhno.notifications import services
from berezhno.notifications.choices import Status
from berezhno.notifications.models import Message

from .conftest import SECRET, set_channels

pytestmark = pytest.mark.django_db


def queue(user, person, channel="sms", **kw):
    with acting_as("test"):
        return services.message_queue(user=user, kind="notice", channel=channel, person=person,
                                      context={"subject": "Приглашение", "text": "Ждём вас"},
                                      **kw)


def test_refused_without_channel_consent(world, gateway):
    spec = world.user("specialist")
    message = queue(spec, world.p1)  # the consent agrees to no channel (the default)
    assert message.status == Status.REFUSED
    assert "SMS" in message.refusal_reason
    assert DomainEvent.objects.filter(event_type="notification.refused",
                                      object_id=message.pk).exists()
    assert services.send_due() == {}
    assert gateway.requests == []


def test_refused_without_any_consent(world, gateway):
    from berezhno.people import services as people
    from berezhno.people.models import Consent

    spec = world.user("specialist")
    consent = set_channels(spec, world.p1, by_sms=True, contact_phone="+79130000001")
    with acting_as("test"):
        people.consent_withdraw(user=spec, consent=Consent.objects.get(pk=consent.pk),
                                date=None, reason="Заявление")
    message = queue(spec, world.p1)
    assert message.status == Status.REFUSED
    assert "нет действующего согласия" in message.refusal_reason


def test_out_of_scope_person_is_refused(world, gateway):
    from berezhno.core.errors import DomainError

    with pytest.raises(DomainError):
        queue(world.user("specialist_far"), world.p1)
    assert not Message.objects.exists()


def test_sms_sent_then_delivery_report(world, gateway, client):
    spec = world.user("specialist")
    set_channels(spec, world.p1, by_sms=True, contact_phone="+7 913 000-00-01")
    message = queue(spec, world.p1)
    assert (message.status, message.address) == (Status.QUEUED, "+79130000001")
    assert services.send_due() == {"sent": 1}
    message.refresh_from_db()
    assert message.status == Status.SENT and message.external_id == "gw-1"
    sent = gateway.requests[0]
    assert sent["auth"] == "Bearer sms-key"
    assert sent["body"]["to"] == "+79130000001" and "Ждём вас" in sent["body"]["text"]
    url = reverse("api-notify-delivery")
    report = {"gateway": "sms", "id": "gw-1", "status": "delivered"}
    assert client.post(url, report, content_type="application/json").status_code == 401
    assert client.post(url, report, content_type="application/json",
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    message.refresh_from_db()
    assert message.status == Status.SENT
    response = client.post(url, report, content_type="application/json",
                           headers={"Authorization": f"Bearer {SECRET}"})
    assert response.status_code == 200, response.content
    message.refresh_from_db()
    assert message.status == Status.DELIVERED and message.delivered_at
    unknown = client.post(url, {**report, "id": "gw-404"}, content_type="application/json",
                          headers={"Authorization": f"Bearer {SECRET}"})
    assert unknown.status_code == 404
    assert unknown.json()["detail"]


def test_failure_then_recovery_with_backoff(world, gateway):
    spec = world.user("specialist")
    set_channels(spec, world.p1, by_sms=True, contact_phone="+79130000001")
    message = queue(spec, world.p1)
    gateway.up = False
    now = timezone.now()
    assert services.send_due(now=now) == {"queued": 1}
    message.refresh_from_db()
    assert message.status == Status.QUEUED and message.attempts == 1
    assert "503" in message.last_error
    assert message.next_attempt_at == now + datetime.timedelta(seconds=60)
    # Not due before its next attempt; then a second failure doubles the wait.
    assert services.send_due(now=now + datetime.timedelta(seconds=30)) == {}
    later = now + datetime.timedelta(seconds=61)
    assert services.send_due(now=later) == {"queued": 1}
    message.refresh_from_db()
    assert message.next_attempt_at == later + datetime.timedelta(seconds=120)
    gateway.up = True
    assert services.send_due(now=later + datetime.timedelta(seconds=121)) == {"sent": 1}
    message.refresh_from_db()
    assert message.status == Status.SENT and message.last_error == ""
    assert message.attempts == 3


def test_gateway_down_keeps_message_until_max_attempts(world, gateway, settings):
    spec = world.user("specialist")
    set_channels(spec, world.p1, by_sms=True, contact_phone="+79130000001")
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "GATEWAYS": {
        "sms": {"BACKEND": "berezhno.notifications.gateways.HttpSmsGateway",
                "URL": "http://127.0.0.1:9", "KEY": "k"}}}  # nothing listens on port 9
    message = queue(spec, world.p1)
    now = timezone.now()
    for step in range(3):
        services.send_due(now=now + datetime.timedelta(hours=step * 2))
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == 3
    assert message.last_error
    assert DomainEvent.objects.filter(event_type="notification.failed",
                                      object_id=message.pk).exists()


def test_polling_updates_status(world, gateway):
    spec = world.user("specialist")
    set_channels(spec, world.p1, by_sms=True, contact_phone="+79130000001")
    message = queue(spec, world.p1)
    services.send_due()
    gateway.statuses["gw-1"] = "failed"
    assert services.poll_sent(now=timezone.now() + datetime.timedelta(minutes=5)) == 1
    message.refresh_from_db()
    assert message.status == Status.FAILED


def test_messenger_bot(world, gateway):
    spec = world.user("specialist")
    set_channels(spec, world.p1, by_messenger=True, contact_messenger="123456")
    message = queue(spec, world.p1, channel="messenger")
    assert services.send_due() == {"delivered": 1}
    message.refresh_from_db()
    assert message.external_id == "77"
    assert gateway.requests[0]["body"]["chat_id"] == "123456"


def test_email_to_person_and_staff_reminder(world, gateway):
    spec = world.user("specialist")
    set_channels(spec, world.p1, by_email=True, contact_email="ivanova@example.org")
    queue(spec, world.p1, channel="email")
    spec.email = "spec1@example.org"
    spec.save()
    Reminder.objects.create(key="cases:case:1:decision", user=spec, due_on=datetime.date(
        2026, 1, 10), title="Просрочено решение о нуждаемости: случай № 1", link="/cases/1/")
    assert services.remind_by_email(prefix="cases:") == 1
    assert services.remind_by_email(prefix="cases:") == 0  # once per reminder and date
    assert services.send_due() == {"sent": 2}
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["ivanova@example.org", "spec1@example.org"]
    reminder = next(m for m in mail.outbox if m.to == ["spec1@example.org"])
    assert "Просрочено решение" in reminder.subject
    assert "10.01.2026" in reminder.body and "/cases/1/" in reminder.body


def test_staff_without_email_is_refused(world, gateway):
    spec = world.user("specialist")
    spec.email = ""
    spec.save()
    Reminder.objects.create(key="rights:request:1", user=spec, due_on=datetime.date(2026, 1, 10),
                            title="Срок обращения")
    services.remind_by_email(prefix="rights:")
    message = Message.objects.get()
    assert message.status == Status.REFUSED and "электронной почты" in message.refusal_reason


def test_retry_refused_after_consent_and_cancel(world, gateway):
    spec = world.user("specialist")
    message = queue(spec, world.p1)
    from berezhno.core.errors import DomainError

    with acting_as("test"), pytest.raises(DomainError):
        services.message_retry(user=spec, message=message, expected_version=message.version)
    set_channels(spec, world.p1, by_sms=True, contact_phone="+79130000001")
    with acting_as("test"):
        message = services.message_retry(user=spec, message=message,
                                          expected_version=message.version)
        assert message.status == Status.QUEUED
        message = services.message_cancel(user=spec, message=message,
                                          expected_version=message.version)
    assert message.status == Status.CANCELLED
    assert services.send_due() == {}


def test_call_list_marked_done(world, gateway):
    spec = world.user("specialist")
    set_channels(spec, world.p1, by_call=True, contact_phone="+79130000001")
    message = queue(spec, world.p1, channel="call")
    assert message.next_attempt_at is None  # a worker calls, no gateway
    assert services.send_due() == {}
    with acting_as("test"):
        done = services.message_mark_done(user=spec, message=message,
                                          expected_version=message.version, reached=True)
    assert done.status == Status.DELIVERED and done.done_by == spec


def test_queueing_wakes_the_worker(world, gateway, django_capture_on_commit_callbacks):
    """settings/test.py runs tasks immediately: the drain enqueued after the commit sends."""
    spec = world.user("specialist")
    set_channels(spec, world.p1, by_sms=True, contact_phone="+79130000001")
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(spec, world.p1)
    message.refresh_from_db()
    assert message.status == Status.SENT
