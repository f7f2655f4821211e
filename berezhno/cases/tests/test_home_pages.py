"""The home page per role (decision 0031): each demo role sees its own work and nothing it
should not, on rows built by the factories; counts carry their Russian nouns; the page
reads a bounded number of queries.

The world: a resident of district 1 with an overdue planned contact (Семёнова, p1, whose
family has a programme with the psychologist's activity and a referral to the partner
that waits past its answer date), one with a visit planned for today (Визитова), an intake
past its decision date (Срокова, the district specialist's case), a patrol member who
registered one named person (Найденова) and met an unidentified one («Дядя Коля»)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from berezhno.cases.models import SupportCase
from berezhno.core.context import acting_as
from berezhno.core.models import AccessLog
from berezhno.core.workdays import local_today
from berezhno.people import services as people
from berezhno.referrals.models import Referral
from berezhno.testing.factories import (
    ContactFactory,
    PersonFactory,
    ReferralFactory,
    SupportCaseFactory,
)
from berezhno.testing.fixtures import make_user

from .conftest import open_case, partner_consent, recognised
from .test_pdf import _approved_plan

pytestmark = pytest.mark.django_db

RESIDENTS = ("Семёнова", "Визитова", "Срокова", "Кузнецов", "Далёкий")


@pytest.fixture
def home(world):
    """The rows of every role's work (see the module's docstring)."""
    cache.clear()
    spec, disp = world.user("specialist"), world.user("dispatcher")
    today = local_today(world.d1)
    now = timezone.now()
    ContactFactory(user=spec, person=world.p1, occurred_at=now - datetime.timedelta(days=20),
                   next_contact_date=today - datetime.timedelta(days=3))
    visit = PersonFactory(user=spec, surname="Визитова", name="Анна", patronymic="Львовна",
                          territory=world.d1)
    ContactFactory(user=spec, person=visit, occurred_at=now - datetime.timedelta(days=7),
                   next_contact_date=today)
    # The family in work: a programme with the psychologist's activity, a referral to the
    # partner whose answer is late.
    case = recognised(world, open_case(world))
    _approved_plan(world, case, "Консультация семейного психолога")
    partner_consent(world, world.p1, world.partner_org)
    referral = ReferralFactory(user=disp, case=case, organisation=world.partner_org)
    Referral.objects.filter(pk=referral.pk).update(
        response_due=today - datetime.timedelta(days=2))
    # An intake past its decision date.
    late = PersonFactory(user=spec, surname="Срокова", name="Нина", patronymic="Петровна",
                         territory=world.d1)
    intake = SupportCaseFactory(user=disp, person=late, responsible=spec)
    SupportCase.objects.filter(pk=intake.pk).update(
        decision_due=today - datetime.timedelta(days=4))
    # The patrol.
    patrol = make_user("patrol1", "patrol_member", world.mun, world.provider,
                       last_name="Дозорова")
    patrol_hq = make_user("patrolhq1", "patrol_hq", world.mun, world.provider)
    with acting_as("test"):
        people.person_register(user=patrol, confirm_not_duplicate=True, surname="Найденова",
                               name="Ольга", patronymic="Ивановна", sex="f",
                               birth_date=datetime.date(1970, 2, 2), territory=world.d1,
                               legal_basis="signal")
        people.person_register(user=patrol, confirm_not_duplicate=True, is_unidentified=True,
                               nickname="Дядя Коля", sex="m", estimated_birth_year=1968,
                               appearance="седая борода, тёмная куртка",
                               meeting_place="г. Называевск, вокзал", legal_basis="signal",
                               territory=world.mun)
    return {"case": case, "intake": intake, "referral": referral, "patrol": patrol,
            "patrol_hq": patrol_hq}


def page_of(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def card(body: str, code: str) -> str:
    """The HTML of one card, or "" when the page has none."""
    match = re.search(rf'<section class="card home-card" id="home-{code}".*?</section>', body,
                      re.S)
    return match.group(0) if match else ""


def count_of(body: str, code: str) -> int | None:
    match = re.search(r'data-count="(\d+)"', card(body, code))
    return int(match.group(1)) if match else None


def cards(body: str) -> list[str]:
    """The cards of the role's work, in order (the user's roles, shown to all, aside)."""
    return [c for c in re.findall(r'<section class="card home-card" id="home-([\w-]+)"', body)
            if c != "roles"]


def test_district_specialist_sees_visits_contacts_and_deadlines(client, world, home):
    body = page_of(client, world.user("specialist"))
    assert "Визитова" in card(body, "today") and "Семёнова" not in card(body, "today")
    assert count_of(body, "today") == 1 and "1 визит" in card(body, "today")
    due = card(body, "due")
    assert "Семёнова" in due and "Визитова" in due and "2 контакта" in due
    assert "из них 1 просрочен" in due
    mine = card(body, "my_deadlines")
    assert "Срокова" in mine and count_of(body, "my_deadlines") == 1
    assert f"responsible={world.user('specialist').pk}" in mine  # the full list: theirs
    for other in ("deadlines", "intakes", "board", "overdue_cases", "waiting", "registered",
                  "no_2fa"):
        assert other not in cards(body)
    assert "Найти гражданина" in body  # the search is the first card


def test_dispatcher_sees_intakes_deadlines_and_board(client, world, home):
    body = page_of(client, world.user("dispatcher"))
    intakes = card(body, "intakes")
    assert "Срокова" in intakes and "1 обращение" in intakes
    assert reverse("cases:intake") in intakes  # the main action
    assert "Срокова" in card(body, "deadlines") and "my_deadlines" not in cards(body)
    board = card(body, "board")
    assert count_of(body, "board") == 2 and "2 случая" in board
    assert reverse("cases:board") in board
    assert "today" not in cards(body) and "due" not in cards(body)
    assert "Визитова" not in body  # no contact worklist


def test_specialist_sees_their_activities_due(client, world, home):
    body = page_of(client, world.user("specialist_psy"))
    activities = card(body, "activities")
    assert "Консультация семейного психолога" in activities
    assert "1 мероприятие" in activities and reverse("cases:worklist") in activities
    assert cards(body) == ["activities"]
    assert "Визитова" not in body and "Срокова" not in body


def test_partner_sees_its_waiting_and_overdue_referrals(client, world, home):
    body = page_of(client, world.user("partner"))
    number = home["case"].number
    assert number in card(body, "waiting") and "1 направление" in card(body, "waiting")
    assert number in card(body, "overdue_answers")
    assert cards(body) == ["waiting", "overdue_answers"]
    for name in ("Визитова", "Срокова", "Найденова"):
        assert name not in body
    # The applicant's name is shown to the partner through its referral, and logged.
    assert AccessLog.objects.filter(user=world.user("partner"),
                                    person_id=world.p1.pk).exists()


def test_partner_without_referrals_is_told_what_comes(client, world):
    body = page_of(client, world.user("partner"))
    assert count_of(body, "waiting") == 0 and "0 направлений" in card(body, "waiting")
    assert "Новых направлений нет" in card(body, "waiting")


def test_head_sees_overdue_by_specialist_and_the_quarter(client, world, home):
    body = page_of(client, world.user("head"))
    cases_card = card(body, "overdue_cases")
    assert "Белова" in cases_card and "1 случай" in cases_card
    referrals_card = card(body, "overdue_referrals")
    assert "Орлова" in referrals_card and "1 направление" in referrals_card
    indicators = card(body, "indicators")
    assert "Показатели" in indicators and reverse("indicators:report") in indicators
    for name in (*RESIDENTS, "Найденова"):
        assert name not in body, name  # counts by specialist, no resident list
    assert "due" not in cards(body) and "today" not in cards(body)


def test_analyst_sees_indicators_only(client, world, home):
    body = page_of(client, world.user("analyst"))
    assert cards(body) == ["indicators"]
    for name in RESIDENTS:
        assert name not in body


def test_admin_sees_reference_data_tasks(client, world, home):
    body = page_of(client, world.user("admin"))
    vacant = card(body, "vacant_districts")
    assert "Участок 2" in vacant and "Участок 1" not in vacant
    assert "2 участка" in vacant  # d2 and d3
    assert "ОМВД по Называевскому району" in card(body, "no_agreements")
    assert "Дозорова" in card(body, "no_2fa")
    for name in (*RESIDENTS, "Найденова"):
        assert name not in body


def test_social_agent_sees_their_people(client, world, home):
    body = page_of(client, world.user("agent"))
    assigned = card(body, "assigned")
    assert "Семёнова" in assigned and "1 подопечный" in assigned
    assert cards(body) == ["assigned"]
    assert "Визитова" not in body and "Срокова" not in body


@pytest.mark.parametrize("who", ["patrol", "patrol_hq"])
def test_patrol_roles_see_no_resident_names(client, world, home, who):
    body = page_of(client, home[who])
    for name in RESIDENTS:
        assert name not in body, name
    unidentified = card(body, "unidentified")
    assert "Дядя Коля" in unidentified and "1 человек" in unidentified
    registered = card(body, "registered")
    if who == "patrol":
        assert "Найденова" in registered and "2 человека" in registered
    else:
        assert count_of(body, "registered") == 0 and "Вы ещё никого" in registered
    assert reverse("people:unidentified_create") in registered  # the main action
    assert "due" not in cards(body) and "today" not in cards(body)


def test_registered_by_me_is_a_filter_of_the_person_list(client, world, home):
    client.force_login(home["patrol"])
    body = client.get(reverse("people:list") + "?registered_by_me=true").content.decode()
    assert "Найденова" in body and "Семёнова" not in body


# The district specialist's bound counts the District bank's card (one query, decision 0040).
@pytest.mark.parametrize(("who", "limit"), [
    ("specialist", 15), ("dispatcher", 18), ("specialist_psy", 13), ("partner", 10),
    ("head", 14), ("analyst", 7), ("admin", 10), ("agent", 8), ("patrol", 10),
    ("patrol_hq", 10)])
def test_home_page_queries_are_bounded(client, world, home, who, limit,
                                       django_assert_max_num_queries):
    """The most visited page: a count and a short list per card, nothing per row."""
    client.force_login(home[who] if who in home else world.user(who))
    client.get(reverse("core:home"))  # the indicators' figures cached
    with django_assert_max_num_queries(limit):
        assert client.get(reverse("core:home")).status_code == 200
