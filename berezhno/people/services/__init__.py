"""Every write to persons, households, consents, documents and contacts.

Each function takes the acting user, runs in one transaction, validates, saves, writes the
change record and the domain event, and re-checks that the result is still within the user's
scope. Callers import the package (``from berezhno.people import services``); the modules
hold one concept each.
"""

from .persons import (
    MERGE_FILL_FIELDS,
    PERSON_FIELDS,
    DuplicateCandidatesError,
    category_add,
    category_end,
    consent_record,
    consent_withdraw,
    contact_log,
    document_attach,
    document_delete,
    household_add_member,
    household_create,
    household_remove_member,
    household_update,
    person_assign,
    person_merge,
    person_register,
    person_restore,
    person_set_status,
    person_unmerge,
    person_update,
    require_consent_for,
    sensitive_update,
)

__all__ = [
    "MERGE_FILL_FIELDS",
    "PERSON_FIELDS",
    "DuplicateCandidatesError",
    "category_add",
    "category_end",
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
    "person_merge",
    "person_register",
    "person_restore",
    "person_set_status",
    "person_unmerge",
    "person_update",
    "require_consent_for",
    "sensitive_update",
]
