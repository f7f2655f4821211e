"""The referrals' FilterSet: the page (the partner's inbox) and the API alike."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berezhno.accounts.models import Organisation
from berezhno.cases import roles as case_roles
from berezhno.cases.filters import ALL, SelectorFilterSet, flag, user_of
from berezhno.cases.models import SupportCase
from berezhno.core import forms as fields

from . import selectors
from .choices import ReferralStatus
from .models import Referral


def _organisations(request):
    user = user_of(request)
    return selectors.referral_organisations(user) if user else Organisation.objects.none()


def _cases(request):
    """The cases the user sees, and for a partner those of the referrals it received."""
    user = user_of(request)
    if user is None:
        return SupportCase.objects.none()
    seen = Referral.objects.restrict(user, case_roles.VIEW).values("case_id")
    return SupportCase.objects.filter(
        Q(pk__in=SupportCase.objects.restrict(user, case_roles.VIEW).values("pk"))
        | Q(pk__in=seen))


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
    case = fields.RecordFilter(label=_("Случай"), queryset=_cases, widget=forms.HiddenInput,
                               method="filter_noop")

    class Meta:
        model = Referral
        fields: list[str] = []

    def select(self, user, **values):
        return selectors.referral_inbox(user, **values)
