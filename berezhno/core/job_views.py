"""The pages of the users' long jobs (decision 0030): ``/jobs/`` (the user's recent ones),
``/jobs/<key>/`` (the progress bar; JSON for ``Accept: application/json`` or
``?format=json``) and ``/jobs/<key>/file`` (the result). A job is its owner's only:
anyone else gets 404, as for a job that does not exist."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import audit, jobs
from .models import AccessKind, JobProgress, JobState

POLL_SECONDS = 2  # htmx asks this often while the job runs
REFRESH_SECONDS = 5  # without JavaScript, the page reloads itself this often


def _own(request, key) -> JobProgress:
    return get_object_or_404(JobProgress, key=key, user=request.user)


def _downloadable(job: JobProgress) -> bool:
    return job.state == JobState.DONE and bool(job.result) and job.expires_at > timezone.now()


def _wants_json(request) -> bool:
    if request.GET.get("format") == "json":
        return True
    return request.accepts("application/json") and not request.accepts("text/html")


def as_json(job: JobProgress) -> dict:
    return {
        "key": str(job.key), "label": job.label, "state": job.state,
        "state_label": job.get_state_display(), "done": job.done, "total": job.total,
        "percent": job.percent, "finished": job.finished,
        "error": job.error if job.state == JobState.FAILED else "",
        "download": reverse("core:job_download", args=[job.key])
        if _downloadable(job) else None,
    }


@login_required
@require_GET
def job(request, key):
    job = _own(request, key)
    if _wants_json(request):
        response = JsonResponse(as_json(job))
        response["Cache-Control"] = "no-store"
        return response
    template = "core/_job.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {
        "job": job, "downloadable": _downloadable(job), "poll": POLL_SECONDS,
        "refresh": REFRESH_SECONDS})


@login_required
@require_GET
def job_list(request):
    return render(request, "core/jobs.html", {
        "jobs": [(j, _downloadable(j)) for j in jobs.recent(request.user)],
        "hours": int(jobs.keep_for().total_seconds() // 3600)})


@login_required
@require_GET
def job_download(request, key):
    """The result, for its owner while it is kept; each download is logged (the persons
    in it were logged when the file was built, with the job's key in the detail)."""
    job = _own(request, key)
    if not _downloadable(job):
        raise Http404
    try:
        stream = job.result.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit.log_access(user=request.user, kind=AccessKind.EXPORT, obj_repr=f"job:{job.key.hex}",
                     detail=_("скачан файл %(name)s") % {"name": job.result_name})
    response = FileResponse(stream, content_type=job.result_type or "application/octet-stream",
                            as_attachment=True, filename=job.result_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
