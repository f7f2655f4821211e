"""``{% load maps %}``: the map component (``core/_map.html``, decision 0032).

- ``{% point_map lat lon label %}`` — one marker (a person's address); nothing is drawn
  when the coordinates are missing.
- ``{% points_map points caption outlines %}`` — markers of a list of ``core.maps.Point``
  and, optionally, approximate outlines (``core.maps.Outline``, decision 0038) drawn as
  dashed shapes under them.
- ``{% pick_map form.latitude form.longitude caption center %}`` — a map that fills the two
  fields by a click, a key or the browser's location (``center``: where it opens when the
  fields are empty); the fields stay typeable without JavaScript.

The Leaflet files are linked by the first map of a page only, so pages without a map do
not carry them.
"""

from django import template

from berezhno.core import maps

register = template.Library()


def _page_state(context) -> tuple[str, bool]:
    """The DOM id of this map and whether it is the page's first (which links the files)."""
    request = context.get("request")
    if request is None:
        return "map", True
    count = getattr(request, "_berezhno_maps", 0) + 1
    request._berezhno_maps = count
    return ("map" if count == 1 else f"map-{count}"), count == 1


@register.inclusion_tag("core/_map.html", takes_context=True)
def point_map(context, lat, lon, label="", caption=""):
    shown = maps.point(lat, lon, label)
    if shown is None:
        return {"map_empty": True}
    dom_id, first = _page_state(context)
    return maps.map_context([shown], caption=caption or label, dom_id=dom_id) | {
        "map_assets": first, "map_empty": False}


@register.inclusion_tag("core/_map.html", takes_context=True)
def points_map(context, points, caption="", outlines=None):
    shown = [p for p in points or [] if p is not None]
    drawn = [o for o in outlines or [] if o is not None]
    if not shown and not drawn:
        return {"map_empty": True}
    dom_id, first = _page_state(context)
    return maps.map_context(shown, caption=caption, dom_id=dom_id, outlines=drawn) | {
        "map_assets": first, "map_empty": False}


@register.inclusion_tag("core/_map.html", takes_context=True)
def pick_map(context, lat_field, lon_field, caption="", center=None):
    dom_id, first = _page_state(context)
    shown = maps.point(lat_field.value(), lon_field.value(), caption)
    data = maps.map_context([shown], caption=caption, dom_id=dom_id, center=center, pick={
        "lat": lat_field.auto_id, "lon": lon_field.auto_id})
    return data | {"map_assets": first, "map_empty": False}
