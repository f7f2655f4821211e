"""Reads of urgent acts: the case card's and the case file's section."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from berezhno.cases import roles as case_roles
from berezhno.cases.choices import ACTIVE_STATUSES
from berezhno.cases.extensions import CardAction, SectionView
from berezhno.core.access import territories_in_scope

from .models import UrgentServiceLine


def _acts(case):
    return case.urgent_acts.select_related("provider", "created_by").prefetch_related(
        Prefetch("lines", queryset=UrgentServiceLine.objects.order_by("provided_on", "id")))


def may_give(user, case) -> bool:
    """Urgent services are given to the applicant by whoever may open cases of the case's
    practice where the applicant lives (as ``services.urgent_act_create`` checks)."""
    return case.status in ACTIVE_STATUSES and territories_in_scope(
        user, case_roles.CASE, case_roles.ADD, practice=case.practice).filter(
        pk=case.person.territory_id).exists()


def card_section(user, card) -> SectionView:
    case = card.case
    acts = list(_acts(case))
    actions = []
    if may_give(user, case):
        actions.append(CardAction(_("Срочные услуги"), reverse("urgent:act", args=[case.pk])))
    return SectionView(data=acts, actions=actions, shown=bool(acts))


def file_section(user, doc) -> SectionView:
    return SectionView(data=list(_acts(doc.case).order_by("act_date", "id")))
