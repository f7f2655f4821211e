"""Property test of the practice in scope: for any role assignments (node, subtree,
practices) and any cases (district, practice, responsible), ``restrict`` returns exactly the
cases a reference model computed from first principles allows."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from berezhno.accounts.models import RoleAssignment, User
from berezhno.cases.models import SupportCase
from berezhno.core import access
from berezhno.territories.models import Territory

CASE_ROLES = ["head", "district_specialist", "dispatcher", "specialist", "patrol_member",
              "partner"]
PRACTICES = ["family_dispatch", "district", "yard", "agent", "patrol"]


def reference_cases(*, assignments, cases, parent_of, user_id) -> set[int]:
    """Case ids the user may view: a territorial assignment whose role views cases, covering
    the case's territory and practice, or the user is responsible."""
    roles = access.roles()
    allowed = set()
    live = [a for a in assignments if roles[a["role"]].allows("case", "view")]
    for case_id, (territory_id, practice, responsible_id) in cases.items():
        if responsible_id == user_id and live:
            allowed.add(case_id)
            continue
        above = [territory_id]
        while parent_of[above[-1]] is not None:
            above.append(parent_of[above[-1]])
        for a in live:
            role = roles[a["role"]]
            if not role.territorial:
                continue
            covered = set(a["practices"]) or role.practices
            if covered is not None and practice not in covered:
                continue
            if a["territory"] == territory_id or (a["include_subtree"]
                                                  and a["territory"] in above):
                allowed.add(case_id)
                break
    return allowed


@pytest.mark.django_db
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data())
def test_restrict_follows_territory_and_practice(world, data):
    nodes = list(Territory.objects.values_list("pk", "parent_id"))
    parent_of = dict(nodes)
    node_ids = sorted(parent_of)
    leaf_ids = [world.d1.pk, world.d2.pk, world.d3.pk]
    draw = data.draw
    assignments = draw(st.lists(st.fixed_dictionaries({
        "role": st.sampled_from(CASE_ROLES),
        "territory": st.sampled_from(node_ids),
        "include_subtree": st.booleans(),
        "practices": st.lists(st.sampled_from(PRACTICES), unique=True, max_size=2),
    }), min_size=1, max_size=3), label="assignments")
    placements = draw(st.lists(st.tuples(st.sampled_from(leaf_ids), st.sampled_from(PRACTICES),
                                         st.booleans()), min_size=1, max_size=6),
                      label="cases")
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.create(username="prop-practice")
        for a in assignments:
            RoleAssignment.objects.create(user=user, role=a["role"], territory_id=a["territory"],
                                          include_subtree=a["include_subtree"],
                                          practices=a["practices"])
        other = world.user("specialist")
        made = {}
        for i, (territory_id, practice, mine) in enumerate(placements):
            responsible = user if mine else other
            case = SupportCase.objects.create(
                number=f"prop-{i}", practice=practice, person=world.p1,
                territory_id=territory_id, received_at=now, channel="walk_in",
                problem_told="Проверка", registered_by=other, responsible=responsible,
                decision_due=datetime.date(2026, 1, 1), programme_due=datetime.date(2026, 1, 1))
            made[case.pk] = (territory_id, practice, responsible.pk)
        expected = reference_cases(assignments=assignments, cases=made, parent_of=parent_of,
                                   user_id=user.pk)
        event("in scope: " + ("none" if not expected else
                              "all" if len(expected) == len(made) else "some"))
        fresh = User.objects.get(pk=user.pk)
        got = set(SupportCase.objects.restrict(fresh, "view").filter(pk__in=list(made))
                  .values_list("pk", flat=True))
        assert got == expected
        transaction.set_rollback(True)
