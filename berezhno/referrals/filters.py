"""The referrals' FilterSet: the page (the partner's inbox) and the API alike."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from berezhno.accounts.models import Organisation
from berezhno.cases.filters import ALL, SelectorFilterSet, flag, user_of
from berezhno.core import forms as fields

from . import selectors
from .choices import ReferralStatus
from .models import Referral


def _organisations(request):
    user = user_of(request)
    return selectors.referral_organisations(user) if user else Organisation.objects.none()



class ReferralFilterSet(SelectorFilterSet):
    """The referrals and the partner's inbox (``/cases/referrals/``,
    ``/api/v1/referrals/``)."""

    status = django_filters.ChoiceFilter(
        label=_("Состояние"), empty_label=ALL, method="filter_noop",
        choices=[("open", _("ожидают ответа или исполнения")), *ReferralStatus.choices])
    organisation = fields.ModelChoiceFilter(
        label=_("Организация"), queryset=_organisations, empty_label=ALL,
        method="filter_noop")
    overdue = flag(_("Только просроченные"))
    case = django_filters.NumberFilter(label=_("Случай"), widget=forms.HiddenInput,
                                       method="filter_noop")

    class Meta:
        model = Referral
        fields: list[str] = []

    def select(self, user, **values):
        return selectors.referral_inbox(user, **values)
