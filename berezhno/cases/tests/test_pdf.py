"""The printed programme (ИППСУ) and the case file (личное дело): content, scope, the
access log and a fixed number of queries."""

import re
from io import BytesIO

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from berezhno.assessments import services as assessments_services
from berezhno.assessments.models import Questionnaire
from berezhno.cases import selectors, services
from berezhno.cases.models import Activity, ActivitySession
from berezhno.core.context import acting_as
from berezhno.core.models import AccessKind, AccessLog
from berezhno.core.workdays import local_today
from berezhno.people import services as people
from berezhno.referrals import services as referrals_services
from berezhno.sop import services as sop_services
from berezhno.testing.factories import ActivityFactory, PlanFactory
from berezhno.urgent import services as urgent_services

from .conftest import open_case, partner_consent, recognised
from .test_permission_matrix import first_answers

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    """The text of every page, spaces collapsed: a table cell may break a line, also after
    the hyphen of a compound word."""
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", re.sub(r"(?<=\w)-\s*\n\s*", "-", text))


def _approved_plan(world, case, *titles):
    disp = world.user("dispatcher")
    plan = PlanFactory(user=disp, case=case)
    for title in titles:
        ActivityFactory(user=disp, plan=plan, title=title,
                        responsible_user=world.user("specialist_psy"), volume="8 занятий",
                        frequency="1 раз в неделю")
    with acting_as("test"):
        services.plan_approve(user=disp, plan=plan)
    plan.refresh_from_db()
    return plan


def test_programme_pdf(world, family, client):
    case = recognised(world, open_case(world, family, circumstances=["child_adaptation"]))
    plan = _approved_plan(world, case, "Коррекция детско-родительских отношений")
    disp = world.user("dispatcher")
    client.force_login(disp)
    url = reverse("cases:plan_pdf", args=[case.pk, plan.pk])
    assert url in client.get(case.get_absolute_url()).content.decode()  # the button
    text = pdf_text(client.get(url))
    for expected in (
        "Индивидуальная программа социальной реабилитации (редакция 1)",
        "КЦСОН Называевского района",  # the provider
        "Семёнова Алёна Петровна", "05.03.1985", "112-233-445 95",  # the recipient
        "г. Называевск, ул. Ленина, 5", "Семья Семёновых", "Егор",  # the household
        "на дому",  # the form of service
        "Выход семьи из трудной жизненной ситуации",  # the goal
        "трудности в социальной адаптации",  # the circumstance
        "Коррекция детско-родительских отношений", "социально-психологические услуги",
        "8 занятий", "1 раз в неделю", "запланировано",  # the activity and its mark
        "Составил", "Утвердил", "С программой ознакомлен(а)", "расшифровка подписи",
    ):
        assert expected in text, expected
    assert f"Программа утверждена {plan.approved_on:%d.%m.%Y}" in text
    log = AccessLog.objects.get(kind=AccessKind.PRINT)
    assert (log.user, log.person_id, log.object_repr) == (disp, world.p1.pk, f"plan:{plan.pk}")


def test_programme_shows_the_snils_only_to_who_sees_the_whole_record(world, family):
    case = recognised(world, open_case(world, family))
    plan = _approved_plan(world, case, "Консультация")
    doc = selectors.plan_document(world.user("dispatcher"), case.pk, plan.pk)
    html = render_to_string("cases/plan_pdf.html", {"doc": doc, "case": doc.case,
                                                    "plan": doc.plan})
    assert "112-233-445 95" in html and "ул. Ленина, 5" in html
    doc.recipient.full = False
    doc.recipient.address = case.household.address
    html = render_to_string("cases/plan_pdf.html", {"doc": doc, "case": doc.case,
                                                    "plan": doc.plan})
    assert "СНИЛС" not in html and "112-233-445 95" not in html
    assert "Семёнова Алёна Петровна" in html and "ул. Ленина, 5" in html


def test_pdfs_out_of_scope_are_404_and_not_logged(world, family, client):
    case = recognised(world, open_case(world, family))
    plan = _approved_plan(world, case, "Консультация")
    other = open_case(world)
    for user in ("specialist_far", "partner", "agent", "admin"):
        client.force_login(world.user(user))
        assert client.get(reverse("cases:case_pdf", args=[case.pk])).status_code == 404
        assert client.get(reverse("cases:plan_pdf", args=[case.pk, plan.pk])
                          ).status_code == 404
    # A plan is looked up within its case.
    client.force_login(world.user("dispatcher"))
    assert client.get(reverse("cases:plan_pdf", args=[other.pk, plan.pk])).status_code == 404
    assert not AccessLog.objects.filter(kind=AccessKind.PRINT).exists()


def test_the_psychologist_prints_the_case_file(world, family, client):
    case = open_case(world, family)
    client.force_login(world.user("specialist_psy"))
    text = pdf_text(client.get(reverse("cases:case_pdf", args=[case.pk])))
    assert "Личное дело получателя социальных услуг" in text and case.number in text
    assert AccessLog.objects.filter(kind=AccessKind.PRINT, person_id=world.p1.pk,
                                    object_repr=f"case:{case.pk}").count() == 1


def test_case_file_holds_everything(world, family, client):
    disp = world.user("dispatcher")
    case = open_case(world, family, circumstances=["no_work_no_means"])
    diagnostics = Questionnaire.objects.get(code="family_diagnostics")
    answers = first_answers(diagnostics)
    violence = diagnostics.questions.get(text__startswith="Применяются ли")
    answers[violence.pk] = violence.options.get(label="да").pk
    with acting_as("test"):
        assessments_services.assessment_record(user=world.user("specialist_psy"), case=case,
                                   questionnaire=diagnostics, answers=answers,
                                   conclusion="Семье нужна помощь психолога")
    case = recognised(world, case)
    _approved_plan(world, case, "Занятия с психологом", "Подбор работы")
    job = case.activities.get(title="Занятия с психологом")
    partner_consent(world, world.p1, world.partner_org)
    with acting_as("test"):
        services.session_record(user=world.user("specialist_psy"), activity=job,
                                **{"notes": "Первичная консультация матери"})
        referral = referrals_services.referral_send(user=disp, case=case, **{
            "organisation": world.partner_org, "services": "Обследование условий"})
        referrals_services.referral_reject(user=world.user("partner"), referral=referral,
                                 reason="Нет оснований")
        act = urgent_services.urgent_act_create(user=disp, person=world.p1, case=case, **{
            "date_from": local_today(world.d1), "date_to": local_today(world.d1)},
            lines=[{"service": "food", "description": "продуктовый набор"}])
        people.contact_log(user=disp, person=world.p1, **{
            "channel": "visit", "purpose": "patronage", "notes": "Проверены условия жизни",
            "outcome": "Дрова закуплены"})
        sop = sop_services.sop_identify(user=disp, case=case, **{
            "source": "school", "grounds": "Дети не посещают школу"})
        sop_services.sop_notify_kdn(user=disp, record=sop, number="17-исх")
    client.force_login(disp)
    card = client.get(case.get_absolute_url()).content.decode()
    assert reverse("cases:case_pdf", args=[case.pk]) in card
    text = pdf_text(client.get(reverse("cases:case_pdf", args=[case.pk])))
    for expected in (
        "Личное дело получателя социальных услуг", case.number,
        "Семёнова Алёна Петровна", "112-233-445 95", "Семья Семёновых",  # person, family
        "Социальное обслуживание и социальное сопровождение", "действует",  # consents
        "Передача сведений организациям-партнёрам",
        "Нет денег на дрова", "отсутствие работы и средств к существованию",  # intake
        "признан нуждающимся",  # the decision
        "Диагностика семьи", "Применяются ли в семье физические наказания",  # assessment
        "Семье нужна помощь психолога", "Риск жестокого обращения с ребёнком",
        "Редакция 1", "Занятия с психологом", "Подбор работы",  # the programme
        "Первичная консультация матери",  # a session
        "ОМВД по Называевскому району", "Обследование условий", "Нет оснований",
        act.number, "продуктовый набор",  # the urgent act
        "Проверены условия жизни", "Дрова закуплены",  # a contact
        "Социально опасное положение", "Дети не посещают школу", "№ 17-исх",  # СОП
        "Случай не закрыт",
    ):
        assert expected in text, expected
    assert AccessLog.objects.filter(kind=AccessKind.PRINT, person_id=world.p1.pk,
                                    object_repr=f"case:{case.pk}").count() == 1


def test_case_file_costs_a_fixed_number_of_queries(world, family, client):
    disp = world.user("dispatcher")
    case = recognised(world, open_case(world, family))
    with acting_as("test"):
        plan = services.plan_create(user=disp, case=case, **{"goal": "x"})
    client.force_login(disp)
    url = reverse("cases:case_pdf", args=[case.pk])
    counts = []
    for n in (1, 4):
        while plan.activities.count() < n:
            i = plan.activities.count()
            activity = Activity.objects.create(
                plan=plan, case=case, practice=case.practice,
                service_type="legal", title=f"Консультация юриста {i}",
                responsible_user=disp, due_date=local_today(world.d1))
            ActivitySession.objects.create(activity=activity, held_on=local_today(world.d1),
                                           author=disp, notes=f"Занятие {i}")
        with acting_as("test"):
            while world.p1.contacts.count() < n:
                people.contact_log(user=disp, person=world.p1, **{
                    "channel": "call", "purpose": "information",
                    "notes": f"Звонок {world.p1.contacts.count()}"})
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        text = pdf_text(response)
        assert f"Консультация юриста {n - 1}" in text and f"Занятие {n - 1}" in text
        assert f"Звонок {n - 1}" in text
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_pdfs_name_the_recipient_in_the_case_the_sentence_needs(world, family, client):
    case = recognised(world, open_case(world, family))
    plan = _approved_plan(world, case, "Консультация")
    client.force_login(world.user("dispatcher"))
    programme = pdf_text(client.get(reverse("cases:plan_pdf", args=[case.pk, plan.pk])))
    assert "Программа выдана Семёновой Алёне Петровне." in programme
    case_file = pdf_text(client.get(reverse("cases:case_pdf", args=[case.pk])))
    assert "Личное дело получателя социальных услуг Семёновой Алёны Петровны" in case_file
