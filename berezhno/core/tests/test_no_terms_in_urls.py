"""No personal search term in an address, the browser's history or a log (decision 0017).

Searches by name, СНИЛС or phone are POSTed; a GET carrying one is sent away (303, the page
without it) or refused (API, 400) unrun; the logging filter scrubs what still arrives."""

import logging
import re
from urllib.parse import quote, quote_plus

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from berezhno.core import logsafe
from berezhno.core.models import AccessKind, AccessLog
from berezhno.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

NAME, SNILS, PHONE = "Семёнова", "112-233-445 95", "8 913 123-45-67"
URL_ATTRS = re.compile(r'(?:href|action|formaction|hx-get|hx-post|hx-push-url|src)="([^"]*)"')


def forms_of(term: str) -> set[str]:
    lower = term.lower()
    return {term, lower, quote(term), quote_plus(term), quote(lower), quote_plus(lower)}


def assert_no_term_in_urls(response, term: str) -> None:
    """Not in the Location, not in an HX-Push-Url, not in any address the page holds."""
    for header in ("Location", "HX-Push-Url", "HX-Replace-Url", "HX-Location"):
        value = response.get(header, "")
        assert not any(f in value for f in forms_of(term)), (header, value)
    if response.get("Content-Type", "").startswith("text/html"):
        body = response.content.decode()
        assert 'hx-push-url="true"' not in body
        for url in URL_ATTRS.findall(body):
            assert not any(f in url for f in forms_of(term)), url


# ------------------------------------------------------------------ pages

SEARCH_PAGES = [
    ("people:list", {}),
    ("people:household_list", {}),
    ("cases:list", {}),
    ("cases:intake", {"search": "1"}),
]
WHO = {"people:list": "specialist", "people:household_list": "specialist",
       "cases:list": "dispatcher", "cases:intake": "dispatcher"}


@pytest.mark.parametrize(("name", "extra"), SEARCH_PAGES)
@pytest.mark.parametrize("term", [NAME, SNILS, PHONE])
def test_a_term_in_the_address_is_sent_away_unrun(client, world, name, extra, term):
    client.force_login(world.user(WHO[name]))
    before = AccessLog.objects.count()
    response = client.get(reverse(name), {"q": term, "status": "active"})
    assert response.status_code == 303
    assert response["Location"] == reverse(name) + "?status=active"
    assert_no_term_in_urls(response, term)
    assert AccessLog.objects.count() == before  # the search was not run
    page = client.get(response["Location"])
    assert "не передаются в адресе" in page.content.decode()


@pytest.mark.parametrize(("name", "extra"), SEARCH_PAGES)
def test_anonymous_gets_no_login_address_with_the_term(client, name, extra):
    response = client.get(reverse(name), {"q": SNILS})
    assert response.status_code == 303 and response["Location"] == reverse(name)
    response = client.get(response["Location"])
    assert response.status_code == 302 and "login" in response["Location"]
    assert_no_term_in_urls(response, SNILS)


@pytest.mark.parametrize("term", [NAME, SNILS, PHONE])
def test_the_person_search_is_posted_finds_in_scope_and_is_logged(client, world, term):
    spec = world.user("specialist")
    client.force_login(spec)
    for headers in ({}, {"HX-Request": "true", "HX-Target": "results"}):
        response = client.post(reverse("people:list"), {"q": term}, headers=headers)
        assert response.status_code == 200
        assert world.p1.full_name in response.content.decode()
        assert_no_term_in_urls(response, term)
        assert "HX-Push-Url" not in response
    assert AccessLog.objects.filter(user=spec, person_id=world.p1.pk,
                                    kind=AccessKind.VIEW_LIST).exists()
    # Another district's person is not found by this specialist, and no read is logged.
    response = client.post(reverse("people:list"), {"q": "Кузнецов"})
    assert world.p2.full_name not in response.content.decode()
    assert not AccessLog.objects.filter(user=spec, person_id=world.p2.pk).exists()


def test_the_list_page_form_posts_without_push_url(client, world):
    client.force_login(world.user("specialist"))
    body = client.get(reverse("people:list")).content.decode()
    form = re.search(r'<form id="person-search"[^>]*>', body).group(0)
    assert 'method="post"' in form and "hx-post" in form and "hx-push-url" not in form
    assert 'name="csrfmiddlewaretoken"' in body
    home = client.get("/").content.decode()
    assert 'action="/people/"' in home and 'method="post"' in home


def test_other_searches_are_posted_and_stay_in_scope(client, world):
    client.force_login(world.user("dispatcher"))
    response = client.post(reverse("cases:intake"), {"search": "1", "q": NAME})
    assert response.status_code == 200 and world.p1.full_name in response.content.decode()
    assert_no_term_in_urls(response, NAME)
    client.force_login(world.user("specialist_other"))  # district 2: p1 is not theirs
    response = client.post(reverse("people:list"), {"q": NAME})
    assert world.p1.full_name not in response.content.decode()
    response = client.post(reverse("people:household_list"), {"q": NAME})
    assert response.status_code == 200
    assert_no_term_in_urls(response, NAME)


def test_a_posted_search_turns_pages_with_the_term_in_the_body(client, world):
    spec = world.user("specialist")
    for i in range(52):
        PersonFactory(user=spec, surname="Листова", name=f"Ия{i:02d}", territory=world.d1)
    client.force_login(spec)
    first = client.post(reverse("people:list"), {"q": "листова"})
    body = first.content.decode()
    assert body.count("Листова") == 50
    assert 'form="person-search" formaction="?page=2"' in body
    assert_no_term_in_urls(first, "листова")
    second = client.post(reverse("people:list") + "?page=2", {"q": "листова"})
    body = second.content.decode()
    assert body.count("Листова") == 2 and 'formaction="?page=1"' in body
    assert_no_term_in_urls(second, "листова")


# ------------------------------------------------------------------ API


@pytest.mark.parametrize("term", [NAME, SNILS, PHONE])
def test_the_api_search_is_posted_scoped_and_logged(client, world, term):
    spec = world.user("specialist")
    client.force_login(spec)
    response = client.post(reverse("person-search"), {"q": term},
                           content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert [r["id"] for r in data["results"]] == [world.p1.pk]
    assert AccessLog.objects.filter(user=spec, person_id=world.p1.pk,
                                    kind=AccessKind.API_READ).exists()
    client.force_login(world.user("specialist_other"))
    response = client.post(reverse("person-search"), {"q": term},
                           content_type="application/json")
    assert response.json()["results"] == []


def test_the_api_list_refuses_a_term_in_the_address(client, world):
    client.force_login(world.user("head"))
    before = AccessLog.objects.count()
    for name in ("person-list", "case-list"):
        response = client.get(reverse(name), {"q": NAME})
        assert response.status_code == 400
        assert response.json()["code"] == "search_in_address"
        assert "POST" in response.json()["detail"]
    assert AccessLog.objects.count() == before
    # The filters that are not personal stay in the query string.
    assert client.get(reverse("person-list"), {"status": "active"}).status_code == 200


def test_the_api_search_pages_without_the_term_and_refuses_unknown_keys(client, world):
    spec = world.user("specialist")
    for i in range(3):
        PersonFactory(user=spec, surname="Страничная", name=f"Ия{i}", territory=world.d1)
    client.force_login(spec)
    response = client.post(reverse("person-search") + "?page_size=2", {"q": "страничная"},
                           content_type="application/json")
    data = response.json()
    assert data["count"] == 3 and len(data["results"]) == 2
    assert "/api/v1/persons/search/?" in data["next"] and "page=2" in data["next"]
    assert "страничная" not in data["next"] and quote("страничная") not in data["next"]
    second = client.post(data["next"], {"q": "страничная"}, content_type="application/json")
    assert len(second.json()["results"]) == 1
    wrong = client.post(reverse("person-search"), {"query": "страничная"},
                        content_type="application/json")
    assert wrong.status_code == 400 and "query" in wrong.json()["fields"]
    cases = client.post(reverse("case-search"), {"q": "нет-такой", "status": "active"},
                        content_type="application/json")
    assert cases.status_code == 200 and cases.json()["results"] == []


def test_the_schema_documents_the_posted_searches(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    for path in ("/api/v1/persons/search/", "/api/v1/cases/search/"):
        post = schema["paths"][path]["post"]
        assert "requestBody" in post
        assert {p["name"] for p in post.get("parameters", [])} <= {"page", "page_size"}
    listed = {p["name"] for p in schema["paths"]["/api/v1/persons/"]["get"]["parameters"]}
    assert "q" not in listed and "status" in listed


# ------------------------------------------------------------------ logs


# ``log_output`` (the handlers' output, captured) is in ``conftest.py``.


@pytest.mark.parametrize("term", [NAME, SNILS, PHONE])
def test_access_logs_never_show_the_term(log_output, term):
    line = f"GET /people/?status=active&q={quote_plus(term)} HTTP/1.1"
    logging.getLogger("django.server").info('"%s" %s %s', line, "303", "0")
    logging.getLogger("gunicorn.access").info("%(h)s %(r)s %(s)s",
                                              {"h": "127.0.0.1", "r": line, "s": "303"})
    logging.getLogger("waitress").warning("Request %s failed", line)
    logging.getLogger("django.request").warning("Bad Request: /people/?q=%s", term)
    out = log_output()
    assert out.count("[removed]") == 4 and "status=active" in out
    assert not any(f in out for f in forms_of(term))


def test_a_real_request_logs_no_term(client, world, log_output):
    client.force_login(world.user("specialist"))
    client.get("/people/nope/", {"q": SNILS})  # a 404, logged by django.request
    out = log_output()
    assert not any(f in out for f in forms_of(SNILS))


@settings(max_examples=200, deadline=None)
@given(term=st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщьыэюяАБВЕЁЖЯ0123456789 -+()",
                    min_size=3, max_size=40).filter(lambda t: t.strip()),
       param=st.sampled_from(sorted(logsafe.PERSONAL_PARAMS)),
       other=st.sampled_from(["", "status=active&", "page=2&"]))
def test_scrub_removes_every_personal_value(term, param, other):
    for encoded in {quote(term), quote_plus(term)}:
        text = f'"GET /people/?{other}{param}={encoded}&sort=name HTTP/x" ok'
        cleaned = logsafe.scrub(text)
        assert encoded not in cleaned
        assert f"{param}=[removed]&sort=name" in cleaned
        assert (other in cleaned) if other else True
