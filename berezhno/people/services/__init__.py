"""Every write to persons, households, consents, documents and contacts.

Each function takes the acting user and typed keyword arguments, runs in one transaction,
validates, saves, writes the change record and the domain event, and re-checks that the
result is still within the user's scope. A partial update (``person_update``,
``household_update``, ``sensitive_update``) takes the changed fields as keyword arguments
typed by a ``TypedDict``; a field left out stays as it is.

Callers import the package (``from berezhno.people import services``); the modules hold one
concept each: ``persons``, ``merge``, ``categories``, ``sensitive``, ``households``,
``consents`` (with the consent gate), ``documents``, ``contacts``, ``identity`` (one
record per СНИЛС region-wide and the requests to share or transfer a record).
"""

from .categories import category_add, category_end
from .consents import (
    ConsentChannels,
    ConsentData,
    consent_channels_set,
    consent_record,
    consent_withdraw,
    require_consent_for,
)
from .contacts import ContactData, contact_log
from .documents import document_attach, document_delete
from .households import (
    HOUSEHOLD_FIELDS,
    HouseholdChanges,
    household_add_member,
    household_create,
    household_remove_member,
    household_update,
)
from .identity import (
    SnilsElsewhereError,
    share_request_decide,
    share_request_revoke,
    share_request_update,
)
from .merge import MERGE_FILL_FIELDS, person_merge, person_unmerge
from .persons import (
    PERSON_FIELDS,
    DuplicateCandidatesError,
    PersonChanges,
    person_assign,
    person_check,
    person_register,
    person_restore,
    person_set_status,
    person_update,
)
from .sensitive import SENSITIVE_FIELDS, SensitiveChanges, sensitive_update

__all__ = [
    "HOUSEHOLD_FIELDS",
    "MERGE_FILL_FIELDS",
    "PERSON_FIELDS",
    "SENSITIVE_FIELDS",
    "ConsentChannels",
    "ConsentData",
    "ContactData",
    "DuplicateCandidatesError",
    "HouseholdChanges",
    "PersonChanges",
    "SensitiveChanges",
    "SnilsElsewhereError",
    "category_add",
    "category_end",
    "consent_channels_set",
    "consent_record",
    "consent_withdraw",
    "contact_log",
    "document_attach",
    "document_delete",
    "household_add_member",
    "household_create",
    "household_remove_member",
    "household_update",
    "person_assign",
    "person_check",
    "person_merge",
    "person_register",
    "person_restore",
    "person_set_status",
    "person_unmerge",
    "person_update",
    "require_consent_for",
    "sensitive_update",
    "share_request_decide",
    "share_request_revoke",
    "share_request_update",
]
