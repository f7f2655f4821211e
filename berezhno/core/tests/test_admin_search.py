"""The admin's changelist search is POSTed (issue 9, point 4; decision 0017): the term —
a staff member's name, a login, an e-mail — is kept in the session under a random key and
is in no address, redirect, link or log line; a GET with ``?q=`` is sent away unrun."""

import logging
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from berezhno.core.admin_base import SEARCH_KEY, PostedSearchMixin
from berezhno.core.tests.test_no_terms_in_urls import assert_no_term_in_urls, forms_of

pytestmark = pytest.mark.django_db

TERM = "Маркова"  # the head's surname (the world's user "head")
USERS = "admin:accounts_user_changelist"


def changelist_url(model_admin) -> str:
    opts = model_admin.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def searchable():
    return [a for a in admin.site._registry.values() if a.get_search_fields(None)]


def served(client, method, url, **kwargs):
    """Send a request and write its request line as a server's access log does."""
    response = getattr(client, method)(url, **kwargs)
    logging.getLogger("django.server").info('"%s %s HTTP/1.1" %s', method.upper(), url,
                                            response.status_code)
    return response


@pytest.fixture
def superuser(client, world):
    user = world.user("admin")
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    client.force_login(user)
    return user


def test_every_admin_with_a_search_posts_it():
    found = searchable()
    assert len(found) >= 8  # the users' list among them (Django's UserAdmin search)
    for model_admin in found:
        assert isinstance(model_admin, PostedSearchMixin), type(model_admin).__name__


def test_the_search_is_posted_kept_by_key_and_found(client, world, superuser, log_output):
    url = reverse(USERS)
    page = served(client, "get", url)
    body = page.content.decode()
    assert re.search(r'<form id="changelist-search" method="post"', body)
    r = served(client, "post", url,
               data={"q": TERM, "_search": "1", "is_active__exact": "1"})
    assert r.status_code == 303
    assert_no_term_in_urls(r, TERM)
    location = r["Location"]
    assert f"{SEARCH_KEY}=" in location and "is_active__exact=1" in location
    shown = served(client, "get", location)
    assert shown.status_code == 200
    assert_no_term_in_urls(shown, TERM)
    rows = shown.context["cl"].result_list
    assert [u.username for u in rows] == ["head"]
    assert f'value="{TERM}"' in shown.content.decode()  # the box shows it, in the body
    # The next page, a sort, a filter keep the key, and so the search.
    sorted_ = served(client, "get", location + "&o=1")
    assert [u.username for u in sorted_.context["cl"].result_list] == ["head"]
    out = log_output()
    assert url in out and not any(f in out for f in forms_of(TERM))


def test_a_term_in_the_address_is_sent_away_unrun(client, world, superuser, log_output):
    r = served(client, "get", reverse(USERS) + "?q=%D0%9C%D0%B0%D1%80%D0%BA%D0%BE%D0%B2%D0%B0"
               "&is_active__exact=1")
    assert r.status_code == 303
    assert_no_term_in_urls(r, TERM)
    assert r["Location"].endswith("?is_active__exact=1")
    assert "[removed]" in log_output() and TERM not in log_output()


def test_another_sessions_key_finds_nothing(client, world, superuser, django_user_model):
    r = client.post(reverse(USERS), {"q": TERM, "_search": "1"})
    location = r["Location"]
    client.logout()
    client.force_login(superuser)  # a new session: the key means nothing there
    shown = client.get(location)
    assert shown.status_code == 200
    assert shown.context["cl"].query == ""
    assert len(shown.context["cl"].result_list) == django_user_model.objects.count()


def test_a_cleared_box_shows_everything(client, world, superuser):
    r = client.post(reverse(USERS), {"q": "  ", "_search": "1"})
    assert r.status_code == 303 and SEARCH_KEY not in r["Location"]


@pytest.mark.parametrize("model_admin", searchable(), ids=lambda a: type(a).__name__)
def test_every_searchable_list_takes_a_posted_search(client, world, superuser, model_admin):
    url = changelist_url(model_admin)
    r = client.post(url, {"q": TERM, "_search": "1"})
    assert r.status_code == 303 and SEARCH_KEY in r["Location"]
    assert_no_term_in_urls(r, TERM)
    shown = client.get(r["Location"])
    assert shown.status_code == 200, shown.get("Location")
    assert shown.context["cl"].query == TERM
    assert_no_term_in_urls(shown, TERM)
    assert client.get(url, {"q": TERM}).status_code == 303


AUTOCOMPLETE = {"app_label": "accounts", "model_name": "roleassignment", "field_name": "user"}


def test_the_autocomplete_takes_its_term_from_a_post(client, world, superuser, log_output):
    url = reverse("admin:autocomplete")
    r = served(client, "post", url, data={**AUTOCOMPLETE, "term": TERM})
    assert r.status_code == 200
    assert [row["text"] for row in r.json()["results"]] == [str(world.user("head"))]
    r = served(client, "get", url, data={**AUTOCOMPLETE, "term": TERM})
    assert r.status_code == 400 and "results" not in r.json()  # unrun
    assert client.get(url, AUTOCOMPLETE).status_code == 200  # the first page, no term
    out = log_output()
    assert not any(f in out for f in forms_of(TERM))


def test_the_autocomplete_widgets_are_told_to_post(client, world, superuser):
    page = client.get(reverse("admin:accounts_roleassignment_add")).content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    names = [s.rsplit("/", 1)[1] for s in scripts]
    assert "admin-autocomplete.js" in names
    assert names.index("select2.full.min.js") < names.index("admin-autocomplete.js")
    assert names.index("admin-autocomplete.js") < names.index("autocomplete.js")
