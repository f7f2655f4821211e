"""Reads of questionnaires and assessments, starting from the scope; the case card's and
the case file's section of assessments in a fixed number of queries."""

from collections import defaultdict

from django.db.models import (
    Prefetch,
    QuerySet,
)

from berezhno.cases import roles as case_roles
from berezhno.cases.choices import ACTIVE_STATUSES
from berezhno.cases.extensions import SectionView
from berezhno.cases.models import CaseProblem, SupportCase
from berezhno.cases.selectors import case_queryset, exists_in
from berezhno.core import audit
from berezhno.core.access import can

from .models import AnswerOption, Assessment, AssessmentAnswer, Question, Questionnaire

# --------------------------------------------------------------------------- assessments


def may_assess(user, case: SupportCase) -> bool:
    """Whether the user may run a questionnaire on the case (as services._may_assess):
    its workers, and specialists who carry out activities (the psychologist's diagnostics)
    on a case they see."""
    if exists_in(case_queryset(user, case_roles.CHANGE), case.pk):
        return True
    return (can(user, case_roles.ACTIVITY, case_roles.CHANGE)
            and exists_in(case_queryset(user), case.pk))


def questionnaire_choices(user) -> QuerySet:
    """The questionnaires in use that an assessment may be run with."""
    return Questionnaire.objects.restrict(user, case_roles.VIEW).filter(is_active=True).order_by(
        "title", "id")


def questionnaire_get(user, pk) -> Questionnaire:
    """An active questionnaire with its questions and variants in order (else
    Questionnaire.DoesNotExist → 404)."""
    return questionnaire_choices(user).prefetch_related(Prefetch(
        "questions", queryset=Question.objects.order_by("order", "id").prefetch_related(
            Prefetch("options", queryset=AnswerOption.objects.order_by("order", "id"))))
    ).get(pk=pk)


def _assessments(case: SupportCase) -> list:
    """The case's assessments, newest first, each with ``raised``: the problems it added to
    the case (a problem noted before is not linked to it again)."""
    items = list(case.assessments.select_related("questionnaire", "conducted_by")
                 .prefetch_related(Prefetch("raised_problems", queryset=CaseProblem.objects
                                            .select_related("problem")))
                 .order_by("-conducted_on", "-id"))
    for a in items:
        a.raised = list(a.raised_problems.all())
    return items


def with_answers(assessments: list) -> list:
    """Give each assessment ``answer_rows``: its answers in the questionnaire's order, each
    with ``labels`` (the chosen variants) — two queries whatever the number of them."""
    answers = list(AssessmentAnswer.objects.filter(
        assessment_id__in=[a.pk for a in assessments]).select_related("question").order_by(
        "question__order", "question_id"))
    option_ids = {pk for answer in answers for pk in answer.option_ids}
    options = sorted(AnswerOption.objects.filter(pk__in=option_ids).values_list(
        "order", "pk", "label"))
    position = {pk: n for n, (_order, pk, _label) in enumerate(options)}
    labels = {pk: label for _order, pk, label in options}
    grouped = defaultdict(list)
    for answer in answers:
        answer.labels = [labels[pk] for pk in sorted(
            (pk for pk in answer.option_ids if pk in labels), key=position.__getitem__)]
        grouped[answer.assessment_id].append(answer)
    for a in assessments:
        a.answer_rows = grouped.get(a.pk, [])
    return assessments


def assessment_get(user, case: SupportCase, pk) -> Assessment:
    """One assessment of a case the user sees, with its answers and the problems it raised
    (else Assessment.DoesNotExist → 404)."""
    assessment = case.assessments.select_related("questionnaire", "conducted_by").get(pk=pk)
    with_answers([assessment])
    assessment.raised = list(assessment.raised_problems.select_related("problem"))
    return audit.read(user, assessment)


# --------------------------------------------------------------------------- case sections


def card_section(user, card) -> SectionView:
    """The card's "Диагностика": the assessments, and whether the user may run one (as
    ``services.may_assess``)."""
    case = card.case
    active = case.status in ACTIVE_STATUSES
    may_add = active and (card.may["change"]
                          or can(user, case_roles.ACTIVITY, case_roles.CHANGE))
    return SectionView(data=_assessments(case), may_add=may_add)


def file_section(user, doc) -> SectionView:
    """The case file's assessments, oldest first, with their answers."""
    return SectionView(data=with_answers(list(reversed(_assessments(doc.case)))))


