"""A database outage answers 503 with Retry-After and a Russian message (decision 0028).

The outage is real: the connection is closed and pointed at a database that cannot be
opened (a SQLite file in a missing directory, a PostgreSQL port nobody listens on), so
every query of the next request fails as it would with the server down. The fault run
(tests/faults) does the same against a PostgreSQL it restarts and kills.
"""

import contextlib

import pytest
from django.db import connection

from berezhno.testing.fixtures import make_user
from berezhno.testing.pgcluster import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def database_down():
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict["PORT"] = str(free_port())
    else:
        connection.settings_dict["NAME"] = "/nonexistent-berezhno/db.sqlite3"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.fixture
def signed_in(client):
    client.force_login(make_user("outage"))
    client.raise_request_exception = False
    return client


def test_the_api_answers_503_json_with_retry_after(signed_in):
    with database_down():
        response = signed_in.get("/api/v1/persons/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "unavailable"
    assert "База данных временно недоступна" in body["detail"]


def test_a_page_answers_a_russian_page_that_needs_no_database(signed_in):
    with database_down():
        response = signed_in.get("/people/")
        anonymous = signed_in.__class__(raise_request_exception=False).get(
            "/people/", HTTP_COOKIE="sessionid=" + "a" * 32)
    for answer in (response, anonymous):
        assert answer.status_code == 503
        assert answer["Retry-After"].isdigit()
        html = answer.content.decode()
        assert "Сервис временно недоступен" in html
        assert "Попробовать ещё раз" in html
        assert 'lang="ru"' in html


def test_the_next_request_after_the_outage_succeeds(signed_in):
    with database_down():
        assert signed_in.get("/api/v1/persons/").status_code == 503
    assert signed_in.get("/api/v1/persons/").status_code == 200
    assert signed_in.get("/people/").status_code == 200
