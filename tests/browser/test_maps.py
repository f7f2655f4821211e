"""The map component in Chromium (decisions 0032, 0038): markers are drawn when the tile
server cannot be reached, the unidentified-person form gets its coordinates from a click,
the keyboard or the browser's location, the person form from a click on a phone, the
directory draws its districts' approximate outlines without tiles, the pages with a map
fit a 360 px phone, and the person card with its map stays under the page-weight budget.

The tiles point at a closed port of 127.0.0.1: every tile request fails, as on a village
connection that reaches the server but not the tile host.
"""

import gzip
import socket
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from berezhno.people import services
from berezhno.people.models import Consent, Person
from berezhno.territories.tests.test_directory_matrix import spread_district_one
from berezhno.testing.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET_GZIP_BYTES = 150 * 1024


@pytest.fixture
def closed_tiles(settings) -> str:
    """A tile URL on a port nothing listens on, allowed by the CSP (so the browser tries)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    origin = f"http://127.0.0.1:{port}"
    settings.BEREZHNO_MAP_TILES_URL = origin + "/{z}/{x}/{y}.png"
    settings.SECURE_CSP = {**settings.SECURE_CSP,
                           "img-src": [*settings.SECURE_CSP["img-src"], origin]}
    return origin


@pytest.fixture
def placed(world):
    """A household around p1 (p1 and its town have coordinates in the test world)."""
    household = services.household_create(user=world.user("specialist"),
                                           head=Person.objects.get(pk=world.p1.pk))
    return household


def _tile_requests(page, origin: str) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: r.url.startswith(origin) and seen.append(r.url))
    return seen


def test_markers_are_drawn_with_the_tiles_unreachable(page, problems, world, placed,
                                                      closed_tiles):
    tiles = _tile_requests(page, closed_tiles)
    sign_in(page, world.user("specialist").username)
    page.goto(f"/people/{world.p1.pk}/")
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#map")).to_be_visible()
    page.wait_for_function(  # the marker's picture loaded (named by the page, not guessed)
        "document.querySelector('#map img.leaflet-marker-icon').naturalWidth > 0")
    # The text alternative is there too.
    expect(page.locator(".map-points")).to_contain_text("55.587700, 71.594592")
    page.wait_for_function("document.querySelectorAll('#map img.leaflet-tile').length > 0")
    assert tiles, "the tile layer asked for no tiles"

    page.goto(f"/people/households/{placed.pk}/")
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)

    page.context.clear_cookies()
    page.goto("/find-specialist/")  # public
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)
    page.locator("#map .leaflet-marker-icon").click()
    expect(page.locator(".leaflet-popup-content a")).to_have_attribute(
        "href", f"?settlement={world.town.pk}")
    # Failed tiles are the point of the test; nothing else may fail (no CSP refusal either).
    assert problems.unexpected(closed_tiles) == []


def test_the_unidentified_form_gets_coordinates_from_the_map(page, problems, world,
                                                            closed_tiles):
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 55.5612, "longitude": 71.3421})
    sign_in(page, world.user("specialist").username)
    page.get_by_role("navigation").get_by_role("link", name="Неустановленное лицо").click()
    expect(page.get_by_role("heading", name="Запись о неустановленном лице")).to_be_visible()
    latitude, longitude = page.get_by_label("Широта"), page.get_by_label("Долгота")
    expect(latitude).to_have_value("")

    page.locator("#map").click(position={"x": 120, "y": 90})
    expect(page.locator("#map-status")).to_have_text("Координаты заполнены: точка на карте.")
    lat, lon = float(latitude.input_value()), float(longitude.input_value())
    assert -90 <= lat <= 90 and -180 <= lon <= 180
    assert len(latitude.input_value().split(".")[1]) == 6
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)

    # The keyboard: the map is focusable, Enter puts the point at its centre.
    page.locator("#map").focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(latitude).not_to_have_value(f"{lat:.6f}")

    page.get_by_role("button", name="Моё местоположение").click()
    expect(page.locator("#map-status")).to_have_text(
        "Координаты заполнены по местоположению устройства.")
    expect(latitude).to_have_value("55.561200")
    expect(longitude).to_have_value("71.342100")

    # Typed by hand: the marker follows.
    latitude.fill("55,6")
    latitude.dispatch_event("change")
    page.get_by_label("Прозвище, как представился").fill("Седой")
    page.get_by_label("Участок или территория учёта").select_option(value=str(world.d1.pk))
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Запись о неустановленном лице создана.")).to_be_visible()
    person = Person.objects.get(nickname="Седой")
    assert (person.latitude, person.longitude) == (Decimal("55.600000"), Decimal("71.342100"))
    assert problems.unexpected(closed_tiles) == []


@pytest.fixture
def spread(world):
    """District 1 serves three placed settlements: its outline is a triangle."""
    return spread_district_one(world)


def test_the_directory_draws_outlines_and_markers_without_tiles(page, problems, world,
                                                                spread, settings):
    settings.BEREZHNO_MAP_TILES_URL = ""
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/find-specialist/")  # public
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(3)
    outline = page.locator("#map .leaflet-overlay-pane svg path.map-outline")
    expect(outline).to_have_count(1)
    expect(outline).to_have_attribute("stroke-dasharray", "6 6")
    # A closed shape of three corners round the settlements, with some size on screen.
    assert outline.get_attribute("d").count("L") == 2 and outline.get_attribute(
        "d").endswith("z")
    box = outline.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 20, box
    expect(page.locator("#map img.leaflet-tile")).to_have_count(0)
    expect(page.locator("#map .map-legend")).to_have_text(
        "Граница приблизительная: по населённым пунктам")
    # Its popup names the district and says the line is approximate (clicked in the
    # triangle's middle, away from the markers at its corners).
    centre = page.evaluate("""() => {
        const map = document.getElementById('map').berezhnoMap;
        const ring = Object.values(map._layers).find(l => l.getLatLngs && l.options
            && l.options.className === 'map-outline').getLatLngs()[0];
        const lat = ring.reduce((s, p) => s + p.lat, 0) / ring.length;
        const lng = ring.reduce((s, p) => s + p.lng, 0) / ring.length;
        return map.latLngToContainerPoint([lat, lng]);
    }""")
    page.locator("#map").click(position={"x": centre["x"], "y": centre["y"]})
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Участок 1")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Граница приблизительная")
    # The words beside the map say the same.
    expect(page.locator(".map-outlines")).to_contain_text(
        "Участок 1 — Кисляки, Лорис-Меликово, Называевск")
    assert _scroll_width(page) <= 360
    assert problems.unexpected() == []


def test_the_person_form_gets_coordinates_from_a_click_on_a_phone(page, problems, world,
                                                                  closed_tiles):
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, world.user("specialist").username)
    page.goto("/people/new/")
    latitude, longitude = page.get_by_label("Широта"), page.get_by_label("Долгота")
    expect(latitude).to_have_value("")
    expect(page.locator("#consent-block")).to_be_hidden()  # the consent part still hides
    page.locator("#map").scroll_into_view_if_needed()
    page.locator("#map").click(position={"x": 150, "y": 100})
    expect(page.locator("#map-status")).to_have_text("Координаты заполнены: точка на карте.")
    lat, lon = latitude.input_value(), longitude.input_value()
    assert len(lat.split(".")[1]) == 6 and len(lon.split(".")[1]) == 6
    # Near where the specialist works (the town at 55.567, 71.35: the map opens there).
    assert abs(float(lat) - 55.567) < 0.2 and abs(float(lon) - 71.35) < 0.2, (lat, lon)
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)
    assert _scroll_width(page) <= 360

    page.get_by_label("Фамилия").fill("Картина")
    page.get_by_label("Имя", exact=True).fill("Анна")
    page.get_by_label("Участок или территория учёта").select_option(str(world.d1.pk))
    page.get_by_label("Гражданин подписал согласие сейчас").check()
    page.get_by_label("Адрес субъекта").fill("г. Называевск, ул. Мира, 1")
    page.get_by_label("Документ, удостоверяющий личность").fill("паспорт 5200 123456")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Гражданин зарегистрирован.")).to_be_visible()
    person = Person.objects.get(surname="Картина")
    assert (person.latitude, person.longitude) == (Decimal(lat), Decimal(lon))
    assert Consent.objects.filter(person=person, is_active=True).exists()
    # The card shows the point picked.
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)
    assert problems.unexpected(closed_tiles) == []


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_pages_with_a_map_fit_a_phone(page, problems, world, placed, closed_tiles):
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, world.user("specialist").username)
    for url in (f"/people/{world.p1.pk}/", f"/people/households/{placed.pk}/",
                "/people/unidentified/new/", "/people/new/", f"/people/{world.p1.pk}/edit/",
                "/find-specialist/"):
        page.goto(url)
        expect(page.locator("#map .leaflet-marker-icon, #map.leaflet-container").first
               ).to_be_attached()
        assert _scroll_width(page) <= 360, url
    assert problems.unexpected(closed_tiles) == []


def test_the_card_with_its_map_stays_within_the_page_weight(page, world, placed, settings):
    """What the server sends for the card, gzip-compressed as whitenoise serves static
    files (and nginx the page): the budget is 150 KB. No tiles (they come from elsewhere)."""
    settings.BEREZHNO_MAP_TILES_URL = ""
    sign_in(page, world.user("specialist").username)
    bodies: dict[str, bytes] = {}

    def keep(response):
        if urlsplit(response.url).netloc == urlsplit(page.url).netloc and response.ok:
            bodies[response.url] = response.body()

    page.on("response", keep)
    page.goto(f"/people/{world.p1.pk}/")
    expect(page.locator("#map .leaflet-marker-icon")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    sizes = {url: len(gzip.compress(body, 9)) for url, body in bodies.items()}
    assert any(url.endswith("leaflet.js") for url in sizes)
    total = sum(sizes.values())
    print(f"\nperson card with its map: {total} bytes gzip in {len(sizes)} responses")
    for url, size in sorted(sizes.items(), key=lambda item: -item[1]):
        print(f"  {size:7d}  {urlsplit(url).path}")
    assert total <= BUDGET_GZIP_BYTES, sizes
