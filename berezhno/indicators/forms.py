"""The report query (practice, territory, period): one form for the page, exports and API."""

import datetime

from django import forms
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berezhno.cases.choices import Practice
from berezhno.core import dates
from berezhno.core import forms as fields
from berezhno.territories.models import Territory

from . import periods, selectors

MAX_YEARS = 5
FIRST_YEAR, LAST_YEAR = 2000, 2099


class TerritoryChoiceField(fields.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        # By the depth, not the level: a settlement of an okrug sits right under it (0037).
        indent = "\u00a0\u00a0" * max(obj.depth - 1, 0)
        return f"{indent}{obj.name}"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReportQueryForm(forms.Form):
    practice = forms.ChoiceField(label=gettext_lazy("Практика"), choices=Practice.choices)
    territory = TerritoryChoiceField(label=gettext_lazy("Территория"),
                                     queryset=Territory.objects.none(),
                                     empty_label=None)
    start = forms.DateField(validators=[dates.REPORT],
                            label=gettext_lazy("Период с"), widget=DateInput())
    end = forms.DateField(validators=[dates.REPORT], label=gettext_lazy("по"), widget=DateInput())
    # The values the page shows unasked (``bind_query``): not counted as filters.
    filter_defaults: dict[str, str]

    def __init__(self, data, *, user):
        super().__init__(data)
        self.filter_defaults = {}
        self.fields["territory"].queryset = selectors.report_territories(user)

    def _check_year(self, name: str, value: datetime.date | None) -> None:
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            self.add_error(name, _("Укажите дату с %(first)s по %(last)s год.")
                           % {"first": FIRST_YEAR, "last": LAST_YEAR})

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        self._check_year("start", start)
        self._check_year("end", end)
        if self.errors or start is None or end is None:
            return data
        if end < start:
            self.add_error("end", _("Дата окончания периода раньше даты начала."))
        elif end >= periods.add_years(start, MAX_YEARS):
            self.add_error("end", _("Период не может быть длиннее пяти лет."))
        return data

    def messages(self) -> list[str]:
        """Every error, prefixed with its field's label: for the API's ``detail``."""
        found = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            for error in errors:
                found.append(f"{label}: {error}" if label else str(error))
        return found


def bind_query(user, params) -> ReportQueryForm:
    """The query form bound to ``params`` with the defaults filled in: the Family Dispatch
    practice, the user's top node and the current quarter (in the node's time zone).

    A territory out of the user's scope (or missing, or malformed) raises ``Http404`` before
    anything else is looked at.
    """
    data = params.copy()
    territory: Territory | None
    if data.get("territory"):
        territory = selectors.territory_or_404(user, data["territory"])
        default = selectors.default_territory(user)
    else:
        default = selectors.default_territory(user)
        territory = default
        if territory is None:
            raise Http404
    data["territory"] = str(territory.pk)
    quarter = periods.this_quarter(selectors.today(territory))
    defaults = {"practice": Practice.FAMILY_DISPATCH, "start": quarter.start.isoformat(),
                "end": quarter.end.isoformat()}
    for key, value in defaults.items():
        if not data.get(key):
            data[key] = value
    form = ReportQueryForm(data, user=user)
    # What the page shows unasked: the filter panel counts only what differs
    # (core.templatetags.lists, decision 0036).
    form.filter_defaults = defaults | ({"territory": str(default.pk)} if default else {})
    return form
