"""The СОП (120-ФЗ) stages through the pages: the card, the register and the case list show
each deadline and which one is missed."""

import datetime

import pytest
from django.urls import reverse

from berezhno.cases.tests.conftest import open_case
from berezhno.cases.tests.test_views import body, post, text
from berezhno.core.models import DomainEvent
from berezhno.core.workdays import local_today
from berezhno.people.choices import Category
from berezhno.people.models import PersonCategory
from berezhno.sop import selectors as sop_selectors
from berezhno.sop.models import SopRecord, SopReview

pytestmark = pytest.mark.django_db


def _register_rows(client, **query):
    r = client.get(reverse("sop:list"), query)
    assert r.status_code == 200
    return text(r)


def test_the_sop_stages_through_the_pages(world, family, client):
    disp = world.user("dispatcher")
    today = local_today(world.d1)
    case = open_case(world, family)
    client.force_login(disp)

    # Nothing recorded yet: the card offers to identify the family.
    r = client.get(case.get_absolute_url())
    assert reverse("sop:identify", args=[case.pk]) in body(r)
    assert "Семья не признавалась" in text(r)

    # Identified ten days ago by the school, with a threat to a child.
    identified = today - datetime.timedelta(days=10)
    post(client, "sop:identify", [case.pk], {}, expect=400)  # no source, no grounds
    assert not SopRecord.objects.exists()
    post(client, "sop:identify", [case.pk], {
        "identified_on": identified.isoformat(), "source": "school",
        "grounds": "Дети не посещают школу, дома нет еды", "child_threat": "on"})
    record = SopRecord.objects.get(case=case)
    # "Immediately": the next day; the first survey within five days (both editable).
    assert record.kdn_notice_due == identified + datetime.timedelta(days=1)
    assert record.first_survey_due == identified + datetime.timedelta(days=5)

    # Both deadlines are missed: the card, the case list and the register say so.
    r = client.get(case.get_absolute_url())
    page = text(r)
    assert "просрочено: сообщение в КДН и ЗП" in page
    assert "просрочено: первичное обследование" in page
    assert reverse("sop:identify", args=[case.pk]) not in body(r)  # already on it
    listed = client.get(reverse("cases:list"), {"overdue": "on"})
    assert case.number in text(listed) and "СОП" in text(listed)
    assert f"СОП: {record.kdn_notice_due:%d.%m.%Y}" in text(listed)
    register = _register_rows(client, overdue="on")
    assert case.number in register and "угроза ребёнку" in register

    # The notice: with a threat to a child the guardianship body must be told too.
    r = post(client, "sop:notify", [record.pk], {"number": "15-исх"}, expect=400)
    assert "орган опеки" in text(r)
    record.refresh_from_db()
    assert record.status == "identified" and record.kdn_notice_date is None
    post(client, "sop:notify", [record.pk], {
        "date": (identified + datetime.timedelta(days=1)).isoformat(), "number": "15-исх",
        "guardianship_date": (identified + datetime.timedelta(days=1)).isoformat(),
        "guardianship_number": "16-исх"}, expect=302)
    # A survey dated before the family was identified is refused.
    r = post(client, "sop:survey", [record.pk], {
        "date": (identified - datetime.timedelta(days=1)).isoformat(),
        "notes": "Обследование"}, expect=400)
    assert "раньше выявления" in text(r)
    post(client, "sop:survey", [record.pk], {
        "date": (identified + datetime.timedelta(days=3)).isoformat(),
        "notes": "Жилище не отапливается, продуктов нет"})
    record.refresh_from_db()
    assert record.status == "surveyed" and record.missed(today) == []
    assert case.number not in _register_rows(client, overdue="on")

    # Registration by the commission's decision, with the curator.
    r = client.get(reverse("sop:register", args=[record.pk]))
    assert f'value="{disp.pk}"' in body(r)
    r = post(client, "sop:register", [record.pk], {
        "decision_date": (identified + datetime.timedelta(days=7)).isoformat(),
        "decision_number": "44"}, expect=400)
    assert "Выберите куратора" in text(r)
    post(client, "sop:register", [record.pk], {
        "decision_date": (identified + datetime.timedelta(days=7)).isoformat(),
        "decision_number": "44", "curator": disp.pk})
    record.refresh_from_db()
    assert record.status == "registered" and record.curator == disp
    assert PersonCategory.objects.filter(person=world.p1, category=Category.SOP,
                                         end_date__isnull=True).exists()
    page = text(client.get(case.get_absolute_url()))
    assert f"СОП: пересмотр плана до {record.next_review_due:%d.%m.%Y}" in page

    post(client, "sop:review", [record.pk], {"notes": "Мать трудоустроена, дети в школе"})
    review = SopReview.objects.get(record=record)
    record.refresh_from_db()
    assert record.next_review_due == review.next_due > today

    # Removal needs the commission's decision number once the family was registered.
    r = post(client, "sop:remove", [record.pk], {"reason": "Положение исправлено"},
             expect=400)
    assert "номер постановления" in text(r)
    post(client, "sop:remove", [record.pk], {"reason": "Положение исправлено",
                                             "decision_number": "61"})
    record.refresh_from_db()
    assert record.status == "removed" and record.next_review_due is None
    assert not PersonCategory.objects.filter(person=world.p1, category=Category.SOP,
                                             end_date__isnull=True).exists()
    assert case.number not in _register_rows(client)
    assert case.number in _register_rows(client, status="all")
    r = client.get(case.get_absolute_url())
    page = text(r)
    assert "Снята с учёта" in page and "постановление № 61" in page
    # The family may be identified again; the history shows every stage.
    assert reverse("sop:identify", args=[case.pk]) in body(r)
    for label in ("Семья выявлена как находящаяся в СОП", "Сообщено в КДН и ЗП",
                  "Проведено первичное обследование семьи", "Пересмотр работы с семьёй в СОП",
                  "Семья снята с учёта в СОП"):
        assert label in page, label
    assert DomainEvent.objects.filter(event_type__startswith="sop.").count() == 6


def test_sop_pages_are_out_of_reach_out_of_scope(world, client):
    case = open_case(world)
    client.force_login(world.user("dispatcher"))
    post(client, "sop:identify", [case.pk], {"source": "police", "grounds": "Драки дома"})
    record = SopRecord.objects.get(case=case)
    client.force_login(world.user("specialist_other"))
    for name in ("sop:notify", "sop:survey", "sop:register", "sop:review", "sop:remove"):
        assert client.get(reverse(name, args=[record.pk])).status_code == 404
        assert client.post(reverse(name, args=[record.pk]),
                           {"number": "1"}).status_code == 404
    assert client.get(reverse("sop:identify", args=[case.pk])).status_code == 404
    assert case.number not in _register_rows(client, status="all")
    record.refresh_from_db()
    assert record.status == "identified" and record.version == 1


def test_the_register_puts_the_nearest_deadline_first(world, client):
    today = local_today(world.d1)
    client.force_login(world.user("dispatcher"))
    numbers = []
    for days in (1, 8):
        case = open_case(world)
        numbers.append(case.number)
        post(client, "sop:identify", [case.pk], {
            "identified_on": (today - datetime.timedelta(days=days)).isoformat(),
            "source": "police", "grounds": "Сообщение полиции"})
    page = _register_rows(client)
    assert page.index(numbers[1]) < page.index(numbers[0])
    records = sop_selectors.mark_sop(sop_selectors.sop_search(world.user("dispatcher"), today=today,
                                                      overdue=True), today)
    assert records[0].case.number == numbers[1]
    assert {"kdn", "survey"} <= {code for code, _label, _due in records[0].missed_list}
