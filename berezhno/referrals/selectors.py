"""Reads of referrals: the partner's inbox and the staff's list through the scope, and the
case card's and case file's section of referrals."""


from django.db.models import (
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from berezhno.accounts.models import Organisation
from berezhno.cases import roles as case_roles
from berezhno.cases.extensions import CardAction, SectionView
from berezhno.cases.models import SupportCase
from berezhno.cases.selectors import case_queryset, exists_in
from berezhno.core import audit

from . import deadlines, roles
from .choices import ReferralStatus
from .models import Referral

# --------------------------------------------------------------------------- referrals


def referral_inbox(user, *, on: deadlines.When_ = None, status: str = "",
                   organisation: Organisation | None = None,
                   case: SupportCase | int | None = None,
                   overdue: bool | None = None) -> QuerySet:
    """Referrals the user sees, the latest news first: a partner those addressed to its
    organisation, staff those of their territory. The applicant's data is read through the
    case: the partner has no access to person cards. The page and the API read it through
    ``filters.ReferralFilterSet``."""
    qs = Referral.objects.restrict(user, roles.VIEW)
    if status == "open":
        qs = qs.filter(status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED])
    elif status:
        qs = qs.filter(status=status)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if case is not None:
        qs = qs.filter(case=case)
    if overdue is not None:
        late = deadlines.referral_overdue_q(on)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    return qs.select_related("case__person", "case__territory", "organisation", "activity",
                             "sent_by").order_by(
        Coalesce("completed_on", "responded_on", "sent_on").desc(), "-id")


def mark_referrals(items, on: deadlines.When_ = None) -> list:
    items = list(items)
    for r in items:
        r.overdue = deadlines.referral_is_overdue(r, on)
    return items


def referral_organisations(user) -> QuerySet:
    """Organisations the inbox may be filtered by: those of the referrals the user sees."""
    return Organisation.objects.filter(pk__in=Referral.objects.restrict(user, roles.VIEW)
                                       .values("organisation_id")).order_by("name")


def referrals_answerable(user, ids) -> set[int]:
    """Of these referrals, those the user may answer (the partner of the organisation)."""
    return set(Referral.objects.restrict(user, roles.CHANGE).filter(pk__in=list(ids))
               .values_list("pk", flat=True))


def referral_get(user, pk, action: str = roles.CHANGE) -> Referral:
    return audit.read(user, Referral.objects.restrict(user, action).select_related(
        "case__person", "case__territory", "organisation", "activity").get(pk=pk))


# --------------------------------------------------------------------------- case sections


def card_section(user, card) -> SectionView:
    """The card's referrals with their overdue marks, and "Направить к партнёру" for the
    case's workers who may refer."""
    case = card.case
    referrals = list(case.referrals.select_related(
        "organisation", "activity", "sent_by", "responded_by"))
    for r in referrals:
        r.case = case
        r.overdue = deadlines.referral_is_overdue(r, card.today)
    view = SectionView(data=referrals)
    if card.may["change"] and exists_in(case_queryset(user, case_roles.ADD, roles.REFERRAL),
                                        case.pk):
        send = reverse("referrals:send", args=[case.pk])
        view.actions.append(CardAction(_("Направить к партнёру"), send))
        view.partner_activity_links.append((_("направить"), send))
    return view


def file_section(user, doc) -> SectionView:
    return SectionView(data=list(doc.case.referrals.select_related(
        "organisation", "activity", "sent_by", "responded_by").order_by("sent_on", "id")))
