"""Background jobs of the outbox (Django tasks, the database worker; decision 0026)."""

from django.tasks import task

from . import services


@task()
def send_due() -> dict:
    """Send every due message of the outbox (enqueued after each queueing and every
    minute by the scheduler)."""
    return services.send_due()


@task()
def poll_sent() -> int:
    """Ask the gateways about sent messages not yet reported (every ten minutes)."""
    return services.poll_sent()
