"""HTML views of the registry: thin wrappers around selectors and services, by topic
(the URLs name them as ``views.<name>``)."""

from .households import (
    household_create,
    household_detail,
    household_edit,
    household_list,
    household_member_add,
    household_member_remove,
)
from .persons import (
    person_card,
    person_create,
    person_edit,
    person_list,
    person_merge,
    person_restore,
    person_status,
    person_timeline,
    person_unmerge,
    unidentified_create,
)
from .records import (
    category_add,
    category_end,
    consent_add,
    consent_channels,
    consent_pdf,
    consent_withdraw,
    contact_add,
    document_add,
    document_delete,
    document_download,
    sensitive_edit,
)
from .share_requests import (
    share_request_detail,
    share_request_list,
)

__all__ = [
    "category_add",
    "category_end",
    "consent_add",
    "consent_channels",
    "consent_pdf",
    "consent_withdraw",
    "contact_add",
    "document_add",
    "document_delete",
    "document_download",
    "household_create",
    "household_detail",
    "household_edit",
    "household_list",
    "household_member_add",
    "household_member_remove",
    "person_card",
    "person_create",
    "person_edit",
    "person_list",
    "person_merge",
    "person_restore",
    "person_status",
    "person_timeline",
    "person_unmerge",
    "sensitive_edit",
    "share_request_detail",
    "share_request_list",
    "unidentified_create",
]
