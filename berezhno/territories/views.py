"""The public directory (no login) and the territory pages."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from berezhno.core import forms as fields
from berezhno.core import maps

from . import selectors
from .choices import Level


class DirectoryForm(forms.Form):
    settlement = fields.ModelChoiceField(label=_("Населённый пункт"), queryset=None,
                                        required=False, empty_label=_("— выберите —"))
    q = forms.CharField(label=_("или введите населённый пункт или улицу"), required=False,
                        max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settlement"].queryset = selectors.settlements_public()
        self.fields["settlement"].label_from_instance = lambda t: t.label_with_parent()


@require_GET
def directory(request):
    """«Найти своего участкового специалиста»: open to everyone."""
    form = DirectoryForm(request.GET or None)
    hits = None
    if form.is_bound and form.is_valid():
        settlement = form.cleaned_data.get("settlement")
        q = form.cleaned_data.get("q", "")
        if settlement or q:
            hits = selectors.directory_lookup(
                settlement_id=settlement.pk if settlement else None, query=q)
    context = {"form": form, "hits": hits}
    if request.headers.get("HX-Request"):
        return render(request, "territories/_directory_results.html", context)
    return render(request, "territories/directory.html", context | {
        "places": directory_points(), "outlines": directory_outlines()})


def directory_points() -> list[maps.Point]:
    """The directory's map: a marker per served settlement, naming its districts and
    linking to its answer on this page."""
    points = []
    for place in selectors.directory_places():
        label = gettext("%(place)s — участки: %(districts)s") % {
            "place": place.territory.label_with_parent(),
            "districts": ", ".join(place.districts)}
        url = (f"?settlement={place.territory.pk}" if place.territory.level == Level.SETTLEMENT
               else "")
        shown = maps.point(place.territory.latitude, place.territory.longitude, label, url)
        if shown is not None:
            points.append(shown)
    return points


def directory_outlines() -> list[maps.Outline]:
    """Each district's approximate outline: the hull of the settlements it serves (and of
    its own point), named with them; a district with one placed settlement has none (its
    marker says where it is). Decision 0038."""
    found = []
    for area in selectors.district_areas():
        shown = maps.outline([(t.latitude, t.longitude) for t in area.places], area.name,
                             [t.name for t in area.places if t.level == Level.SETTLEMENT])
        if shown is not None:
            found.append(shown)
    return found
