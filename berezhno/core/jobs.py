"""Long jobs a user starts from a page, run by the worker, followed on ``/jobs/<key>/``
(decision 0030).

The page's side: ``start(user=, kind=, label=, params=, task=)`` creates the
``JobProgress`` row and enqueues the task (with the job's key as its only argument) once
the row is committed. The worker's side: the task calls ``run(key, work)``; ``work`` gets a
``Progress`` and reports through it:

    def work(progress):
        progress.begin(total=len(rows))
        for row in rows:
            ...
            progress.advance()          # written every ``every`` rows, not every row
        progress.finish(name="cases.xlsx", content_type="...", body=data)

``Progress`` writes ``done``/``total`` with an ``UPDATE`` of its own, outside any
transaction of the job (the page must see it while the job runs), at most once per
``BEREZHNO_JOB_PROGRESS_EVERY`` rows. ``finish`` stores the result through the default
storage (``core.files``: a file written in a transaction that rolls back is deleted), in the
caller's transaction if there is one. A ``JobError`` fails the job with its (Russian)
message; any other exception fails it with a general message and is raised again for the
worker to record. The job's ``params`` are cleared when it ends (an export's filters may
hold a name or a СНИЛС). The owner downloads the result until ``expires_at``; the daily
``core.clean_jobs`` deletes the expired ones with their files.
"""

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from . import context
from .models import JobProgress, JobState

logger = logging.getLogger(__name__)

GENERAL_FAILURE = gettext_lazy(
    "Задание не выполнено из-за внутренней ошибки. Попробуйте ещё раз; если ошибка "
    "повторится, сообщите администратору.")
INTERRUPTED = gettext_lazy("Задание прервано и не завершилось. Запустите его ещё раз.")


class JobError(Exception):
    """A job cannot be done for a reason the user can act on: the message (Russian) is
    shown on the job's page."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def progress_every() -> int:
    return max(1, int(getattr(settings, "BEREZHNO_JOB_PROGRESS_EVERY", 200)))


def keep_for() -> datetime.timedelta:
    return datetime.timedelta(hours=int(getattr(settings, "BEREZHNO_JOB_RESULT_HOURS", 24)))


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(hours=int(getattr(settings, "BEREZHNO_JOB_STALE_HOURS", 6)))


def per_user() -> int:
    return int(getattr(settings, "BEREZHNO_JOBS_PER_USER", 3))


def unfinished(user):
    return JobProgress.objects.filter(user=user, state__in=(JobState.QUEUED, JobState.RUNNING))


def recent(user, limit: int = 20):
    """The user's jobs whose results are still kept, the newest first."""
    return JobProgress.objects.filter(user=user, expires_at__gt=timezone.now())[:limit]


def start(*, user, kind: str, label: str, params: dict, task) -> JobProgress:
    """Create the job and enqueue ``task(key)`` when the row is committed. The request's
    id and address go with the params, so the job's audit rows name the request."""
    ctx = context.current()
    job = JobProgress.objects.create(
        user=user, kind=kind, label=str(label)[:300],
        params={**params, "request_id": ctx.request_id, "ip": ctx.ip},
        expires_at=timezone.now() + keep_for())

    def enqueue():
        result = task.enqueue(str(job.key))
        JobProgress.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)
    return job


class Progress:
    """The worker's handle on one job: ``begin``, ``advance`` (throttled), ``finish``."""

    def __init__(self, job: JobProgress, every: int | None = None):
        self.job = job
        self.every = every or progress_every()
        self._written = job.done

    def _update(self, **fields) -> None:
        for name, value in fields.items():
            setattr(self.job, name, value)
        JobProgress.objects.filter(pk=self.job.pk).update(**fields)

    def begin(self, total: int | None = None) -> None:
        self._update(total=total, done=0)
        self._written = 0

    def advance(self, n: int = 1) -> None:
        self.job.done += n
        if self.job.done - self._written >= self.every or self.job.done == self.job.total:
            self.flush()

    def flush(self) -> None:
        if self.job.done != self._written:
            self._update(done=self.job.done)
            self._written = self.job.done

    def finish(self, *, name: str, content_type: str, body: bytes) -> None:
        """Store the result and mark the job done (in the caller's transaction, if any:
        a rollback deletes the file too)."""
        self.job.result.save(name, ContentFile(body), save=False)
        now = timezone.now()
        self._update(state=JobState.DONE, done=self.job.total or self.job.done,
                     result=self.job.result.name, result_name=name[:200],
                     result_type=content_type[:100], finished_at=now, params={},
                     expires_at=now + keep_for())


def _fail(job: JobProgress, message) -> None:
    JobProgress.objects.filter(pk=job.pk).update(
        state=JobState.FAILED, error=str(message)[:500], finished_at=timezone.now(),
        params={})


def run(key: str, work: Callable[[Progress], None]) -> str:
    """Run ``work`` for the job ``key`` (from its task); the job's final state."""
    job = JobProgress.objects.select_related("user").filter(key=key).first()
    if job is None:
        return "missing"
    if job.state != JobState.QUEUED:
        return job.state  # run already (a task runs at most once; this is belt and braces)
    claimed = JobProgress.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now())
    if not claimed:
        return "taken"
    job.state = JobState.RUNNING
    params = job.params or {}
    token = context.set_context(context.RequestContext(
        request_id=str(params.get("request_id") or context.new_request_id())[:32],
        ip=str(params.get("ip") or ""), source="job"))
    try:
        work(Progress(job))
    except JobError as exc:
        _fail(job, exc.message)
        return JobState.FAILED
    except Exception:
        logger.exception("job.failed", extra={"job_kind": job.kind})
        _fail(job, GENERAL_FAILURE)
        raise
    finally:
        context.reset_context(token)
    job.refresh_from_db(fields=["state"])
    if job.state != JobState.DONE:  # the work returned without a result
        _fail(job, GENERAL_FAILURE)
        return JobState.FAILED
    return JobState.DONE


def clean(now: datetime.datetime | None = None) -> dict:
    """Delete the expired jobs and their files; fail the jobs left queued or running for
    longer than ``BEREZHNO_JOB_STALE_HOURS`` (a worker stopped in the middle)."""
    now = now or timezone.now()
    stale = JobProgress.objects.filter(
        state__in=(JobState.QUEUED, JobState.RUNNING),
        created_at__lt=now - stale_after()).update(
        state=JobState.FAILED, error=str(INTERRUPTED), finished_at=now, params={})
    deleted = 0
    for job in JobProgress.objects.filter(expires_at__lte=now).iterator():
        if job.result:
            job.result.delete(save=False)
        job.delete()
        deleted += 1
    return {"deleted": deleted, "interrupted": stale}
