"""The spine's extension points (decision 0011): what the apps above it register, and the
typed keyword arguments of the spine's services."""

import pytest

from berezhno.assessments.models import Assessment
from berezhno.cases import deadlines, extensions, selectors, services
from berezhno.cases.models import SupportCase
from berezhno.cases.tests.conftest import open_case
from berezhno.core.context import acting_as
from berezhno.referrals.models import Referral
from berezhno.sop.models import SopRecord
from berezhno.urgent.models import UrgentServiceAct


def test_the_apps_above_the_spine_registered_their_contributions():
    assert [s.code for s in extensions.sections()] == ["assessments", "referrals", "sop",
                                                       "urgent"]
    assert {s.slot for s in extensions.sections()} <= set(extensions.SLOTS)
    records = extensions.practice_records()
    for model in (Assessment, Referral, SopRecord, UrgentServiceAct):
        assert records[model] == "case"
    assert "sop" in deadlines.case_deadline_codes()
    assert [f.code for f in deadlines.case_flags()] == ["sop"]
    assert extensions.close_hooks()


def test_the_registries_refuse_what_the_spine_cannot_place():
    with pytest.raises(ValueError):
        extensions.register_section(extensions.CaseSection(code="x", order=1, slot="nowhere"))
    with pytest.raises(ValueError):
        deadlines.register_case_deadline(deadlines.CaseDeadline(
            code="decision", label="x", late=lambda day: None, pending=lambda: None))


@pytest.mark.django_db
def test_the_card_carries_the_sections_their_actions_and_deadlines(world, family):
    case = open_case(world, family)
    card = selectors.case_card(world.user("dispatcher"), case.pk)
    before = [s.code for s, _view in card.sections["before_problems"]]
    after = [s.code for s, _view in card.sections["after_plans"]]
    assert before == ["assessments"]
    assert after == ["referrals", "sop"]  # no urgent act yet: that section is left out
    labels = [a.label for a in card.actions]
    assert "Направить к партнёру" in labels and "Срочные услуги" in labels


@pytest.mark.django_db
def test_a_misspelt_field_is_a_programming_error_and_changes_nothing(world, family):
    case = open_case(world, family)
    with acting_as("test"), pytest.raises(TypeError):
        services.case_update(user=world.user("dispatcher"), case=case, expected_version=None,
                             problem_tld="опечатка")
    assert SupportCase.objects.get(pk=case.pk).version == case.version
    with acting_as("test"), pytest.raises(TypeError):
        services.plan_create(user=world.user("dispatcher"), case=case, gaol="опечатка")
