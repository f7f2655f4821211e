"""The case workflow through its services: every transition, every refusal."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from berezhno.cases import services
from berezhno.cases.choices import ActivityStatus, CaseStatus, Decision, Outcome, PlanStatus
from berezhno.cases.models import Activity, CaseProblem, DeadlineRule, Problem, SupportCase
from berezhno.core.context import acting_as
from berezhno.core.errors import ConflictError, DomainError, ErrorCode, TransitionError
from berezhno.core.models import DomainEvent
from berezhno.core.workdays import add_working_days, local_today
from berezhno.people import services as people

from .conftest import open_case, recognised

pytestmark = pytest.mark.django_db


def _plan_with_two_activities(world, case):
    disp = world.user("dispatcher")
    today = local_today(world.d1)
    with acting_as("test"):
        plan = services.plan_create(user=disp, case=case, **{"goal": "Выход из ТЖС"})
        psy = services.activity_add(user=disp, plan=plan, **{
            "service_type": "psychological", "title": "Коррекция детско-родительских отношений",
            "responsible_user": world.user("specialist_psy"),
            "due_date": today + datetime.timedelta(days=30), "volume": "8 занятий",
            "frequency": "1 раз в неделю"})
        job = services.activity_add(user=disp, plan=plan, **{
            "service_type": "labour", "title": "Содействие в трудоустройстве матери",
            "partner": world.partner_org, "due_date": today + datetime.timedelta(days=20)})
    return plan, psy, job


def test_intake_sets_deadlines_in_working_days(world, family):
    case = open_case(world, family)
    received = local_today(world.d1)
    assert case.status == CaseStatus.INTAKE
    assert case.number == f"{received.year}-{case.pk:06d}"
    assert case.decision_due == add_working_days(received, 5)
    assert case.programme_due == add_working_days(received, 10)
    assert case.responsible == world.user("dispatcher")
    assert case.territory == world.d1 and case.household == family
    event = DomainEvent.objects.get(event_type="case.opened", object_id=case.pk)
    assert event.person_id == world.p1.pk
    # The deadline is reference data: the administrator's change applies to new intakes.
    DeadlineRule.objects.filter(code="decision").update(days=3)
    assert open_case(world).decision_due == add_working_days(received, 3)


def test_intake_refusals_change_nothing(world, family):
    disp = world.user("dispatcher")
    before = SupportCase.objects.count()
    with acting_as("test"), pytest.raises(ValidationError) as exc:
        services.case_open(user=disp, person=world.p1, **{
            "channel": "school", "problem_told": "  "})
    assert set(exc.value.message_dict) == {"referred_by", "problem_told"}
    assert "направила" in exc.value.message_dict["referred_by"][0]
    # A person without consent: the case would hold personal data.
    with acting_as("test"):
        bare = people.person_register(user=world.user("specialist"), **{
            "surname": "Безсогласная", "name": "Мария", "sex": "f", "territory": world.d1})
        with pytest.raises(DomainError) as exc:
            services.case_open(user=disp, person=bare, **{
                "channel": "phone", "problem_told": "Просит помощи"})
    assert exc.value.code == ErrorCode.NO_CONSENT and "согласия" in str(exc.value.message)
    # Out of territory: the far specialist does not even see the person.
    with acting_as("test"), pytest.raises(DomainError) as exc:
        services.case_open(user=world.user("specialist_far"), person=world.p1, **{
            "channel": "walk_in", "problem_told": "x"})
    assert exc.value.code == ErrorCode.FORBIDDEN
    # A household the applicant is not a member of.
    with acting_as("test"):
        other = people.household_create(user=world.user("specialist_other"), head=world.p2,
                                        name="Кузнецовы", address="ул. 2")
        with pytest.raises(ValidationError) as exc:
            services.case_open(user=disp, person=world.p1, **{
                "channel": "walk_in", "problem_told": "x", "household": other})
    assert "household" in exc.value.message_dict
    assert SupportCase.objects.count() == before


def test_decision_transitions(world, family):
    disp = world.user("dispatcher")
    case = open_case(world, family)
    with acting_as("test"), pytest.raises(ValidationError) as exc:
        services.case_decide(user=disp, case=case, decision=Decision.NEED_NOT_RECOGNISED)
    assert "notes" in exc.value.message_dict
    case = recognised(world, case)
    assert case.status == CaseStatus.PLANNING and case.decision_by == disp
    version = case.version
    with acting_as("test"), pytest.raises(TransitionError) as exc:
        services.case_decide(user=disp, case=case, decision=Decision.NEED_RECOGNISED)
    assert "разработка программы" in str(exc.value.message)
    case.refresh_from_db()
    assert case.version == version and case.status == CaseStatus.PLANNING
    refused = open_case(world)
    with acting_as("test"):
        refused = services.case_decide(user=disp, case=refused,
                                       decision=Decision.NEED_NOT_RECOGNISED,
                                       notes="Доход выше полутора прожиточных минимумов")
    assert refused.status == CaseStatus.REFUSED and refused.closed_on is not None
    # The psychologist sees the cases but may not decide on them.
    with acting_as("test"), pytest.raises(DomainError) as exc:
        services.case_decide(user=world.user("specialist_psy"), case=open_case(world),
                             decision=Decision.NEED_RECOGNISED)
    assert exc.value.code == ErrorCode.FORBIDDEN


def test_plan_and_activities(world, family):
    disp = world.user("dispatcher")
    case = open_case(world, family)
    with acting_as("test"), pytest.raises(TransitionError):
        services.plan_create(user=disp, case=case)  # not yet recognised
    case = recognised(world, case)
    with acting_as("test"):
        plan = services.plan_create(user=disp, case=case)
        with pytest.raises(ValidationError) as exc:
            services.plan_approve(user=disp, plan=plan)
        assert "activities" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.activity_add(user=disp, plan=plan, **{
                "service_type": "legal", "title": "Консультация юриста",
                "responsible_user": world.user("specialist_psy"),
                "partner": world.partner_org, "due_date": local_today(world.d1)})
        assert "одного исполнителя" in exc.value.message_dict["responsible_user"][0]
        with pytest.raises(ValidationError) as exc:
            services.activity_add(user=disp, plan=plan, **{
                "service_type": "legal", "title": "Консультация юриста",
                "responsible_user": world.user("specialist_far"),
                "due_date": local_today(world.d1)})
        assert "не работает на территории" in exc.value.message_dict["responsible_user"][0]
    assert not Activity.objects.exists()
    plan.delete()
    case.refresh_from_db()
    plan, _psy, _job = _plan_with_two_activities(world, case)
    with acting_as("test"):
        services.plan_approve(user=disp, plan=plan)
    case.refresh_from_db()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and case.status == CaseStatus.IN_PROGRESS
    assert case.programme_date == local_today(world.d1)
    with acting_as("test"), pytest.raises(TransitionError):
        services.activity_add(user=disp, plan=plan, **{
            "service_type": "legal", "title": "x", "partner": world.partner_org,
            "due_date": local_today(world.d1)})
    assert case.activities.count() == 2


def test_execution_review_and_closure(world, family):
    disp, psy_user = world.user("dispatcher"), world.user("specialist_psy")
    case = recognised(world, open_case(world, family))
    plan, psy, job = _plan_with_two_activities(world, case)
    with acting_as("test"):
        services.plan_approve(user=disp, plan=plan)
        # The district specialist of another district may not touch the activity.
        with pytest.raises(DomainError) as exc:
            services.activity_start(user=world.user("specialist_far"), activity=psy)
        assert exc.value.code == ErrorCode.FORBIDDEN
        services.session_record(user=psy_user, activity=psy, **{
            "notes": "Первичная консультация, диагностика отношений", "duration_minutes": 45})
        psy.refresh_from_db()
        assert psy.status == ActivityStatus.IN_PROGRESS and psy.sessions.count() == 1
        with pytest.raises(TransitionError):
            services.activity_start(user=psy_user, activity=psy)
        with pytest.raises(ValidationError):
            services.activity_complete(user=psy_user, activity=psy, result="")
        services.activity_complete(user=psy_user, activity=psy,
                                   result="Отношения в семье улучшились")
        case.refresh_from_db()
        assert case.status == CaseStatus.IN_PROGRESS  # one activity still open
        with pytest.raises(TransitionError):
            services.case_close(user=disp, case=case, outcome=Outcome.RESOLVED_FULLY,
                                improved="yes")
        services.activity_fail(user=disp, activity=job, reason="Мать отказалась от вакансий")
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW and case.review_since == local_today(world.d1)
    assert DomainEvent.objects.filter(event_type="case.review", object_id=case.pk).exists()
    with acting_as("test"):
        with pytest.raises(ValidationError) as exc:
            services.case_close(user=disp, case=case, outcome="nonsense", improved="")
        assert set(exc.value.message_dict) == {"outcome", "improved"}
        closed = services.case_close(user=disp, case=case,
                                     outcome=Outcome.RESOLVED_PARTIALLY, improved="yes",
                                     notes="Отношения налажены, работа не найдена")
    assert closed.status == CaseStatus.CLOSED and closed.improved == "yes"
    assert closed.plans.get().status == PlanStatus.CLOSED
    with acting_as("test"), pytest.raises(TransitionError):
        services.case_close(user=disp, case=closed, outcome=Outcome.REFUSED, improved="no",
                            notes="x")


def test_continue_with_a_new_plan_version(world, family):
    disp = world.user("dispatcher")
    case = recognised(world, open_case(world, family))
    plan, psy, job = _plan_with_two_activities(world, case)
    with acting_as("test"):
        services.plan_approve(user=disp, plan=plan)
        services.activity_complete(user=world.user("specialist_psy"), activity=psy,
                                   result="Занятия проведены")
        services.activity_fail(user=disp, activity=job, reason="Нет вакансий")
        with pytest.raises(ValidationError):
            services.case_continue(user=disp, case=case, reason="")
        plan2 = services.case_continue(user=disp, case=case,
                                       reason="Семья просит продолжить по трудоустройству")
    case.refresh_from_db()
    assert case.status == CaseStatus.PLANNING and plan2.number == 2
    copied = plan2.activities.get()
    assert copied.copied_from == job and copied.status == ActivityStatus.PLANNED
    with acting_as("test"):
        services.plan_approve(user=disp, plan=plan2)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED
    assert list(case.plans.values_list("number", "status")) == [
        (2, PlanStatus.APPROVED), (1, PlanStatus.SUPERSEDED)]
    # The old version keeps its activities and results.
    assert plan.activities.get(pk=psy.pk).result == "Занятия проведены"


def test_family_may_refuse_at_any_stage(world, family):
    disp = world.user("dispatcher")
    case = recognised(world, open_case(world, family))
    plan, _psy, _job = _plan_with_two_activities(world, case)
    with acting_as("test"):
        services.plan_approve(user=disp, plan=plan)
        with pytest.raises(ValidationError) as exc:
            services.case_close(user=disp, case=case, outcome=Outcome.REFUSED, improved="no")
        assert "notes" in exc.value.message_dict
        services.case_close(user=disp, case=case, outcome=Outcome.REFUSED, improved="no",
                            notes="Письменный отказ от сопровождения")
    assert set(case.activities.values_list("status", flat=True)) == {ActivityStatus.NOT_DONE}






def test_problems_from_the_catalogue(world, family):
    disp = world.user("dispatcher")
    fuel = Problem.objects.get(code="fuel")
    case = open_case(world, family)
    with acting_as("test"):
        item = services.problem_add(user=disp, case=case, problem=fuel)
        with pytest.raises(ValidationError):
            services.problem_add(user=disp, case=case, problem=fuel)
        with pytest.raises(ValidationError):
            services.problem_remove(user=disp, item=item, reason="")
        services.problem_remove(user=disp, item=item, reason="Выявлена ошибочно")
    assert not CaseProblem.objects.filter(case=case).exists()
    with acting_as("test"):
        case2 = services.case_open(user=disp, person=world.p1, problems=[fuel], **{
            "channel": "phone", "problem_told": "Нечем топить"})
    assert case2.problems.get().source == "intake"


def test_concurrent_edit_conflicts(world, family):
    disp = world.user("dispatcher")
    case = open_case(world, family)
    with acting_as("test"):
        services.case_update(user=disp, case=case, expected_version=case.version, **{
            "contract_number": "15", "contract_date": local_today(world.d1)})
        with pytest.raises(ConflictError) as exc:
            services.case_update(user=disp, case=case, expected_version=case.version,
                                 **{"urgency": "urgent"})
    assert "другой пользователь" in str(exc.value.message)
    case.refresh_from_db()
    assert case.urgency == "routine" and case.contract_number == "15"






