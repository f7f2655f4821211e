"""Breadcrumbs and the action bar (decision 0035, docs/development/ui.md).

Every page that is not a menu page shows its trail from the home page; the trail names
records as a person recognises them (never by the database id), every crumb leads to a
page the user may open, and a menu page has no trail. The action bar puts its main part
first and folds the secondary part into «Ещё действия»."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from berezhno.cases.tests.conftest import open_case

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="breadcrumbs" aria-label="([^"]*)"><ol>(.*?)</ol></nav>', re.S)
LINK = re.compile(r'<a href="([^"]*)">([^<]*)</a>')
CURRENT = re.compile(r'<span aria-current="page">([^<]*)</span>')
BUSINESS_NUMBER = re.compile(r"\d{4}-\d{6}")  # a case's 2026-000001


def crumbs(response) -> tuple[list[tuple[str, str]], str] | None:
    """The trail's links (address, label) and the current page's label, or None."""
    found = NAV.findall(response.content.decode())
    if not found:
        return None
    assert len(found) == 1, "one trail per page"
    label, inner = found[0]
    assert label == "Навигация по разделам"
    current = CURRENT.findall(inner)
    return LINK.findall(inner), (current[0] if current else "")



# (role, the page's address from the scene and the case, the labels expected after «Главная»)
PAGES = [
    ("dispatcher", lambda s, c: c.get_absolute_url(), ["Случаи"], "Случай № {n}"),
    ("dispatcher", lambda s, c: reverse("cases:decide", args=[c.pk]),
     ["Случаи", "Случай № {n}"], "Решение о нуждаемости"),
    ("dispatcher", lambda s, c: reverse("cases:intake"), ["Случаи"], "Регистрация обращения"),
    ("specialist", lambda s, c: reverse("people:person", args=[s.pk("p1")]),
     ["Граждане"], "{p1}"),
    ("specialist", lambda s, c: reverse("people:timeline", args=[s.pk("p1")]),
     ["Граждане", "{p1}"], "История"),
    ("specialist", lambda s, c: reverse("people:edit", args=[s.pk("p1")]),
     ["Граждане", "{p1}"], "Изменение сведений"),
    ("specialist", lambda s, c: reverse("people:consent_add", args=[s.pk("p1")]),
     ["Граждане", "{p1}"], None),
    ("specialist", lambda s, c: reverse("people:household", args=[s.pk("household")]),
     ["Семьи"], "{household}"),
    ("specialist", lambda s, c: reverse("people:household_edit", args=[s.pk("household")]),
     ["Семьи", "{household}"], None),
    ("specialist", lambda s, c: reverse("accounts:profile"), [], "Профиль"),
    ("specialist", lambda s, c: reverse("core:jobs"), ["Профиль"], "Мои выгрузки"),
]


@pytest.mark.parametrize(("role", "url", "parents", "current"), PAGES,
                         ids=[f"{p[0]}-{i}" for i, p in enumerate(PAGES)])
def test_pages_show_their_trail_without_internal_ids(client, world, scene, role, url,
                                                     parents, current):
    case = open_case(world)
    user = world.user(role)
    client.force_login(user)
    address = url(scene, case)
    r = client.get(address)
    assert r.status_code == 200, (address, r.status_code)
    trail = crumbs(r)
    assert trail is not None, f"{address}: no breadcrumbs"
    links, here = trail
    names = {"n": case.number, "p1": scene.objects["p1"].full_name,
             "household": str(scene.objects["household"])}
    assert links[0] == (reverse("core:home"), "Главная")
    assert [label for _, label in links[1:]] == [p.format(**names) for p in parents]
    if current is not None:
        assert here == current.format(**names)
    else:
        assert here  # the form's title
    # No record is named by its database number; business numbers are fine.
    pks = {str(scene.pk(k)) for k in ("p1", "child", "household", "member", "share")}
    pks.add(str(case.pk))
    for label in [label for _, label in links] + [here]:
        rest = BUSINESS_NUMBER.sub("", label)
        assert not re.search(r"\d", rest), f"{address}: a number in the crumb «{label}»"
    # Every crumb leads to a page this user may open.
    for href, label in links:
        assert client.get(href).status_code == 200, (address, label, href)
    assert not [pk for pk in pks if f"№ {pk}<" in r.content.decode()]


@pytest.mark.parametrize("name", ["people:list", "people:household_list", "cases:list",
                                  "core:home"])
def test_menu_pages_have_no_trail(client, world, name):
    client.force_login(world.user("specialist"))
    r = client.get(reverse(name))
    assert r.status_code == 200
    assert crumbs(r) is None


def test_a_menu_level_the_user_cannot_open_is_left_out(client, world, scene):
    """The agent sees p1's card (minimally) but has no list of citizens in the menu: the
    trail goes straight from the home page to the card, never to a 404."""
    agent = world.user("agent")
    client.force_login(agent)
    r = client.get(reverse("people:person", args=[scene.pk("p1")]))
    assert r.status_code == 200
    links, here = crumbs(r)
    people_list = reverse("people:list")
    menu = [item["url"] for item in r.context["menu"]]
    assert (people_list in [href for href, _ in links]) == (people_list in menu)
    for href, _label in links:
        assert client.get(href).status_code == 200, href
    assert here == scene.objects["p1"].full_name


def render(source: str, **context) -> str:
    return Template("{% load layout %}" + source).render(Context(context))


def test_the_trail_marks_the_parent_shown_on_a_phone():
    html = render('{% breadcrumbs "Раздел" "/a/" "Запись" "/a/1/" "Форма" %}', menu=[])
    items = re.findall(r"<li([^>]*)>", html)
    assert items == ["", "", ' class="parent"', ' class="current"']
    assert '<li class="parent"><a href="/a/1/">Запись</a></li>' in html
    assert '<span aria-current="page">Форма</span>' in html


def test_the_trail_escapes_labels():
    html = render("{% breadcrumbs label %}", label="<b>Иванов</b>", menu=[])
    assert "&lt;b&gt;Иванов&lt;/b&gt;" in html and "<b>" not in html


def test_action_bar_main_first_and_the_rest_folded():
    html = render('{% action_bar id="bar" %}<a class="button" href="/main/">Главное</a>'
                  '{% more_actions %}<a class="button secondary" href="/x/">Другое</a>'
                  '{% end_action_bar %}')
    assert 'id="bar"' in html
    main, more = html.index("/main/"), html.index("/x/")
    assert main < html.index("<details") < more
    assert "<summary>Ещё действия</summary>" in html
    assert "&lt;a" not in html  # the parts are markup, not escaped text


def test_action_bar_without_secondary_actions_has_no_fold_and_empty_renders_nothing():
    html = render('{% action_bar %}<a class="button" href="/m/">Главное</a>{% end_action_bar %}')
    assert "/m/" in html and "<details" not in html
    assert render("{% action_bar %} {% if no %}x{% endif %} {% more_actions %}"
                  "  {% end_action_bar %}").strip() == ""


# Pages outside the trail: the home page (the trail's root) and the pages before the
# sign-in is complete (no menu yet).
NO_TRAIL = {"core:home", "accounts:login", "accounts:otp_verify", "accounts:locked_out"}
# Another address of a menu page: the indicators with their charts, for a browser without
# scripts (htmx loads the charts into the same page).
MENU_VARIANTS = {"indicators:charts"}


def test_every_page_but_the_menu_pages_has_a_trail(scene):
    """The permission matrix's HTML pages, as the first signed-in actor allowed to open
    each: a menu page has no trail, every other page has one (a new page fails here until
    it gives its ``breadcrumbs`` block)."""
    from django.test import Client

    from berezhno.core import registry
    from berezhno.testing.browser import matrix_pages, page_url
    from berezhno.testing.matrix import discover_scene_extensions

    for extend in discover_scene_extensions():
        scene = extend(scene)
    menu = {entry.url_name for entry in registry.menu_entries()} | MENU_VARIANTS
    missing, extra, seen = [], [], 0
    for case, actors in matrix_pages():
        signed_in = [a for a in actors if a != "anonymous"]
        if not signed_in or case.name in NO_TRAIL:
            continue
        client = Client()
        client.force_login(scene.users[signed_in[0]])
        response = client.get(page_url(case, scene))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        if b'<main id="content"' not in response.content:
            continue  # a fragment of a page (the charts htmx loads into the report)
        seen += 1
        has = crumbs(response) is not None
        if case.name in menu and has:
            extra.append(case.id)
        elif case.name not in menu and not has:
            missing.append(case.id)
    assert seen > 40, f"only {seen} pages"
    assert missing == [], f"pages without breadcrumbs: {missing}"
    assert extra == [], f"menu pages with breadcrumbs: {extra}"
