"""``{% load people_maps %}``: map points of the people pages (the component is core's).

``{{ members|household_points }}`` — the current members of a household who have
coordinates, each a marker named and linked to the card. A household has an address but
no coordinates of its own (decision 0032): its place on the map is where its members are.
"""

from django import template

from berezhno.core import maps

register = template.Library()


@register.filter
def household_points(members) -> list[maps.Point]:
    points = []
    for member in members or []:
        if member.until:
            continue
        person = member.person
        shown = maps.point(person.latitude, person.longitude, person.full_name,
                           person.get_absolute_url())
        if shown is not None:
            points.append(shown)
    return points
