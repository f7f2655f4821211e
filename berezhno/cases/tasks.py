"""Background jobs of the cases app (Django tasks, database worker)."""

from django.tasks import task

from .reminders import sync_case_reminders


@task()
def remind_overdue() -> list[int]:
    """Open reminders for overdue case deadlines and close resolved ones; the open ones go
    out by e-mail (daily, by the scheduler: decision 0026)."""
    opened, closed = sync_case_reminders()
    return [opened, closed]
