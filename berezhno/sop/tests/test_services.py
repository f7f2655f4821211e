"""The СОП register's stages through the services: deadlines, curator, reviews, removal."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from berezhno.cases.tests.conftest import open_case
from berezhno.core.context import acting_as
from berezhno.core.errors import TransitionError
from berezhno.core.workdays import local_today
from berezhno.sop import services as sop_services


def test_family_in_a_socially_dangerous_position(world, family):
    from berezhno.people.models import PersonCategory
    from berezhno.sop.choices import SopStatus

    disp = world.user("dispatcher")
    case = open_case(world, family)
    today = local_today(world.d1)
    with acting_as("test"):
        with pytest.raises(ValidationError) as exc:
            sop_services.sop_identify(user=disp, case=case, **{"source": "", "grounds": ""})
        assert {"source", "grounds"} <= set(exc.value.message_dict)
        record = sop_services.sop_identify(user=disp, case=case, **{
            "source": "school", "grounds": "Дети не посещают школу, родители пьют",
            "child_threat": True})
        assert record.kdn_notice_due == today + datetime.timedelta(days=1)
        assert record.first_survey_due == today + datetime.timedelta(days=5)
        with pytest.raises(TransitionError):
            sop_services.sop_identify(user=disp, case=case, **{
                "source": "school", "grounds": "повторно"})
        with pytest.raises(TransitionError):
            sop_services.sop_survey(user=disp, record=record, date=None, notes="рано")
        with pytest.raises(ValidationError) as exc:
            sop_services.sop_notify_kdn(user=disp, record=record, date=None, number="15-исх")
        assert {"guardianship_date", "guardianship_number"} <= set(exc.value.message_dict)
        with pytest.raises(ValidationError) as exc:  # each letter has its own number
            sop_services.sop_notify_kdn(user=disp, record=record, date=None, number="15-исх",
                                        guardianship_date=today, guardianship_number="15-исх")
        assert "guardianship_number" in exc.value.message_dict
        sop_services.sop_notify_kdn(user=disp, record=record, date=None, number="15-исх",
                                guardianship_date=today, guardianship_number="16-исх")
        sop_services.sop_survey(user=disp, record=record, date=None,
                            notes="Условия проживания неудовлетворительные")
        with pytest.raises(ValidationError) as exc:
            sop_services.sop_register(user=disp, record=record, decision_date=today,
                                  decision_number="7", curator=world.user("specialist_far"))
        assert "curator" in exc.value.message_dict
        sop_services.sop_register(user=disp, record=record, decision_date=today,
                              decision_number="7", curator=world.user("specialist_psy"))
    record.refresh_from_db()
    assert record.status == SopStatus.REGISTERED
    assert record.next_review_due == today + datetime.timedelta(days=90)
    assert record.overdue(today) == []
    assert PersonCategory.objects.filter(person=world.p1, category="sop",
                                         end_date__isnull=True).exists()
    with acting_as("test"):
        sop_services.sop_review(user=disp, record=record, date=None, notes="Отец трудоустроен")
        with pytest.raises(ValidationError):
            sop_services.sop_remove(user=disp, record=record, date=None, reason="Исправились")
        sop_services.sop_remove(user=disp, record=record, date=None, reason="Исправились",
                            decision_number="12")
    record.refresh_from_db()
    assert record.status == SopStatus.REMOVED and record.next_review_due is None
    assert not PersonCategory.objects.filter(person=world.p1, category="sop",
                                             end_date__isnull=True).exists()
    # A record whose notice is late is overdue.
    with acting_as("test"):
        late = sop_services.sop_identify(user=disp, case=case, **{
            "source": "police", "grounds": "Сообщение полиции"})
    assert late.overdue(today + datetime.timedelta(days=2)) == ["сообщение в КДН и ЗП"]
    assert late.overdue(today + datetime.timedelta(days=6)) == [
        "сообщение в КДН и ЗП", "первичное обследование"]
