"""Jobs run by the calendar (decision 0026): the daily reminders, the outbox's drain.

An app registers a job from its ``ready()``:

    schedule.register(schedule.Job("cases.remind_overdue",
                                   "berezhno.cases.tasks.remind_overdue", daily_at="07:00"))

``run_due`` (called every ``--interval`` seconds by ``manage.py run_scheduler``) computes
each job's current period — a date in ``TIME_ZONE`` for a daily job once its time has
come, the number of the ``every``-second slot otherwise — and, in one transaction, inserts
the ``PeriodicRun`` row (job, period) and enqueues the task (``django.tasks``, the database
worker). The row is unique: another scheduler, on this machine or on another node, fails
to insert it and skips the job, so a job runs once per period however many schedulers and
workers there are. A scheduler that was down catches up with the current period only (a
missed day is not replayed twice; the jobs themselves are idempotent).
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .access import RegistryError

KEEP = datetime.timedelta(days=14)


@dataclass(frozen=True)
class Job:
    code: str
    task: str  # the dotted path of a django.tasks task
    every: int | None = None  # seconds
    daily_at: str | None = None  # "HH:MM", local time (TIME_ZONE)

    def period(self, now: datetime.datetime) -> str | None:
        """The period ``now`` falls in, None when the job is not due yet today."""
        if self.daily_at is not None:
            local = timezone.localtime(now)
            hours, minutes = (int(p) for p in self.daily_at.split(":"))
            if (local.hour, local.minute) < (hours, minutes):
                return None
            return local.date().isoformat()
        assert self.every
        return f"{self.every}s:{int(now.timestamp()) // self.every}"


_jobs: dict[str, Job] = {}


def register(job: Job) -> None:
    if (job.every is None) == (job.daily_at is None):
        raise RegistryError(f"job {job.code}: give either every or daily_at")
    known = _jobs.get(job.code)
    if known is not None and known != job:
        raise RegistryError(f"job {job.code} registered twice")
    _jobs[job.code] = job


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.code)


def run_due(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every job due now and not yet claimed for its period; returns their codes."""
    from .models import PeriodicRun

    now = now or timezone.now()
    started = []
    for job in jobs():
        period = job.period(now)
        if period is None:
            continue
        if PeriodicRun.objects.filter(job=job.code, period=period).exists():
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job.code, period=period)
                result = import_string(job.task).enqueue()
                run.task_id = str(result.id)[:64]
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # claimed by another scheduler meanwhile
        started.append(job.code)
    PeriodicRun.objects.filter(claimed_at__lt=now - KEEP).delete()
    return started
