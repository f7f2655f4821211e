"""The case workflow through the pages: every step a POST, as a user would do it."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from berezhno.cases import selectors
from berezhno.cases.choices import ActivityStatus, CaseStatus, PlanStatus
from berezhno.cases.models import Activity, ActivitySession, CaseProblem, Plan, Problem, SupportCase
from berezhno.core.models import AccessLog, CalendarDay, CalendarDayKind
from berezhno.core.workdays import add_working_days, local_today, working_days_between
from berezhno.referrals.choices import ReferralStatus
from berezhno.referrals.models import Referral
from berezhno.urgent.models import UrgentServiceAct

from .conftest import open_case, partner_consent, recognised

pytestmark = pytest.mark.django_db


def body(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page's visible text, tags stripped and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body(response)))


def url(name, args=None) -> str:
    """The address of a named page: a bare name is the case app's (``cases:<name>``)."""
    return reverse(name if ":" in name else f"cases:{name}", args=args)


def post(client, name, args, data, expect=302):
    r = client.post(url(name, args), data)
    assert r.status_code == expect, (name, r.status_code, text(r)[:3000])
    return r


def test_the_whole_flow_through_the_pages(world, family, client):
    disp, psy = world.user("dispatcher"), world.user("specialist_psy")
    today = local_today(world.d1)
    fuel, relations = Problem.objects.get(code="fuel"), Problem.objects.get(code="child_parent")

    # Intake: find the applicant, her family is preselected.
    client.force_login(disp)
    r = client.post(reverse("cases:intake"), {"search": "1", "q": "семёнова алёна"})
    assert r.status_code == 200 and f"?person={world.p1.pk}" in body(r)
    assert "Зарегистрировать гражданина" in body(r)
    r = client.get(reverse("cases:intake"), {"person": world.p1.pk})
    assert re.search(rf'<option value="{family.pk}" selected>', body(r))
    r = post(client, "intake", [], {
        "person": world.p1.pk, "practice": "family_dispatch", "household": family.pk,
        "channel": "walk_in", "problem_told": "Нет денег на дрова, дети пропускают школу",
        "urgency": "urgent", "circumstances": ["child_adaptation", "no_work_no_means"],
        "problems": [fuel.pk, relations.pk], "is_social_support": "on",
        "responsible": disp.pk, "contract_number": "Д-17", "contract_date": today.isoformat()})
    case = SupportCase.objects.get()
    assert r.url == reverse("cases:case", args=[case.pk])
    assert case.household == family and case.contract_number == "Д-17"
    assert case.circumstances == ["child_adaptation", "no_work_no_means"]
    assert set(case.problems.values_list("problem__code", flat=True)) == {"fuel", "child_parent"}

    card = client.get(case.get_absolute_url())
    page = text(card)
    assert card.status_code == 200 and f"Случай № {case.number}" in page
    assert "Несовершеннолетних детей: 2" in page
    assert "Егор" in page and "Олег" in page and "Семья Семёновых" in page
    assert "Нет средств на топливо" in page and "Д-17" in page
    assert reverse("people:person", args=[world.p1.pk]) in body(card)
    assert case.decision_due.strftime("%d.%m.%Y") in page
    assert "Зарегистрировано обращение, открыт случай" in page  # the case's history
    assert reverse("cases:decide", args=[case.pk]) in body(card)
    assert reverse("cases:plan_create", args=[case.pk]) not in body(card)  # not yet

    # Decision, programme, activities, approval.
    post(client, "decide", [case.pk], {"decision": "recognised", "notes": "Доход ниже ПМ"})
    case.refresh_from_db()
    assert case.status == CaseStatus.PLANNING and case.decision_by == disp
    post(client, "plan_create", [case.pk], {"goal": "Выход семьи из трудной ситуации",
                                            "service_form": ""})
    plan = Plan.objects.get(case=case)
    assert plan.status == PlanStatus.DRAFT
    due = (today + datetime.timedelta(days=30)).isoformat()
    post(client, "activity_add", [case.pk, plan.pk], {
        "service_type": "psychological", "title": "Коррекция детско-родительских отношений",
        "problem": relations.pk, "responsible_user": psy.pk, "due_date": due,
        "volume": "8 занятий", "frequency": "1 раз в неделю"})
    post(client, "activity_add", [case.pk, plan.pk], {
        "service_type": "support", "title": "Проверка условий проживания участковым",
        "partner": world.partner_org.pk, "due_date": due})
    mistaken = Activity.objects.create(plan=plan, case=case, practice=case.practice,
                                       service_type="legal",
                                       title="Лишнее мероприятие", responsible_user=disp,
                                       due_date=today)
    post(client, "activity_remove", [case.pk, mistaken.pk], {})
    assert not Activity.objects.filter(pk=mistaken.pk).exists()
    card = client.get(case.get_absolute_url())
    assert reverse("cases:plan_approve", args=[case.pk, plan.pk]) in body(card)
    post(client, "plan_approve", [case.pk, plan.pk], {})
    case.refresh_from_db()
    plan.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS and plan.status == PlanStatus.APPROVED
    session_job = Activity.objects.get(case=case, responsible_user=psy)
    police = Activity.objects.get(case=case, partner=world.partner_org)

    # The referral needs the applicant's consent naming the partner.
    r = post(client, "referrals:send", [case.pk], {
        "organisation": world.partner_org.pk, "activity": police.pk,
        "services": "Обследование условий проживания"}, expect=400)
    assert "согласия" in text(r) and not Referral.objects.exists()
    partner_consent(world, world.p1, world.partner_org)
    post(client, "referrals:send", [case.pk], {
        "organisation": world.partner_org.pk, "activity": police.pk,
        "services": "Обследование условий проживания"})
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT and referral.activity == police

    # The partner sees the referral with the minimal data and nothing else.
    client.force_login(world.user("partner"))
    r = client.get(reverse("referrals:inbox"))
    page = text(r)
    assert r.status_code == 200 and "Семёнова Алёна Петровна" in page
    assert "05.03.1985" in page and "Ленина, 5" in page and "913" in page
    assert "Обследование условий проживания" in page
    assert "112-233-445 95" not in page and "Нет денег на дрова" not in page
    assert reverse("cases:case", args=[case.pk]) not in body(r)
    assert AccessLog.objects.filter(user=world.user("partner"), person_id=world.p1.pk,
                                    detail="referral").exists()
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(reverse("people:person", args=[world.p1.pk])).status_code == 404
    assert client.get(reverse("cases:list")).status_code == 404
    post(client, "referrals:accept", [referral.pk], {"version": referral.version})
    referral.refresh_from_db()
    post(client, "referrals:complete", [referral.pk], {
        "version": referral.version, "result": "Условия обследованы, угрозы детям нет"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DONE and referral.responded_by.username == "partner"

    # The partner's result completes the activity the referral was sent for.
    police.refresh_from_db()
    assert police.status == ActivityStatus.DONE and "угрозы детям нет" in police.result
    client.force_login(psy)
    r = client.get(reverse("cases:worklist"))
    assert "Коррекция детско-родительских отношений" in text(r)
    assert reverse("cases:session_record", args=[session_job.pk]) in body(r)
    post(client, "session_record", [session_job.pk], {
        "notes": "Первичная консультация матери и детей", "duration_minutes": "45"})
    session_job.refresh_from_db()
    assert session_job.status == ActivityStatus.IN_PROGRESS
    assert ActivitySession.objects.get(activity=session_job).author == psy
    # From the worklist the executor goes back to the worklist.
    r = client.post(reverse("cases:activity_complete", args=[session_job.pk])
                    + "?from=worklist", {"result": "Отношения в семье улучшились"})
    assert r.status_code == 302 and r.url == reverse("cases:worklist")
    assert "Открытых мероприятий нет" in text(client.get(r.url))
    session_job.refresh_from_db()
    case.refresh_from_db()
    assert session_job.status == ActivityStatus.DONE and case.status == CaseStatus.REVIEW

    # Closure with the family's answer.
    client.force_login(disp)
    card = client.get(case.get_absolute_url())
    assert reverse("cases:close", args=[case.pk]) in body(card)
    post(client, "close", [case.pk], {
        "version": case.version, "outcome": "resolved_fully", "improved": "yes",
        "notes": "Отношения налажены, дрова закуплены"})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.improved == "yes"
    page = text(client.get(case.get_absolute_url()))
    assert "проблема решена полностью" in page and "да, ситуация улучшилась" in page
    for label in ("Программа утверждена", "Партнёр сообщил результат", "Проведено занятие",
                  "Случай закрыт", "Мероприятие включено в программу"):
        assert label in page, label
    assert "Отношения в семье улучшились" in page  # the activity's result on the card


def test_bad_input_changes_nothing(world, family, client):
    client.force_login(world.user("dispatcher"))
    r = client.post(reverse("cases:intake"), {
        "person": world.p1.pk, "practice": "family_dispatch", "household": family.pk,
        "channel": "school", "problem_told": " ", "urgency": "routine",
        "contract_number": "5"})
    page = text(r)
    assert r.status_code == 400
    assert "направила семью" in page and "Запишите проблему" in page
    assert "и номер, и дату" in page
    r = client.post(reverse("cases:intake"), {"channel": "walk_in", "problem_told": "x",
                                              "urgency": "routine",
                                              "practice": "family_dispatch"})
    assert r.status_code == 400 and "Выберите заявителя" in text(r)
    # An applicant out of scope is not found: the far specialist cannot open a case for p1.
    client.force_login(world.user("specialist_far"))
    r = client.post(reverse("cases:intake"), {
        "person": world.p1.pk, "practice": "family_dispatch", "channel": "walk_in",
        "problem_told": "x", "urgency": "routine"})
    assert r.status_code == 400 and "Заявитель не найден" in text(r)
    assert not SupportCase.objects.exists()


def test_refused_transition_and_stale_version(world, family, client):
    disp = world.user("dispatcher")
    case = recognised(world, open_case(world, family))
    client.force_login(disp)
    # Deciding twice: the service's message, nothing changes.
    version = case.version
    r = post(client, "decide", [case.pk], {"decision": "not_recognised", "notes": "x"},
             expect=400)
    assert "принимается на этапе обращения" in text(r)
    case.refresh_from_db()
    assert case.version == version and case.status == CaseStatus.PLANNING
    # Approving a plan without activities.
    post(client, "plan_create", [case.pk], {"goal": ""})
    plan = case.plans.get()
    r = post(client, "plan_approve", [case.pk, plan.pk], {}, expect=400)
    assert "нет ни одного мероприятия" in text(r)
    # Closing with a full outcome before the plan is carried out: only early outcomes.
    r = post(client, "close", [case.pk], {"version": case.version, "outcome": "resolved_fully",
                                          "improved": "yes"}, expect=400)
    assert SupportCase.objects.get(pk=case.pk).status == CaseStatus.PLANNING
    # Two people edit the intake: the second one gets 409 and the service's message.
    edit_url = reverse("cases:edit", args=[case.pk])
    form = client.get(edit_url)
    assert f'name="version" value="{case.version}"' in body(form)
    data = {"practice": "family_dispatch", "household": family.pk, "channel": "walk_in",
            "problem_told": case.problem_told, "urgency": "routine",
            "responsible": disp.pk, "is_social_support": "on", "version": case.version}
    post(client, "edit", [case.pk], {**data, "contract_number": "12",
                                     "contract_date": local_today(world.d1).isoformat()})
    r = post(client, "edit", [case.pk], {**data, "urgency": "emergency"}, expect=409)
    assert "другой пользователь" in text(r)
    case.refresh_from_db()
    assert case.urgency == "routine" and case.contract_number == "12"
    # A partner answering on a stale page.
    partner_consent(world, world.p1, world.partner_org)
    post(client, "referrals:send", [case.pk], {"organisation": world.partner_org.pk,
                                              "services": "Консультация"})
    referral = Referral.objects.get()
    client.force_login(world.user("partner"))
    r = post(client, "referrals:reject", [referral.pk], {"version": referral.version,
                                                        "reason": ""}, expect=400)
    assert "Укажите причину отказа" in text(r)
    r = post(client, "referrals:accept", [referral.pk], {"version": referral.version + 5},
             expect=409)
    assert "другой пользователь" in text(r)
    assert Referral.objects.get().status == ReferralStatus.SENT


def test_scope_out_of_territory_is_404(world, family, client):
    case = open_case(world, family)
    client.force_login(world.user("specialist_far"))
    assert client.get(case.get_absolute_url()).status_code == 404
    for name in ("edit", "decide", "plan_create", "referrals:send", "close"):
        assert client.get(url(name, [case.pk])).status_code == 404, name
    r = client.get(reverse("cases:list"))
    assert r.status_code == 200 and case.number not in body(r)
    # The psychologist sees the case but may not decide on it: no button, and a 404.
    client.force_login(world.user("specialist_psy"))
    card = client.get(case.get_absolute_url())
    assert card.status_code == 200
    assert reverse("cases:decide", args=[case.pk]) not in body(card)
    assert client.get(reverse("cases:decide", args=[case.pk])).status_code == 404
    client.force_login(world.user("dispatcher"))
    r = client.post(reverse("cases:list"), {"q": "семёнова"})
    assert case.number in body(r)
    r = client.post(reverse("cases:list"), {"q": case.number[-6:]})
    assert case.number in body(r)
    r = client.post(reverse("cases:list"), {"q": "кузнецов"})
    assert case.number not in body(r)


def test_navigation_by_role(world, client):
    client.force_login(world.user("dispatcher"))
    page = body(client.get(reverse("core:home")))
    def links(page):  # the menu's (the home page's cards link on: cases/test_home_pages.py)
        menu = re.search(r"<nav.*?</nav>", page, re.S).group(0)
        return set(re.findall(r'href="(/cases/[^"]*)"', menu))

    assert links(page) == {url(name)
                           for name in ("list", "worklist", "referrals:inbox", "board", "sop:list")}
    client.force_login(world.user("partner"))
    assert links(body(client.get(reverse("core:home")))) == {reverse("referrals:inbox")}
    client.force_login(world.user("specialist_psy"))
    assert links(body(client.get(reverse("core:home")))) == {
        reverse(name) for name in ("cases:list", "cases:worklist", "referrals:inbox", "sop:list")}
    assert client.get(reverse("cases:board")).status_code == 404


def _overdue_case(world, family, days_back=10):
    case = open_case(world, family)
    due = local_today(world.d1) - datetime.timedelta(days=days_back)
    SupportCase.objects.filter(pk=case.pk).update(decision_due=due)
    case.refresh_from_db()
    return case


def test_overdue_cases_are_highlighted_with_working_days(world, family, client):
    late = _overdue_case(world, family)
    fresh = open_case(world)
    today = local_today(world.d1)
    days = working_days_between(late.decision_due, today)
    client.force_login(world.user("dispatcher"))
    r = client.get(reverse("cases:list"))
    assert f"просрочка {days} раб. дн." in text(r)
    assert body(r).count('class="overdue"') == 1
    r = client.get(reverse("cases:list"), {"overdue": "on"})
    assert late.number in body(r) and fresh.number not in body(r)
    card = text(client.get(late.get_absolute_url()))
    assert f"просрочка {days} раб. дн." in card
    # The worklist of the responsible dispatcher lists the late case.
    r = client.get(reverse("cases:worklist"))
    assert late.number in body(r)
    # The filters: status and territory.
    r = client.get(reverse("cases:list"), {"status": "closed"})
    assert late.number not in body(r)
    r = client.get(reverse("cases:list"), {"territory": world.d2.pk})
    assert late.number not in body(r)
    r = client.get(reverse("cases:list"), {"territory": world.d1.pk, "status": "active"})
    assert late.number in body(r) and fresh.number in body(r)


def test_overdue_working_days_agree_with_the_calendar(world):
    today = datetime.date(2026, 1, 20)
    CalendarDay.objects.update_or_create(date=datetime.date(2026, 1, 13), defaults={
        "kind": CalendarDayKind.HOLIDAY})
    deadlines = [today - datetime.timedelta(days=n) for n in (1, 3, 10, 25, 40)]
    got = selectors.overdue_working_days([*deadlines, today, None], today)
    assert got == {d: working_days_between(d, today) for d in deadlines}


def test_board_groups_by_problem_and_counts_workload(world, family, client):
    disp, psy = world.user("dispatcher"), world.user("specialist_psy")
    fuel, debts = Problem.objects.get(code="fuel"), Problem.objects.get(code="debts")
    both = open_case(world, family)
    CaseProblem.objects.create(case=both, problem=fuel, source="intake",
                               identified_on=local_today(world.d1), identified_by=disp)
    CaseProblem.objects.create(case=both, problem=debts, source="intake",
                               identified_on=local_today(world.d1), identified_by=disp)
    bare = open_case(world)
    case = recognised(world, open_case(world))
    plan = Plan.objects.create(case=case, practice=case.practice, number=1, created_by=disp,
                               status=PlanStatus.APPROVED)
    Activity.objects.create(plan=plan, case=case, practice=case.practice,
                            service_type="psychological", title="a",
                            responsible_user=psy,
                            due_date=local_today(world.d1) - datetime.timedelta(days=3))
    Activity.objects.create(plan=plan, case=case, practice=case.practice,
                            service_type="psychological", title="b",
                            responsible_user=psy,
                            due_date=local_today(world.d1) + datetime.timedelta(days=3))
    client.force_login(disp)
    r = client.get(reverse("cases:board"))
    assert r.status_code == 200
    result = r.context["board"]
    columns = {title: [c.pk for c in cases] for title, cases in result.columns}
    first, second = sorted([fuel, debts], key=lambda p: (p.order, p.name))
    # The family with two problems stands once, under its first problem, naming the other.
    assert columns[first.name] == [both.pk] and second.name not in columns
    assert set(columns["Проблемы не выявлены"]) == {bare.pk, case.pk}
    assert len(columns) == 2  # problems without a family of their own have no column
    shown = [c for _t, cases in result.columns for c in cases]
    assert sorted(c.pk for c in shown) == sorted({both.pk, bare.pk, case.pk})
    assert next(c for c in shown if c.pk == both.pk).card_other_problems == [second.name]
    assert dict(result.summary) == {first.name: 1, second.name: 1}
    workload = {row["user"].username: row for row in result.workload}
    assert workload["disp"]["cases"] == 3
    assert (workload["psy"]["open"], workload["psy"]["late"]) == (2, 1)
    page = text(r)
    assert "Нагрузка специалистов" in page and "Проблемы не выявлены" in page
    r = client.get(reverse("cases:board"), {"overdue": "on"})
    assert [c.pk for _t, cases in r.context["board"].columns for c in cases] == [case.pk]
    r = client.get(reverse("cases:board"), {"territory": world.d2.pk})
    assert r.context["board"].total == 0


def test_urgent_act_problems_and_continue(world, family, client):
    disp = world.user("dispatcher")
    case = recognised(world, open_case(world, family))
    client.force_login(disp)
    today = local_today(world.d1).isoformat()
    lines = {"lines-TOTAL_FORMS": "5", "lines-INITIAL_FORMS": "0",
             "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "5"}
    r = post(client, "urgent:act", [case.pk], {**lines, "date_from": today}, expect=400)
    assert "Перечислите оказанные срочные услуги" in text(r)
    assert not UrgentServiceAct.objects.exists()
    post(client, "urgent:act", [case.pk], {
        **lines, "date_from": today, "date_to": today, "lines-0-service": "food",
        "lines-0-description": "продуктовый набор", "lines-0-quantity": "1",
        "lines-1-service": "clothing", "lines-1-description": "зимняя куртка"})
    act = UrgentServiceAct.objects.get()
    assert act.case == case and act.lines.count() == 2
    assert "продуктовый набор" in text(client.get(case.get_absolute_url()))
    # Problems from the catalogue: add, refuse a duplicate, remove with a reason.
    fuel = Problem.objects.get(code="fuel")
    post(client, "problem_add", [case.pk], {"problem": fuel.pk, "source": "specialist"})
    item = CaseProblem.objects.get(case=case)
    r = post(client, "problem_remove", [case.pk, item.pk], {"reason": ""}, expect=400)
    assert "почему проблема исключена" in text(r)
    post(client, "problem_remove", [case.pk, item.pk], {"reason": "Выявлена ошибочно"})
    assert not CaseProblem.objects.filter(case=case).exists()
    assert "Проблема исключена" in text(client.get(case.get_absolute_url()))
    # Review → continue: a new draft version with the activity that was not done.
    post(client, "plan_create", [case.pk], {"goal": "Первая редакция"})
    plan = case.plans.get()
    post(client, "activity_add", [case.pk, plan.pk], {
        "service_type": "labour", "title": "Трудоустройство матери", "responsible_user": disp.pk,
        "due_date": today})
    post(client, "plan_approve", [case.pk, plan.pk], {})
    job = Activity.objects.get(plan=plan)
    r = post(client, "activity_fail", [job.pk], {"reason": ""}, expect=400)
    assert "причину невыполнения" in text(r)
    post(client, "activity_fail", [job.pk], {"reason": "Нет вакансий"})
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW
    post(client, "continue", [case.pk], {"reason": "Семья просит продолжить"})
    case.refresh_from_db()
    assert case.status == CaseStatus.PLANNING
    card = client.get(case.get_absolute_url())
    page = body(card)
    # The new draft first, the old version folded away.
    assert page.index('id="plan-2"') < page.index('id="plan-1"')
    assert re.search(r"<details class=\"plan-old\">\s*<summary>Редакция 1", page) is None
    assert "Редакция 1" in text(card)


def test_decision_deadline_uses_working_days(world, family, client):
    case = open_case(world, family)
    assert case.decision_due == add_working_days(local_today(world.d1), 5)
    client.force_login(world.user("dispatcher"))
    assert case.decision_due.strftime("%d.%m.%Y") in text(client.get(reverse("cases:list")))


def _make_cases(world, n):
    fuel = Problem.objects.get(code="fuel")
    for i in range(n):
        case = open_case(world, problem_told=f"Обращение {i}")
        if i % 2:
            CaseProblem.objects.create(case=case, problem=fuel, source="intake",
                                       identified_on=case.decision_due,
                                       identified_by=world.user("dispatcher"))
            SupportCase.objects.filter(pk=case.pk).update(
                decision_due=local_today(world.d1) - datetime.timedelta(days=i))


@pytest.mark.parametrize("cache_seconds", [0, 300])
def test_constant_queries_on_the_list_and_the_board(world, client, settings, cache_seconds):
    """Whatever the number of cases, with the list's choices read every time or kept in the
    cache (``BEREZHNO_CHOICES_CACHE_SECONDS``; a cached entry saves its query)."""
    settings.BEREZHNO_CHOICES_CACHE_SECONDS = cache_seconds
    client.force_login(world.user("dispatcher"))
    for name in ("list", "board"):
        client.get(url(name))  # fills the cache, if any
    counts = {}
    for n in (2, 12):
        _make_cases(world, n - SupportCase.objects.count())
        for name in ("list", "board"):
            with CaptureQueriesContext(connection) as ctx:
                r = client.get(url(name))
            assert r.status_code == 200
            counts.setdefault(name, []).append(len(ctx.captured_queries))
        assert body(client.get(reverse("cases:list"))).count('<tr class="overdue">') == n // 2
    assert counts["list"][0] == counts["list"][1], counts
    assert counts["board"][0] == counts["board"][1], counts


def test_constant_queries_on_the_card(world, family, client):
    disp = world.user("dispatcher")
    case = recognised(world, open_case(world, family))
    client.force_login(disp)
    post(client, "plan_create", [case.pk], {"goal": "x"})
    plan = case.plans.get()
    url = case.get_absolute_url()
    client.get(url)  # the process's first card fills Django's content-type cache
    counts = []
    for n in (1, 6):
        while plan.activities.count() < n:
            post(client, "activity_add", [case.pk, plan.pk], {
                "service_type": "legal", "title": f"Мероприятие {plan.activities.count()}",
                "responsible_user": disp.pk,
                "due_date": local_today(world.d1).isoformat()})
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --------------------------------------------------------------------------- assessment










def test_the_worklist_is_paged_at_a_constant_cost(world, client):
    disp, psy = world.user("dispatcher"), world.user("specialist_psy")
    today = local_today(world.d1)
    size = selectors.WORKLIST_PAGE
    case = recognised(world, open_case(world))
    plan = Plan.objects.create(case=case, practice=case.practice,
                               number=1, created_by=disp, status=PlanStatus.APPROVED)

    def add(n):
        start = Activity.objects.count()
        Activity.objects.bulk_create([Activity(
            plan=plan, case=case, practice=case.practice,
            service_type="psychological", title=f"Занятие {start + i:03}",
            responsible_user=psy, due_date=today + datetime.timedelta(days=start + i))
            for i in range(n)])

    client.force_login(psy)
    counts = []
    for n in (3, size + 2):
        add(n - Activity.objects.count())
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(reverse("cases:worklist"))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    page = text(r)
    assert "Занятие 000" in page and f"Занятие {size - 1:03}" in page
    assert f"Занятие {size:03}" not in page
    assert 'href="?page=2"' in body(r)
    r = client.get(reverse("cases:worklist"), {"page": "2"})
    page = text(r)
    assert f"Занятие {size:03}" in page and f"Занятие {size + 1:03}" in page
    assert f"Занятие {size - 1:03}" not in page
    assert 'href="?page=1"' in body(r) and 'href="?page=3"' not in body(r)
    # A page past the end, or a malformed number, is not an error.
    assert client.get(reverse("cases:worklist"), {"page": "9"}).status_code == 200
    assert client.get(reverse("cases:worklist"), {"page": "x"}).status_code == 200
