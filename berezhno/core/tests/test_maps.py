"""The map component (decision 0032): its context, the coordinate fields, the template."""

import json
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory, override_settings

from berezhno.core import maps


def test_points_off_the_globe_or_missing_are_not_drawn():
    assert maps.point(None, 73) is None and maps.point(54, "") is None
    assert maps.point("север", 73) is None
    assert maps.point(90.5, 73) is None and maps.point(54, -180.01) is None
    shown = maps.point(Decimal("54.989342"), Decimal("73.368212"), "ул. Ленина, 5", "/p/1/")
    assert shown == maps.Point(54.989342, 73.368212, "ул. Ленина, 5", "/p/1/")
    assert shown.coordinates == "54.989342, 73.368212"


@override_settings(BEREZHNO_MAP_TILES_URL="https://tiles.example.org/{z}/{x}/{y}.png",
                   BEREZHNO_MAP_ATTRIBUTION="© тест")
def test_the_context_carries_tiles_points_and_the_view():
    one = maps.map_context([maps.point(55, 71, "дом"), None], caption="Адрес")
    assert one["map_data"]["tiles"] == {"url": "https://tiles.example.org/{z}/{x}/{y}.png",
                                        "attribution": "© тест"}
    assert one["map_data"]["points"] == [{"lat": 55.0, "lon": 71.0, "label": "дом", "url": ""}]
    assert one["map_data"]["center"] == [55.0, 71.0]
    assert one["map_data"]["zoom"] == maps.POINT_ZOOM
    assert one["map_pick"] is False and one["map_data"]["pick"] is None
    assert one["map_id"] == "map" and one["map_data_id"] == "map-data"
    several = maps.map_context([maps.point(55, 71), maps.point(60, 38)])
    assert several["map_data"]["zoom"] == maps.OVERVIEW_ZOOM
    empty = maps.map_context([], pick={"lat": "id_latitude", "lon": "id_longitude"})
    assert empty["map_data"]["center"] == list(maps.DEFAULT_CENTER)
    assert empty["map_pick"] is True
    assert empty["map_data"]["pick"] == {"lat": "id_latitude", "lon": "id_longitude"}
    assert empty["map_data"]["text"]["locate"] == "Моё местоположение"
    at_home = maps.map_context([], center=(60.033, 37.783))
    assert at_home["map_data"]["center"] == [60.033, 37.783]
    assert at_home["map_data"]["zoom"] == maps.TERRITORY_ZOOM
    assert empty["map_data"]["icons"]["iconUrl"] == \
        "/static/vendor/leaflet/images/marker-icon.png"


@override_settings(BEREZHNO_MAP_TILES_URL="")
def test_an_empty_tile_setting_means_no_tiles():
    assert maps.map_context([maps.point(55, 71)])["map_data"]["tiles"]["url"] == ""


class PlaceForm(forms.Form):
    latitude = maps.latitude_field()
    longitude = maps.longitude_field()


@pytest.mark.parametrize(("lat", "lon", "expected"), [
    ("54,989342", "73.368212", (Decimal("54.989342"), Decimal("73.368212"))),
    ("−54.5", "-180", (Decimal("-54.500000"), Decimal("-180.000000"))),
    # A map click is more precise than the column: rounded, not refused.
    ("54.98934217", "73.36821249", (Decimal("54.989342"), Decimal("73.368212"))),
    ("", "", (None, None)),
])
def test_coordinates_typed_by_hand_are_read(lat, lon, expected):
    form = PlaceForm({"latitude": lat, "longitude": lon})
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["latitude"], form.cleaned_data["longitude"]) == expected


@pytest.mark.parametrize(("lat", "lon", "errors"), [
    ("90.000001", "0", {"latitude": ["Широта должна быть от −90 до 90."]}),
    ("-91", "181", {"latitude": ["Широта должна быть от −90 до 90."],
                    "longitude": ["Долгота должна быть от −180 до 180."]}),
    ("1e400", "0", {"latitude": ["Широта должна быть от −90 до 90."]}),
    ("север", "NaN", {"latitude": ["Введите широту числом, например 54.989342."],
                      "longitude": ["Введите долготу числом, например 73.368212."]}),
])
def test_bad_coordinates_get_a_russian_message(lat, lon, errors):
    form = PlaceForm({"latitude": lat, "longitude": lon})
    assert not form.is_valid()
    assert {k: list(v) for k, v in form.errors.items()} == errors


def test_the_coordinate_inputs_are_text_with_a_decimal_keyboard():
    html = str(PlaceForm()["latitude"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html


def _render(source: str, **context) -> str:
    request = RequestFactory().get("/")
    return Template("{% load maps %}" + source).render(Context({"request": request,
                                                                  **context}))


def test_a_point_map_writes_its_data_as_json_and_the_point_as_text():
    html = _render('{% point_map lat lon label %}', lat=Decimal("55.5877"),
                   lon=Decimal("71.594592"), label='ул. «Полевая» </script><b>')
    assert 'src="/static/vendor/leaflet/leaflet.js"' in html
    assert 'href="/static/css/map.css"' in html and 'src="/static/js/map.js"' in html
    start = html.index('<script id="map-data" type="application/json">')
    raw = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    data = json.loads(raw)
    assert data["points"][0]["label"] == 'ул. «Полевая» </script><b>'
    assert "</script><b>" not in raw  # json_script escapes it
    assert "55.587700, 71.594592" in html  # the text alternative
    assert "&lt;b&gt;" in html


def test_no_coordinates_no_map_and_no_files():
    assert _render('{% point_map None None "адрес" %}').strip() == ""
    assert _render("{% points_map points %}", points=[None]).strip() == ""


def test_the_files_are_linked_once_per_page():
    html = _render('{% point_map 55 71 "а" %}{% point_map 56 72 "б" %}')
    assert html.count("leaflet.js") == 1
    assert 'id="map-data"' in html and 'id="map-2-data"' in html


def test_a_pick_map_names_the_fields_it_fills():
    form = PlaceForm({"latitude": "54.9", "longitude": "73.3"})
    html = _render("{% pick_map form.latitude form.longitude 'Место встречи' %}", form=form)
    start = html.index('<script id="map-data" type="application/json">')
    data = json.loads(html[start:].split(">", 1)[1].split("</script>", 1)[0])
    assert data["pick"] == {"lat": "id_latitude", "lon": "id_longitude"}
    assert data["points"] == [{"lat": 54.9, "lon": 73.3, "label": "Место встречи", "url": ""}]
    assert 'id="map-status"' in html and 'aria-live="polite"' in html


def test_long_lists_of_places_fold_into_details():
    points = [maps.point(55 + i / 10, 71, f"место {i}", f"?settlement={i}") for i in range(5)]
    html = _render("{% points_map points 'Населённые пункты' %}", points=points)
    assert "<details>" in html and html.count('<a href="?settlement=') == 5


def test_the_tile_host_is_allowed_to_load_images():
    from config.settings.base import tiles_origin
    assert tiles_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == \
        "https://tile.openstreetmap.org"
    assert tiles_origin("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == \
        "https://*.tiles.example.org"
    assert tiles_origin("") is None and tiles_origin("/tiles/{z}/{x}/{y}.png") is None


# Approximate outlines (decision 0038): the convex hull of a territory's places.

def test_the_hull_of_a_square_is_its_corners_counter_clockwise():
    square = [(0, 0), (0, 1), (1, 1), (1, 0)]
    inside = [(0.5, 0.5), (0.25, 0.75)]
    hull = maps.convex_hull(square + inside)
    assert sorted(hull) == sorted((float(a), float(b)) for a, b in square)
    # In order round it (not a bow tie): every turn goes the same way.
    turns = [(b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
             for a, b, c in zip(hull, hull[1:] + hull[:1], hull[2:] + hull[:2], strict=True)]
    assert all(t > 0 for t in turns), hull


def test_points_on_an_edge_and_duplicates_are_not_corners():
    hull = maps.convex_hull([(0, 0), (2, 0), (2, 2), (0, 2), (1, 0), (2, 1), (0, 0),
                             (Decimal("2.000000"), Decimal("2")), (1, 1)])
    assert len(hull) == 4 and (1.0, 0.0) not in hull and (2.0, 1.0) not in hull


def test_collinear_places_give_the_two_ends_of_the_line():
    # Degrees with six decimals: exact arithmetic, no sliver from a float's rounding.
    line = [(55.1, 71.1), (55.3, 71.3), (55.2, 71.2), (55.4, 71.4)]
    assert maps.convex_hull(line) == [(55.1, 71.1), (55.4, 71.4)]
    assert maps.outline(line, "Участок").corners == ((55.1, 71.1), (55.4, 71.4))
    assert maps.outline(line, "Участок").is_area is False


def test_fewer_than_three_places():
    assert maps.convex_hull([]) == []
    assert maps.convex_hull([(55, 71), (55, 71)]) == [(55.0, 71.0)]
    assert maps.convex_hull([(56, 72), (55, 71)]) == [(55.0, 71.0), (56.0, 72.0)]
    # One place is its marker: no outline (a circle round it would invent a size).
    assert maps.outline([(55, 71), ("55.000000", "71.0")], "Участок") is None
    assert maps.outline([], "Участок") is None
    # Missing or impossible coordinates are skipped, not drawn.
    assert maps.outline([(55, 71), (None, 72), (95, 71)], "Участок") is None
    two = maps.outline([(55, 71), (56, 72), (None, None)], "Участок", ["А", "Б"])
    assert two is not None and not two.is_area and two.places == ("А", "Б")


def test_an_outline_goes_to_the_script_and_into_words():
    area = maps.outline([(55.0, 71.0), (55.2, 71.0), (55.1, 71.4), (55.1, 71.1)],
                        "Участок 1", ["Называевск", "Кисляки", "Мангут"])
    assert area is not None and area.is_area and len(area.corners) == 3
    data = maps.map_context([maps.point(55.1, 71.1, "Называевск")], outlines=[area, None])
    assert data["map_data"]["outlines"] == [{"label": "Участок 1", "url": "", "points": [
        [lat, lon] for lat, lon in area.corners]}]
    assert data["map_data"]["text"]["outlineNote"] == \
        "Граница приблизительная: по населённым пунктам"
    html = _render("{% points_map points 'Участки' outlines %}",
                   points=[maps.point(55.1, 71.1, "Называевск")], outlines=[area])
    assert "Участок 1 — Называевск, Кисляки, Мангут" in html
    assert "Границы на карте приблизительные" in html
    # Outlines alone still draw a map; nothing at all draws none.
    assert "leaflet.js" in _render("{% points_map points '' outlines %}", points=[],
                                   outlines=[area])
    assert _render("{% points_map points '' outlines %}", points=[], outlines=[None]).strip() == ""
