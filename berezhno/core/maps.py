"""The map component (decision 0032): what ``core/_map.html`` draws with the vendored Leaflet.

A page passes points (a person's address, a household's members, the directory's
settlements) or a pair of coordinate fields to pick into; this module turns them into the
JSON the template hands to ``static/js/map.js`` through ``json_script``, and into the text
shown beside the map (the map is an addition: every point is also written out as text).
Tiles come from ``BEREZHNO_MAP_TILES_URL``; an empty setting draws the markers on a plain
background, and so does the browser when the tile server cannot be reached.

The territory data hold points, not boundaries; an outline (``outline``) is the convex
hull of the points of what a territory serves — an approximation, always labelled as one
(decision 0038), drawn as a vector layer that needs no tiles either.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

# Where a map with nothing on it looks: the middle of the demo regions (Omsk).
DEFAULT_CENTER = (54.9893, 73.3682)
POINT_ZOOM = 16
OVERVIEW_ZOOM = 6
TERRITORY_ZOOM = 11


@dataclass(frozen=True)
class Point:
    """One marker: coordinates, the text shown for it, an optional link."""

    lat: float
    lon: float
    label: str
    url: str = ""

    @property
    def coordinates(self) -> str:
        return f"{self.lat:.6f}, {self.lon:.6f}"


def valid_coordinates(lat: Any, lon: Any) -> tuple[float, float] | None:
    """``(lat, lon)`` as floats when both are present and on the globe, else ``None``."""
    if lat is None or lon is None or lat == "" or lon == "":
        return None
    try:
        la, lo = float(Decimal(str(lat))), float(Decimal(str(lon)))
    except (InvalidOperation, ValueError):
        return None
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        return None
    return la, lo


def point(lat: Any, lon: Any, label: str = "", url: str = "") -> Point | None:
    """A ``Point`` of the coordinates, or ``None`` when they are missing or off the globe."""
    found = valid_coordinates(lat, lon)
    if found is None:
        return None
    return Point(found[0], found[1], str(label or ""), url)


# Hull arithmetic in whole millionths of a degree (the columns' precision): exact, so
# collinear points are recognised as such and never make a sliver of a polygon.
_SCALE = 1_000_000

OUTLINE_NOTE = _("Граница приблизительная: по населённым пунктам")


def convex_hull(coordinates: Iterable[tuple[Any, Any]]) -> list[tuple[float, float]]:
    """The convex hull of ``(lat, lon)`` pairs (Andrew's monotone chain), its corners in
    order around it, the first not repeated at the end; duplicates and points on an edge
    are left out. Fewer than three distinct points, or all of them on one line, give the
    distinct points themselves (none, one, or the two ends of the line).

    The degrees are taken as plane coordinates: right for the few tens of kilometres of a
    district or a municipality, wrong only across the 180th meridian (no data there)."""
    points = sorted({(round(float(lat) * _SCALE), round(float(lon) * _SCALE))
                     for lat, lon in coordinates})
    if len(points) < 3:
        return [(lat / _SCALE, lon / _SCALE) for lat, lon in points]

    def turn(o: tuple[int, int], a: tuple[int, int], b: tuple[int, int]) -> int:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    def chain(ordered: list[tuple[int, int]]) -> list[tuple[int, int]]:
        kept: list[tuple[int, int]] = []
        for p in ordered:
            while len(kept) >= 2 and turn(kept[-2], kept[-1], p) <= 0:
                kept.pop()
            kept.append(p)
        return kept

    lower, upper = chain(points), chain(points[::-1])
    return [(lat / _SCALE, lon / _SCALE) for lat, lon in lower[:-1] + upper[:-1]]


@dataclass(frozen=True)
class Outline:
    """An approximate boundary: the hull of the places of a territory (``places``: their
    names, written beside the map). Three corners or more are an area (a dashed polygon);
    two are a dashed line between the two places."""

    label: str
    corners: tuple[tuple[float, float], ...]
    places: tuple[str, ...] = ()
    url: str = ""

    @property
    def is_area(self) -> bool:
        return len(self.corners) >= 3


def outline(coordinates: Iterable[tuple[Any, Any]], label: str, places: Iterable[str] = (),
            url: str = "") -> Outline | None:
    """The ``Outline`` of a territory's places (``(lat, lon)`` pairs; missing or impossible
    coordinates are skipped), or ``None`` when fewer than two distinct places are left: one
    place is its marker, and any circle round it would invent a size."""
    found = [c for c in (valid_coordinates(lat, lon) for lat, lon in coordinates)
             if c is not None]
    corners = convex_hull(found)
    if len(corners) < 2:
        return None
    return Outline(str(label), tuple(corners), tuple(str(p) for p in places), url)


def tiles() -> dict:
    return {"url": getattr(settings, "BEREZHNO_MAP_TILES_URL", "") or "",
            "attribution": getattr(settings, "BEREZHNO_MAP_ATTRIBUTION", "") or ""}


def map_context(points: list[Point | None], *, caption: str = "", pick: dict | None = None,
                dom_id: str = "map", center: tuple[float, float] | None = None,
                outlines: Iterable[Outline | None] = ()) -> dict:
    """The template context of ``core/_map.html``.

    ``pick`` — ``{"lat": <field id>, "lon": <field id>}`` — makes the map fill those two
    inputs on a click or from the browser's location; ``center`` is where a map without
    points opens (the user's territory); ``outlines`` are drawn as dashed shapes under
    the markers. ``data`` is the one thing handed to the script (through ``json_script``,
    never spliced into code).
    """
    shown = [p for p in points if p is not None]
    drawn = [o for o in outlines if o is not None]
    data = {
        "tiles": tiles(),
        "points": [{"lat": p.lat, "lon": p.lon, "label": p.label, "url": p.url}
                   for p in shown],
        "outlines": [{"label": o.label, "url": o.url,
                      "points": [[lat, lon] for lat, lon in o.corners]} for o in drawn],
        "center": ([shown[0].lat, shown[0].lon] if shown
                   else list(center) if center else list(DEFAULT_CENTER)),
        "zoom": (POINT_ZOOM if len(shown) == 1 else TERRITORY_ZOOM if center and not shown
                 else OVERVIEW_ZOOM),
        "pick": pick,
        # Named here, not found by Leaflet from its CSS: that lookup misses the hashed
        # names of the production static storage.
        "icons": {"iconUrl": static("vendor/leaflet/images/marker-icon.png"),
                  "iconRetinaUrl": static("vendor/leaflet/images/marker-icon-2x.png"),
                  "shadowUrl": static("vendor/leaflet/images/marker-shadow.png")},
        "text": {
            "locate": str(_("Моё местоположение")),
            "locating": str(_("Определяем местоположение…")),
            "located": str(_("Координаты заполнены по местоположению устройства.")),
            "noLocation": str(_("Не удалось определить местоположение: разрешите доступ "
                                "к геопозиции или укажите точку на карте.")),
            "picked": str(_("Координаты заполнены: точка на карте.")),
            "zoomIn": str(_("Приблизить")),
            "zoomOut": str(_("Отдалить")),
            "closePopup": str(_("Закрыть подпись")),
            "marker": str(_("Метка на карте")),
            "outlineNote": str(OUTLINE_NOTE),
            "pickHint": str(_("Нажмите на карту, чтобы указать место (на клавиатуре: "
                              "стрелки двигают карту, Enter ставит точку в её центре), "
                              "или введите координаты в поля выше.")),
        },
    }
    return {"map_id": dom_id, "map_data_id": f"{dom_id}-data", "map_data": data,
            "map_points": shown, "map_outlines": drawn, "map_caption": caption,
            "map_pick": pick is not None}


LATITUDE_ERRORS = {
    "invalid": _("Введите широту числом, например 54.989342."),
    "range": _("Широта должна быть от −90 до 90."),
}
LONGITUDE_ERRORS = {
    "invalid": _("Введите долготу числом, например 73.368212."),
    "range": _("Долгота должна быть от −180 до 180."),
}


class CoordinateField(forms.DecimalField):
    """A latitude or a longitude typed by hand or filled by the map: a decimal comma is
    accepted, more than six decimals are rounded (a map click is more precise than the
    column), the range is checked with a Russian message. A text input, not a number one:
    a browser's number input silently drops what it cannot parse."""

    widget = forms.TextInput

    def __init__(self, *, low: int, high: int, messages: dict, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(max_digits=None, decimal_places=6, error_messages={
            "invalid": messages["invalid"], "min_value": messages["range"],
            "max_value": messages["range"]}, min_value=low, max_value=high, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".").replace("\u2212", "-")
        number = super().to_python(value)
        if number is None or not number.is_finite() or abs(number) > 1000:
            return number  # the range check names the problem
        return number.quantize(Decimal("0.000001"))


def latitude_field(**kwargs) -> CoordinateField:
    return CoordinateField(low=-90, high=90, messages=LATITUDE_ERRORS,
                           label=kwargs.pop("label", _("Широта")), **kwargs)


def longitude_field(**kwargs) -> CoordinateField:
    return CoordinateField(low=-180, high=180, messages=LONGITUDE_ERRORS,
                           label=kwargs.pop("label", _("Долгота")), **kwargs)
