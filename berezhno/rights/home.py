"""The home-page block of requests overdue or due soon (heads and specialists)."""

from berezhno.core import access

from . import roles, selectors


def due_panel(request) -> dict | None:
    if not access.can(request.user, roles.RIGHTS, access.VIEW):
        return None
    rows = selectors.due_soon(request.user)
    return {"requests": rows} if rows else None
