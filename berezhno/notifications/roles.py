"""The outbox's record kind, the roles' rights on it and its scope.

Messages to a person are read where the person lives (``person__territory``): district
specialists and heads see, retry and cancel them, dispatchers see them. Messages to a staff
user (reminders by e-mail) carry no person: their recipient sees them (a grant).
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.access import ADD, CHANGE, VIEW  # noqa: F401

from .models import Message

NOTIFICATION = "notification"


def _own_messages(user, action: str) -> Q | None:
    return Q(recipient_user=user) if action == VIEW else None


def register() -> None:
    access.register_kind(NOTIFICATION, _("сообщения гражданам и сотрудникам"), personal=True)
    access.grant("head", notification="view add change")
    access.grant("district_specialist", notification="view add change")
    for code in ("dispatcher", "specialist", "patrol_hq", "coordinator"):
        access.grant(code, notification="view")
    access.register_scope(Message, kind=NOTIFICATION, territory="person__territory",
                          persons=["person"], grants=[_own_messages])
