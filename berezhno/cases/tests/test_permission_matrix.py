"""Every support-case endpoint (and page, see ``UI_CASES``) against every kind of user.

The scene adds to the registry scene one case in each state in district 1 (p1's), a
referral to the partner organisation and an urgent-services act. The district specialist of
district 1 (IN) and the head work on cases; the psychologist (PSY) reads the cases of the
municipality and carries out the activities assigned to them; the partner answers the
referrals addressed to its organisation and sees nothing else; everybody else gets 404 (or
403 for a right they hold nowhere).
"""

import datetime

import pytest

from berezhno.assessments import services as assessments_services
from berezhno.assessments.models import Questionnaire
from berezhno.cases import services
from berezhno.cases.choices import Decision
from berezhno.cases.models import Problem
from berezhno.core.context import acting_as
from berezhno.core.workdays import local_today
from berezhno.people import services as people
from berezhno.people.tests import test_permission_matrix as registry_matrix
from berezhno.referrals import services as referrals_services
from berezhno.testing.fixtures import CONSENT
from berezhno.testing.matrix import (
    ADMIN,
    ANALYST,
    HEAD,
    IN,
    OUT,
    PARTNER,
    PRACTICE,
    PSY,
    SIGNED_IN,
    Case,
    assert_case,
    outcomes,
)
from berezhno.urgent import services as urgent_services


def api(name, allowed, ok=200, **kw) -> Case:
    """Case records belong to a practice: the other-practice actor is refused like OUT."""
    return registry_matrix.api(name, allowed, ok, practice_bound=True, **kw)


def creating(name, allowed, ok, *, scoped_out=(), **kw) -> Case:
    """A new case record in the actor's own practice: the other-practice actor of p1's
    district may create it (a yard case, a yard urgent act) unless the data names a record
    of another practice."""
    return registry_matrix.creating(name, allowed, ok, scoped_out=scoped_out,
                                    practice_bound=True, **kw)

WORKERS = {IN, HEAD}  # open, decide, plan, refer, close
READERS = {IN, HEAD, PSY}  # read the cases of district 1
EXECUTORS = {IN, HEAD, PSY}  # carry out the psychologist's activity
CATALOGUE_READERS = {IN, OUT, HEAD, PSY, ANALYST, ADMIN}


def first_answers(questionnaire) -> dict:
    """The first variant of every question with variants: a family without difficulties."""
    answers = {}
    for q in questionnaire.questions.prefetch_related("options"):
        first = q.options.order_by("order").first()
        if first is not None:
            answers[q.pk] = [first.pk] if q.answer_type == "multi" else first.pk
    return answers


def extend_scene(scene):
    """This module's records added to the matrix scene (also used by the phone-width
    browser test, ``testing.matrix.discover_scene_extensions``)."""
    w = scene.world
    spec, psy = w.user(IN), w.user(PSY)
    today = local_today(w.d1)
    due = today + datetime.timedelta(days=20)
    fuel = Problem.objects.get(code="fuel")

    def case(**extra):
        return services.case_open(user=spec, person=w.p1, **{
            "channel": "walk_in", "problem_told": "Нет средств на топливо", **extra})

    def recognise(c):
        return services.case_decide(user=spec, case=c, decision=Decision.NEED_RECOGNISED)

    with acting_as("test"):
        people.consent_record(user=spec, person=w.p1, **{
            **CONSENT, "purpose": "partner_transfer", "recipients": [w.partner_org]})
        intake = case()
        problem = services.problem_add(user=spec, case=intake, problem=fuel)
        recognised = recognise(case())
        planning = recognise(case())
        draft = services.plan_create(user=spec, case=planning)
        draft_activity = services.activity_add(user=spec, plan=draft, **{
            "service_type": "legal", "title": "Консультация юриста",
            "responsible_user": psy, "due_date": due})
        running = recognise(case())
        plan = services.plan_create(user=spec, case=running)
        psy_activity = services.activity_add(user=spec, plan=plan, **{
            "service_type": "psychological", "title": "Занятия с психологом",
            "responsible_user": psy, "due_date": due})
        services.activity_add(user=spec, plan=plan, **{
            "service_type": "labour", "title": "Подбор работы", "partner": w.partner_org,
            "due_date": due})
        services.plan_approve(user=spec, plan=plan)
        referral = referrals_services.referral_send(user=spec, case=running, **{
            "organisation": w.partner_org, "services": "Подбор вакансий"})
        accepted = referrals_services.referral_send(user=spec, case=recognised, **{
            "organisation": w.partner_org, "services": "Консультация"})
        referrals_services.referral_accept(user=w.user(PARTNER), referral=accepted)
        review = recognise(case())
        plan2 = services.plan_create(user=spec, case=review)
        last = services.activity_add(user=spec, plan=plan2, **{
            "service_type": "household", "title": "Продуктовый набор",
            "responsible_user": spec, "due_date": due})
        services.plan_approve(user=spec, plan=plan2)
        services.activity_complete(user=spec, activity=last, result="Выдан")
        act = urgent_services.urgent_act_create(user=spec, person=w.p1, **{
            "date_from": today, "date_to": today}, lines=[{"service": "food"}])
        diagnostics = Questionnaire.objects.get(code="family_diagnostics")
        assessment = assessments_services.assessment_record(user=psy, case=intake,
                                                questionnaire=diagnostics,
                                                answers=first_answers(diagnostics))
    scene.objects.update({
        "case_intake": intake, "case_problem": problem, "case_recognised": recognised,
        "case_planning": planning, "draft_plan": draft, "draft_activity": draft_activity,
        "case_running": running, "running_plan": plan, "psy_activity": psy_activity,
        "referral": referral, "accepted_referral": accepted, "case_review": review,
        "urgent_act": act, "fuel": fuel, "assessment": assessment,
        "questionnaire": diagnostics,
    })
    # p1 consented to the transfer of her data to the partner: its referrals show her name
    # (and only the minimal data: the СНИЛС and the rest stay secret).
    scene.secrets = [(text, allowed | {PARTNER} if text == "Семёнова" else allowed)
                     for text, allowed in scene.secrets]
    # An activity of a Family Dispatch case: not for another practice.
    scene.secrets.append(("Занятия с психологом", frozenset({IN, HEAD, PSY, "root"})))
    return scene


@pytest.fixture
def case_scene(scene):
    return extend_scene(scene)


API_CASES = [
    api("case-list", SIGNED_IN),
    api("case-list", SIGNED_IN, 400, denied=400, query={"q": "семёнова"},
        label="term in the address"),
    api("case-search", SIGNED_IN, method="post", data={"q": "семёнова"}, writes=False),
    api("case-detail", READERS, args=("case_intake",)),
    creating("case-list", WORKERS, 201, method="post", scoped_out=(OUT,),
             extra={PRACTICE: 201},
             data=lambda s: {"person": s.pk("p1"), "channel": "phone",
                             "problem_told": "Просит помощи"}),
    api("case-detail", WORKERS, method="patch", args=("case_intake",),
        extra={PSY: 403},
        data=lambda s: {"urgency": "urgent", "version": s.version("case_intake")}),
    api("case-decide", WORKERS, method="post", args=("case_intake",), extra={PSY: 403},
        data={"decision": "recognised"}),
    api("case-add-problem", WORKERS, 201, method="post", args=("case_running",),
        extra={PSY: 403}, data=lambda s: {"problem": s.pk("fuel")}),
    api("case-close", WORKERS, method="post", args=("case_review",), extra={PSY: 403},
        data={"outcome": "resolved_fully", "improved": "yes"}),
    api("case-continue-support", WORKERS, 201, method="post", args=("case_review",),
        extra={PSY: 403}, data={"reason": "Семья просит продолжить"}),
    api("case-problem-list", SIGNED_IN),
    api("case-problem-remove", WORKERS, 204, method="post", args=("case_problem",),
        extra={PSY: 403}, data={"reason": "Ошибочно"}),
    api("plan-list", SIGNED_IN),
    api("plan-detail", READERS, args=("draft_plan",)),
    creating("plan-list", WORKERS, 201, method="post", scoped_out=(OUT,),
             data=lambda s: {"case": s.pk("case_recognised")}),
    api("plan-detail", WORKERS, method="patch", args=("draft_plan",), extra={PSY: 403},
        data=lambda s: {"goal": "Новая цель", "version": s.version("draft_plan")}),
    api("plan-approve", WORKERS, method="post", args=("draft_plan",), extra={PSY: 403}),
    api("activity-list", SIGNED_IN),
    api("activity-detail", EXECUTORS, args=("psy_activity",)),
    creating("activity-list", WORKERS, 201, method="post", scoped_out=(OUT,),
             data=lambda s: {"plan": s.pk("draft_plan"), "service_type": "legal",
                             "title": "Ещё консультация", "responsible_user": s.pk("spec_user"),
                             "due_date": _today()}),
    api("activity-detail", WORKERS, method="patch", args=("draft_activity",),
        extra={PSY: 403}, data=lambda s: {"title": "Юрист", "version": s.version(
            "draft_activity")}),
    api("activity-detail", WORKERS, 204, method="delete", args=("draft_activity",),
        extra={PSY: 403}),
    api("activity-start", EXECUTORS, method="post", args=("psy_activity",)),
    api("activity-complete", EXECUTORS, method="post", args=("psy_activity",),
        data={"result": "Проведено 8 занятий"}),
    api("activity-not-done", EXECUTORS, method="post", args=("psy_activity",),
        data={"reason": "Семья не приходит"}),
    api("activity-sessions", EXECUTORS, args=("psy_activity",)),
    api("activity-sessions", EXECUTORS, 201, method="post", args=("psy_activity",),
        data={"notes": "Первое занятие"}),
    api("referral-list", SIGNED_IN),
    api("referral-detail", READERS | {PARTNER}, args=("referral",)),
    creating("referral-list", WORKERS, 201, method="post", scoped_out=(OUT,),
             data=lambda s: {"case": s.pk("case_planning"), "organisation":
                             s.pk("partner_org"), "services": "Консультация"}),
    api("referral-accept", WORKERS | {PARTNER}, method="post", args=("referral",),
        extra={PSY: 403}),
    api("referral-reject", WORKERS | {PARTNER}, method="post", args=("referral",),
        extra={PSY: 403}, data={"reason": "Нет мест"}),
    api("referral-complete", WORKERS | {PARTNER}, method="post", args=("accepted_referral",),
        extra={PSY: 403}, data={"result": "Консультация проведена"}),
    api("referral-withdraw", WORKERS, method="post", args=("referral",),
        extra={PSY: 403, PARTNER: 403}, data={"reason": "Семья передумала"}),
    api("urgent-act-list", SIGNED_IN),
    api("urgent-act-detail", READERS, args=("urgent_act",)),
    creating("urgent-act-list", WORKERS, 201, method="post", scoped_out=(OUT,),
             extra={PRACTICE: 201},
             data=lambda s: {"person": s.pk("p1"), "date_from": _today(),
                             "date_to": _today(),
                             "lines": [{"service": "clothing"}]}),
    api("problem-list", SIGNED_IN),
    api("problem-detail", CATALOGUE_READERS, args=("fuel",)),
    api("board-list", SIGNED_IN),
    api("questionnaire-list", SIGNED_IN),
    api("questionnaire-detail", CATALOGUE_READERS, args=("questionnaire",)),
    api("assessment-list", SIGNED_IN),
    api("assessment-detail", READERS, args=("assessment",)),
    creating("assessment-list", READERS, 201, method="post", scoped_out=(OUT,),
             data=lambda s: {"case": s.pk("case_running"),
                             "questionnaire": s.pk("questionnaire"),
                             "answers": {str(k): v for k, v in first_answers(
                                 s.questionnaire).items()}}),
]


def _ui(name, allowed, ok=200, **kw):
    """A page: anonymous goes to the login page, the rest of the refused get 404; the
    other-practice actor gets what OUT gets."""
    extra = kw.pop("extra", None)
    return Case(name, outcomes(allowed, ok, extra=extra, practice_bound=True), **kw)


CASE_VIEWERS = {IN, OUT, HEAD, PSY}  # have the case list (OUT sees district 2's only)
INTAKERS = {IN, OUT, HEAD}  # may open cases somewhere; the board
REFERRAL_VIEWERS = {IN, OUT, HEAD, PSY, PARTNER}
ANSWERERS = WORKERS | {PARTNER}  # record a partner's answer to a referral
URGENT_LINES = {"lines-TOTAL_FORMS": "5", "lines-INITIAL_FORMS": "0",
                "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "5"}


def _today():
    """Today in the test world's time zone (its districts'), as the services judge dates."""
    from berezhno.territories.models import Territory

    return local_today(Territory.objects.filter(level=4).first()).isoformat()


UI_CASES = [
    _ui("cases:list", CASE_VIEWERS),
    _ui("cases:list", CASE_VIEWERS, method="post", data={"q": "семёнова", "overdue": "on"},
        writes=False, label="search"),
    Case("cases:list", outcomes(set(), 303, denied=303, anon=303),
         query={"q": "семёнова", "overdue": "on"}, label="term in the address"),
    _ui("cases:intake", INTAKERS),
    _ui("cases:intake", INTAKERS, method="post", data={"search": "1", "q": "семёнова"},
        writes=False, label="search"),
    _ui("cases:intake", INTAKERS, data=lambda s: {"person": s.pk("p1")}, label="applicant"),
    _ui("cases:intake", WORKERS, 302, method="post", extra={OUT: 400},
        data=lambda s: {"person": s.pk("p1"), "practice": "family_dispatch",
                        "channel": "walk_in", "problem_told": "Просит помощи",
                        "urgency": "routine"}),
    _ui("cases:worklist", CASE_VIEWERS),
    # The board is Family Dispatch's: a yard-only specialist has none.
    _ui("cases:board", INTAKERS, extra={PRACTICE: 404}),
    _ui("cases:board", INTAKERS, query={"overdue": "on"}, label="overdue",
        extra={PRACTICE: 404}),
    _ui("referrals:inbox", REFERRAL_VIEWERS),
    _ui("referrals:inbox", REFERRAL_VIEWERS, query={"status": "open"}, label="open"),
    _ui("cases:case", READERS, args=("case_running",)),
    _ui("cases:case", READERS, args=("case_review",), label="review"),
    _ui("cases:case_pdf", READERS, args=("case_running",)),
    _ui("cases:case_pdf", READERS, args=("case_intake",), label="assessed"),
    _ui("cases:plan_pdf", READERS, args=("case_running", "running_plan")),
    _ui("cases:plan_pdf", READERS, args=("case_planning", "draft_plan"), label="draft"),
    # Readers of the case all run questionnaires: the workers and the psychologist.
    _ui("assessments:new", READERS, args=("case_running",)),
    _ui("assessments:new", READERS, args=("case_running",), label="questionnaire",
        data=lambda s: {"questionnaire": s.pk("questionnaire")}),
    _ui("assessments:new", READERS, 302, method="post", args=("case_running",),
        data=lambda s: {"questionnaire": s.pk("questionnaire"), **{
            f"q{k}": v for k, v in first_answers(s.questionnaire).items()}}),
    _ui("assessments:new", READERS, 400, method="post", args=("case_running",),
        data=lambda s: {"questionnaire": s.pk("questionnaire")}, label="unanswered"),
    _ui("assessments:detail", READERS, args=("case_intake", "assessment")),
    _ui("cases:edit", WORKERS, args=("case_intake",)),
    _ui("cases:edit", WORKERS, 302, method="post", args=("case_intake",),
        data=lambda s: {"practice": "family_dispatch", "channel": "walk_in",
                        "problem_told": "Нет средств на топливо", "urgency": "urgent",
                        "responsible": s.pk("spec_user"), "is_social_support": "on",
                        "version": s.version("case_intake")}),
    _ui("cases:decide", WORKERS, args=("case_intake",)),
    _ui("cases:decide", WORKERS, 302, method="post", args=("case_intake",),
        data={"decision": "recognised"}),
    _ui("cases:problem_add", WORKERS, args=("case_running",)),
    _ui("cases:problem_add", WORKERS, 302, method="post", args=("case_running",),
        data=lambda s: {"problem": s.pk("fuel"), "source": "specialist"}),
    _ui("cases:problem_remove", WORKERS, args=("case_intake", "case_problem")),
    _ui("cases:problem_remove", WORKERS, 302, method="post",
        args=("case_intake", "case_problem"), data={"reason": "Выявлена ошибочно"}),
    _ui("cases:plan_create", WORKERS, args=("case_recognised",)),
    _ui("cases:plan_create", WORKERS, 302, method="post", args=("case_recognised",),
        data={"goal": "Выход из трудной ситуации"}),
    _ui("cases:plan_edit", WORKERS, args=("case_planning", "draft_plan")),
    _ui("cases:plan_edit", WORKERS, 302, method="post", args=("case_planning", "draft_plan"),
        data=lambda s: {"goal": "Новая цель", "version": s.version("draft_plan")}),
    _ui("cases:plan_approve", WORKERS, args=("case_planning", "draft_plan")),
    _ui("cases:plan_approve", WORKERS, 302, method="post",
        args=("case_planning", "draft_plan")),
    _ui("cases:activity_add", WORKERS, args=("case_planning", "draft_plan")),
    _ui("cases:activity_add", WORKERS, 302, method="post",
        args=("case_planning", "draft_plan"),
        data=lambda s: {"service_type": "legal", "title": "Ещё консультация",
                        "responsible_user": s.pk("spec_user"), "due_date": _today()}),
    _ui("cases:activity_edit", WORKERS, args=("case_planning", "draft_activity")),
    _ui("cases:activity_edit", WORKERS, 302, method="post",
        args=("case_planning", "draft_activity"),
        data=lambda s: {"service_type": "legal", "title": "Юрист",
                        "responsible_user": s.pk("spec_user"), "due_date": _today(),
                        "version": s.version("draft_activity")}),
    _ui("cases:activity_remove", WORKERS, args=("case_planning", "draft_activity")),
    _ui("cases:activity_remove", WORKERS, 302, method="post",
        args=("case_planning", "draft_activity")),
    _ui("cases:activity_start", EXECUTORS, args=("psy_activity",)),
    _ui("cases:activity_start", EXECUTORS, 302, method="post", args=("psy_activity",)),
    _ui("cases:session_record", EXECUTORS, args=("psy_activity",)),
    _ui("cases:session_record", EXECUTORS, 302, method="post", args=("psy_activity",),
        data={"notes": "Первое занятие", "duration_minutes": "45"}),
    _ui("cases:activity_complete", EXECUTORS, args=("psy_activity",)),
    _ui("cases:activity_complete", EXECUTORS, 302, method="post", args=("psy_activity",),
        data={"result": "Проведено 8 занятий"}),
    _ui("cases:activity_fail", EXECUTORS, args=("psy_activity",)),
    _ui("cases:activity_fail", EXECUTORS, 302, method="post", args=("psy_activity",),
        data={"reason": "Семья не приходит"}),
    _ui("referrals:send", WORKERS, args=("case_planning",)),
    _ui("referrals:send", WORKERS, 302, method="post", args=("case_planning",),
        data=lambda s: {"organisation": s.pk("partner_org"), "services": "Консультация"}),
    _ui("referrals:withdraw", WORKERS, args=("referral",)),
    _ui("referrals:withdraw", WORKERS, 302, method="post", args=("referral",),
        data={"reason": "Семья передумала"}),
    _ui("referrals:accept", ANSWERERS, args=("referral",)),
    _ui("referrals:accept", ANSWERERS, 302, method="post", args=("referral",),
        data=lambda s: {"version": s.version("referral")}),
    _ui("referrals:reject", ANSWERERS, args=("referral",)),
    _ui("referrals:reject", ANSWERERS, 302, method="post", args=("referral",),
        data=lambda s: {"version": s.version("referral"), "reason": "Нет мест"}),
    _ui("referrals:complete", ANSWERERS, args=("accepted_referral",)),
    _ui("referrals:complete", ANSWERERS, 302, method="post",
        args=("accepted_referral",),
        data=lambda s: {"version": s.version("accepted_referral"),
                        "result": "Консультация проведена"}),
    _ui("urgent:act", WORKERS, args=("case_intake",)),
    _ui("urgent:act", WORKERS, 302, method="post", args=("case_intake",),
        data=lambda s: {**URGENT_LINES, "date_from": _today(), "date_to": _today(),
                        "lines-0-service": "food", "lines-0-description": "набор"}),
    _ui("cases:continue", WORKERS, args=("case_review",)),
    _ui("cases:continue", WORKERS, 302, method="post", args=("case_review",),
        data={"reason": "Семья просит продолжить"}),
    _ui("cases:close", WORKERS, args=("case_review",)),
    _ui("cases:close", WORKERS, 302, method="post", args=("case_review",),
        data=lambda s: {"outcome": "resolved_fully", "improved": "yes",
                        "version": s.version("case_review")}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", UI_CASES, ids=[c.id for c in UI_CASES])
def test_ui_matrix(case_scene, case):
    assert_case(case, case_scene)


@pytest.mark.django_db
@pytest.mark.parametrize("case", API_CASES, ids=[c.id for c in API_CASES])
def test_api_matrix(case_scene, case):
    assert_case(case, case_scene)


@pytest.mark.django_db
def test_partner_list_shows_only_its_referrals(client, case_scene):
    w = case_scene.world
    client.force_login(w.user(PARTNER))
    rows = client.get("/api/v1/referrals/").json()["results"]
    assert {r["id"] for r in rows} == {case_scene.pk("referral"),
                                       case_scene.pk("accepted_referral")}
    assert client.get("/api/v1/cases/").json()["results"] == []
    assert client.get("/api/v1/urgent-acts/").json()["results"] == []
    client.force_login(w.user(OUT))
    assert client.get("/api/v1/referrals/").json()["results"] == []
    assert client.get("/api/v1/cases/").json()["results"] == []
