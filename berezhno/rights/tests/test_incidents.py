"""Incidents: the notice deadlines from the detection time, and the report of whose data a
user read in a period — in the head's scope only, itself logged, exportable and logged."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from berezhno.core.context import acting_as
from berezhno.core.models import AccessKind, AccessLog
from berezhno.core.workdays import local_today
from berezhno.rights import reminders, services
from berezhno.rights.models import Incident

pytestmark = pytest.mark.django_db


def _query(user):
    today = local_today(user.role_assignments.first().territory)  # the reader's date
    return {"user": user.pk, "date_from": (today - datetime.timedelta(days=1)).isoformat(),
            "date_to": today.isoformat()}


@pytest.fixture
def spec_read_p1(client, world, spec):
    client.force_login(spec)
    client.get(reverse("people:person", args=[world.p1.pk]))
    client.get(reverse("people:person", args=[world.p1.pk]))
    client.logout()
    return spec


def test_the_head_lists_whose_data_the_user_read(client, world, head, spec_read_p1):
    client.force_login(head)
    before = AccessLog.objects.filter(user=head).count()
    r = client.get(reverse("rights:report"), _query(spec_read_p1))
    body = r.content.decode()
    assert r.status_code == 200 and "Семёнова Алёна Петровна" in body
    assert "просмотр карточки" in body
    # The head's read of the log is itself a row of the log, for the people shown.
    rows = AccessLog.objects.filter(user=head, person_id=world.p1.pk, kind=AccessKind.VIEW_LIST,
                                    detail="incident_report")
    assert rows.count() == 1 and AccessLog.objects.filter(user=head).count() > before


def test_a_head_of_another_territory_cannot_see_it(client, world, other_head, spec_read_p1):
    client.force_login(other_head)
    r = client.get(reverse("rights:report"), _query(spec_read_p1))
    body = r.content.decode()
    assert r.status_code == 400 and "Семёнова" not in body
    r = client.post(reverse("core:export", args=["incident_report", "csv"]),
                    _query(spec_read_p1))
    assert r.status_code == 302 and "Семёнова" not in r.content.decode()
    assert not AccessLog.objects.filter(user=other_head, person_id=world.p1.pk).exists()


def test_a_specialist_has_no_report(client, world, spec, spec_read_p1):
    client.force_login(spec)
    assert client.get(reverse("rights:report"), _query(spec)).status_code == 404
    r = client.post(reverse("core:export", args=["incident_report", "csv"]), _query(spec))
    assert r.status_code == 404


def test_the_export_holds_the_rows_and_is_logged(client, world, head, spec_read_p1):
    client.force_login(head)
    r = client.post(reverse("core:export", args=["incident_report", "csv"]),
                    _query(spec_read_p1))
    text = r.content.decode("utf-8-sig")
    assert r.status_code == 200 and "Семёнова Алёна Петровна" in text
    assert "просмотр карточки;2" in text.replace('"', "")
    assert AccessLog.objects.filter(user=head, person_id=world.p1.pk, kind=AccessKind.EXPORT,
                                    detail="incident_report.csv").exists()
    r = client.post(reverse("core:export", args=["incident_report", "xlsx"]),
                    _query(spec_read_p1))
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_notice_deadlines_from_the_detection_time(client, world, head, spec):
    detected = timezone.now() - datetime.timedelta(hours=30)
    with acting_as("test"):
        incident = services.incident_open(
            user=head, territory=world.mun, detected_at=detected,
            description="Выгрузка списка граждан отправлена на личную почту", suspect=spec,
            period_from=local_today(world.mun) - datetime.timedelta(days=7),
            period_to=local_today(world.mun))
    assert incident.notice_due == detected + datetime.timedelta(hours=24)
    assert incident.result_due == detected + datetime.timedelta(hours=72)
    now = timezone.now()
    assert incident.notice_overdue(now) and not incident.result_overdue(now)
    client.force_login(head)
    body = client.get(reverse("rights:incident", args=[incident.pk])).content.decode()
    assert "просрочено" in body and f"user={spec.pk}" in body
    reminders.sync()
    keys = set(world.user("head").reminders.filter(closed_at__isnull=True)
               .values_list("key", flat=True))
    assert keys == {f"rights:incident:{incident.pk}:notice",
                    f"rights:incident:{incident.pk}:result"}
    sent = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    r = client.post(reverse("rights:incident", args=[incident.pk]), {
        "version": incident.version, "notice_sent_at": sent, "status": "open"})
    assert r.status_code == 302
    incident.refresh_from_db()
    assert incident.notice_sent_at is not None and not incident.notice_overdue(now)
    reminders.sync()
    assert set(head.reminders.filter(closed_at__isnull=True).values_list("key", flat=True)) == {
        f"rights:incident:{incident.pk}:result"}


def test_an_incident_out_of_scope_is_not_found_and_bad_input_is_refused(client, world, head,
                                                                         other_head):
    client.force_login(head)
    r = client.post(reverse("rights:incident_create"), {
        "territory": world.mun2.pk, "detected_at": "2026-01-10T10:00", "description": "x"})
    assert r.status_code == 400 and not Incident.objects.exists()
    r = client.post(reverse("rights:incident_create"), {
        "territory": world.mun.pk, "detected_at": "2999-01-10T10:00", "description": "x"})
    assert r.status_code == 400 and "будущем" in r.content.decode()
    r = client.post(reverse("rights:incident_create"), {
        "territory": world.mun.pk, "detected_at": "2026-01-10T10:00",
        "description": "Потерян ноутбук"})
    assert r.status_code == 302
    incident = Incident.objects.get()
    client.force_login(other_head)
    assert client.get(reverse("rights:incident", args=[incident.pk])).status_code == 404
    assert "Потерян" not in client.get(reverse("rights:incidents")).content.decode()


def test_the_period_is_in_the_readers_time_zone(client, world, head, spec):
    """The report's days are those of the head's territory, not the server's: a read at
    02:00 on 1 December where the head works (UTC+14) is 30 November in Moscow."""
    from berezhno.territories.models import Territory

    head_territory = Territory.objects.get(
        pk=head.role_assignments.filter(is_active=True).first().territory_id)
    Territory.objects.filter(pk=head_territory.pk).update(time_zone="Pacific/Kiritimati")
    row = AccessLog.objects.create(user=spec, kind=AccessKind.VIEW_CARD, person_id=world.p1.pk,
                                   object_repr=f"person:{world.p1.pk}")
    AccessLog.objects.filter(pk=row.pk).update(
        time=datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC))
    client.force_login(head)

    def shown(day):
        r = client.get(reverse("rights:report"), {"user": spec.pk, "date_from": day,
                                                  "date_to": day})
        assert r.status_code == 200, r.content.decode()[:300]
        return "Семёнова Алёна Петровна" in r.content.decode()

    assert shown("2026-12-01") and not shown("2026-11-30")
