"""Overdue deadlines become reminders of the responsible users, once, and close when met."""

import datetime

import pytest
from django.core.management import call_command

from berezhno.cases import services
from berezhno.cases.models import SupportCase
from berezhno.cases.reminders import sync_case_reminders
from berezhno.core.context import acting_as
from berezhno.core.models import Reminder
from berezhno.core.workdays import local_today

from .conftest import open_case

pytestmark = pytest.mark.django_db


def test_overdue_decision_is_reminded_once_and_closed_when_decided(world, family, client):
    disp = world.user("dispatcher")
    case = open_case(world, family)
    today = local_today(world.d1)
    assert sync_case_reminders(today) == (0, 0)
    SupportCase.objects.filter(pk=case.pk).update(
        decision_due=today - datetime.timedelta(days=2))
    assert sync_case_reminders(today) == (1, 0)
    assert sync_case_reminders(today) == (0, 0)  # idempotent
    reminder = Reminder.objects.get(user=disp, closed_at__isnull=True)
    assert case.number in reminder.title and "решение" in reminder.title
    client.force_login(disp)
    body = client.get("/").content.decode()
    assert "Напоминания" in body and case.number in body
    # Another user does not see it.
    client.force_login(world.user("specialist"))
    assert case.number not in client.get("/").content.decode()
    with acting_as("test"):
        services.case_decide(user=disp, case=case, decision="recognised")
    call_command("send_case_reminders", verbosity=0)
    reminder.refresh_from_db()
    assert reminder.closed_at is not None


def test_overdue_activity_goes_to_its_executor(world, family):
    psy, disp = world.user("specialist_psy"), world.user("dispatcher")
    today = local_today(world.d1)
    case = open_case(world, family)
    with acting_as("test"):
        services.case_decide(user=disp, case=case, decision="recognised")
        plan = services.plan_create(user=disp, case=case)
        activity = services.activity_add(user=disp, plan=plan, **{
            "service_type": "psychological", "title": "Консультация психолога",
            "responsible_user": psy, "due_date": today + datetime.timedelta(days=3)})
        services.plan_approve(user=disp, plan=plan)
    assert sync_case_reminders(today + datetime.timedelta(days=4)) == (1, 0)
    assert Reminder.objects.get(closed_at__isnull=True).user == psy
    with acting_as("test"):
        services.activity_complete(user=psy, activity=activity, result="Проведена")
    assert sync_case_reminders(today + datetime.timedelta(days=4)) == (0, 1)
