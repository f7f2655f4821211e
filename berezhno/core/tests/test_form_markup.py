"""Form markup that assistive technology relies on: every ``aria-describedby`` names an
element of the page (Django points it at ``<id>_helptext`` and ``<id>_error``), on a
fresh form and on one answered with errors."""

import re

import pytest
from django.urls import reverse

DESCRIBED = re.compile(r'aria-describedby="([^"]+)"')
IDS = re.compile(r'\bid="([^"]+)"')


def dangling(html: str) -> set[str]:
    ids = set(IDS.findall(html))
    return {ref for refs in DESCRIBED.findall(html) for ref in refs.split() if ref not in ids}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["people:create", "cases:intake", "core:audit",
                                  "cases:list", "people:list"])
def test_every_description_exists(client, world, name):
    client.force_login(world.user("head"))
    html = client.get(reverse(name)).content.decode()
    if name == "people:create":
        assert 'aria-describedby' in html  # its fields have help texts
    assert dangling(html) == set()


@pytest.mark.django_db
def test_every_description_exists_on_a_form_with_errors(client, world):
    client.force_login(world.user("head"))
    r = client.post(reverse("people:create"), {"surname": "", "birth_date": "31.02.2020",
                                               "snils": "abc"})
    html = r.content.decode()
    assert 'aria-invalid="true"' in html
    assert dangling(html) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["people:list", "cases:list", "cases:worklist", "core:audit",
                                  "people:household_list", "people:share_requests"])
def test_filters_say_all_not_dashes_or_unknown(client, world, name):
    """A list's filter that does not filter reads «все» (or a word of the same sense)."""
    client.force_login(world.user("head"))
    html = client.get(reverse(name)).content.decode()
    assert ">---------<" not in html
    assert ">Неизвестно<" not in html
