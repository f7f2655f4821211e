"""Recording an assessment: required answers, scores, the income test, the problems
it identifies."""


import pytest
from django.core.exceptions import ValidationError

from berezhno.assessments import services as assessments_services
from berezhno.cases.tests.conftest import open_case
from berezhno.core.context import acting_as
from berezhno.core.errors import DomainError


def test_assessment_identifies_problems_and_tests_income(world, family):
    from decimal import Decimal

    from berezhno.assessments.models import Questionnaire
    from berezhno.cases.models import SubsistenceMinimum

    case = open_case(world, family)
    needs = Questionnaire.objects.get(code="needs_assessment")
    questions = {q.code or q.text: q for q in needs.questions.prefetch_related("options")}

    def option(q, label):
        return next(o.pk for o in q.options.all() if o.label.startswith(label))

    heating = questions["Отопление и обеспеченность топливом"]
    employment = questions["Занятость трудоспособных членов семьи"]
    # The first variant of every required question (no difficulty), then two problems.
    answers = {q.pk: q.options.order_by("order").first().pk
               for q in needs.questions.filter(answer_type="single", required=True)}
    answers[heating.pk] = option(heating, "печное, топлива не хватает")
    answers[employment.pk] = [option(employment, "есть безработные")]
    answers[questions["family_size"].pk] = "4"
    answers[questions["family_income"].pk] = "40 000"
    psy = world.user("specialist_psy")
    missing = dict(answers)
    missing.pop(heating.pk)
    with acting_as("test"), pytest.raises(ValidationError) as exc:
        assessments_services.assessment_record(user=psy, case=case, questionnaire=needs,
                                                answers=missing)
    assert f"q{heating.pk}" in exc.value.message_dict
    with acting_as("test"), pytest.raises(ValidationError) as exc:
        assessments_services.assessment_record(user=psy, case=case, questionnaire=needs,
                                   answers={**answers, questions["family_size"].pk: "-1"})
    assert "неотрицательное" in exc.value.message_dict[f"q{questions['family_size'].pk}"][0]
    assert not case.assessments.exists()
    SubsistenceMinimum.objects.create(region=world.region, year=2020,
                                      per_capita=Decimal("15000"))
    with acting_as("test"):
        assessment = assessments_services.assessment_record(
            user=psy, case=case, questionnaire=needs,
                                                answers=answers)
    assert assessment.per_capita_income == Decimal("10000.00")
    assert assessment.subsistence_minimum == Decimal("15000.00")
    assert assessment.income_ratio == Decimal("0.67")
    codes = set(case.problems.values_list("problem__code", flat=True))
    assert {"fuel", "employment", "low_income"} <= codes
    case.refresh_from_db()
    assert "no_work_no_means" in case.circumstances
    assert assessment.answers.count() == len(answers)
    # A district specialist of another municipality may not assess it.
    with acting_as("test"), pytest.raises(DomainError):
        assessments_services.assessment_record(user=world.user("specialist_far"), case=case,
                                   questionnaire=needs, answers=answers)
