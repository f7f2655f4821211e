"""Deadlines of requests in working days by the production calendar, the extension, the
overdue mark and the reminders."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from berezhno.cases.models import DeadlineRule
from berezhno.core.errors import TransitionError
from berezhno.core.models import Reminder
from berezhno.rights import reminders, selectors, services
from berezhno.rights.models import SubjectRequest

from .conftest import register

pytestmark = pytest.mark.django_db


def test_answer_due_in_ten_working_days_across_the_new_year_holidays(world, spec):
    # 31.12.2025 and 1–9.01.2026 are days off (the 2026 decree moves 3 January to the 9th).
    item = register(spec, world.p1)
    assert item.due_on == datetime.date(2026, 1, 23)
    assert SubjectRequest.objects.get(pk=item.pk).due_on == datetime.date(2026, 1, 23)
    assert item.number.startswith("ПД-2025-")


def test_correction_in_seven_working_days_and_destruction_in_thirty_calendar_days(world, spec):
    correction = register(spec, world.p1, kind="correction", subject="Неверный адрес")
    assert correction.due_on == datetime.date(2026, 1, 20)
    destruction = register(spec, world.p1, kind="destruction",
                           purpose_ended_on=datetime.date(2025, 12, 20))
    assert destruction.due_on == datetime.date(2026, 1, 19)  # from the purpose's end


def test_the_rule_is_data_an_administrator_edits(world, spec):
    DeadlineRule.objects.filter(code="rights_access").update(days=3)
    assert register(spec, world.p1).due_on == datetime.date(2026, 1, 14)


def test_extension_by_five_working_days_once_with_a_reason(world, spec, head):
    item = register(spec, world.p1)
    with pytest.raises(ValidationError) as exc:
        services.request_extend(user=head, request=item, expected_version=item.version,
                                reason="  ")
    assert "reason" in exc.value.error_dict
    item.refresh_from_db()
    assert item.due_on == datetime.date(2026, 1, 23) and not item.extended
    item = services.request_extend(user=head, request=item, expected_version=item.version,
                                   reason="Запрошены сведения из архива")
    assert item.due_on == datetime.date(2026, 1, 30) and item.extended
    with pytest.raises(TransitionError):
        services.request_extend(user=head, request=item, expected_version=item.version,
                                reason="ещё раз")
    correction = register(spec, world.p1, kind="correction", subject="Ошибка в СНИЛС")
    with pytest.raises(TransitionError):
        services.request_extend(user=head, request=correction,
                                expected_version=correction.version, reason="нужно время")


def test_a_specialist_may_not_extend(client, world, spec):
    item = register(spec, world.p1)
    client.force_login(spec)
    r = client.post(reverse("rights:extend", args=[item.pk]),
                    {"version": item.version, "reason": "архив"})
    assert r.status_code == 404
    item.refresh_from_db()
    assert not item.extended


def test_bad_dates_are_refused_in_russian(client, world, spec):
    client.force_login(spec)
    url = reverse("rights:create", args=[world.p1.pk])
    base = {"kind": "access", "channel": "post", "requester_kind": "subject"}
    # The span of event dates (core.dates.EVENT): the last ten years up to today.
    for bad, message in (("0001-01-01", "Дата слишком давняя"),
                         ("2999-01-01", "Дата не может быть в будущем")):
        r = client.post(url, {**base, "received_on": bad})
        assert r.status_code == 400
        assert message in r.content.decode(), bad
    r = client.post(url, {**base, "received_on": "2026-01-10", "requester_kind":
                          "representative"})
    assert r.status_code == 400 and "полномочия" in r.content.decode()
    assert not SubjectRequest.objects.exists()


def test_overdue_is_marked_and_filtered(client, world, spec, head):
    overdue = register(spec, world.p1)
    fresh = register(spec, world.p1, received_on=datetime.date.today())
    state = selectors.due_state(overdue)
    assert state["overdue"] and state["late"] > 0
    assert not selectors.due_state(fresh)["overdue"]
    client.force_login(head)
    r = client.get(reverse("rights:list"), {"overdue": "on"})
    body = r.content.decode()
    assert r.status_code == 200 and overdue.number in body and fresh.number not in body
    assert "просрочено" in body


def test_reminders_are_created_for_the_responsible_and_the_command_is_idempotent(world, spec):
    overdue = register(spec, world.p1)
    register(spec, world.p1, received_on=datetime.date.today())  # 10 working days ahead
    call_command("rights_remind")
    call_command("rights_remind")
    rows = list(Reminder.objects.filter(key__startswith=reminders.PREFIX))
    assert [(r.key, r.user_id, r.closed_at) for r in rows] == [
        (f"rights:request:{overdue.pk}", spec.pk, None)]
    assert overdue.number in rows[0].title
