"""Background jobs of the core (Django tasks, the database worker; decisions 0026, 0030)."""

from django.tasks import task


@task()
def run_export(key: str) -> str:
    """Build a register export started from a list page (``core.exports``) and report its
    progress on the job's page."""
    from . import exports, jobs

    return jobs.run(key, exports.build)


@task()
def clean_jobs() -> dict:
    """Delete the expired results of the users' jobs (daily, by the scheduler)."""
    from . import jobs

    return jobs.clean()
