"""The bank's FilterSet: the page and the API alike."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from berezhno.accounts.models import User
from berezhno.cases.filters import (
    ALL,
    SelectorFilterSet,
    TerritoryFilter,
    UserFilter,
    flag,
    user_of,
)
from berezhno.core import forms as fields
from berezhno.people.models import Person
from berezhno.territories.models import Territory

from . import roles, selectors
from .choices import BankReason, BankStatus
from .models import BankEntry


def _districts(request):
    user = user_of(request)
    return selectors.district_choices(user) if user else Territory.objects.none()


def _responsible(request):
    user = user_of(request)
    return selectors.responsible_choices(user) if user else User.objects.none()


def _persons(request):
    user = user_of(request)
    return Person.objects.restrict(user, roles.VIEW) if user else Person.objects.none()


class BankFilterSet(SelectorFilterSet):
    """The special-attention data bank (``/district/bank/``, ``/api/v1/district-bank/``);
    the page starts from the entries in the bank (not removed)."""

    page_defaults = {"status": BankStatus.ACTIVE}

    status = django_filters.ChoiceFilter(label=_("Состояние"), empty_label=None,
                                         choices=BankStatus.choices, method="filter_noop")
    reason = django_filters.ChoiceFilter(label=_("Причина"), choices=BankReason.choices,
                                         empty_label=ALL, method="filter_noop")
    district = TerritoryFilter(label=_("Участок"), queryset=_districts, empty_label=ALL,
                               method="filter_noop")
    overdue = flag(_("Только с просроченным пересмотром"))
    responsible = UserFilter(label=_("Специалист"), queryset=_responsible, empty_label=ALL,
                             method="filter_noop")
    person = fields.RecordFilter(label=_("Гражданин"), queryset=_persons,
                                 widget=forms.HiddenInput, method="filter_noop")

    class Meta:
        model = BankEntry
        fields: list[str] = []

    def select(self, user, **values):
        return selectors.bank_search(user, **values)
