"""Records a client creates under its own id: copies sent at the same moment give one
record (decision 0028). Five threads post the same contact at once through a live server
(on PostgreSQL they race on the unique constraint; on SQLite writers take turns)."""

import json
import threading
import urllib.error
import urllib.request
import uuid

import pytest
from django.db import models

from berezhno.accounts.services import api_token_issue
from berezhno.core.idempotency import client_id_fields
from berezhno.people.models import Contact, Person
from berezhno.testing.factories import CONSENT

COPIES = 5


def _at_once(send, copies: int = COPIES) -> list:
    barrier = threading.Barrier(copies)
    results: list = [None] * copies

    def run(index: int) -> None:
        barrier.wait(timeout=30)
        results[index] = send()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(copies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.fixture
def api(live_server, world):
    _, key = api_token_issue(user=world.user("specialist"), second_factor_verified=True)

    def post(path: str, body: dict):
        request = urllib.request.Request(  # noqa: S310 - the live server's http URL
            f"{live_server.url}/api/v1/{path}", data=json.dumps(body).encode(), method="POST",
            headers={"Authorization": f"Token {key}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    return post


@pytest.mark.django_db(transaction=True)
def test_simultaneous_copies_of_a_contact_give_the_first_record(api, world):
    client_id = str(uuid.uuid4())
    results = _at_once(lambda: api("contacts/", {
        "person": world.p1.pk, "channel": "visit", "purpose": "patronage",
        "client_uuid": client_id}))
    assert [status for status, _ in results] == [201] * COPIES, results
    assert len({body["id"] for _, body in results}) == 1
    assert Contact.objects.filter(client_uuid=client_id).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_copies_of_a_registration_give_the_first_person(api, world):
    client_id = str(uuid.uuid4())
    body = {"surname": "Гонкова", "name": "Вера", "patronymic": "Ивановна", "sex": "f",
            "birth_date": "1960-04-02", "territory": world.d1.pk, "settlement": world.town.pk,
            "consents": [dict(CONSENT)],
            "contacts": [{"channel": "visit", "purpose": "patronage",
                          "client_uuid": client_id}]}
    results = _at_once(lambda: api("persons/", body))
    assert [status for status, _ in results] == [201] * COPIES, results
    assert len({answer["id"] for _, answer in results}) == 1
    assert Person.objects.filter(surname="Гонкова").count() == 1
    assert Contact.objects.filter(client_uuid=client_id).count() == 1


@pytest.mark.django_db(transaction=True)
def test_another_persons_client_id_is_still_refused(api, world):
    client_id = str(uuid.uuid4())
    status, _ = api("contacts/", {"person": world.p1.pk, "channel": "visit",
                                  "purpose": "patronage", "client_uuid": client_id})
    assert status == 201
    other = world.p1.__class__.objects.exclude(pk=world.p1.pk).first()
    status, body = api("contacts/", {"person": other.pk, "channel": "visit",
                                     "purpose": "patronage", "client_uuid": client_id})
    assert status == 400
    assert "client_uuid" in body["fields"] or "person" in body["fields"]


def test_every_client_id_is_unique():
    """A new record created under a client id gets its unique field (and goes through
    ``core.idempotency.create_once``): the constraint is what makes the race safe."""
    fields = client_id_fields()
    assert fields, "no model has a client_uuid any more: update decision 0028"
    for model, field in fields:
        assert isinstance(field, models.UUIDField) and field.unique, (model, field)
