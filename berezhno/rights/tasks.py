"""Background jobs of the rights register (Django tasks, the database worker)."""

from django.tasks import task

from .reminders import sync


@task()
def remind_due() -> list[int]:
    """Open reminders for requests and incident notices due, close resolved ones; the open
    ones go out by e-mail (daily, by the scheduler: decision 0026)."""
    opened, closed = sync()
    return [opened, closed]
