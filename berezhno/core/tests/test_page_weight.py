"""The transfer size of every page of the site, first visit: the page's HTML and every
stylesheet, script and image it references, each gzip-compressed as the server sends it
(GZipMiddleware for pages; whitenoise's compressed copies for static files). A staff page
stays at or under 150 KB (QUALITY.md / issue 11). The pages come from the permission
matrix, opened as the first actor allowed to (signed-in before anonymous), so a new page
is weighed as soon as it has its row; a map or a library loaded only where it is used
counts only there.

``pytest -s`` prints the heaviest pages (recorded in docs/performance.md).
"""

import gzip
import re
import urllib.parse

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from berezhno.testing.browser import matrix_pages, page_url
from berezhno.testing.matrix import discover_scene_extensions

LIMIT = 150 * 1024
ASSET = re.compile(r'<(?:script|link|img)\b[^>]*?\b(?:src|href)="(?P<url>[^"]+)"')


def _gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def _asset_size(url: str, cache: dict[str, int]) -> int:
    path = urllib.parse.urlsplit(url).path
    if not path.startswith(settings.STATIC_URL):
        return 0  # a page of the site (a link rel=…), not a static file
    if path not in cache:
        found = finders.find(path[len(settings.STATIC_URL):])
        assert found, f"{path}: referenced but not found among the static files"
        with open(found, "rb") as handle:
            cache[path] = _gzip_size(handle.read())
    return cache[path]


@pytest.mark.django_db
def test_every_page_weighs_at_most_150_kb(scene):
    for extend in discover_scene_extensions():
        scene = extend(scene)
    cache: dict[str, int] = {}
    weights: dict[str, tuple[int, int]] = {}
    for case, actors in matrix_pages():
        actor = ([a for a in actors if a != "anonymous"] or actors)[0]
        client = Client()
        if actor != "anonymous":
            client.force_login(scene.users[actor])
        response = client.get(page_url(case, scene))
        if "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content
        assets = {m.group("url") for m in ASSET.finditer(body.decode("utf-8", "replace"))}
        html = _gzip_size(body)
        weights[f"{case.id} as {actor}"] = (html + sum(_asset_size(u, cache) for u in assets),
                                            html)
    assert len(weights) > 60, f"only {len(weights)} pages weighed"
    heaviest = sorted(weights.items(), key=lambda item: -item[1][0])
    print("\nThe heaviest pages (gzip, first visit: total / HTML):")
    for where, (total, html) in heaviest[:8]:
        print(f"  {total / 1024:6.1f} KB / {html / 1024:5.1f} KB  {where}")
    over = [(where, round(total / 1024, 1)) for where, (total, _html) in heaviest
            if total > LIMIT]
    assert not over, f"pages over {LIMIT // 1024} KB gzip: {over}"
