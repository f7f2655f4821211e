"""The list pages' shared parts (decision 0036, docs/development/ui.md «Filters», «Empty
states», «Pager»): the filter panel counts its active filters and offers «Сбросить», an
empty list says what to do next (or, filtered, how to widen the search), the pager keeps
the filters, and no page of the permission matrix shows an empty table."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from berezhno.cases.tests.conftest import open_case
from berezhno.core.models import AccessKind, AccessLog
from berezhno.core.templatetags.lists import active_filters, filter_panel
from berezhno.core.views_utils import Page
from berezhno.testing.matrix import ANON, discover_cases, discover_scene_extensions

pytestmark = pytest.mark.django_db

NOT_FOUND = "Ничего не найдено. Измените условия или сбросьте фильтры."


def body(response) -> str:
    return response.content.decode()


def summary(response) -> str:
    """The filter panel's summary as the reader sees it («Фильтры: 2»)."""
    found = re.search(r'<details class="filters"[^>]*>\s*<summary>(.*?)</summary>', body(response),
                      re.S)
    assert found, "no filter panel"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def panel_tag(response) -> str:
    found = re.search(r'<details class="filters"[^>]*>', body(response))
    assert found, "no filter panel"
    return found.group(0)


class Sample(forms.Form):
    q = forms.CharField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", "все"), ("a", "A"), ("b", "B")])
    overdue = forms.BooleanField(required=False)
    kinds = forms.MultipleChoiceField(required=False, choices=[("x", "X"), ("y", "Y")])
    scope = forms.CharField(required=False, widget=forms.HiddenInput)


def test_active_filters_count_what_is_set():
    assert active_filters(Sample()) == 0  # unbound: the unfiltered list
    assert active_filters(Sample({})) == 0
    assert active_filters(Sample({"q": "  ", "status": "", "overdue": ""})) == 0
    assert active_filters(Sample({"q": "Иванова", "status": "a"})) == 2
    assert active_filters(Sample({"q": "Иванова", "status": "a"}), "q") == 1
    assert active_filters(Sample({"overdue": "on", "kinds": ["x"], "scope": "me"})) == 3
    assert active_filters(None) == 0


def test_a_default_the_page_assumes_is_not_an_active_filter():
    form = Sample({"status": "a", "q": "x"})
    form.filter_defaults = {"status": "a"}
    assert active_filters(form) == 1
    form = Sample({"status": "b"})
    form.filter_defaults = {"status": "a"}
    assert active_filters(form) == 1


def test_the_panel_puts_the_search_above_and_counts_the_rest():
    context = filter_panel({}, Sample({"q": "Иванова", "status": "a", "scope": "me"}),
                           search="q", reset="/list/")
    assert [f["bound"].name for f in context["top_fields"]] == ["q"]
    assert [f["bound"].name for f in context["fields"]] == ["status", "overdue", "kinds"]
    assert context["count"] == 2 and context["base"] == 1  # the hidden filter is outside
    assert context["any_active"] and not context["errors"]
    bad = filter_panel({}, Sample({"status": "zzz"}))
    assert bad["errors"]


def test_person_list_without_filters_has_a_folding_panel_and_rows(client, world):
    client.force_login(world.user("specialist"))
    r = client.get(reverse("people:list"))
    assert r.status_code == 200
    assert summary(r) == "Фильтры"
    tag = panel_tag(r)
    assert " open" in tag and "data-fold" in tag and 'data-active="0"' in tag
    assert "data-errors" not in tag
    assert re.search(r'<a class="button secondary filter-reset" href="[^"]+" hidden>Сбросить</a>',
                     body(r))  # nothing to reset yet (app.js shows it as filters are chosen)
    assert world.p1.full_name in body(r)
    # The search box stays outside the folded part, the pickers and htmx untouched.
    assert re.search(r'class="filter-search">.*?name="q"', body(r), re.S)
    assert 'hx-post="/people/"' in body(r) or f'hx-post="{reverse("people:list")}"' in body(r)


def test_person_search_with_filters_counts_them_and_offers_the_reset(client, world):
    client.force_login(world.user("specialist"))
    url = reverse("people:list")
    r = client.post(url, {"q": "Несуществующая", "status": "moved_out", "territory": world.d1.pk})
    assert r.status_code == 200
    assert summary(r) == "Фильтры: 2"  # the search box is counted by no one: it is visible
    assert f'<a class="button secondary filter-reset" href="{url}">Сбросить</a>' in body(r)
    assert NOT_FOUND in body(r)
    assert "<table" not in body(r).split('id="results"')[1]
    # The htmx answer (the results only) says the same.
    r = client.post(url, {"q": "Несуществующая"}, headers={"HX-Request": "true",
                                                            "HX-Target": "results"})
    assert NOT_FOUND in body(r) and f'href="{url}"' in body(r)


def test_filter_with_an_error_keeps_the_panel_open(client, world):
    client.force_login(world.user("specialist"))
    r = client.get(reverse("sop:list"), {"territory": "999999999"})
    tag = panel_tag(r)
    assert "data-errors" in tag and " open" in tag


def test_empty_case_list_says_how_a_case_appears_and_links_the_intake(client, world):
    client.force_login(world.user("dispatcher"))
    r = client.get(reverse("cases:list"))
    assert r.status_code == 200
    text = body(r)
    assert "Случаев пока нет. Случай появляется, когда регистрируют обращение" in text
    assert f'<a class="button" href="{reverse("cases:intake")}">Зарегистрировать обращение' \
        in text.split('id="results"')[1]
    assert NOT_FOUND not in text
    # The psychologist may not open an intake: the sentence stays, the link does not.
    client.force_login(world.user("specialist_psy"))
    r = client.get(reverse("cases:list"))
    assert "Случаев пока нет" in body(r)
    assert reverse("cases:intake") not in body(r).split('id="results"')[1]


def test_filtered_case_list_offers_the_reset_not_the_intake(client, world):
    open_case(world)
    client.force_login(world.user("dispatcher"))
    r = client.post(reverse("cases:list"), {"status": "closed"})
    assert summary(r) == "Фильтры: 1"
    assert NOT_FOUND in body(r) and "Случаев пока нет" not in body(r)
    r = client.post(reverse("cases:list"), {})
    assert summary(r) == "Фильтры" and "<table" in body(r)


@pytest.mark.parametrize(("role", "name", "words"), [
    ("specialist", "people:household_list", "Семья создаётся из карточки гражданина"),
    ("specialist_psy", "cases:worklist", "Открытых мероприятий нет. Мероприятия появляются"),
    ("dispatcher", "cases:board", "Случаев в работе нет."),
    ("partner", "referrals:inbox", "Направлений нет. Направление к партнёру создаётся"),
    ("specialist", "sop:list", "Семей в реестре нет."),
    ("head", "rights:list", "Обращений нет. Обращение гражданина о его данных"),
    ("head", "rights:incidents", "Инцидентов нет."),
    ("specialist", "core:jobs", "Выгрузок нет."),
    ("admin", "accounts:tokens", "Действующих ключей нет."),
    ("specialist", "people:share_requests", "Входящих запросов нет. Запрос приходит сюда"),
])
def test_every_empty_list_says_what_to_do_next(client, world, role, name, words):
    client.force_login(world.user(role))
    r = client.get(reverse(name))
    assert r.status_code == 200, (name, r.status_code)
    assert words in body(r)
    assert 'class="empty card"' in body(r)
    assert NOT_FOUND not in body(r)


@pytest.mark.parametrize(("role", "name", "query", "count"), [
    ("partner", "referrals:inbox", {"status": "sent"}, 1),
    ("specialist", "sop:list", {"overdue": "on"}, 1),
    ("head", "rights:list", {"status": "open", "overdue": "on"}, 2),
    ("specialist", "notifications:outbox", {"channel": "sms"}, 1),
    ("specialist", "people:share_requests", {"status": "pending"}, 1),
    ("specialist_psy", "cases:worklist", {"service_type": "psychological"}, 1),
])
def test_filtered_empty_lists_say_nothing_found_with_the_reset(client, world, role, name,
                                                               query, count):
    client.force_login(world.user(role))
    r = client.get(reverse(name), query)
    assert r.status_code == 200, (name, r.status_code, body(r)[:500])
    assert summary(r) == f"Фильтры: {count}"
    assert NOT_FOUND in body(r)
    assert f'class="button secondary filter-reset" href="{reverse(name)}"' in body(r)


def test_indicators_count_only_what_differs_from_the_default_report(client, world):
    client.force_login(world.user("analyst"))
    r = client.get(reverse("indicators:report"))
    assert r.status_code == 200
    assert summary(r) == "Фильтры" and 'data-active="0"' in panel_tag(r)
    r = client.get(reverse("indicators:report"), {"practice": "sop"})
    assert summary(r) == "Фильтры: 1"


def test_the_audit_pager_keeps_the_filters_and_names_one_page(client, world):
    head = world.user("head")
    AccessLog.objects.bulk_create(
        AccessLog(user=head, kind=AccessKind.EXPORT, person_id=world.p1.pk,
                  object_repr=f"выгрузка {n}")
        for n in range(55))
    client.force_login(head)
    url = reverse("core:audit")
    r = client.get(url, {"kind": "export"})
    assert summary(r) == "Фильтры: 1"
    assert 'href="?kind=export&amp;page=2"' in body(r)
    r = client.get(url, {"kind": "export", "page": "2"})
    assert 'href="?kind=export&amp;page=1"' in body(r)
    assert "page=2&amp;page=" not in body(r)  # one page number per link
    assert re.search(r'<div class="pager">', body(r))


def test_the_pager_keeps_the_filters_in_its_links():
    page = Page(items=[1], number=2, has_next=True, size=1)
    html = render_to_string("_pager.html", {"page": page, "query": "status=open&kind=access"})
    assert 'href="?status=open&amp;kind=access&amp;page=1"' in html
    assert 'href="?status=open&amp;kind=access&amp;page=3"' in html
    html = render_to_string("_pager.html", {"page": page, "query": ""})
    assert 'href="?page=1"' in html and 'href="?page=3"' in html


# --------------------------------------------------------------- no empty table anywhere

EMPTY_BODY = re.compile(r"<tbody[^>]*>\s*</tbody>", re.S)
NO_BODY = re.compile(r"<table\b[^>]*>\s*(?:<thead>.*?</thead>\s*)?</table>", re.S)
# A table whose only row is a message across the columns («Записей нет»).
PLACEHOLDER = re.compile(
    r"<tbody[^>]*>\s*<tr[^>]*>\s*<td[^>]*colspan[^>]*>[^<]*</td>\s*</tr>\s*</tbody>", re.S)


def _html_pages():
    for case in discover_cases():
        if case.method != "get" or case.body == "json" or case.path is not None:
            continue
        if case.name.startswith(("api", "admin:")):
            continue
        actors = sorted(a for a, expected in case.expect.items() if expected == 200)
        if actors:
            yield case, actors[0]


def test_no_page_of_the_matrix_shows_an_empty_table(world, scene):
    """Every page, as the first role allowed to open it, on the matrix's scene (where most
    lists hold one record or none): a table always has a row; a list with none shows its
    empty state instead."""
    for extend in discover_scene_extensions():
        scene = extend(scene)
    wrong, checked = [], 0
    for case, actor in _html_pages():
        client = Client()
        if actor != ANON:
            client.force_login(scene.users[actor])
        url = case.url(scene)
        r = client.get(url, case.query or {})
        if "text/html" not in r.get("Content-Type", "") or r.status_code != 200:
            continue
        html = body(r)
        checked += 1
        if EMPTY_BODY.search(html) or NO_BODY.search(html) or PLACEHOLDER.search(html):
            wrong.append(f"{url} as {actor}")
    assert checked > 50 and wrong == []
