"""Scope rules of questionnaires (reference data, ``cases.roles.CATALOGUE``) and of
assessments: part of the work with a case, a person, a household or a place
(``cases.roles.CASE``), in the territory and practice the assessment was recorded in."""

from berezhno.cases.roles import CASE, CATALOGUE
from berezhno.core import access

from .models import AnswerOption, Assessment, Question, Questionnaire


def register_scopes() -> None:
    for model in (Questionnaire, Question, AnswerOption):
        access.register_scope(model, kind=CATALOGUE)
    access.register_scope(Assessment, kind=CASE, territory="territory", practice="practice",
                          persons=["person", "case__person", "household__members__person"])
