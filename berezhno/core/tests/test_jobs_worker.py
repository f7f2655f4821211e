"""A large export through the real database worker (``manage.py db_worker``): the POST
queues the task and answers at once; the worker builds the file and reports the progress."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from berezhno.core.models import AccessKind, AccessLog, JobProgress, JobState
from berezhno.testing.matrix import HEAD, build_scene

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _work():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0")


@override_settings(TASKS=DATABASE_TASKS, BEREZHNO_EXPORT_INLINE_ROWS=1,
                   BEREZHNO_JOB_PROGRESS_EVERY=1)
def test_the_worker_builds_the_export_and_reports_progress(client, world):
    scene = build_scene(world)
    head = scene.users[HEAD]
    client.force_login(head)
    response = client.post(reverse("core:export", args=["persons", "xlsx"]), {})
    assert response.status_code == 302
    job = JobProgress.objects.get()
    task = DBTaskResult.objects.get()
    assert task.task_path == "berezhno.core.tasks.run_export"
    assert task.args_kwargs == {"args": [str(job.key)], "kwargs": {}}  # no filters in it
    assert job.task_id == str(task.id)
    page = client.get(reverse("core:job", args=[job.key]), {"format": "json"}).json()
    assert (page["state"], page["done"], page["total"]) == ("queued", 0, None)
    assert "hx-trigger" in client.get(reverse("core:job", args=[job.key])).content.decode()
    assert not AccessLog.objects.filter(kind=AccessKind.EXPORT).exists()

    _work()

    job.refresh_from_db()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value == "done"
    assert job.state == JobState.DONE and job.total >= 2 and job.done == job.total
    assert job.started_at and job.finished_at and job.params == {}
    exported = AccessLog.objects.filter(kind=AccessKind.EXPORT, detail__contains=job.key.hex)
    assert exported.count() >= job.total
    assert set(exported.values_list("user_id", flat=True)) == {head.pk}
    data = client.get(reverse("core:job", args=[job.key]), {"format": "json"}).json()
    assert data["percent"] == 100 and data["download"]
    download = client.get(data["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")  # an XLSX (zip)


@override_settings(TASKS=DATABASE_TASKS, BEREZHNO_EXPORT_INLINE_ROWS=1,
                   BEREZHNO_EXPORT_MAX_ROWS=2)
def test_a_failed_job_in_the_worker_leaves_a_russian_message(client, world):
    scene = build_scene(world)
    client.force_login(scene.users[HEAD])
    client.post(reverse("core:export", args=["persons", "csv"]), {})
    _work()
    job = JobProgress.objects.get()
    assert job.state == JobState.FAILED
    assert job.error == "В выгрузку попало бы больше 2 записей: сузьте условия отбора."
    assert not job.result
    assert DBTaskResult.objects.get().return_value == "failed"
