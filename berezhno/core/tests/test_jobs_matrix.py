"""The pages of the users' long jobs against every kind of user: a job is its owner's
only (the head's here); anyone else gets 404, as for a job that does not exist."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from berezhno.core.models import JobProgress, JobState
from berezhno.testing.matrix import HEAD, SIGNED_IN, Case, assert_case, outcomes


def extend_scene(scene):
    """A finished export and a running one of the head (also measured at phone width,
    ``testing.matrix.discover_scene_extensions``)."""
    head = scene.users[HEAD]
    until = timezone.now() + datetime.timedelta(hours=12)
    done = JobProgress(user=head, kind="export", label="Выгрузка «Граждане», CSV",
                       state=JobState.DONE, done=3, total=3, result_name="persons-2026.csv",
                       result_type="text/csv; charset=utf-8", expires_at=until,
                       finished_at=timezone.now())
    done.result.save("persons.csv", ContentFile("\ufeffФамилия\r\n".encode()), save=False)
    done.save()
    running = JobProgress.objects.create(
        user=head, kind="export", label="Выгрузка «Случаи», XLSX с очень длинным названием "
        "реестра, чтобы проверить перенос строки на телефоне", state=JobState.RUNNING,
        done=1200, total=4800, expires_at=until)
    scene.objects.update({"job_done": done, "job_running": running})
    return scene


@pytest.fixture
def jobs_scene(scene):
    return extend_scene(scene)


def _key(name):
    return lambda s: s.objects[name].key


JOBS_CASES = [
    Case("core:jobs", outcomes(SIGNED_IN, 200)),
    Case("core:job", outcomes({HEAD}, 200), args=(_key("job_done"),)),
    Case("core:job", outcomes({HEAD}, 200), args=(_key("job_running"),), label="running"),
    Case("core:job", outcomes({HEAD}, 200), args=(_key("job_done"),),
         query={"format": "json"}, label="json"),
    Case("core:job_download", outcomes({HEAD}, 200), args=(_key("job_done"),)),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", JOBS_CASES, ids=[c.id for c in JOBS_CASES])
def test_jobs_matrix(jobs_scene, case):
    assert_case(case, jobs_scene)
