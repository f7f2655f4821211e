"""Urgent acts (442-ФЗ ст. 21): given without a programme, the lines within the act's period."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from berezhno.core.context import acting_as
from berezhno.core.models import DomainEvent
from berezhno.core.workdays import local_today
from berezhno.urgent import services as urgent_services


def test_urgent_services_without_a_plan(world):
    disp = world.user("dispatcher")
    today = local_today(world.d1)
    with acting_as("test"):
        with pytest.raises(ValidationError) as exc:
            urgent_services.urgent_act_create(user=disp, person=world.p1, **{
                "date_from": today, "date_to": today - datetime.timedelta(days=1)}, lines=[])
        assert {"date_to", "lines"} <= set(exc.value.message_dict)
        act = urgent_services.urgent_act_create(user=disp, person=world.p1, **{
            "date_from": today, "date_to": today}, lines=[
            {"service": "food", "description": "продуктовый набор", "quantity": "1"},
            {"service": "clothing", "description": "зимняя куртка детская"}])
    assert act.number.startswith(f"С-{today.year}-") and act.lines.count() == 2
    assert act.provider == world.provider
    assert DomainEvent.objects.filter(event_type="urgent.act", person_id=world.p1.pk).exists()
