"""The case card names the applicant's family: each member's read is logged (152-ФЗ)."""

import pytest
from django.urls import reverse

from berezhno.core.models import AccessKind, AccessLog

from .conftest import open_case

pytestmark = pytest.mark.django_db


def test_the_case_card_logs_the_applicant_and_each_family_member(client, world, family):
    case = open_case(world, family)
    client.force_login(world.user("dispatcher"))
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert page.status_code == 200 and "Дарья" in page.content.decode()
    read = set(AccessLog.objects.filter(user=world.user("dispatcher")).values_list(
        "person_id", flat=True))
    members = set(family.members.values_list("person_id", flat=True))
    assert {case.person_id} | members <= read


def test_a_case_list_page_logs_its_applicants_as_list_reads(client, world, family):
    case = open_case(world, family)
    client.force_login(world.user("dispatcher"))
    assert client.get(reverse("cases:list")).status_code == 200
    assert AccessLog.objects.filter(kind=AccessKind.VIEW_LIST, person_id=case.person_id,
                                    object_repr=f"supportcase:{case.pk}").exists()
