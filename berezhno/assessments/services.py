"""Recording an assessment: the answers are parsed by answer type, scored, the per-capita
income compared with the region's subsistence minimum, and the problems they identify are
added to the case (``cases.services.add_problem``) and linked to the assessment."""

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from berezhno.cases import roles as case_roles
from berezhno.cases.choices import ACTIVE_STATUSES, NeedCircumstance, ProblemSource
from berezhno.cases.models import Problem, SubsistenceMinimum, SupportCase
from berezhno.cases.services import add_problem, case_today, forbidden, lock_case, require_status
from berezhno.core import audit
from berezhno.core.access import can
from berezhno.core.models import ChangeAction

from .models import AnswerType, Assessment, AssessmentAnswer

# --------------------------------------------------------------------------- assessment


def _may_assess(user, case: SupportCase) -> bool:
    """Case workers, and specialists who carry out activities (the psychologist's
    diagnostics), in the case's scope."""

    if SupportCase.objects.restrict(user, case_roles.CHANGE).filter(pk=case.pk).exists():
        return True
    return can(user, case_roles.ACTIVITY, case_roles.CHANGE, case.practice) and (
        SupportCase.objects.restrict(user, case_roles.VIEW).filter(pk=case.pk).exists())


def subsistence_minimum_for(territory, year: int):
    """The per-capita subsistence minimum of the territory's region for the year (the
    latest earlier year if that year is not entered yet), or None."""

    region_path = territory.path.split(".", 1)[0] + "."  # the root of the materialised path
    row = (SubsistenceMinimum.objects.filter(region__path=region_path, year__lte=year)
           .order_by("-year").first())
    return row


def _parse_answer(question, raw, options: dict):
    """The stored form of one answer, or raise ValueError with a Russian message."""
    if question.answer_type == AnswerType.SINGLE:
        try:
            option = options[int(raw)]
        except (KeyError, TypeError, ValueError):
            raise ValueError(_("Выберите один из вариантов ответа.")) from None
        return {"option_ids": [option.pk]}
    if question.answer_type == AnswerType.MULTI:
        values = raw if isinstance(raw, list | tuple) else [raw]
        try:
            chosen = [options[int(v)] for v in values]
        except (KeyError, TypeError, ValueError):
            raise ValueError(_("Выберите варианты ответа из списка.")) from None
        return {"option_ids": sorted({o.pk for o in chosen})}
    if question.answer_type == AnswerType.NUMBER:
        try:
            value = decimal.Decimal(str(raw).replace(" ", "").replace(",", "."))
        except (decimal.InvalidOperation, ValueError):
            raise ValueError(_("Введите число.")) from None
        if not value.is_finite() or value < 0 or value >= 10**10:
            raise ValueError(_("Введите неотрицательное число."))
        return {"value_number": value.quantize(decimal.Decimal("0.01"))}
    if question.answer_type == AnswerType.DATE:
        if isinstance(raw, datetime.date):
            return {"value_date": raw}
        try:
            return {"value_date": datetime.date.fromisoformat(str(raw))}
        except ValueError:
            raise ValueError(_("Введите дату в формате ГГГГ-ММ-ДД.")) from None
    text = str(raw).strip()
    if len(text) > 5000:
        raise ValueError(_("Ответ длиннее 5000 знаков."))
    return {"value_text": text}


def _is_blank(raw) -> bool:
    return raw is None or raw == "" or raw == [] or (isinstance(raw, str) and not raw.strip())


@transaction.atomic
def assessment_record(*, user, case: SupportCase, questionnaire, answers: dict,
                      conducted_on: datetime.date | None = None,
                      conclusion: str = ""):
    """Record a questionnaire run: answers → score, problems, circumstances, income test.

    ``answers`` maps a question id to its answer: an option id (one variant), a list of
    option ids (several), a number, a text or a date. Errors are keyed ``q<question id>``.
    """

    if not _may_assess(user, case):
        raise forbidden(_("У вас нет права проводить диагностику по этому случаю."))
    case = lock_case(case)
    require_status(case, ACTIVE_STATUSES, _("В закрытом случае диагностика не проводится."))
    if not questionnaire.is_active:
        raise ValidationError({"questionnaire": [_("Эта анкета больше не используется.")]})
    today = case_today(case)
    conducted_on = conducted_on or today
    errors: dict[str, list] = {}
    if conducted_on > today or conducted_on < case.received_on():
        errors["conducted_on"] = [_("Дата диагностики — не раньше обращения и не позже "
                                    "сегодняшнего дня.")]
    questions = list(questionnaire.questions.prefetch_related("options"))
    known = {q.pk for q in questions}
    stray = [k for k in answers if _int_or_none(k) not in known]
    if stray:
        errors["answers"] = [_("Ответы на вопросы другой анкеты не принимаются.")]
    parsed = {}
    for q in questions:
        raw = answers.get(q.pk, answers.get(str(q.pk)))
        if _is_blank(raw):
            if q.required:
                errors[f"q{q.pk}"] = [_("Ответьте на вопрос «%(q)s».") % {"q": q.text}]
            continue
        try:
            parsed[q.pk] = _parse_answer(q, raw, {o.pk: o for o in q.options.all()})
        except ValueError as exc:
            errors[f"q{q.pk}"] = [f"{q.text}: {exc}"]
    if errors:
        raise ValidationError(errors)
    by_code = {q.code: parsed.get(q.pk, {}) for q in questions if q.code}
    score, problem_ids, circumstances = 0, [], list(case.circumstances)
    options = {o.pk: o for q in questions for o in q.options.all()}
    for q in questions:
        answer = parsed.get(q.pk)
        if not answer:
            continue
        for option_id in answer.get("option_ids", []):
            option = options[option_id]
            score += option.score
            if option.problem_id:
                problem_ids.append(option.problem_id)
            if option.circumstance in NeedCircumstance.values and \
                    option.circumstance not in circumstances:
                circumstances.append(option.circumstance)
        value = answer.get("value_number")
        if value is not None and q.threshold is not None and q.threshold_problem_id and (
                (value < q.threshold) if q.raise_when_below else (value > q.threshold)):
            problem_ids.append(q.threshold_problem_id)
    per_capita = minimum = None
    income = by_code.get("family_income", {}).get("value_number")
    size = by_code.get("family_size", {}).get("value_number")
    if income is not None:
        if not size:
            raise ValidationError({"answers": [_("Для расчёта среднедушевого дохода укажите "
                                                 "число членов семьи (больше нуля).")]})
        per_capita = (income / size).quantize(income.__class__("0.01"))
        pm = subsistence_minimum_for(case.territory, conducted_on.year)
        if pm is not None:
            minimum = pm.per_capita
            if per_capita < minimum:
                low = Problem.objects.filter(code="low_income", is_active=True).first()
                if low is not None:
                    problem_ids.append(low.pk)
    assessment = Assessment.objects.create(
        case=case, territory_id=case.territory_id, practice=case.practice,
        questionnaire=questionnaire, conducted_on=conducted_on,
        conducted_by=user, total_score=score, per_capita_income=per_capita,
        subsistence_minimum=minimum, conclusion=(conclusion or "").strip())
    AssessmentAnswer.objects.bulk_create(
        AssessmentAnswer(assessment=assessment, question_id=qid, **answer)
        for qid, answer in parsed.items())
    found = []
    for problem in Problem.objects.filter(pk__in=set(problem_ids)).order_by("order"):
        item = add_problem(user, case, problem, ProblemSource.ASSESSMENT, conducted_on)
        if item is not None:
            assessment.raised_problems.add(item)
            found.append(problem.name)
    summary = ngettext("%(q)s: %(score)s балл", "%(q)s: %(score)s баллов", abs(score)) % {
        "q": questionnaire.title, "score": score}
    if found:
        summary += "; " + _("выявлено: %(p)s") % {"p": ", ".join(found)}
    audit.record(user=user, obj=assessment, action=ChangeAction.CREATE,
                 person_id=case.person_id, event_type="case.assessed", summary=summary)
    if circumstances != list(case.circumstances):
        before = audit.snapshot(case)
        case.circumstances = circumstances
        case.version += 1
        case.save()
        audit.record_change(user=user, obj=case, action=ChangeAction.UPDATE, before=before,
                            after=audit.snapshot(case), person_id=case.person_id)
    return assessment


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


