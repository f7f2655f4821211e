"""At phone width the registers' tables stack (``table.stack``): every cell carries the
label of its column, or the stacked rows would be values without names (checked in a
browser at 360 and 1280 px for the head and the district specialists)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from berezhno.core.context import acting_as
from berezhno.core.workdays import local_today
from berezhno.rights import services

from .conftest import register

pytestmark = pytest.mark.django_db


def _unlabelled_cells(html: str) -> list[str]:
    found = []
    for table in re.findall(r'<table class="stack">(.*?)</table>', html, re.S):
        body = table.split("<tbody>", 1)[-1]
        found += [td for td in re.findall(r"<td[^>]*>", body) if "data-label=" not in td]
    return found


def test_every_stacked_cell_of_the_rights_pages_has_a_label(client, world, spec, head):
    register(spec, world.p1)
    with acting_as("test"):
        services.incident_open(user=head, territory=world.mun, detected_at=timezone.now(),
                               description="Выгрузка", suspect=spec)
    client.force_login(spec)
    client.get(reverse("people:person", args=[world.p1.pk]))
    client.force_login(head)
    today = local_today(world.mun)  # the reader's date
    pages = [client.get(reverse("rights:list")), client.get(reverse("rights:incidents")),
             client.get(reverse("rights:report"), {
                 "user": spec.pk, "date_from": (today - datetime.timedelta(days=1)).isoformat(),
                 "date_to": today.isoformat()})]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200 and '<table class="stack">' in html
        assert _unlabelled_cells(html) == [], page.request["PATH_INFO"]


def test_the_holder_sees_the_decision_before_the_details(client, world):
    from berezhno.people import services as people
    from berezhno.people.models import PersonShareRequest
    from berezhno.testing.fixtures import CONSENT

    with pytest.raises(people.SnilsElsewhereError):
        people.person_register(user=world.user("specialist_other"), consent=dict(CONSENT),
                               surname="Семенова", name="Алена", snils="11223344595",
                               territory=world.d2)
    share = PersonShareRequest.objects.get()
    client.force_login(world.user("specialist"))
    html = client.get(reverse("people:share_request", args=[share.pk])).content.decode()
    assert html.index('value="approve"') < html.index('<dl class="fields">')
    assert "Семёнова Алёна Петровна" in html[:html.index('value="approve"')]
    assert _unlabelled_cells(client.get(reverse("people:share_requests")).content.decode()
                             ) == []


def test_an_optional_choice_reads_in_russian_not_english(client, head):
    client.force_login(head)
    html = client.get(reverse("rights:incident_create")).content.decode()
    assert '<option value="" selected>---------</option>' in html
    assert "Select an option" not in html
