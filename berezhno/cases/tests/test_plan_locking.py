"""Two saves of one draft programme: the second is refused and names what changed."""

import pytest
from django.urls import reverse

from berezhno.cases import services
from berezhno.cases.models import Plan
from berezhno.core.errors import ConflictError, DomainError

from .conftest import open_case, recognised

pytestmark = pytest.mark.django_db


def _draft(world):
    disp = world.user("dispatcher")
    case = recognised(world, open_case(world))
    return disp, services.plan_create(user=disp, case=case, goal="Первая цель")


def test_a_stale_save_of_a_draft_is_refused_with_the_current_values(world):
    disp, plan = _draft(world)
    assert plan.version == 1
    services.plan_update(user=disp, plan=plan, expected_version=1, goal="Вторая цель")
    with pytest.raises(ConflictError) as conflict:
        services.plan_update(user=disp, plan=plan, expected_version=1, goal="Третья цель")
    assert "Вторая цель" in str(conflict.value.message)
    assert conflict.value.details["current_values"] == {"goal": "Вторая цель"}
    assert Plan.objects.get(pk=plan.pk).goal == "Вторая цель"
    with pytest.raises(DomainError):
        services.plan_update(user=disp, plan=plan, expected_version=None, goal="x")


def test_two_api_saves_on_one_version_conflict(client, world):
    disp, plan = _draft(world)
    client.force_login(disp)
    url = reverse("plan-detail", args=[plan.pk])
    first = client.patch(url, {"goal": "А", "version": 1}, content_type="application/json")
    assert first.status_code == 200 and first.json()["version"] == 2
    second = client.patch(url, {"goal": "Б", "version": 1}, content_type="application/json")
    assert second.status_code == 409
    assert second.json()["details"]["current_values"] == {"goal": "А"}
    missing = client.patch(url, {"goal": "В"}, content_type="application/json")
    assert missing.status_code == 400
    assert Plan.objects.get(pk=plan.pk).goal == "А"


def test_two_page_saves_on_one_version_conflict(client, world):
    disp, plan = _draft(world)
    client.force_login(disp)
    url = reverse("cases:plan_edit", args=[plan.case_id, plan.pk])
    assert 'name="version" value="1"' in client.get(url).content.decode()
    assert client.post(url, {"goal": "А", "version": 1}).status_code == 302
    stale = client.post(url, {"goal": "Б", "version": 1})
    assert stale.status_code == 409
    assert "«А»" in stale.content.decode()
    assert Plan.objects.get(pk=plan.pk).goal == "А"
