"""Every page at 360 px for every role that may open it: nothing scrolls sideways, and
every control or link outside running text is a tap target of at least 44 × 44 px.

The pages and who may open them come from the permission matrix (``discover_cases``:
every route has a row, or the route-coverage test fails), so a new page is measured as
soon as it exists. Each page is opened in Chromium at 360 × 800 as each actor whose row
expects 200 and answers HTML; the page's ``scrollWidth`` must not pass 360.

``STILL_WIDE`` may list pages known to overflow (a ratchet: a page on it that fits fails
the test too, so the list only shrinks). It is empty: every page fits. The failure
message names the innermost elements that reach past the screen.

Tap targets (WCAG 2.5.5): links, buttons, fields, selects and summaries that are visible
must measure 44 × 44 px or more; a link inside a sentence (its parent holds text of its
own) is exempt, as WCAG exempts inline targets; a checkbox or radio is measured by its
label. app.css sets the sizes at phone width.

Layout does not depend on the database: the test runs on SQLite only (it is the longest
browser test) and is skipped on PostgreSQL.
"""

import pytest
from django.db import connection

from berezhno.testing.browser import actor_page, html_pages, matrix_pages
from berezhno.testing.matrix import build_scene, discover_scene_extensions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360

# (case id, actor) → the width measured when this list was last updated.
STILL_WIDE: dict[tuple[str, str], int] = {}


# The innermost elements that reach past the viewport: what to fix on a wide page.
CULPRITS = """(width) => {
  const out = [];
  const clipped = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll("body *")) {
    if (clipped(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 && ![...el.children].some(
        c => c.getBoundingClientRect().right > width + 1)) {
      out.push(el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
               + (el.textContent ? " «" + el.textContent.trim().slice(0, 30) + "»" : "")
               + " " + Math.round(r.right));
    }
  }
  return out.slice(0, 6);
}"""


# The controls smaller than a finger: what the page shows at phone width.
SMALL_TARGETS = """(least) => {
  const out = [];
  const inText = (el) => [...(el.parentElement ? el.parentElement.childNodes : [])].some(
      n => n.nodeType === 3 && n.textContent.trim().length > 1);
  const controls = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const el of document.querySelectorAll(controls)) {
    let target = el;
    if ((el.type === "checkbox" || el.type === "radio") && el.closest("label")) {
      target = el.closest("label");
    }
    const r = target.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === "hidden") continue;
    if (el.tagName === "A" && inText(el)) continue;
    if (r.height < least || r.width < least) {
      out.push(target.tagName.toLowerCase() + (target.className ? "." + target.className : "")
               + " «" + (target.textContent || target.name || "").trim().slice(0, 30) + "» "
               + Math.round(r.width) + "×" + Math.round(r.height));
    }
  }
  return out.slice(0, 6);
}"""
TAP = 44


def test_every_page_fits_a_phone_for_every_role(browser, live_server, world):
    if connection.vendor != "sqlite":
        pytest.skip("layout does not depend on the database: measured on SQLite")
    scene = build_scene(world)
    for extend in discover_scene_extensions():
        scene = extend(scene)
    by_actor: dict[str, list] = {}
    for case, actors in matrix_pages():
        for actor in actors:
            by_actor.setdefault(actor, []).append(case)
    wide: dict[tuple[str, str], int] = {}
    small: dict[str, list[str]] = {}
    culprits: dict[str, list[str]] = {}
    errors: list[str] = []
    measured = 0
    for actor, cases in sorted(by_actor.items()):
        user = None if actor == "anonymous" else scene.users[actor]
        with actor_page(browser, live_server.url, user,
                        {"width": WIDTH, "height": 800}) as page:
            for case, url in html_pages(page, cases, scene):
                response = page.goto(url)
                if response is None or response.status != 200:
                    errors.append(f"{case.id} as {actor}: HTTP "
                                  f"{response.status if response else '—'}")
                    continue
                measured += 1
                scrolled = page.evaluate("document.documentElement.scrollWidth")
                if scrolled > WIDTH:
                    wide[(case.id, actor)] = scrolled
                    culprits.setdefault(case.id, page.evaluate(CULPRITS, WIDTH))
                if case.id not in small:
                    tiny = page.evaluate(SMALL_TARGETS, TAP)
                    if tiny:
                        small[case.id] = [f"{actor}: {t}" for t in tiny]
    assert not errors, errors
    assert measured > 100, f"only {measured} pages measured"
    new = {key: px for key, px in wide.items() if key not in STILL_WIDE}
    fixed = sorted(key for key in STILL_WIDE if key not in wide)
    assert not new, (f"pages that scroll sideways at {WIDTH} px: {sorted(new.items())}; "
                     f"the widest elements: "
                     f"{ {case: culprits.get(case) for case, _actor in new} }")
    assert not fixed, f"these pages fit now, take them off STILL_WIDE: {fixed}"
    assert not small, f"tap targets under {TAP} px at {WIDTH} px: {small}"
