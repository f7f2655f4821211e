"""The whole Family Dispatch flow, driven in the system Chromium against a live server.

Four users work on one family, each through the pages only, signing out with «Выйти»:

1. the dispatcher registers the intake for Семёнова Алёна Петровна (a family with children);
2. runs the needs-assessment questionnaire, whose answers identify two problems;
3. recognises the need, drafts the programme with two activities (the psychologist's and the
   partner organisation's) and approves it;
4. sends the partner a referral for its activity;
5. the partner accepts the referral and reports the result (which completes its activity);
6. the psychologist records a session and marks the activity done: the case is reviewed;
7. the dispatcher closes the case: resolved, the family says its situation improved;
8. the head opens the indicators of the municipality for the current quarter: one family
   with children helped, and 100 % of the families report an improvement.

The family and the consent to transfer data to the partner are arranged through the
services, as in ``berezhno/cases/tests/conftest.py``. The fixtures follow
``test_registry_flow.py``: the Debian ``chromium`` is driven through ``executable_path``, and
without it the test is skipped.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from berezhno.cases.choices import (
    ActivityStatus,
    CaseStatus,
    Decision,
    Improvement,
    Outcome,
    PlanStatus,
)
from berezhno.cases.models import Activity, ActivitySession, SupportCase
from berezhno.cases.tests.conftest import make_family, partner_consent
from berezhno.core.workdays import local_today
from berezhno.indicators import periods
from berezhno.referrals.choices import ReferralStatus
from berezhno.referrals.models import Referral
from berezhno.testing.fixtures import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


APPLICANT = "Семёнова Алёна Петровна"
PSYCHOLOGIST = "Тестова Анна Ивановна"  # "psy": how the executor is named in the choices
PARTNER = "ОМВД по Называевскому району"
FUEL = "Нет средств на топливо (печное отопление)"
EDUCATION = "Трудности в обучении ребёнка, пропуски занятий"
PSY_ACTIVITY = "Консультации психолога для матери и детей"
PARTNER_ACTIVITY = "Профилактическая беседа инспектора ПДН с семьёй"
SUPPORT = ("социальное сопровождение: содействие в получении медицинской, психологической, "
           "педагогической, юридической и иной помощи")

# The needs assessment (seed migration cases/0003): question → answer. Heating without
# enough fuel and school with absences raise the problems FUEL and EDUCATION.
NUMBERS = {
    "Число членов семьи, учитываемых при расчёте среднедушевого дохода": "4",
    "Совокупный доход семьи за месяц, ₽": "38000",
}
CHOICES = {
    "Тип семьи": "многодетная семья",
    "Занятость трудоспособных членов семьи": "все трудоспособные работают",
    "Получает ли семья положенные пособия и выплаты?": "да, все оформлены",
    "Есть ли задолженность (кредиты, ЖКУ, займы)?": "нет",
    "Жилищные условия": "удовлетворительные",
    "Отопление и обеспеченность топливом": "печное, топлива не хватает",
    "Есть ли члены семьи с хроническими заболеваниями": "нет",
    "Посещают ли дети школу или детский сад?": "с пропусками",
    "Есть ли у семьи поддержка родственников, соседей, друзей?": "да",
    "Есть ли у всех членов семьи документы": "да",
}


@pytest.fixture
def family(world):
    """p1 with a household of three children (one an adult), in district 1 — as the
    ``family`` fixture of the cases tests — and p1's consent to transfer data to the
    partner organisation, which a referral requires."""
    household = make_family(world)
    partner_consent(world, world.p1, world.partner_org)
    return household


def log_in(page, username: str) -> None:
    """Open the system, land on the Russian login page and sign in."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Вход в систему «Бережно»")).to_be_visible()
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Здравствуйте, Анна!")).to_be_visible()


def log_out(page) -> None:
    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("heading", name="Вход в систему «Бережно»")).to_be_visible()


def expect_message(page, text: str) -> None:
    expect(page.locator("ul.messages")).to_contain_text(text)


def expect_status(page, label: str) -> None:
    expect(page.locator("#case-status")).to_have_text(label)


def open_case_from_list(page, number: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Случаи").click()
    expect(page.get_by_role("heading", name="Случаи сопровождения")).to_be_visible()
    page.locator("#results").get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Случай № {number}")


def register_intake(page, problem_told: str) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Случаи").click()
    expect(page.get_by_role("heading", name="Случаи сопровождения")).to_be_visible()
    # The page's action (the empty list repeats it under its sentence).
    page.get_by_role("link", name="Зарегистрировать обращение").first.click()
    expect(page.get_by_role("heading", name="Регистрация обращения")).to_be_visible()
    page.get_by_label("Найти заявителя: ФИО, СНИЛС или телефон").fill("Семёнова Алёна")
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("row").filter(has_text=APPLICANT).get_by_role(
        "link", name="Выбрать").click()

    expect(page.get_by_role("heading", name="Заявитель", exact=True)).to_be_visible()
    expect(page.locator("section.box").filter(has_text="Заявитель")).to_contain_text(
        APPLICANT)
    form = page.locator("form.card")
    expect(form.get_by_label("Практика")).to_have_value("family_dispatch")
    household = form.get_by_label("Семья (домохозяйство)")
    expect(household.locator("option:checked")).to_have_text("Семья Семёновых")
    expect(form.get_by_label("Социальное сопровождение (ст. 22 442-ФЗ)")).to_be_checked()
    form.get_by_label("Канал обращения").select_option(label="личное обращение")
    form.get_by_label("Проблема со слов заявителя").fill(problem_told)
    form.get_by_role("button", name="Зарегистрировать обращение").click()


def run_needs_assessment(page, conclusion: str) -> None:
    page.locator("#assessments").get_by_role("link", name="Провести диагностику").click()
    expect(page.get_by_role("heading", name="Провести диагностику")).to_be_visible()
    page.get_by_role("link", name="Комплексная оценка нуждаемости семьи").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Диагностика: Комплексная оценка нуждаемости семьи")
    form = page.locator("#assessment-form")
    for question, value in NUMBERS.items():
        form.get_by_label(question).fill(value)
    for question, answer in CHOICES.items():
        group = form.get_by_role("group", name=re.compile("^" + re.escape(question)))
        group.get_by_label(answer, exact=True).check()
    form.get_by_label("Заключение").fill(conclusion)
    form.get_by_role("button", name="Записать диагностику").click()


def add_activity(page, *, service_type: str, title: str, problem: str, due: datetime.date,
                 specialist: str | None = None, partner: str | None = None) -> None:
    page.locator("#plan-1").get_by_role("link", name="Добавить мероприятие").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Мероприятие программы (редакция 1)")
    form = page.locator("form.card")
    form.get_by_label("Вид услуги или мера").select_option(label=service_type)
    form.get_by_label("Мероприятие", exact=True).fill(title)
    form.get_by_label("На решение какой проблемы").select_option(label=problem)
    if specialist:
        form.get_by_label("Исполнитель — специалист").select_option(label=specialist)
    if partner:
        form.get_by_label("или организация-партнёр").select_option(label=partner)
    form.get_by_label("Срок", exact=True).fill(due.isoformat())
    form.get_by_role("button", name="Сохранить").click()
    expect_message(page, "Мероприятие добавлено в проект программы.")


def test_family_dispatch_from_intake_to_indicators(page, live_server, world,
                                                    family, problems):
    # The services date everything by the day in the case's time zone (Omsk).
    today = local_today(world.d1)
    problem_told = "Нет денег на дрова, дети пропускают школу"

    # 1. The dispatcher registers the intake.
    log_in(page, "disp")
    register_intake(page, problem_told)
    case = SupportCase.objects.get(person=world.p1)
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect_message(page, f"Обращение зарегистрировано, открыт случай № {case.number}.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Случай № {case.number}")
    expect_status(page, "обращение: оценка и решение о нуждаемости")
    intake = page.locator("#intake")
    expect(intake).to_contain_text("личное обращение")
    expect(intake).to_contain_text(problem_told)
    expect(page.locator("#members").get_by_role("row")).to_have_count(5)  # header + 4
    expect(page.locator("#minors")).to_have_text("Несовершеннолетних детей: 2")

    # 2. The needs assessment identifies the problems.
    expect(page.locator("#problems")).to_contain_text("Проблемы не выявлены.")
    run_needs_assessment(page, "Семье нужна помощь с топливом и с посещением школы.")
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect_message(page, "Диагностика «Комплексная оценка нуждаемости семьи» записана.")
    found = page.locator("#problems")
    for name in (FUEL, EDUCATION):
        expect(found.get_by_role("row").filter(has_text=name)).to_contain_text(
            "по результатам диагностики")
    assessment = page.locator("#assessments").get_by_role("row").filter(
        has_text="Комплексная оценка нуждаемости семьи")
    expect(assessment).to_contain_text("Орлова А.И.")
    expect(assessment).to_contain_text(FUEL)

    # 3. The decision, the programme with two activities, its approval.
    page.get_by_role("link", name="Решение о нуждаемости").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Решение о нуждаемости")
    page.get_by_label("признан нуждающимся", exact=True).check()
    page.get_by_role("button", name="Записать решение").click()
    expect_message(page, "Решение записано.")
    expect_status(page, "разработка программы")
    expect(page.locator("#decision")).to_contain_text("признан нуждающимся")

    page.get_by_role("link", name="Составить программу").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Новая программа (проект)")
    page.get_by_label("Цель программы").fill(
        "Обеспечить семью топливом на зиму, вернуть детей к регулярным занятиям.")
    page.get_by_label("Срок программы до").fill(
        (today + datetime.timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Сохранить").click()
    expect_message(page, "Проект программы составлен: добавьте мероприятия.")
    plan = page.locator("#plan-1")
    expect(plan.get_by_role("heading", level=3)).to_have_text("Редакция 1 — проект")

    add_activity(page, service_type="социально-психологические услуги", title=PSY_ACTIVITY,
                 problem=EDUCATION, specialist=PSYCHOLOGIST,
                 due=today + datetime.timedelta(days=30))
    add_activity(page, service_type=SUPPORT, title=PARTNER_ACTIVITY, problem=EDUCATION,
                 partner=PARTNER, due=today + datetime.timedelta(days=30))
    rows = plan.locator("table.activities tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=PSY_ACTIVITY)).to_contain_text("Тестова А.И.")
    expect(rows.filter(has_text=PARTNER_ACTIVITY)).to_contain_text(PARTNER)

    confirmations = []

    def accept(dialog):
        confirmations.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    plan.get_by_role("button", name="Утвердить программу").click()
    expect_message(page, "Программа утверждена: мероприятия переданы исполнителям.")
    assert confirmations == ["Утвердить программу? После утверждения она не меняется."]
    expect_status(page, "исполнение программы")
    expect(plan.get_by_role("heading", level=3)).to_have_text(
        "Редакция 1 — утверждена, действует")

    # 4. The referral to the partner for its activity.
    partner_activity = Activity.objects.get(case=case, title=PARTNER_ACTIVITY)
    rows.filter(has_text=PARTNER_ACTIVITY).get_by_role("link", name="направить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Направление в организацию-партнёр")
    expect(page.get_by_label("Мероприятие программы")).to_have_value(
        str(partner_activity.pk))
    # Started from the partner's activity: its partner is chosen already (issue 11).
    partner_select = page.get_by_label("Организация-партнёр")
    expect(partner_select.locator("option:checked")).to_have_text(PARTNER)
    services_asked = "Профилактическая беседа с родителями и детьми о посещении школы."
    page.get_by_label("Какая помощь нужна").fill(services_asked)
    page.get_by_role("button", name="Направить").click()
    expect_message(page, "Направление отправлено.")
    referral_row = page.locator("#referrals").get_by_role("row").filter(has_text=PARTNER)
    expect(referral_row).to_contain_text("направлено, ожидает ответа")
    log_out(page)

    # 5. The partner accepts the referral and reports the result.
    log_in(page, "partner")
    page.get_by_role("navigation").get_by_role("link", name="Направления").click()
    expect(page.get_by_role("heading", name="Направления к партнёрам")).to_be_visible()
    inbox_row = page.get_by_role("row").filter(has_text=APPLICANT)
    expect(inbox_row).to_contain_text(services_asked)
    inbox_row.get_by_role("link", name="Принять", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Принять направление (случай № {case.number})")
    page.get_by_role("button", name="Принять").click()
    expect_message(page, "Направление принято.")
    expect(inbox_row).to_contain_text("принято партнёром")
    inbox_row.get_by_role("link", name="Сообщить результат").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Результат по направлению (случай № {case.number})")
    partner_result = "Проведена беседа с семьёй, дети посещают школу без пропусков."
    page.get_by_label("Результат: что сделано для семьи").fill(partner_result)
    page.get_by_role("button", name="Записать результат").click()
    expect_message(page, "Результат записан.")
    expect(inbox_row).to_contain_text("исполнено, результат получен")
    expect(inbox_row).to_contain_text(partner_result)
    log_out(page)

    # 6. The psychologist records a session and completes the activity.
    log_in(page, "psy")
    page.get_by_role("navigation").get_by_role("link", name="Мои мероприятия").click()
    expect(page.get_by_role("heading", name="Мои мероприятия", level=1)).to_be_visible()
    mine = page.locator("#activities").get_by_role("row").filter(has_text=PSY_ACTIVITY)
    expect(mine).to_contain_text(APPLICANT)
    expect(mine).to_contain_text("запланировано")
    mine.get_by_role("link", name="записать занятие").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Занятие: {PSY_ACTIVITY}")
    page.get_by_label("Продолжительность, мин").fill("45")
    page.get_by_label("Содержание занятия").fill(
        "Беседа с матерью и детьми о режиме дня и посещении школы.")
    page.get_by_label("Результат", exact=True).fill("Составлен план занятий.")
    page.get_by_role("button", name="Сохранить").click()
    expect_message(page, "Занятие записано.")
    expect(page).to_have_url(re.compile(r"/cases/worklist/$"))
    expect(mine).to_contain_text("выполняется")
    mine.get_by_role("link", name="выполнено", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Мероприятие выполнено: {PSY_ACTIVITY}")
    psy_result = "Дети посещают школу, мать освоила приёмы поддержки."
    page.get_by_label("Результат", exact=True).fill(psy_result)
    page.get_by_role("button", name="Сохранить").click()
    expect_message(page, "Мероприятие отмечено выполненным.")
    expect(page.locator("#activities")).to_contain_text("Открытых мероприятий нет.")
    page.get_by_text("Показать (1)").click()
    page.get_by_role("link", name=f"№ {case.number}").click()
    expect_status(page, "подведение итогов")
    log_out(page)

    # 7. The dispatcher closes the case with the outcome and the family's answer.
    log_in(page, "disp")
    open_case_from_list(page, case.number)
    expect_status(page, "подведение итогов")
    done = page.locator("#plan-1 table.activities tbody tr")
    expect(done.filter(has_text=PSY_ACTIVITY)).to_contain_text(psy_result)
    expect(done.filter(has_text=PARTNER_ACTIVITY)).to_contain_text(
        f"Результат партнёра ({PARTNER}): {partner_result}")
    page.locator(".actions").get_by_role("link", name="Закрыть случай").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Закрыть случай")
    page.get_by_label("проблема решена полностью").check()
    page.get_by_label("да, ситуация улучшилась").check()
    page.get_by_label("Анализ результатов").fill(
        "Топливо получено, дети посещают школу; семья довольна.")
    page.get_by_role("button", name="Закрыть случай").click()
    expect_message(page, "Случай закрыт.")
    expect_status(page, "закрыт")
    outcome = page.locator("#outcome")
    expect(outcome).to_contain_text("проблема решена полностью")
    expect(outcome).to_contain_text("да, ситуация улучшилась")
    log_out(page)

    # 8. The head reads the indicators of the municipality for the current quarter.
    log_in(page, "head")
    page.get_by_role("navigation").get_by_role("link", name="Показатели", exact=True).click()
    expect(page).to_have_url(re.compile(r"/indicators/$"))
    expect(page.get_by_role("heading", name="Показатели практик", exact=True)).to_be_visible()
    page.get_by_label("Практика").select_option(label="Семейная диспетчерская")
    page.get_by_label("Территория").select_option(label="\u00a0\u00a0Называевский район")
    page.get_by_role("button", name="Показать").click()
    page.get_by_role("navigation", name="Быстрый выбор периода").get_by_role(
        "link", name="Текущий квартал").click()
    # The page takes "today" in the server's time zone (Moscow), while the case's dates are
    # days in Omsk: from 21:00 to midnight Moscow time on the last day of a quarter the
    # help is dated in the next quarter and the current one shows none of it.
    quarter = periods.this_quarter(timezone.localdate())
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        "Показатели практики «Семейная диспетчерская»")
    expect(page.get_by_text("Омская область › Называевский район · период")).to_have_text(
        f"Омская область › Называевский район · период "
        f"{quarter.start:%d.%m.%Y} – {quarter.end:%d.%m.%Y}")
    helped = page.locator("tr#fd_families_helped td")
    expect(helped.nth(0)).to_have_text("Семьи с детьми целевой группы, получившие помощь")
    expect(helped.nth(1)).to_have_text("1")
    expect(page.locator("tr#fd_children td").nth(1)).to_have_text("2")
    improved = page.locator("tr#fd_improvement_share td")
    expect(improved.nth(0)).to_have_text("Доля семей, отметивших улучшение ситуации")
    expect(improved.nth(1)).to_have_text("100\u00a0%")
    expect(improved.nth(2)).to_contain_text("1 / 1")
    # The quarterly charts arrive after the table, one per count indicator.
    expect(page.locator("#charts svg")).to_have_count(3)

    # The records behind what the users saw.
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.decision == Decision.NEED_RECOGNISED
    assert (case.outcome, case.improved) == (Outcome.RESOLVED_FULLY, Improvement.YES)
    assert case.household == family
    day = local_today(world.d1)  # the day of the closure in Omsk
    assert case.closed_on == day
    assert today <= case.programme_date <= day
    assert case.closed_by == world.user("dispatcher")
    assert set(case.problems.values_list("problem__name", flat=True)) == {FUEL, EDUCATION}
    plan_record = case.plans.get()
    assert plan_record.status == PlanStatus.CLOSED
    psy_activity = Activity.objects.get(case=case, title=PSY_ACTIVITY)
    assert psy_activity.responsible_user == world.user("specialist_psy")
    assert (psy_activity.status, psy_activity.result) == (ActivityStatus.DONE, psy_result)
    session = ActivitySession.objects.get(activity=psy_activity)
    assert (session.duration_minutes, session.author) == (45, world.user("specialist_psy"))
    partner_activity.refresh_from_db()
    assert partner_activity.status == ActivityStatus.DONE
    referral = Referral.objects.get(case=case)
    assert referral.status == ReferralStatus.DONE
    assert (referral.organisation, referral.activity) == (world.partner_org, partner_activity)
    assert referral.result == partner_result
    assert today <= referral.completed_on <= day

    # Static files were served, the scripts ran (the confirmation above), and the CSP
    # refused nothing.
    assert problems.unexpected() == []
