"""The registry's blocks of the home page: the person search and the contacts due."""

from django.utils import timezone

from berezhno.core.access import can

from . import roles
from .selectors import due_contacts


def search_panel(request) -> dict | None:
    return {} if can(request.user, roles.PERSON, roles.VIEW_MINIMAL) else None


def due_panel(request) -> dict | None:
    if not can(request.user, roles.CONTACT, roles.VIEW):
        return None
    due = due_contacts(request.user)
    return {"due": due, "today": timezone.localdate()} if due else None
