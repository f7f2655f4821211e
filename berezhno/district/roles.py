"""The record kind of the special-attention data bank, the roles' rights on it and its
scope rules. Partners, the patrol and social agents have no access."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.access import (  # noqa: F401  (re-exported for the app's code)
    ADD,
    CHANGE,
    EXPORT,
    VIEW,
    VIEW_MINIMAL,
)

from .models import BankEntry, BankEntryReason, BankReview

DISTRICT = "district"  # the practice code (``cases.choices.Practice.DISTRICT``)
BANK = "attention_bank"  # the special-attention data bank


def register_kinds_and_rights() -> None:
    # Registered by ``cases`` with the same label; registering it again is fine.
    from berezhno.cases.choices import Practice

    access.register_practice(Practice.DISTRICT.value, Practice.DISTRICT.label,
                             order=list(Practice).index(Practice.DISTRICT) * 10 + 10)
    access.register_kind(BANK, _("банк данных граждан, требующих особого внимания"),
                         personal=True)
    access.grant("district_specialist", attention_bank="view add change export")
    access.grant("head", attention_bank="view add change export")
    # A psychologist or lawyer of the centre reads the bank of the territory.
    access.grant("specialist", attention_bank="view")


def responsible_grant(user, action: str) -> Q | None:
    """The specialist responsible for an entry reads and reviews it wherever they work."""
    if action not in (VIEW, VIEW_MINIMAL, CHANGE):
        return None
    return Q(responsible=user)


def register_scopes() -> None:
    access.register_scope(BankEntry, kind=BANK, territory="territory", practice="practice",
                          grants=[responsible_grant], persons=["person"])
    access.register_scope(BankEntryReason, kind=BANK, territory="entry__territory",
                          practice="entry__practice", persons=["entry__person"])
    access.register_scope(BankReview, kind=BANK, territory="entry__territory",
                          practice="entry__practice", persons=["entry__person"])
