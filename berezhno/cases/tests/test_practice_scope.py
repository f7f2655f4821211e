"""Practice in scope: a role assignment covers practices, and records of a practice are
seen only through an assignment that covers it (or a work assignment)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from berezhno.accounts import services as accounts
from berezhno.accounts.models import RoleAssignment
from berezhno.assessments import services as assessments_services
from berezhno.assessments.models import Assessment, Questionnaire
from berezhno.cases import services
from berezhno.cases.models import Activity, Plan, SupportCase
from berezhno.core import access
from berezhno.core.context import acting_as
from berezhno.core.errors import DomainError
from berezhno.core.workdays import local_today
from berezhno.people.models import Person
from berezhno.referrals import services as referrals_services
from berezhno.referrals.models import Referral
from berezhno.sop import services as sop_services
from berezhno.sop.models import SopRecord
from berezhno.testing.fixtures import make_user
from berezhno.urgent import services as urgent_services
from berezhno.urgent.models import UrgentServiceAct

from .conftest import open_case, partner_consent
from .test_permission_matrix import first_answers

pytestmark = pytest.mark.django_db

PRACTICE_MODELS = (Plan, Activity, Referral, Assessment, SopRecord, UrgentServiceAct)


def running_case(world):
    """A Family Dispatch case of district 1 with a plan, an activity, a referral, an urgent
    act, a СОП record and an assessment."""
    spec = world.user("specialist")
    partner_consent(world, world.p1, world.partner_org)
    with acting_as("test"):
        case = services.case_open(user=spec, person=world.p1, **{
            "channel": "walk_in", "problem_told": "Нет денег на дрова"})
        services.case_decide(user=spec, case=case, decision="recognised")
        plan = services.plan_create(user=spec, case=case)
        services.activity_add(user=spec, plan=plan, **{
            "service_type": "legal", "title": "Консультация юриста", "responsible_user": spec,
            "due_date": local_today(world.d1) + datetime.timedelta(days=10)})
        referrals_services.referral_send(user=spec, case=case, **{
            "organisation": world.partner_org, "services": "Консультация"})
        urgent_services.urgent_act_create(user=spec, person=world.p1, case=case, **{
            "date_from": local_today(world.d1), "date_to": local_today(world.d1)},
            lines=[{"service": "food"}])
        sop_services.sop_identify(user=spec, case=case, **{
            "source": "police", "grounds": "Родители злоупотребляют алкоголем"})
        diagnostics = Questionnaire.objects.get(code="family_diagnostics")
        assessments_services.assessment_record(user=spec, case=case, questionnaire=diagnostics,
                                   answers=first_answers(diagnostics))
    return SupportCase.objects.get(pk=case.pk)


def test_records_carry_the_practice_of_their_case(world):
    case = running_case(world)
    assert case.practice == "family_dispatch"
    for model in PRACTICE_MODELS:
        assert set(model.objects.filter(case=case).values_list("practice", flat=True)) == {
            "family_dispatch"}, model.__name__


def test_same_district_other_practice_sees_the_person_but_no_case_record(world):
    case = running_case(world)
    yard = world.user("specialist_yard")
    assert Person.objects.restrict(yard, "view").filter(pk=world.p1.pk).exists()
    assert not SupportCase.objects.restrict(yard, "view").filter(pk=case.pk).exists()
    for model in PRACTICE_MODELS:
        assert not model.objects.restrict(yard, "view").filter(case=case).exists(), model
    # The district specialist of district 1 with every practice sees them all.
    spec = world.user("specialist")
    for model in (SupportCase, *PRACTICE_MODELS):
        assert model.objects.restrict(spec, "view").exists(), model


def test_a_case_of_the_assignments_practice_is_seen(world):
    yard = world.user("specialist_yard")
    with acting_as("test"):
        case = services.case_open(user=yard, person=world.p1, **{
            "channel": "walk_in", "problem_told": "Одиноко проживает, нужна помощь по дому"})
    assert case.practice == "yard"  # the user's only practice, without being asked
    assert SupportCase.objects.restrict(yard, "view").filter(pk=case.pk).exists()
    # A dispatcher (Family Dispatch by default) of the municipality does not see it …
    assert not SupportCase.objects.restrict(world.user("dispatcher"), "view").filter(
        pk=case.pk).exists()
    # … the head (every practice) does.
    assert SupportCase.objects.restrict(world.user("head"), "view").filter(pk=case.pk).exists()


def test_opening_a_case_of_another_practice_is_refused_and_changes_nothing(world):
    yard = world.user("specialist_yard")
    before = SupportCase.objects.count()
    with pytest.raises(ValidationError) as exc, acting_as("test"):
        services.case_open(user=yard, person=world.p1, **{
            "practice": "family_dispatch", "channel": "walk_in", "problem_told": "Помощь"})
    assert "Семейная диспетчерская" in str(exc.value.message_dict["practice"])
    assert SupportCase.objects.count() == before


def test_an_urgent_act_needs_a_practice_the_user_covers(world):
    dispatcher = world.user("dispatcher")
    with pytest.raises(DomainError), acting_as("test"):
        urgent_services.urgent_act_create(user=dispatcher, person=world.p1, **{
            "practice": "patrol", "date_from": local_today(world.d1),
            "date_to": local_today(world.d1)}, lines=[{"service": "food"}])
    assert not UrgentServiceAct.objects.exists()
    with acting_as("test"):
        act = urgent_services.urgent_act_create(user=dispatcher, person=world.p1, **{
            "date_from": local_today(world.d1), "date_to": local_today(world.d1)},
            lines=[{"service": "food"}])
    assert act.practice == "family_dispatch"


def test_work_assignment_is_seen_whatever_the_practice(world):
    """A yard-only specialist made responsible for a Family Dispatch case sees it."""
    case = open_case(world)
    yard = world.user("specialist_yard")
    assert not SupportCase.objects.restrict(yard, "view").filter(pk=case.pk).exists()
    SupportCase.objects.filter(pk=case.pk).update(responsible=yard)
    access.forget_grants(yard)
    assert SupportCase.objects.restrict(yard, "view").filter(pk=case.pk).exists()


def test_changing_the_practice_moves_the_records_with_the_case(world):
    case = running_case(world)
    head = world.user("head")
    with acting_as("test"):
        services.case_update(user=head, case=case, **{"practice": "district"},
                             expected_version=case.version)
    for model in PRACTICE_MODELS:
        assert set(model.objects.filter(case=case).values_list("practice", flat=True)) == {
            "district"}, model.__name__
    assert not SupportCase.objects.restrict(world.user("dispatcher"), "view").filter(
        pk=case.pk).exists()


def test_two_assignments_with_different_practices_are_one_query(world):
    """A user with a yard assignment in district 1 and a patrol one in district 2 sees the
    cases of each district of its practice, in one query."""
    user = make_user("two", "district_specialist", world.d1, world.provider,
                     practices=["yard"])
    RoleAssignment.objects.create(user=user, role="district_specialist", territory=world.d2,
                                  organisation=world.provider, practices=["patrol"])
    with acting_as("test"):
        yard_case = services.case_open(user=user, person=world.p1, **{
            "practice": "yard", "channel": "walk_in", "problem_told": "Помощь по дому"})
        patrol_case = services.case_open(user=user, person=world.p2, **{
            "practice": "patrol", "channel": "walk_in", "problem_told": "Ночлег"})
        with pytest.raises(ValidationError):
            services.case_open(user=user, person=world.p2, **{
                "practice": "yard", "channel": "walk_in", "problem_told": "Не там"})
    fd_case = open_case(world)
    access.forget_grants(user)
    with CaptureQueriesContext(connection) as ctx:
        seen = set(SupportCase.objects.restrict(user, "view").values_list("pk", flat=True))
    assert seen == {yard_case.pk, patrol_case.pk}
    assert fd_case.pk not in seen
    # The grants, the territory ids and the executed-activity ids are read, then one query.
    assert len([q for q in ctx.captured_queries if "cases_supportcase" in q["sql"]]) == 1


def test_role_assignment_with_practices_through_the_service(world):
    admin, target = world.user("admin"), world.user("no_role")
    with acting_as("test"):
        ra = accounts.role_assign(user=admin, target=target, role="district_specialist",
                                  territory=world.d1, practices=["yard", "yard", "district"])
    assert ra.practices == ["district", "yard"]
    with pytest.raises(ValidationError) as exc, acting_as("test"):
        accounts.role_assign(user=admin, target=target, role="head", territory=world.d1,
                             practices=["fishing"])
    assert "fishing" in str(exc.value.message_dict["practices"])
    assert RoleAssignment.objects.filter(user=target).count() == 1


def test_role_assignment_api_takes_practices(client, world):
    client.force_login(world.user("admin"))
    response = client.post("/api/v1/role-assignments/", {
        "user": world.user("no_role").pk, "role": "district_specialist",
        "territory": world.d1.pk, "practices": ["yard"]}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["practices"] == ["yard"]
    bad = client.post("/api/v1/role-assignments/", {
        "user": world.user("no_role").pk, "role": "district_specialist",
        "territory": world.d1.pk, "practices": ["nope"]}, content_type="application/json")
    assert bad.status_code == 400
    assert any(k.startswith("practices") for k in bad.json()["fields"])
    assert RoleAssignment.objects.filter(user=world.user("no_role")).count() == 1


def test_role_defaults_cover_the_expected_practices():
    roles = access.roles()
    assert roles["head"].practices is None
    assert roles["district_specialist"].practices is None
    assert roles["dispatcher"].practices == frozenset({"family_dispatch"})
    assert roles["patrol_member"].practices == frozenset({"patrol"})
    # Rights are assembled from every app's fragments.
    assert roles["head"].allows("person", "merge") and roles["head"].allows("case", "close")
    assert roles["head"].allows("indicator", "view") and roles["head"].allows("audit", "view")
    assert not roles["admin"].allows("person", "view")


def test_case_list_offers_only_the_users_practices(client, world):
    client.force_login(world.user("dispatcher"))
    page = client.get("/cases/").content.decode()
    assert "Семейная диспетчерская" in page and "Социальный патруль" not in page
    client.force_login(world.user("head"))
    assert "Социальный патруль" in client.get("/cases/").content.decode()
