"""axe-core on every page of the site, as a role that may open it: no serious or critical
violation of axe's default rules (WCAG 2.x A/AA and best practices).

axe is vendored for the tests (``tests/browser/vendor/axe-core``, from the npm registry;
never served to users). The pages come from the permission matrix like the phone-width
test, so a new page is checked as soon as it has its row. Each page is checked once, at
phone width (the product's first screen) and at desktop width (1366 px), as the first
actor allowed to open it (signed-in actors before the anonymous one).

Runs on SQLite only: the markup does not depend on the database.
"""

from pathlib import Path

import pytest
from django.db import connection

from berezhno.testing.browser import actor_page, html_pages, matrix_pages
from berezhno.testing.matrix import build_scene, discover_scene_extensions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")
SIZES = ({"width": 360, "height": 800}, {"width": 1366, "height": 768})

RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + n.failureSummary
                                          .split("\\n").slice(1, 2).join(""))}));
}"""


def _actor(actors: list[str]) -> str:
    signed_in = [a for a in actors if a != "anonymous"]
    return (signed_in or actors)[0]


def test_no_serious_accessibility_violations_on_any_page(browser, live_server, world):
    if connection.vendor != "sqlite":
        pytest.skip("the markup does not depend on the database: checked on SQLite")
    scene = build_scene(world)
    for extend in discover_scene_extensions():
        scene = extend(scene)
    by_actor: dict[str, list] = {}
    for case, actors in matrix_pages():
        by_actor.setdefault(_actor(actors), []).append(case)
    script = AXE.read_text(encoding="utf-8")
    found: dict[str, list] = {}
    checked = 0
    for actor, cases in sorted(by_actor.items()):
        user = None if actor == "anonymous" else scene.users[actor]
        for size in SIZES:
            with actor_page(browser, live_server.url, user, size, bypass_csp=True) as page:
                for case, url in html_pages(page, cases, scene):
                    response = page.goto(url)
                    assert response is not None and response.status == 200, (case.id, actor)
                    page.add_script_tag(content=script)
                    checked += 1
                    bad = [v for v in page.evaluate(RUN) if v["impact"] in FAILING]
                    if bad:
                        found[f"{case.id} as {actor} at {size['width']} px"] = bad
    assert checked > 60, f"only {checked} pages checked"
    assert not found, "axe: serious or critical violations: " + "; ".join(
        f"{where}: " + ", ".join(f"{v['id']} ({v['impact']}: {v['help']}) {v['nodes']}"
                                 for v in bad) for where, bad in sorted(found.items()))
