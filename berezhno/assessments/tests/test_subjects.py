"""An assessment has exactly one subject and its own territory for scope; the problems it
raised are linked from it (decision 0011)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from berezhno.assessments import services
from berezhno.assessments.models import Assessment, Questionnaire, SubjectKind
from berezhno.cases.models import Problem
from berezhno.cases.tests.conftest import open_case
from berezhno.core.context import acting_as

pytestmark = pytest.mark.django_db


def _answers(questionnaire, problem_label=None):
    """The first variant of every required single-choice question (no difficulty), the
    family's size and income; the heating question's ``problem_label`` variant if given."""
    questions = {q.code or q.text: q for q in questionnaire.questions.prefetch_related(
        "options")}
    answers = {q.pk: q.options.order_by("order").first().pk
               for q in questionnaire.questions.filter(answer_type="single", required=True)}
    employment = questions["Занятость трудоспособных членов семьи"]
    answers[employment.pk] = [employment.options.order_by("order").first().pk]
    answers[questions["family_size"].pk] = "4"
    answers[questions["family_income"].pk] = "400 000"
    if problem_label:
        q = questions["Отопление и обеспеченность топливом"]
        answers[q.pk] = next(o.pk for o in q.options.all() if o.label.startswith(problem_label))
    return answers


def test_recorded_for_a_case_it_takes_the_case_territory_and_links_what_it_raised(world,
                                                                                 family):
    case = open_case(world, family)
    needs = Questionnaire.objects.get(code="needs_assessment")
    assert needs.subject == SubjectKind.CASE
    with acting_as("test"):
        assessment = services.assessment_record(
            user=world.user("specialist_psy"), case=case, questionnaire=needs,
            answers=_answers(needs, "печное, топлива не хватает"))
    assert assessment.territory_id == case.territory_id
    assert assessment.practice == case.practice
    raised = {p.problem.code for p in assessment.raised_problems.select_related("problem")}
    assert raised and raised <= set(case.problems.values_list("problem__code", flat=True))
    # raised again by a second assessment: the problem is in the case already, not linked
    with acting_as("test"):
        again = services.assessment_record(
            user=world.user("specialist_psy"), case=case, questionnaire=needs,
            answers=_answers(needs, "печное, топлива не хватает"))
    assert not again.raised_problems.exists()
    assert case.problems.filter(raised_by=assessment).count() == len(raised)


@pytest.mark.parametrize("subjects", ["none", "two"])
def test_the_database_refuses_an_assessment_without_exactly_one_subject(world, family,
                                                                          subjects):
    case = open_case(world, family)
    fields = {"case": case, "person": world.p1} if subjects == "two" else {}
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(
            territory=world.d1, practice=case.practice,
            questionnaire=Questionnaire.objects.get(code="needs_assessment"),
            conducted_on=datetime.date(2026, 11, 2), conducted_by=world.user("dispatcher"),
            **fields)


def test_a_person_is_a_subject_too_and_is_scoped_by_its_territory(world):
    questionnaire = Questionnaire.objects.get(code="needs_assessment")
    item = Assessment.objects.create(
        person=world.p1, territory=world.p1.territory, practice="yard",
        questionnaire=questionnaire, conducted_on=datetime.date(2026, 11, 2),
        conducted_by=world.user("specialist"))
    seen = Assessment.objects.restrict(world.user("specialist"), "view")
    assert seen.filter(pk=item.pk).exists()
    assert not Assessment.objects.restrict(world.user("specialist_other"), "view").filter(
        pk=item.pk).exists()
    assert Problem.objects.exists()  # the catalogue the questionnaires raise from is seeded
