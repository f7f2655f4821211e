"""The scope rule of urgent acts: given to a person in a territory, in a practice; the
right is the case right (``cases.roles.CASE``) whether or not a case is open."""

from berezhno.cases.roles import CASE
from berezhno.core import access

from .models import UrgentServiceAct


def register_scopes() -> None:
    access.register_scope(UrgentServiceAct, kind=CASE, territory="territory",
                          practice="practice", persons=["person"])
