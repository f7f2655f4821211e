"""The scope rule of the СОП register: a part of the case (``cases.roles.CASE``), and the
family's curator sees the records they curate."""

from django.db.models import Q

from berezhno.cases.roles import CASE
from berezhno.core import access
from berezhno.core.access import CHANGE, VIEW, VIEW_MINIMAL

from .models import SopRecord


def sop_grant(user, action: str) -> Q | None:
    if action not in (VIEW, VIEW_MINIMAL, CHANGE):
        return None
    return Q(curator=user) | Q(case__responsible=user)


def register_scopes() -> None:
    access.register_scope(SopRecord, kind=CASE, territory="case__territory",
                          practice="practice", grants=[sop_grant],
                          persons=["case__person"])
