"""One FilterSet per list, serving the page and the API alike (the referrals' and the СОП
register's are in their apps, built on ``SelectorFilterSet`` here).

The page's filter form is the FilterSet's form (Russian labels, choices limited to the
user's scope); the API takes the same parameters (``overdue=true`` or the page's
``overdue=on``). A FilterSet only validates: its ``qs`` hands the cleaned values to the
list's selector, which does the filtering, the ordering and the reading (two-step where
the scope would otherwise make PostgreSQL walk the region), so that the page and the API
cannot return different records for the same filters.
"""

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from berezhno.accounts.models import User
from berezhno.core import access
from berezhno.core import forms as fields
from berezhno.people.forms import TerritoryChoiceField
from berezhno.territories.models import Territory

from . import roles, selectors
from .choices import ACTIVE_STATUSES, ActivityStatus, CaseStatus, PlanStatus, ServiceType
from .forms import UserChoiceField
from .models import Activity, Plan, SupportCase

ALL = _("все")


class Flag(forms.CheckboxInput):
    """A yes/no filter: a checkbox on the page ("on"), ``true``/``false`` (or 1/0) in the
    API; absent means "do not filter"."""

    VALUES = {"on": True, "true": True, "1": True, "false": False, "0": False,
              True: True, False: False}

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str):
            value = value.lower()
        return self.VALUES.get(value)


@extend_schema_field(int)
class TerritoryFilter(fields.ModelChoiceFilter):
    field_class = TerritoryChoiceField
    # The choices depend on the user's scope only: a page keeps them in the cache
    # (``SelectorFilterSet``, ``core.forms.choices_key``).
    cached_choices = True


@extend_schema_field(int)
class UserFilter(fields.ModelChoiceFilter):
    field_class = UserChoiceField
    cached_choices = True


def flag(label):
    return django_filters.BooleanFilter(label=label, widget=Flag, method="filter_noop")


def user_of(request):
    return getattr(request, "user", None)


def territories_of(request):
    user = user_of(request)
    return selectors.territory_choices(user) if user else Territory.objects.none()


def persons_of(request):
    from berezhno.people.models import Person

    user = user_of(request)
    return Person.objects.restrict(user, roles.VIEW) if user else Person.objects.none()


def cases_of(request):
    user = user_of(request)
    return (SupportCase.objects.restrict(user, roles.VIEW) if user
            else SupportCase.objects.none())


def plans_of(request):
    user = user_of(request)
    return Plan.objects.restrict(user, roles.VIEW) if user else Plan.objects.none()


class SelectorFilterSet(django_filters.FilterSet):
    """Validates the filters and passes them to ``select``. ``page_defaults`` are the
    values the page starts from when the address does not name them (the API has none)."""

    page_defaults: dict = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None,
                 page: bool = False):
        # The page's starting values are no filter the user chose: the filter panel
        # counts only what differs (core.templatetags.lists, decision 0036).
        self.filter_defaults = {k: str(v) for k, v in self.page_defaults.items()} if page else {}
        if page and self.page_defaults:
            data = data.copy() if data is not None else QueryDict(mutable=True)
            for key, value in self.page_defaults.items():
                if key not in data:
                    data[key] = value
        # FilterSet puts the model's whole table in ``queryset`` when given none: keep
        # whether a scope was given (the API's) apart from that.
        self.given_queryset = queryset
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = user_of(request)
        self.prepare(user)
        if queryset is None:
            # The page's own scope: its territory and staff choices are read from the
            # cache once rendered (a new territory or responsible appears when the entry
            # expires, ``BEREZHNO_CHOICES_CACHE_SECONDS``; a changed grant is a new key).
            for name, f in self.filters.items():
                if getattr(f, "cached_choices", False):
                    f.extra["cache_key"] = fields.choices_key(
                        user, f"{type(self).__name__}.{name}")

    @property
    def form(self):
        form = super().form
        form.filter_defaults = self.filter_defaults
        return form

    def prepare(self, user) -> None:
        """Set the choices that depend on the user (before the form is built)."""

    def filter_noop(self, queryset, name, value):
        return queryset

    def select(self, user, **values):
        raise NotImplementedError

    @property
    def values(self) -> dict:
        """The cleaned filters (empty when the form is invalid: check ``is_valid``)."""
        if not self.is_bound:
            return {}
        return dict(self.form.cleaned_data) if self.form.is_valid() else {}

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            if self.is_bound and not self.form.is_valid():
                self._qs = self._meta.model.objects.none()
            else:
                self._qs = self.select(self.request.user, **self.values)
        return self._qs


class CaseFilterSet(SelectorFilterSet):
    """The case list (``/cases/``, ``/api/v1/cases/``)."""

    q = django_filters.CharFilter(
        label=_("Номер случая или фамилия заявителя"), max_length=100, method="filter_noop",
        widget=forms.TextInput(attrs={"type": "search"}))
    status = django_filters.ChoiceFilter(
        label=_("Этап"), empty_label=ALL, method="filter_noop",
        choices=[("active", _("в работе (не закрытые)")), *CaseStatus.choices])
    practice = django_filters.ChoiceFilter(label=_("Практика"), empty_label=ALL,
                                           choices=access.practice_choices,
                                           method="filter_noop")
    territory = TerritoryFilter(label=_("Территория"), queryset=territories_of, empty_label=ALL,
                                method="filter_noop")
    responsible = UserFilter(label=_("Ответственный"), queryset=User.objects.none(),
                             empty_label=ALL, method="filter_noop")
    overdue = flag(_("Только просроченные"))
    # Kept from the API's first version; hidden on the page, where "status" says the same.
    active = django_filters.BooleanFilter(label=_("В работе"), widget=forms.HiddenInput,
                                          method="filter_noop")
    person = fields.RecordFilter(label=_("Заявитель"), queryset=persons_of,
                                 widget=forms.HiddenInput, method="filter_noop")

    class Meta:
        model = SupportCase
        fields: list[str] = []

    def prepare(self, user) -> None:
        # One scope for the choices and the list: building it reads the user's grants.
        self.scope = None
        if user is not None:
            self.scope = (self.given_queryset if self.given_queryset is not None
                          else selectors.case_queryset(user))
            self.filters["responsible"].queryset = selectors.responsible_choices(
                user, scope=self.scope, cached=self.given_queryset is None)
            # Only the practices the user works in (all of them for a head).
            self.filters["practice"].extra["choices"] = access.practice_choices_for(
                user, roles.CASE, roles.VIEW)

    def select(self, user, **values):
        return selectors.case_search(user, scope=self.scope, **values)


class CaseListFilterSet(CaseFilterSet):
    """``GET /api/v1/cases/``: the page's filters but the applicant's surname, which is
    searched by ``POST /api/v1/cases/search/`` (decision 0017)."""

    q = None


class BoardFilterSet(SelectorFilterSet):
    """The dispatcher's board (``/cases/board/``, ``/api/v1/board/``)."""

    territory = TerritoryFilter(label=_("Территория"), queryset=territories_of, empty_label=ALL,
                                method="filter_noop")
    status = django_filters.ChoiceFilter(
        label=_("Этап"), empty_label=_("все в работе"), method="filter_noop",
        choices=[c for c in CaseStatus.choices if c[0] in ACTIVE_STATUSES])
    overdue = flag(_("Только просроченные"))

    class Meta:
        model = SupportCase
        fields: list[str] = []

    def select(self, user, **values):
        return selectors.board(user, **values)



class ActivityFilterSet(SelectorFilterSet):
    """Activities: the worklist (``/cases/worklist/``, whose defaults are the user's own
    open activities of the programmes in force) and ``/api/v1/activities/``."""

    page_defaults = {"mine": "true", "status": "open", "plan_status": PlanStatus.APPROVED}

    status = django_filters.ChoiceFilter(
        label=_("Состояние"), empty_label=ALL, method="filter_noop",
        choices=[("open", _("не выполненные")), *ActivityStatus.choices])
    service_type = django_filters.ChoiceFilter(label=_("Вид услуги"), empty_label=ALL,
                                               choices=ServiceType.choices,
                                               method="filter_noop")
    overdue = flag(_("Только просроченные"))
    mine = django_filters.BooleanFilter(label=_("Мои"), widget=forms.HiddenInput,
                                        method="filter_noop")
    plan_status = django_filters.ChoiceFilter(label=_("Программа"), choices=PlanStatus.choices,
                                              widget=forms.HiddenInput, method="filter_noop")
    case = fields.RecordFilter(label=_("Случай"), queryset=cases_of,
                               widget=forms.HiddenInput, method="filter_noop")
    plan = fields.RecordFilter(label=_("Программа"), queryset=plans_of,
                               widget=forms.HiddenInput, method="filter_noop")

    class Meta:
        model = Activity
        fields: list[str] = []

    def select(self, user, **values):
        return selectors.activity_search(user, **values)
