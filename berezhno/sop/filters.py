"""The СОП register's FilterSet: the page and the API alike."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from berezhno.accounts.models import User
from berezhno.cases.filters import (
    ALL,
    SelectorFilterSet,
    TerritoryFilter,
    UserFilter,
    cases_of,
    flag,
    territories_of,
)
from berezhno.core import forms as fields

from . import selectors
from .choices import SopStatus
from .models import SopRecord


def _curators(request):
    return User.objects.order_by("last_name", "first_name")



class SopFilterSet(SelectorFilterSet):
    """The register of families in a socially dangerous position (``/cases/sop/``,
    ``/api/v1/sop/``); the page starts from the records not removed."""

    page_defaults = {"status": "open"}

    status = django_filters.ChoiceFilter(
        label=_("Этап"), empty_label=None, method="filter_noop",
        choices=[("open", _("все на учёте и выявленные")), *SopStatus.choices,
                 ("all", _("все, и снятые"))])
    territory = TerritoryFilter(label=_("Территория"), queryset=territories_of, empty_label=ALL,
                                method="filter_noop")
    overdue = flag(_("Только с пропущенными сроками"))
    curator = UserFilter(label=_("Куратор"), queryset=_curators, widget=forms.HiddenInput,
                         method="filter_noop")
    case = fields.RecordFilter(label=_("Случай"), queryset=cases_of, widget=forms.HiddenInput,
                               method="filter_noop")

    class Meta:
        model = SopRecord
        fields: list[str] = []

    def select(self, user, **values):
        return selectors.sop_search(user, **values)
