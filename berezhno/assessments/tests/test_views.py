"""Assessments through the pages: the form for every answer type, errors next to their
question, the card's section."""

import datetime
import re

from django.urls import reverse

from berezhno.cases.tests.conftest import open_case
from berezhno.cases.tests.test_views import body, post, text
from berezhno.core.workdays import local_today


def _question_block(response, question) -> str:
    """The HTML of one question on the assessment form."""
    page = body(response)
    start = page.index(f'id="question-{question.pk}"')
    end = page.find('<div class="question"', start)
    return page[start:end if end != -1 else len(page)]



def test_assessment_through_the_page(world, family, client):
    from decimal import Decimal

    from berezhno.assessments.models import Assessment, Questionnaire
    from berezhno.cases.models import SubsistenceMinimum

    case = open_case(world, family)
    needs = Questionnaire.objects.get(code="needs_assessment")
    questions = {q.code or q.text: q for q in needs.questions.prefetch_related("options")}
    heating = questions["Отопление и обеспеченность топливом"]
    employment = questions["Занятость трудоспособных членов семьи"]
    income, size = questions["family_income"], questions["family_size"]

    def option(q, label):
        return next(o.pk for o in q.options.all() if o.label.startswith(label))

    SubsistenceMinimum.objects.create(region=world.region, year=2020,
                                      per_capita=Decimal("15000"))
    data = {f"q{q.pk}": q.options.order_by("order").first().pk
            for q in needs.questions.filter(answer_type="single", required=True)}
    data[f"q{heating.pk}"] = option(heating, "печное, топлива не хватает")
    data[f"q{employment.pk}"] = [option(employment, "есть безработные"),
                                 option(employment, "есть пенсионеры")]
    data.update({f"q{size.pk}": "4", f"q{income.pk}": "40000",
                 "conclusion": "Семье нужны дрова и работа"})

    # The psychologist: the button on the card, the choice of questionnaire, the form.
    client.force_login(world.user("specialist_psy"))
    assess = reverse("assessments:new", args=[case.pk])
    card = client.get(case.get_absolute_url())
    assert assess in body(card) and "Диагностика не проводилась" in text(card)
    r = client.get(assess)
    assert r.status_code == 200 and f"{assess}?questionnaire={needs.pk}" in body(r)
    assert "Диагностика семьи (анкета психолога)" in text(r)
    url = f"{assess}?questionnaire={needs.pk}"
    form = client.get(url)
    page = body(form)
    assert form.status_code == 200
    assert "<h2>Доходы и меры поддержки</h2>" in page and "<h2>Жилищные условия</h2>" in page
    assert f'type="radio" name="q{heating.pk}"' in page
    assert f'type="checkbox" name="q{employment.pk}"' in page
    assert f'type="number" name="q{income.pk}"' in page
    assert "Отопление и обеспеченность топливом *" in text(form)

    # A required question left out: 400, the message next to it, the rest kept, nothing saved.
    missing = {k: v for k, v in data.items() if k != f"q{heating.pk}"}
    r = client.post(url, missing)
    assert r.status_code == 400
    block = _question_block(r, heating)
    assert 'class="errorlist"' in block and "Ответьте на вопрос" in block
    assert "Ответьте на вопрос" not in _question_block(r, employment)
    assert f'name="q{income.pk}" value="40000"' in body(r)
    assert re.search(rf'name="q{employment.pk}" value="{data[f"q{employment.pk}"][0]}"'
                     r'[^>]*checked', body(r))
    assert "Семье нужны дрова и работа" in body(r)
    assert not Assessment.objects.exists() and not case.problems.exists()
    # A number that is not one: the service's message, next to that question.
    r = client.post(url, {**data, f"q{size.pk}": "-2"})
    assert r.status_code == 400 and "неотрицательное" in _question_block(r, size)
    assert not Assessment.objects.exists()

    r = client.post(url, data)
    assert r.status_code == 302 and r.url == case.get_absolute_url()
    assessment = Assessment.objects.get()
    assert assessment.conducted_by == world.user("specialist_psy")
    assert assessment.conclusion == "Семье нужны дрова и работа"
    card = text(client.get(case.get_absolute_url()))
    for expected in ("10 000,00 ₽", "0,67 прожиточного минимума (15 000,00 ₽)",
                     "ниже прожиточного минимума", "Проведена диагностика"):
        assert expected in card, expected
    html = body(client.get(case.get_absolute_url()))
    section = html[html.index('id="assessments"'):html.index('id="problems"')]
    assert needs.title in section
    raised = set(case.problems.filter(raised_by=assessment).values_list(
        "problem__name", flat=True))
    assert raised and all(name in section for name in raised)
    problems = html[html.index('id="problems"'):html.index('id="plans"')]
    assert all(name in problems for name in raised)  # on the case's problem list too
    assert {"fuel", "employment", "low_income"} <= set(
        case.problems.values_list("problem__code", flat=True))

    # The assessment's page: every answer, the chosen variants' labels.
    detail = client.get(reverse("assessments:detail", args=[case.pk, assessment.pk]))
    page = text(detail)
    assert detail.status_code == 200
    assert "печное, топлива не хватает" in page
    assert "есть безработные; есть пенсионеры" in page
    assert "40 000" in page and "Семье нужны дрова и работа" in page
    assert reverse("assessments:detail", args=[case.pk, assessment.pk]) in body(
        client.get(case.get_absolute_url()))

    # Another district's specialist sees neither the form nor the assessment.
    client.force_login(world.user("specialist_far"))
    assert client.get(assess).status_code == 404
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert client.get(reverse("assessments:detail", args=[case.pk, assessment.pk])
                      ).status_code == 404
    assert Assessment.objects.count() == 1


def test_assessment_form_for_every_answer_type(world, family, client):
    from berezhno.assessments.models import (
        AnswerOption,
        Assessment,
        AssessmentAnswer,
        Question,
        Questionnaire,
    )

    case = open_case(world, family)
    survey = Questionnaire.objects.create(code="survey", title="Обследование условий",
                                          kind="other")
    single = Question.objects.create(questionnaire=survey, order=1, section="Жильё",
                                     text="Состояние жилья", answer_type="single",
                                     help_text="По результатам осмотра")
    good = AnswerOption.objects.create(question=single, order=1, label="хорошее")
    multi = Question.objects.create(questionnaire=survey, order=2, section="Жильё",
                                    text="Чего не хватает", answer_type="multi",
                                    required=False)
    for order, label in enumerate(("мебели", "бытовой техники")):
        AnswerOption.objects.create(question=multi, order=order, label=label)
    number = Question.objects.create(questionnaire=survey, order=3, section="Семья",
                                     text="Число комнат", answer_type="number")
    note = Question.objects.create(questionnaire=survey, order=4, section="Семья",
                                   text="Что рассказала семья", answer_type="text",
                                   required=False)
    visit = Question.objects.create(questionnaire=survey, order=5, section="Семья",
                                    text="Дата посещения", answer_type="date")
    Questionnaire.objects.create(code="old", title="Старая анкета", kind="other",
                                 is_active=False)
    client.force_login(world.user("dispatcher"))
    assess = reverse("assessments:new", args=[case.pk])
    choose = text(client.get(assess))
    assert "Обследование условий" in choose and "Старая анкета" not in choose
    old = Questionnaire.objects.get(code="old")
    assert client.get(assess, {"questionnaire": old.pk}).status_code == 404
    assert client.get(assess, {"questionnaire": "x"}).status_code == 404
    url = f"{assess}?questionnaire={survey.pk}"
    r = client.get(url)
    page = body(r)
    assert f'type="radio" name="q{single.pk}"' in page and "По результатам осмотра" in page
    assert f'type="checkbox" name="q{multi.pk}"' in page
    assert f'type="number" name="q{number.pk}"' in page
    assert f'<textarea name="q{note.pk}"' in page
    assert f'type="date" name="q{visit.pk}"' in page
    assert "Дата посещения *" in text(r) and "Что рассказала семья *" not in text(r)
    today = local_today(world.d1)
    r = client.post(url, {f"q{single.pk}": good.pk, f"q{number.pk}": "3",
                          f"q{visit.pk}": "вчера", f"q{note.pk}": "Живут вчетвером"})
    assert r.status_code == 400 and "ГГГГ-ММ-ДД" in _question_block(r, visit)
    assert "Живут вчетвером" in body(r)
    r = client.post(url, {f"q{single.pk}": good.pk, f"q{number.pk}": "3",
                          f"q{visit.pk}": today.isoformat(), f"q{note.pk}": "Живут вчетвером",
                          "conducted_on": (today + datetime.timedelta(days=1)).isoformat()})
    # Refused on the date: by the service in the territory's date, or — when the server's
    # date is a day behind Omsk's (18:00–24:00 UTC) — already by the form's span.
    assert r.status_code == 400 and ("не позже сегодняшнего дня" in text(r)
                                     or 'id="id_conducted_on_error"' in body(r))
    assert not Assessment.objects.exists()
    post(client, "assessments:new", [case.pk], {}, expect=400)  # no questionnaire: choose again
    r = client.post(url, {f"q{single.pk}": good.pk, f"q{number.pk}": "3",
                          f"q{visit.pk}": today.isoformat(), f"q{note.pk}": "Живут вчетвером"})
    assert r.status_code == 302
    answers = {a.question_id: a for a in AssessmentAnswer.objects.all()}
    assert answers[single.pk].option_ids == [good.pk]
    assert answers[visit.pk].value_date == today and answers[note.pk].value_text
    assert multi.pk not in answers
    detail = text(client.get(reverse("assessments:detail", args=[
        case.pk, Assessment.objects.get().pk])))
    assert "хорошее" in detail and today.strftime("%d.%m.%Y") in detail
    assert "Живут вчетвером" in detail and "Число комнат 3" in detail


def test_assessment_is_refused_on_a_closed_case_and_to_readers_only(world, family, client):
    from berezhno.cases import services
    from berezhno.core.context import acting_as

    case = open_case(world, family)
    client.force_login(world.user("dispatcher"))
    assert reverse("assessments:new", args=[case.pk]) in body(client.get(
        case.get_absolute_url()))
    with acting_as("test"):
        services.case_close(user=world.user("dispatcher"), case=case, outcome="refused",
                            improved="not_asked", notes="Семья отказалась",
                            expected_version=case.version)
    assert client.get(reverse("assessments:new", args=[case.pk])).status_code == 404
    assert reverse("assessments:new", args=[case.pk]) not in body(client.get(
        case.get_absolute_url()))
