"""The case workflow through its services: every transition, every refusal."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from berezhno.assessments import services as assessments_services
from berezhno.cases import services
from berezhno.cases.choices import ActivityStatus, CaseStatus, Decision, Outcome, PlanStatus
from berezhno.cases.models import Activity, CaseProblem, DeadlineRule, Problem, SupportCase
from berezhno.core.context import acting_as
from berezhno.core.errors import ConflictError, DomainError, ErrorCode, TransitionError
from berezhno.core.models import DomainEvent, ObjectChange
from berezhno.core.workdays import add_working_days, local_today
from berezhno.people import services as people
from berezhno.referrals import services as referrals_services
from berezhno.referrals.choices import ReferralStatus
from berezhno.referrals.models import Referral
from berezhno.sop import services as sop_services
from berezhno.urgent import services as urgent_services

from .conftest import open_case, partner_consent, recognised

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


def test_referral_needs_consent_naming_the_partner(world, family, other_partner):
    disp = world.user("dispatcher")
    case = recognised(world, open_case(world, family))
    data = {"organisation": world.partner_org, "services": "Подбор вакансий для матери"}
    with acting_as("test"), pytest.raises(DomainError) as exc:
        referrals_services.referral_send(user=disp, case=case, **data)
    assert exc.value.code == ErrorCode.NO_CONSENT and "согласия" in str(exc.value.message)
    # A consent naming another organisation does not cover this one.
    partner_consent(world, world.p1, other_partner[0])
    with acting_as("test"), pytest.raises(DomainError):
        referrals_services.referral_send(user=disp, case=case, **data)
    assert not Referral.objects.exists()
    with acting_as("test"):
        consent = world.p1.consents.get(purpose="partner_transfer")
        people.consent_withdraw(user=world.user("specialist"), consent=consent, date=None,
                                reason="Новое согласие")
    partner_consent(world, world.p1, world.partner_org, other_partner[0])
    with acting_as("test"):
        referral = referrals_services.referral_send(user=disp, case=case, **data)
    assert referral.status == ReferralStatus.SENT
    assert referral.response_due == add_working_days(referral.sent_on, 5)


def test_partner_answers_only_its_referrals(world, family, other_partner):
    disp, partner = world.user("dispatcher"), world.user("partner")
    case = recognised(world, open_case(world, family))
    partner_consent(world, world.p1, world.partner_org)
    with acting_as("test"):
        referral = referrals_services.referral_send(user=disp, case=case, **{
            "organisation": world.partner_org, "services": "Консультация по вакансиям"})
    assert list(Referral.objects.restrict(partner, "view")) == [referral]
    assert not Referral.objects.restrict(other_partner[1], "view").exists()
    assert not SupportCase.objects.restrict(partner, "view").exists()
    with acting_as("test"):
        with pytest.raises(DomainError) as exc:
            referrals_services.referral_accept(user=other_partner[1], referral=referral)
        assert exc.value.code == ErrorCode.FORBIDDEN
        with pytest.raises(ConflictError):
            referrals_services.referral_accept(user=partner, referral=referral, expected_version=99)
        with pytest.raises(TransitionError):
            referrals_services.referral_complete(user=partner, referral=referral,
                                                 result="Трудоустроена")
        referrals_services.referral_accept(user=partner, referral=referral)
        with pytest.raises(TransitionError):
            referrals_services.referral_reject(user=partner, referral=referral, reason="поздно")
        with pytest.raises(ValidationError):
            referrals_services.referral_complete(user=partner, referral=referral, result=" ")
        done = referrals_services.referral_complete(user=partner, referral=referral,
                                          result="Предложены 3 вакансии, мать трудоустроена")
    assert done.status == ReferralStatus.DONE and done.responded_by == partner
    changes = ObjectChange.objects.filter(object_id=referral.pk,
                                          content_type__model="referral").count()
    assert changes == 3  # sent, accepted, done


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


def test_urgent_services_without_a_plan(world):
    disp = world.user("dispatcher")
    today = local_today(world.d1)
    with acting_as("test"):
        with pytest.raises(ValidationError) as exc:
            urgent_services.urgent_act_create(user=disp, person=world.p1, **{
                "date_from": today, "date_to": today - datetime.timedelta(days=1)}, lines=[])
        assert {"date_to", "lines"} <= set(exc.value.message_dict)
        act = urgent_services.urgent_act_create(user=disp, person=world.p1, **{
            "date_from": today, "date_to": today}, lines=[
            {"service": "food", "description": "продуктовый набор", "quantity": "1"},
            {"service": "clothing", "description": "зимняя куртка детская"}])
    assert act.number.startswith(f"С-{today.year}-") and act.lines.count() == 2
    assert act.provider == world.provider
    assert DomainEvent.objects.filter(event_type="urgent.act", person_id=world.p1.pk).exists()


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


def test_family_in_a_socially_dangerous_position(world, family):
    from berezhno.people.models import PersonCategory
    from berezhno.sop.choices import SopStatus

    disp = world.user("dispatcher")
    case = open_case(world, family)
    today = local_today(world.d1)
    with acting_as("test"):
        with pytest.raises(ValidationError) as exc:
            sop_services.sop_identify(user=disp, case=case, **{"source": "", "grounds": ""})
        assert {"source", "grounds"} <= set(exc.value.message_dict)
        record = sop_services.sop_identify(user=disp, case=case, **{
            "source": "school", "grounds": "Дети не посещают школу, родители пьют",
            "child_threat": True})
        assert record.kdn_notice_due == today + datetime.timedelta(days=1)
        assert record.first_survey_due == today + datetime.timedelta(days=5)
        with pytest.raises(TransitionError):
            sop_services.sop_identify(user=disp, case=case, **{
                "source": "school", "grounds": "повторно"})
        with pytest.raises(TransitionError):
            sop_services.sop_survey(user=disp, record=record, date=None, notes="рано")
        with pytest.raises(ValidationError) as exc:
            sop_services.sop_notify_kdn(user=disp, record=record, date=None, number="15-исх")
        assert "guardianship_date" in exc.value.message_dict
        sop_services.sop_notify_kdn(user=disp, record=record, date=None, number="15-исх",
                                guardianship_date=today)
        sop_services.sop_survey(user=disp, record=record, date=None,
                            notes="Условия проживания неудовлетворительные")
        with pytest.raises(ValidationError) as exc:
            sop_services.sop_register(user=disp, record=record, decision_date=today,
                                  decision_number="7", curator=world.user("specialist_far"))
        assert "curator" in exc.value.message_dict
        sop_services.sop_register(user=disp, record=record, decision_date=today,
                              decision_number="7", curator=world.user("specialist_psy"))
    record.refresh_from_db()
    assert record.status == SopStatus.REGISTERED
    assert record.next_review_due == today + datetime.timedelta(days=90)
    assert record.overdue(today) == []
    assert PersonCategory.objects.filter(person=world.p1, category="sop",
                                         end_date__isnull=True).exists()
    with acting_as("test"):
        sop_services.sop_review(user=disp, record=record, date=None, notes="Отец трудоустроен")
        with pytest.raises(ValidationError):
            sop_services.sop_remove(user=disp, record=record, date=None, reason="Исправились")
        sop_services.sop_remove(user=disp, record=record, date=None, reason="Исправились",
                            decision_number="12")
    record.refresh_from_db()
    assert record.status == SopStatus.REMOVED and record.next_review_due is None
    assert not PersonCategory.objects.filter(person=world.p1, category="sop",
                                             end_date__isnull=True).exists()
    # A record whose notice is late is overdue.
    with acting_as("test"):
        late = sop_services.sop_identify(user=disp, case=case, **{
            "source": "police", "grounds": "Сообщение полиции"})
    assert late.overdue(today + datetime.timedelta(days=2)) == ["сообщение в КДН и ЗП"]
    assert late.overdue(today + datetime.timedelta(days=6)) == [
        "сообщение в КДН и ЗП", "первичное обследование"]
