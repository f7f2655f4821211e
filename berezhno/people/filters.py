"""One FilterSet for the person list: the API uses it; the UI form mirrors its fields."""

import django_filters
from django.utils.translation import gettext_lazy as _

from berezhno.core import forms as fields
from berezhno.core.access import territories_in_scope
from berezhno.people import roles

from . import selectors
from .choices import SENIOR, Category, PersonStatus, ShareStatus
from .models import Person, PersonShareRequest

INCOMING, OUTGOING = "incoming", "outgoing"


def _territories(request):
    if request is None:
        return Person.objects.none()
    return territories_in_scope(request.user, roles.PERSON, roles.VIEW)


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("ФИО, СНИЛС или телефон"), method="filter_noop")
    territory = fields.ModelChoiceFilter(label=_("Территория"), queryset=_territories,
                                                 method="filter_noop")
    category = django_filters.ChoiceFilter(
        label=_("Категория"), choices=[(SENIOR, "55+"), *Category.choices],
        method="filter_noop")
    status = django_filters.ChoiceFilter(label=_("Учёт"), choices=PersonStatus.choices,
                                         method="filter_noop")
    special_attention = fields.yes_no_filter(_("Особое внимание"), method="filter_noop")
    no_consent = fields.yes_no_filter(_("Без согласия"), method="filter_noop")
    unidentified = fields.yes_no_filter(_("Неустановленные"), method="filter_noop")
    registered_by_me = fields.yes_no_filter(_("Зарегистрированы мной"), method="filter_noop")

    class Meta:
        model = Person
        fields = []

    def filter_noop(self, queryset, name, value):
        return queryset

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            if not self.is_bound or self.form.is_valid():
                data = self.form.cleaned_data if self.is_bound else {}
                self._qs = selectors.person_search(
                    self.request.user, q=data.get("q") or "", territory=data.get("territory"),
                    category=data.get("category") or "",
                    status=data.get("status") or PersonStatus.ACTIVE,
                    special_attention=data.get("special_attention"),
                    no_consent=data.get("no_consent"), unidentified=data.get("unidentified"),
                    registered_by_me=data.get("registered_by_me"),
                    action=roles.VIEW_MINIMAL,
                )
            else:
                self._qs = Person.objects.none()
        return self._qs


class PersonListFilterSet(PersonFilterSet):
    """``GET /api/v1/persons/``: the same filters but the personal term, which is searched
    by ``POST /api/v1/persons/search/`` (decision 0017)."""

    q = None


class ShareRequestFilterSet(django_filters.FilterSet):
    """The requests to share or transfer a record (decision 0019): the page, its export and
    ``GET /api/v1/share-requests/``. ``direction``: incoming (persons held in the user's
    scope) or sent (by the user or their territory); neither: both."""

    direction = django_filters.ChoiceFilter(
        label=_("Направление"), method="filter_direction", empty_label=_("все"),
        choices=[(INCOMING, _("входящие")), (OUTGOING, _("отправленные"))])
    status = django_filters.ChoiceFilter(label=_("Состояние"), choices=ShareStatus.choices,
                                         empty_label=_("все"))

    class Meta:
        model = PersonShareRequest
        fields = ["direction", "status"]

    def filter_direction(self, queryset, name, value):
        return queryset.filter(**{"held_here" if value == INCOMING else "sent_here": True})
