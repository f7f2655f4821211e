"""The letters of the СОП notice step (decision 0034): the notice to the КДН и ЗП and the
guardianship notice printed as PDF from what the step recorded, with declined names, the
outgoing numbers and dates, the signatory and the executor; who may print them and the
access log of each print."""

import datetime
import re
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.dateformat import format as date_format
from pypdf import PdfReader

from berezhno.accounts.choices import PartnerKind
from berezhno.cases.tests.conftest import open_case
from berezhno.cases.tests.test_views import post, text
from berezhno.core.context import acting_as
from berezhno.core.models import AccessKind, AccessLog, ObjectChange
from berezhno.core.text import format_phone
from berezhno.core.workdays import local_today
from berezhno.people.models import Person
from berezhno.sop import services as sop_services
from berezhno.sop.models import SopRecord
from berezhno.testing.factories import HouseholdMemberFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) >= 1
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4
    raw = " ".join(page.extract_text() for page in reader.pages)
    # The text is hyphenated: a break's hyphen (U+2010) goes, a compound word's stays.
    raw = re.sub(r"(?<=\w)\u2010\s*\n?\s*", "", raw)
    return re.sub(r"\s+", " ", re.sub(r"(?<=\w)-\s*\n\s*", "-", raw))


def in_words(day: datetime.date) -> str:
    """«3 декабря 2026 г.»"""
    with translation.override("ru"):
        return f"{date_format(day, 'j E Y')} г."


@pytest.fixture
def addressees(world):
    kdn = OrganisationFactory(partner=True, partner_kind=PartnerKind.KDN, territory=world.mun,
                              name="КДН и ЗП Называевского муниципального района",
                              address="646100, г. Называевск, ул. Ленина, 35")
    opeka = OrganisationFactory(partner=True, partner_kind=PartnerKind.GUARDIANSHIP,
                                territory=world.mun,
                                name="Отдел опеки и попечительства Называевского района")
    far = OrganisationFactory(partner=True, partner_kind=PartnerKind.KDN,
                              territory=world.mun2, name="КДН и ЗП Тарского района")
    head = world.user("head")
    head.position = "директор КЦСОН"
    head.save(update_fields=["position"])
    disp = world.user("dispatcher")
    disp.position = "диспетчер «Семейной диспетчерской»"
    disp.phone = "+73816121234"
    disp.save(update_fields=["position", "phone"])
    return kdn, opeka, far


def _identified(world, family, *, child_threat=True):
    case = open_case(world, family)
    with acting_as("test"):
        return sop_services.sop_identify(
            user=world.user("dispatcher"), case=case, source="school",
            grounds="Дети не посещают школу, в доме нет продуктов и не топлено",
            child_threat=child_threat)


def test_the_notice_step_leads_to_its_letters(world, family, addressees, client):
    kdn, opeka, far = addressees
    disp, head = world.user("dispatcher"), world.user("head")
    record = _identified(world, family)
    today = local_today(world.d1)
    client.force_login(disp)

    # The form offers the family's territory's bodies (not another district's) and the
    # head, each pre-selected as the only one.
    r = client.get(reverse("sop:notify", args=[record.pk]))
    page = r.content.decode()
    assert kdn.name in page and opeka.name in page and far.name not in page
    assert re.search(rf'<option value="{kdn.pk}"[^>]*selected', page)
    assert re.search(rf'<option value="{head.pk}"[^>]*selected', page)

    # No numbers: every missing field named at once, in Russian; nothing changed.
    changes = ObjectChange.objects.count()
    r = post(client, "sop:notify", [record.pk], {"kdn_addressee": kdn.pk}, expect=400)
    assert "Укажите исходящий номер сообщения." in text(r)
    assert "укажите исходящий номер сообщения в орган опеки" in text(r)
    assert "укажите дату сообщения в орган опеки" in text(r)
    # Another district's commission is refused.
    r = post(client, "sop:notify", [record.pk], {
        "number": "01-15/311", "kdn_addressee": far.pk, "guardianship_date": today,
        "guardianship_number": "01-15/312"}, expect=400)
    assert "Выберите корректный вариант" in text(r), text(r)[:3000]
    record.refresh_from_db()
    assert record.status == "identified" and not record.kdn_notice_number
    assert ObjectChange.objects.count() == changes

    # Recorded: the next page is the letters to print.
    r = post(client, "sop:notify", [record.pk], {
        "date": today.isoformat(), "number": "01-15/311", "kdn_addressee": kdn.pk,
        "measures": "Проведена беседа с матерью, выдан продуктовый набор",
        "signatory": head.pk, "guardianship_date": today.isoformat(),
        "guardianship_number": "01-15/312", "guardianship_addressee": opeka.pk})
    assert r["Location"] == reverse("sop:letters", args=[record.pk])
    record.refresh_from_db()
    assert (record.status, record.kdn_addressee, record.notice_signatory,
            record.notice_executor) == ("notified", kdn, head, disp)
    letters = client.get(r["Location"])
    assert letters.status_code == 200
    assert reverse("sop:kdn_letter_pdf", args=[record.pk]) in letters.content.decode()
    assert reverse("sop:guardianship_letter_pdf", args=[record.pk]) in letters.content.decode()
    assert "Сообщение в КДН и ЗП (PDF)" in text(letters)
    assert "Сообщение в орган опеки (PDF)" in text(letters)
    card = client.get(record.case.get_absolute_url())
    assert reverse("sop:kdn_letter_pdf", args=[record.pk]) in card.content.decode()

    # The letter to the commission.
    AccessLog.objects.all().delete()
    first = pdf_text(client.get(reverse("sop:kdn_letter_pdf", args=[record.pk])))
    for expected in (
        "КЦСОН Называевского района", "г. Называевск, ул. Ленина, 66",  # the centre
        kdn.name, "646100, г. Называевск, ул. Ленина, 35",  # the addressee
        f"{in_words(today)} № 01-15/311",
        "О выявлении семьи, находящейся в социально опасном положении",
        "120-ФЗ", "семья Семёновой Алёны Петровны, 05.03.1985 г. р.",
        "г. Называевск, ул. Ленина, 5",
        "в отношении несовершеннолетних детей",
        "Семёновой Дарьи Ивановны, 01.05.2014 г. р.;",
        "Семёнова Егора Ивановича, 09.09.2018 г. р.",
        "Дети не посещают школу", "Проведена беседа с матерью",
        f"до {in_words(record.first_survey_due)}",
        "Директор КЦСОН", "А. И. Маркова",  # the signatory
        "Исп. Орлова Анна Ивановна, диспетчер «Семейной диспетчерской»",
        f"тел. {format_phone('+73816121234')}",  # the executor's phone
    ):
        assert expected in first, (expected, first)
    # Only what the commission needs: not the adult son, the СНИЛС or the phone.
    for absent in ("Олег", "112-233-445 95", "123-45-67", "угрожающие жизни"):
        assert absent not in first, absent
    # The print is a read of each person named in it.
    children = set(Person.objects.filter(name__in=["Дарья", "Егор"]).values_list(
        "pk", flat=True))
    logged = set(AccessLog.objects.filter(
        kind=AccessKind.PRINT, user=disp, detail=f"sop_letter:kdn:{record.pk}")
        .values_list("person_id", flat=True))
    assert logged == {world.p1.pk, *children}

    # A reprint is the same letter.
    assert pdf_text(client.get(reverse("sop:kdn_letter_pdf", args=[record.pk]))) == first

    # The letter to the guardianship body: its own number, the commission's named.
    second = pdf_text(client.get(reverse("sop:guardianship_letter_pdf", args=[record.pk])))
    for expected in (
        opeka.name, f"{in_words(today)} № 01-15/312",
        "Об угрозе жизни или здоровью несовершеннолетних", "статьёй 56 Семейного кодекса",
        "Семёновой Дарьи Ивановны", "Семёнова Егора Ивановича",
        f"исх. № 01-15/311 от {in_words(today)}", "А. И. Маркова",
    ):
        assert expected in second, expected
    assert AccessLog.objects.filter(kind=AccessKind.PRINT, person_id=world.p1.pk,
                                    detail=f"sop_letter:guardianship:{record.pk}").count() == 1


def test_a_notice_without_reference_data_still_prints(world, family, client):
    """No commission in the organisations, no head chosen (a record from the API or from
    before the letters): the letter is addressed by kind and leaves the head's place."""
    record = _identified(world, family, child_threat=False)
    with acting_as("test"):
        sop_services.sop_notify_kdn(user=world.user("dispatcher"), record=record,
                                    number="7-исх")
    client.force_login(world.user("dispatcher"))
    letters = client.get(reverse("sop:letters", args=[record.pk]))
    assert "не выбрана из справочника" in text(letters)
    assert reverse("sop:guardianship_letter_pdf", args=[record.pk]) not in (
        letters.content.decode())
    # Printed from a browser in English: the letter is still Russian.
    got = pdf_text(client.get(reverse("sop:kdn_letter_pdf", args=[record.pk]),
                              headers={"accept-language": "en"}))
    assert in_words(local_today(world.d1)) in got
    assert "В комиссию по делам несовершеннолетних и защите их прав" in got
    assert "Руководитель" in got and "№ 7-исх" in got
    # No threat to a child: there is no guardianship letter.
    assert client.get(reverse("sop:guardianship_letter_pdf",
                              args=[record.pk])).status_code == 404


def test_who_may_print(world, family, addressees, client):
    record = _identified(world, family)
    # Not recorded yet: no letter, the page offers the step.
    client.force_login(world.user("dispatcher"))
    assert client.get(reverse("sop:kdn_letter_pdf", args=[record.pk])).status_code == 404
    page = client.get(reverse("sop:letters", args=[record.pk]))
    assert reverse("sop:notify", args=[record.pk]) in page.content.decode()
    with acting_as("test"):
        sop_services.sop_notify_kdn(user=world.user("dispatcher"), record=record,
                                    number="9-исх", guardianship_date=local_today(world.d1),
                                    guardianship_number="10-исх")
    AccessLog.objects.all().delete()
    for key in ("specialist", "head"):  # the case's workers
        client.force_login(world.user(key))
        assert client.get(reverse("sop:kdn_letter_pdf", args=[record.pk])).status_code == 200
    for key in ("specialist_other", "specialist_far", "specialist_psy", "partner", "analyst",
                "agent", "admin"):
        client.force_login(world.user(key))
        for name in ("sop:letters", "sop:kdn_letter_pdf", "sop:guardianship_letter_pdf"):
            assert client.get(reverse(name, args=[record.pk])).status_code == 404, (key, name)
    assert set(AccessLog.objects.filter(kind=AccessKind.PRINT).values_list(
        "user__username", flat=True)) == {world.user("specialist").username,
                                          world.user("head").username}
    client.logout()
    r = client.get(reverse("sop:kdn_letter_pdf", args=[record.pk]))
    assert r.status_code == 302 and "/login" in r["Location"]


def test_the_letter_costs_a_fixed_number_of_queries(world, family, client):
    record = _identified(world, family, child_threat=False)
    with acting_as("test"):
        sop_services.sop_notify_kdn(user=world.user("dispatcher"), record=record,
                                    number="11-исх")
    client.force_login(world.user("dispatcher"))
    url = reverse("sop:kdn_letter_pdf", args=[record.pk])
    counts = []
    for born in (datetime.date(2016, 2, 2), datetime.date(2019, 3, 3)):
        child = PersonFactory(user=world.user("specialist"), sex="m", name="Кирилл",
                              surname="Семёнов", patronymic="Иванович", birth_date=born,
                              territory=world.d1)
        HouseholdMemberFactory(user=world.user("specialist"), household=family, person=child)
        with CaptureQueriesContext(connection) as queries:
            assert pdf_text(client.get(url)).count("Семёнова Кирилла Ивановича") == len(
                counts) + 1
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_notice_through_the_api(world, family, addressees, client):
    kdn, opeka, far = addressees
    record = _identified(world, family)
    client.force_login(world.user("dispatcher"))
    url = f"/api/v1/sop/{record.pk}/notify/"
    today = local_today(world.d1).isoformat()
    r = client.post(url, {"number": "5-исх", "kdn_addressee": far.pk,
                          "guardianship_date": today}, content_type="application/json")
    assert r.status_code == 400
    assert {"kdn_addressee", "guardianship_number"} <= set(r.json()["fields"])
    assert SopRecord.objects.get(pk=record.pk).status == "identified"
    r = client.post(url, {"number": "5-исх", "kdn_addressee": kdn.pk,
                          "guardianship_date": today, "guardianship_number": "6-исх",
                          "guardianship_addressee": opeka.pk,
                          "signatory": world.user("head").pk, "measures": "Беседа"},
                    content_type="application/json")
    assert r.status_code == 200, r.content
    got = r.json()
    assert (got["kdn_addressee"], got["guardianship_notice_number"], got["notice_signatory"],
            got["notice_executor"], got["notice_measures"]) == (
        kdn.pk, "6-исх", world.user("head").pk, world.user("dispatcher").pk, "Беседа")
