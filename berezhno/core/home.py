"""The base's blocks of the home page: the user's reminders and roles."""

from .access import user_grants
from .models import Reminder


def reminders_panel(request) -> dict | None:
    reminders = list(Reminder.objects.filter(user=request.user, closed_at__isnull=True)
                     .order_by("due_on", "id")[:50])
    return {"reminders": reminders} if reminders else None


def roles_panel(request) -> dict:
    return {"grants": user_grants(request.user)}
