"""One FilterSet and one overdue rule: the page and the API list the same records for the
same filters, and "overdue" is judged by the date of the case's territory."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from berezhno.cases.choices import ActivityStatus, CaseStatus, PlanStatus
from berezhno.cases.models import Activity, Plan, SupportCase
from berezhno.cases.reminders import collect_due
from berezhno.cases.tests.test_views import url
from berezhno.core.context import acting_as
from berezhno.core.workdays import local_today
from berezhno.people.models import Person
from berezhno.referrals import services as referrals_services
from berezhno.referrals.models import Referral
from berezhno.sop import services as sop_services
from berezhno.sop.models import SopRecord
from berezhno.territories.models import Territory

from .conftest import open_case, partner_consent, recognised

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _page_ids(client, name, query, attr="page"):
    r = client.get(url(name), query)
    assert r.status_code == 200, (name, query)
    items = r.context[attr].items if attr == "page" else r.context["work"].activities.items
    return [x.pk for x in items]


def _api_ids(client, path, query):
    r = client.get(path, query)
    assert r.status_code == 200, (path, query, r.content[:300])
    return [x["id"] for x in r.json()["results"]]


def _running(world, family=None, due=None):
    """A case in progress with an approved plan and one open activity of the
    psychologist, due ``due``."""
    disp, psy = world.user("dispatcher"), world.user("specialist_psy")
    case = recognised(world, open_case(world, family))
    plan = Plan.objects.create(case=case, practice=case.practice, number=1, created_by=disp,
                               status=PlanStatus.APPROVED)
    SupportCase.objects.filter(pk=case.pk).update(status=CaseStatus.IN_PROGRESS)
    Activity.objects.create(plan=plan, case=case, practice=case.practice,
                            service_type="psychological",
                            title="Консультация", responsible_user=psy,
                            due_date=due or local_today(world.d1) + 5 * DAY)
    case.refresh_from_db()
    return case


@pytest.fixture
def cases(world, family):
    today = local_today(world.d1)
    late_decision = open_case(world, family)
    SupportCase.objects.filter(pk=late_decision.pk).update(decision_due=today - 4 * DAY)
    fresh = open_case(world)
    late_activity = _running(world, due=today - 2 * DAY)
    on_time = _running(world)
    closed = open_case(world)
    SupportCase.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED,
                                                    decision_due=today - 9 * DAY)
    return {"late_decision": late_decision, "fresh": fresh, "late_activity": late_activity,
            "on_time": on_time, "closed": closed}


def test_the_case_list_page_and_api_agree_for_every_filter(client, world, cases):
    disp = world.user("dispatcher")
    client.force_login(disp)
    combinations = [
        {}, {"overdue": "on"}, {"status": "active"}, {"status": "closed"},
        {"status": "in_progress", "overdue": "on"}, {"territory": world.d1.pk},
        {"territory": world.d2.pk}, {"q": "семёнова", "overdue": "on"},
        {"responsible": disp.pk, "status": "intake"}, {"practice": "family_dispatch"},
    ]
    for query in combinations:
        api_query = {k: ("true" if v == "on" else v) for k, v in query.items()}
        if "q" in query:
            # A personal term is searched by POST, on the page and in the API (0017).
            r = client.post(url("list"), query)
            assert r.status_code == 200, query
            page = [x.pk for x in r.context["page"].items]
            r = client.post("/api/v1/cases/search/", api_query,
                            content_type="application/json")
            api = [x["id"] for x in r.json()["results"]]
        else:
            page = _page_ids(client, "list", query)
            api = _api_ids(client, "/api/v1/cases/", api_query)
        assert page == api, query
    overdue = _api_ids(client, "/api/v1/cases/", {"overdue": "true"})
    # A case whose activity is late is overdue in the API as on the page (issue 8).
    assert set(overdue) == {cases["late_decision"].pk, cases["late_activity"].pk}
    assert set(_api_ids(client, "/api/v1/cases/", {"overdue": "false"})) == {
        cases["fresh"].pk, cases["on_time"].pk, cases["closed"].pk}
    flags = {x["id"]: x["is_overdue"]
             for x in client.get("/api/v1/cases/").json()["results"]}
    assert {pk for pk, late in flags.items() if late} == set(overdue)
    # Bad input: a Russian message on both, nothing listed.
    r = client.get(reverse("cases:list"), {"status": "lost"})
    assert r.status_code == 400 and "Проверьте условия поиска" in r.content.decode()
    r = client.get("/api/v1/cases/", {"status": "lost"})
    assert r.status_code == 400 and "Выберите корректный вариант" in r.json()["fields"]["status"][0]


def test_the_worklist_and_the_activities_api_agree(client, world, cases):
    client.force_login(world.user("specialist_psy"))
    defaults = {"mine": "true", "status": "open", "plan_status": "approved"}
    for query in ({}, {"overdue": "on"}, {"status": "planned"},
                  {"overdue": "on", "service_type": "psychological"},
                  {"case": cases["on_time"].pk}):
        page = _page_ids(client, "worklist", query, attr="work")
        api = _api_ids(client, "/api/v1/activities/", {**defaults, **{
            k: ("true" if v == "on" else v) for k, v in query.items()}})
        assert page == api, query
    late = Activity.objects.get(case=cases["late_activity"])
    assert _api_ids(client, "/api/v1/activities/", {"overdue": "true"}) == [late.pk]
    # An activity of a draft programme is not overdue: the programme is not in force.
    Plan.objects.filter(case=cases["late_activity"]).update(status=PlanStatus.DRAFT)
    assert _api_ids(client, "/api/v1/activities/", {"overdue": "true"}) == []
    assert client.get(f"/api/v1/activities/{late.pk}/").json()["is_overdue"] is False


def test_the_referral_inbox_and_api_agree(client, world, family):
    disp, partner = world.user("dispatcher"), world.user("partner")
    partner_consent(world, world.p1, world.partner_org)
    today = local_today(world.d1)
    sent = []
    for _ in range(3):
        case = recognised(world, open_case(world, family))
        with acting_as("test"):
            sent.append(referrals_services.referral_send(user=disp, case=case, **{
                "organisation": world.partner_org, "services": "Помощь"}))
    Referral.objects.filter(pk=sent[0].pk).update(response_due=today - DAY)
    Referral.objects.filter(pk=sent[1].pk).update(status="accepted", result_due=today - DAY)
    for user in (disp, partner):
        client.force_login(user)
        for query in ({}, {"overdue": "on"}, {"status": "open"}, {"status": "sent"},
                      {"status": "accepted", "overdue": "on"},
                      {"organisation": world.partner_org.pk}):
            page = _page_ids(client, "referrals:inbox", query)
            api = _api_ids(client, "/api/v1/referrals/", {
                k: ("true" if v == "on" else v) for k, v in query.items()})
            assert page == api, (user.username, query)
        assert set(_api_ids(client, "/api/v1/referrals/", {"overdue": "true"})) == {
            sent[0].pk, sent[1].pk}


def test_the_sop_register_and_api_agree(client, world, cases):
    disp = world.user("dispatcher")
    today = local_today(world.d1)
    client.force_login(disp)
    records = []
    for key in ("fresh", "on_time", "late_decision"):
        with acting_as("test"):
            records.append(sop_services.sop_identify(user=disp, case=cases[key], **{
                "source": "police", "grounds": "Сообщение полиции"}))
    SopRecord.objects.filter(pk=records[0].pk).update(kdn_notice_due=today - DAY)
    SopRecord.objects.filter(pk=records[2].pk).update(status="removed", removed_on=today)
    for query in ({"status": "all"}, {"status": "all", "overdue": "on"},
                  {"status": "identified"}, {"status": "open"},
                  {"status": "open", "territory": world.d1.pk}):
        page = _page_ids(client, "sop:list", query)
        api = _api_ids(client, "/api/v1/sop/", {
            k: ("true" if v == "on" else v) for k, v in query.items()})
        assert page == api, query
    # The page starts from the families on the register; the API lists all of them.
    assert set(_page_ids(client, "sop:list", {})) == {records[0].pk, records[1].pk}
    assert set(_api_ids(client, "/api/v1/sop/", {})) == {r.pk for r in records}
    assert _api_ids(client, "/api/v1/sop/", {"overdue": "true"}) == [records[0].pk]
    # A case whose family missed a СОП deadline is overdue in the case list too.
    assert cases["fresh"].pk in _api_ids(client, "/api/v1/cases/", {"overdue": "true"})


def test_the_board_api_counts_the_board_of_the_page(client, world, cases):
    client.force_login(world.user("dispatcher"))
    for query in ({}, {"overdue": "on"}, {"status": "intake"}, {"territory": world.d2.pk}):
        r = client.get(reverse("cases:board"), query)
        board = r.context["board"]
        shown = dict(board.summary)
        shown["Проблемы не выявлены"] = len(board.columns[-1][1])
        api = client.get("/api/v1/board/", {
            k: ("true" if v == "on" else v) for k, v in query.items()}).json()
        assert {row["name"]: row["cases"] for row in api if row["cases"]} == {
            title: n for title, n in shown.items() if n}, query
    late = client.get("/api/v1/board/", {"overdue": "true"}).json()
    assert sum(row["cases"] for row in late) == 2  # the late decision and the late activity


def test_overdue_is_counted_in_the_territory_s_local_date(client, world, family,
                                                          monkeypatch):
    # 00:30 on 2 March in Omsk (UTC+6), where the test world is; 21:30 on 1 March in
    # Moscow, the server's zone (settings.TIME_ZONE).
    omsk = open_case(world, family)
    moscow = open_case(world)
    running = _running(world, family, due=datetime.date(2026, 3, 1))
    moment = datetime.datetime(2026, 3, 1, 18, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert local_today(world.d1) == datetime.date(2026, 3, 2)
    assert local_today() == datetime.date(2026, 3, 1)
    # A district of the same tree that keeps Moscow time.
    Territory.objects.filter(pk=world.d2.pk).update(time_zone="Europe/Moscow")
    SupportCase.objects.filter(pk=moscow.pk).update(territory=world.d2)
    SupportCase.objects.filter(pk__in=[omsk.pk, moscow.pk]).update(
        decision_due=datetime.date(2026, 3, 1))
    disp = world.user("dispatcher")
    client.force_login(disp)
    # Missed in Omsk since its midnight, not yet in Moscow: page, API, board, worklist.
    assert _page_ids(client, "list", {"overdue": "on"}) == [running.pk, omsk.pk]
    assert _api_ids(client, "/api/v1/cases/", {"overdue": "true"}) == [running.pk, omsk.pk]
    flags = {x["id"]: x["is_overdue"] for x in client.get("/api/v1/cases/").json()["results"]}
    assert flags == {running.pk: True, omsk.pk: True, moscow.pk: False}
    board = client.get(reverse("cases:board"), {"overdue": "on"}).context["board"]
    assert {c.pk for _t, items in board.columns for c in items} == {omsk.pk, running.pk}
    worklist = client.get(reverse("cases:worklist")).context["work"]
    late = {c.pk: c.overdue_since for c in worklist.cases}
    assert late[omsk.pk] == datetime.date(2026, 3, 1) and late[moscow.pk] is None
    # The reminders judge each case by its own date too.
    due = collect_due()
    assert f"cases:case:{omsk.pk}:decision" in due
    assert f"cases:case:{moscow.pk}:decision" not in due
    # An activity and a referral follow the same rule.
    activity = Activity.objects.get(case=running)
    assert activity.status == ActivityStatus.PLANNED
    client.force_login(world.user("specialist_psy"))
    assert _api_ids(client, "/api/v1/activities/", {"overdue": "true"}) == [activity.pk]
    Territory.objects.filter(pk=world.d1.pk).update(time_zone="Europe/Moscow")
    assert _api_ids(client, "/api/v1/activities/", {"overdue": "true"}) == []
    assert client.get(f"/api/v1/activities/{activity.pk}/").json()["is_overdue"] is False


def test_responsible_choices_are_cached_per_user_and_grants(client, world, cases, settings):
    """The filter's responsible choices are those of the cases in scope, kept in the cache
    for the user and their grants: a new responsible shows when the entry expires, and a
    user whose grants change gets a new entry at once."""
    from django.core.cache import cache

    from berezhno.cases.selectors import responsible_choices

    disp, psy = world.user("dispatcher"), world.user("specialist_psy")
    settings.BEREZHNO_CHOICES_CACHE_SECONDS = 300
    first = set(responsible_choices(disp, cached=True).values_list("pk", flat=True))
    assert first == set(responsible_choices(disp).values_list("pk", flat=True))
    assert disp.pk in first and psy.pk not in first
    SupportCase.objects.filter(pk=cases["fresh"].pk).update(responsible=psy)
    # Cached: unchanged until the entry expires; uncached: at once.
    assert set(responsible_choices(disp, cached=True).values_list("pk", flat=True)) == first
    assert psy.pk in set(responsible_choices(disp).values_list("pk", flat=True))
    cache.clear()
    assert psy.pk in set(responsible_choices(disp, cached=True).values_list("pk", flat=True))
    # The page offers the choice and filters by it.
    client.force_login(disp)
    assert _page_ids(client, "list", {"responsible": psy.pk}) == [cases["fresh"].pk]
    # Without a cache lifetime the choices are read every time.
    settings.BEREZHNO_CHOICES_CACHE_SECONDS = 0
    SupportCase.objects.filter(pk=cases["fresh"].pk).update(responsible=disp)
    assert psy.pk not in set(responsible_choices(disp, cached=True).values_list(
        "pk", flat=True))


def _territory_options(response) -> set[str]:
    import re

    select = re.search(r'<select name="territory"[^>]*>(.*?)</select>', response.content.decode(),
                       re.S)
    assert select, "the territory filter is on the page"
    # "Участок 1 (Называевск)": the name before the parent's
    return {label.split(" (")[0] for label in re.findall(r">([^<]+)</option>", select.group(1))
            } - {"все"}


def test_filter_form_choices_are_kept_in_the_cache_per_user_and_grants(
        client, world, settings):
    """The list page's territory and staff choices are rendered from the cache: a new
    territory shows when the entry expires, a changed grant is a new entry at once, and a
    value given is still checked against the scope itself."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from berezhno.accounts.models import RoleAssignment, User
    from berezhno.territories.choices import Level
    from berezhno.testing.factories import TerritoryFactory

    settings.BEREZHNO_CHOICES_CACHE_SECONDS = 300
    disp = world.user("dispatcher")
    client.force_login(disp)
    with CaptureQueriesContext(connection) as cold:
        first = _territory_options(client.get(url("list")))
    with CaptureQueriesContext(connection) as warm:
        assert _territory_options(client.get(url("list"))) == first
    # The territories' and the responsible staff's queries are not made again.
    assert len(warm.captured_queries) == len(cold.captured_queries) - 2
    assert "Участок 1" in first and "Тара" not in first
    root = User.objects.get(username="root")
    new = TerritoryFactory(user=root, level=Level.DISTRICT, parent=world.town, name="Участок 9")
    assert "Участок 9" not in _territory_options(client.get(url("list")))
    # A value given is checked against the scope, not the cached labels: the new district
    # filters at once, another municipality's is refused as before.
    assert client.get(url("list"), {"territory": new.pk}).status_code == 200
    assert client.get(url("list"), {"territory": world.d3.pk}).status_code == 400
    # A new grant is a new entry: the other municipality's territories appear at once.
    RoleAssignment.objects.create(user=disp, role="dispatcher", territory=world.mun2,
                                  organisation=world.provider)
    options = _territory_options(client.get(url("list")))
    assert {"Тара", "Участок 9"} <= options
    # The entry expired: the new district is offered to the first grants too.
    cache.clear()
    RoleAssignment.objects.filter(user=disp, territory=world.mun2).delete()
    assert "Участок 9" in _territory_options(client.get(url("list")))
    # No cache lifetime: read every time.
    settings.BEREZHNO_CHOICES_CACHE_SECONDS = 0
    TerritoryFactory(user=root, level=Level.DISTRICT, parent=world.town, name="Участок 10")
    assert "Участок 10" in _territory_options(client.get(url("list")))


def test_a_record_filter_builds_its_scope_only_when_given(client, world):
    """The hidden ``person`` filter of the case list does not build the persons' scope (a
    query of the user's work assignments) on every page; given, it is checked as before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.user("dispatcher"))
    client.get(url("list"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("list")).status_code == 200
    assert not any("people_personassignment" in q["sql"] for q in ctx.captured_queries)
    assert client.get(url("list"), {"person": world.p1.pk}).status_code == 200
    outside = world.p3
    assert not Person.objects.restrict(world.user("dispatcher"), "view").filter(
        pk=outside.pk).exists()
    assert client.get(url("list"), {"person": outside.pk}).status_code == 400
    assert client.get(url("list"), {"person": 10 ** 9}).status_code == 400


@pytest.mark.parametrize("sparse", [3, 5000])
def test_a_sorted_scope_pages_like_the_ordered_query(world, cases, sparse, monkeypatch):
    """The case list's ids, read from the scope and sorted in the database (a small scope)
    or walked in order (a scope larger than ``SPARSE``), page for page as the plain ordered
    query, ties on the intake time broken by the id."""
    from berezhno.cases.selectors import case_queryset, case_search
    from berezhno.cases.selectors.common import SortedScope, TwoStep

    monkeypatch.setattr(SortedScope, "SPARSE", sparse)
    disp = world.user("dispatcher")
    # Same intake time for two cases: the id decides.
    same = SupportCase.objects.order_by("pk")[:2]
    SupportCase.objects.filter(pk__in=[c.pk for c in same]).update(
        received_at=same[0].received_at)
    found = case_search(disp, scope=case_queryset(disp))
    every = list(case_queryset(disp).order_by("-received_at", "-id").values_list("pk", flat=True))
    assert len(every) > 3
    for k in (slice(0, 2), slice(2, 4), slice(4, 6), slice(1, 3), slice(0, 51),
              slice(50, 101), slice(None)):
        assert found._ids(k) == TwoStep._ids(found, k) == every[k], k
    assert [c.pk for c in found[0:2]] == every[0:2]


@pytest.mark.parametrize("sparse", [3, 5000])
def test_a_sorted_scope_counts_and_pages_in_one_query_when_small(world, cases, sparse,
                                                                 monkeypatch):
    """Counted first (the API's paginator), a small scope's sorted ids are read once and
    paged from; a large one is counted and walked as before. Same ids either way."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from berezhno.cases.selectors import case_queryset, case_search
    from berezhno.cases.selectors.common import SortedScope

    monkeypatch.setattr(SortedScope, "SPARSE", sparse)
    disp = world.user("dispatcher")
    every = list(case_queryset(disp).order_by("-received_at", "-id").values_list("pk", flat=True))
    found = case_search(disp, scope=case_queryset(disp))
    with CaptureQueriesContext(connection) as ctx:
        assert found.count() == len(every)
        pages = [found._ids(slice(i, i + 2)) for i in range(0, len(every), 2)]
    assert [pk for ids in pages for pk in ids] == every
    if len(every) <= sparse:
        assert len(ctx.captured_queries) == 1, ctx.captured_queries
    else:  # the count, then each page walked in order
        assert len(ctx.captured_queries) > 2
    # An empty scope counts 0.
    assert case_search(disp, scope=case_queryset(disp), status="review").count() == \
        case_queryset(disp).filter(status="review").count()
