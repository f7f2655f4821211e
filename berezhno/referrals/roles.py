"""The record kind of referrals, the roles' rights on it and its scope rule."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.access import CHANGE, VIEW, VIEW_MINIMAL, user_grants

from .models import Referral

REFERRAL = "referral"  # referrals to partner organisations


def register_kinds_and_rights() -> None:
    access.register_kind(REFERRAL, _("направления партнёрам"), personal=True)
    for code in ("head", "district_specialist", "dispatcher"):
        access.grant(code, referral="view add change")
    access.grant("specialist", referral="view")
    access.grant("partner", referral="view change")


def referral_grant(user, action: str) -> Q | None:
    """Partners: the referrals addressed to their organisation."""
    if action not in (VIEW, VIEW_MINIMAL, CHANGE):
        return None
    orgs = {g.organisation_id for g in user_grants(user)
            if not g.role.territorial and g.role.allows(REFERRAL, action) and g.organisation_id}
    if not orgs:
        return None
    return Q(organisation_id__in=sorted(orgs))


def register_scopes() -> None:
    access.register_scope(Referral, kind=REFERRAL, territory="case__territory",
                          practice="practice", grants=[referral_grant],
                          persons=["case__person"])
