"""Breadcrumbs and the action bar on a 360 × 640 phone (decision 0035): the case card and
the person card, opened as the roles that work on them, put their main action inside the
first screen; the secondary actions fold behind «Ещё действия» (also without
JavaScript) and show without the fold on a wide screen; the trail shows only its parent
link on a phone, a 44 px tap target, and never makes the page scroll sideways."""

import pytest
from playwright.sync_api import expect

from berezhno.cases import services as cases
from berezhno.cases.models import Decision
from berezhno.cases.tests.conftest import make_family, open_case
from berezhno.core.context import acting_as
from berezhno.testing.browser import actor_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1366, "height": 768}

# The trail's geometry: the nav's box, its own scroll width, and its visible links.
TRAIL = """() => {
  const nav = document.querySelector("nav.breadcrumbs");
  if (!nav) return null;
  const r = nav.getBoundingClientRect();
  const links = [...nav.querySelectorAll("a")].filter(a => a.getClientRects().length)
    .map(a => { const b = a.getBoundingClientRect();
                return {text: a.textContent.trim(), right: b.right, height: b.height}; });
  return {right: r.right, scroll: nav.scrollWidth, client: nav.clientWidth, links};
}"""


def first_screen(locator, height=PHONE["height"]) -> dict:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, (
        f"not on the first screen: {box}")
    return box


def check_trail_on_phone(page, parent: str) -> None:
    trail = page.evaluate(TRAIL)
    assert trail is not None, "no breadcrumbs"
    assert trail["right"] <= PHONE["width"] and trail["scroll"] <= trail["client"], trail
    # Only the parent («‹ Случаи»), tall enough to tap.
    assert [link["text"] for link in trail["links"]] == [parent], trail
    assert all(link["height"] >= 44 and link["right"] <= PHONE["width"]
               for link in trail["links"]), trail
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.fixture
def recognised_case(world):
    case = open_case(world, family=make_family(world))
    with acting_as("test"):
        cases.case_decide(user=world.user("dispatcher"), case=case,
                          decision=Decision.NEED_RECOGNISED)
    return case


@pytest.mark.parametrize(("role", "status", "main"), [
    ("dispatcher", "new", "Решение о нуждаемости"),
    ("specialist", "new", "Решение о нуждаемости"),
    ("dispatcher", "recognised", "Составить программу"),
])
def test_case_card_main_action_on_the_first_screen(browser, live_server, world, role,
                                                   status, main, request):
    case = (request.getfixturevalue("recognised_case") if status == "recognised"
            else open_case(world, family=make_family(world)))
    with actor_page(browser, live_server.url, world.user(role), PHONE) as page:
        page.goto(case.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
        bar = page.locator("#case-actions")
        action = bar.get_by_role("link", name=main)
        expect(action).to_be_visible()
        box = first_screen(action)
        assert box["y"] < PHONE["height"]
        # The key facts start on the first screen too: the applicant's section.
        assert page.locator("#applicant").bounding_box()["y"] < PHONE["height"]
        # The secondary actions are folded; the fold opens.
        pdf = page.locator("#case-pdf")
        expect(pdf).to_be_hidden()
        more = bar.locator("summary", has_text="Ещё действия")
        first_screen(more)
        more.click()
        expect(pdf).to_be_visible()
        check_trail_on_phone(page, "Случаи")


def test_case_card_fold_works_without_javascript(browser, live_server, world):
    case = open_case(world)
    with actor_page(browser, live_server.url, world.user("dispatcher"), PHONE,
                    java_script_enabled=False) as page:
        page.goto(case.get_absolute_url())
        expect(page.locator("#case-pdf")).to_be_hidden()
        page.locator("#case-actions summary").click()
        expect(page.locator("#case-pdf")).to_be_visible()


def test_case_card_on_a_wide_screen_shows_every_action_and_the_whole_trail(
        browser, live_server, world):
    case = open_case(world)
    with actor_page(browser, live_server.url, world.user("dispatcher"), DESKTOP) as page:
        page.goto(case.get_absolute_url())
        expect(page.locator("#case-pdf")).to_be_visible()  # no fold on a wide screen
        expect(page.locator("#case-actions summary")).to_be_hidden()
        main = page.locator("#case-actions").get_by_role("link", name="Решение о нуждаемости")
        first, pdf = main.bounding_box(), page.locator("#case-pdf").bounding_box()
        assert (first["y"], first["x"]) < (pdf["y"], pdf["x"]), (first, pdf)  # main first
        trail = page.locator("nav.breadcrumbs")
        expect(trail.get_by_role("link", name="Главная")).to_be_visible()
        expect(trail.get_by_role("link", name="Случаи")).to_be_visible()
        expect(trail.locator("[aria-current=page]")).to_have_text(f"Случай № {case.number}")


@pytest.mark.parametrize("role", ["specialist", "specialist_psy"])
def test_person_card_main_action_on_the_first_screen(browser, live_server, world, role):
    make_family(world)  # the card's household section filled, as in the field
    with actor_page(browser, live_server.url, world.user(role), PHONE) as page:
        page.goto(world.p1.get_absolute_url())
        expect(page.get_by_role("heading", level=1)).to_have_text(world.p1.full_name)
        first_screen(page.get_by_role("heading", name="Записать контакт"))
        # The contact form's first field is reachable on the first screen too.
        field = page.locator("#contact-form").locator(
            "input:not([type=hidden]), select, textarea").first
        assert field.bounding_box()["y"] < PHONE["height"]
        check_trail_on_phone(page, "Граждане")
