"""Every record kind that names a person has a place in the retention procedure, and the
home page shows the requests due to those who handle them."""

import datetime

import pytest
from django.urls import reverse

from berezhno.core import access
from berezhno.rights import retention

from .conftest import register


def test_every_personal_model_has_a_retention_policy():
    """A new practice's records about people must say whether a destruction request
    destroys them or the law keeps them (docs/user-guide/data-subject-rights.md)."""
    missing = sorted(rule.model._meta.label for rule in access.scoped_models()
                     if rule.persons and rule.model._meta.label not in retention.POLICY)
    assert not missing, f"no retention policy for {missing}"
    assert set(retention.POLICY.values()) <= {retention.DESTROY, retention.ANONYMISE,
                                              retention.KEEP}


def test_masking_keeps_references_and_states_only():
    masked = retention.mask_snapshot({"surname": "Лебедева", "territory_id": 4, "status": "active",
                                      "phone": "", "birth_date": "1990-02-02", "age": 35})
    assert masked == {"surname": "обезличено", "territory_id": 4, "status": "active",
                      "phone": "", "birth_date": "обезличено", "age": 35}


@pytest.mark.django_db
def test_the_home_page_shows_overdue_requests_to_specialists_and_heads(client, world, spec,
                                                                       head):
    item = register(spec, world.p1)
    fresh = register(spec, world.p1, received_on=datetime.date.today())
    for user in (spec, head):
        client.force_login(user)
        body = client.get(reverse("core:home")).content.decode()
        assert "Обращения по ПД: сроки" in body and item.number in body
        assert fresh.number not in body  # ten working days ahead: not yet
    client.force_login(world.user("specialist_psy"))
    assert "Обращения по ПД" not in client.get(reverse("core:home")).content.decode()
