"""Long jobs (decision 0030): a large register export runs as a job, its page shows the
progress to its owner only, the file holds what the inline export holds and is logged."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from berezhno.core import jobs, schedule
from berezhno.core.models import AccessKind, AccessLog, JobProgress, JobState
from berezhno.testing.matrix import HEAD, IN, OUT, discover_scene_extensions

pytestmark = pytest.mark.django_db

REGISTERS = ["persons", "households", "contacts", "cases", "referrals", "sop",
             "share_requests", "rights_requests"]


def _url(code, fmt="csv"):
    return reverse("core:export", args=[code, fmt])


def _csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def _background(client, capture, code, fmt="csv", data=None):
    """POST the export with every export going to the background; the job it started."""
    before = set(JobProgress.objects.values_list("pk", flat=True))
    with capture(execute=True):
        response = client.post(_url(code, fmt), data or {})
    assert response.status_code == 302, response.content[:300]
    job = JobProgress.objects.exclude(pk__in=before).get()
    assert response["Location"] == reverse("core:job", args=[job.key])
    return job


def _file(client, job) -> bytes:
    response = client.get(reverse("core:job_download", args=[job.key]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def full_scene(scene):
    """The scene with the records of every app's matrix (cases, referrals, СОП, rights)."""
    for extend in discover_scene_extensions():
        scene = extend(scene)
    return scene


@pytest.mark.parametrize("code", REGISTERS)
def test_the_background_file_holds_what_the_inline_export_holds(
        client, full_scene, settings, django_capture_on_commit_callbacks, code):
    client.force_login(full_scene.users[HEAD])
    inline = client.post(_url(code), {})
    assert inline.status_code == 200
    assert len(_csv(inline.content)) > 1, "a register with no rows proves nothing"
    settings.BEREZHNO_EXPORT_INLINE_ROWS = 0
    job = _background(client, django_capture_on_commit_callbacks, code)
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    expected = _csv(inline.content)
    assert job.total == len(expected) - 1 and job.done == job.total
    assert _csv(_file(client, job)) == expected
    assert job.params == {}  # the filters do not outlive the job


def test_the_filters_and_the_scope_go_with_the_job(
        client, scene, settings, django_capture_on_commit_callbacks):
    settings.BEREZHNO_EXPORT_INLINE_ROWS = 0
    client.force_login(scene.users[OUT])
    job = _background(client, django_capture_on_commit_callbacks, "persons", "xlsx")
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.total >= 1
    sheet = load_workbook(io.BytesIO(_file(client, job))).active
    surnames = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "Кузнецов" in surnames and "Семёнова" not in surnames  # p1 is not OUT's
    client.force_login(scene.users[HEAD])
    JobProgress.objects.all().delete()
    job = _background(client, django_capture_on_commit_callbacks, "persons", "csv",
                      {"q": "Семёнова"})
    assert {r[0] for r in _csv(_file(client, job))[1:]} == {"Семёнова"}


def test_small_exports_stay_inline_and_large_ones_become_jobs(
        client, scene, settings, django_capture_on_commit_callbacks):
    client.force_login(scene.users[HEAD])
    count = len(_csv(client.post(_url("persons"), {}).content)) - 1
    assert count >= 2
    settings.BEREZHNO_EXPORT_INLINE_ROWS = count
    assert client.post(_url("persons"), {}).status_code == 200
    assert not JobProgress.objects.exists()
    settings.BEREZHNO_EXPORT_INLINE_ROWS = count - 1
    job = _background(client, django_capture_on_commit_callbacks, "persons")
    job.refresh_from_db()
    assert job.total == count and job.user == scene.users[HEAD]
    assert job.label == "Выгрузка «Граждане», CSV"


def test_the_export_is_logged_for_every_person_by_the_asker_when_built(
        client, scene, settings, django_capture_on_commit_callbacks):
    settings.BEREZHNO_EXPORT_INLINE_ROWS = 0
    head = scene.users[HEAD]
    client.force_login(head)
    job = _background(client, django_capture_on_commit_callbacks, "persons")
    rows = AccessLog.objects.filter(kind=AccessKind.EXPORT, detail__contains=job.key.hex)
    exported = set(rows.values_list("person_id", flat=True))
    surnames = {r[0] for r in _csv(_file(client, job))[1:]}
    from berezhno.people.models import Person
    assert exported == set(Person.objects.filter(surname__in=surnames).filter(
        pk__in=exported).values_list("pk", flat=True))
    assert scene.pk("p1") in exported and len(exported) == job.total
    assert set(rows.values_list("user_id", flat=True)) == {head.pk}
    assert all(r.request_id for r in rows)  # the request that asked for it
    downloads = AccessLog.objects.filter(kind=AccessKind.EXPORT, object_repr=f"job:{job.key.hex}")
    assert downloads.count() == 1 and downloads.get().user_id == head.pk  # _file above


def test_the_job_is_its_owners_only(client, scene, settings, django_capture_on_commit_callbacks):
    settings.BEREZHNO_EXPORT_INLINE_ROWS = 0
    client.force_login(scene.users[HEAD])
    job = _background(client, django_capture_on_commit_callbacks, "persons")
    before = AccessLog.objects.count()
    for actor in (IN, OUT):
        client.force_login(scene.users[actor])
        assert client.get(reverse("core:job", args=[job.key])).status_code == 404
        assert client.get(reverse("core:job", args=[job.key]),
                          {"format": "json"}).status_code == 404
        assert client.get(reverse("core:job_download", args=[job.key])).status_code == 404
        assert job.label not in client.get(reverse("core:jobs")).content.decode()
    assert AccessLog.objects.count() == before
    client.logout()
    response = client.get(reverse("core:job", args=[job.key]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_page_and_its_json(client, scene, settings, django_capture_on_commit_callbacks):
    settings.BEREZHNO_EXPORT_INLINE_ROWS = 0
    client.force_login(scene.users[HEAD])
    job = _background(client, django_capture_on_commit_callbacks, "persons")
    job.refresh_from_db()
    page = client.get(reverse("core:job", args=[job.key])).content.decode()
    assert f"Обработано {job.total} из {job.total}" in page
    assert f'<progress id="job-progress" max="{job.total}" value="{job.total}"' in page
    assert reverse("core:job_download", args=[job.key]) in page
    assert "hx-trigger" not in page and "refresh" not in page  # finished: no polling
    for kwargs in ({"data": {"format": "json"}}, {"headers": {"Accept": "application/json"}}):
        answer = client.get(reverse("core:job", args=[job.key]), **kwargs)
        assert answer["Content-Type"] == "application/json"
        data = answer.json()
        assert data["state"] == "done" and data["done"] == data["total"] == job.total
        assert data["percent"] == 100 and data["finished"] is True
        assert data["download"] == reverse("core:job_download", args=[job.key])
    listing = client.get(reverse("core:jobs")).content.decode()
    assert job.label in listing and job.result_name in listing


def test_a_running_job_polls_and_refreshes_itself(client, scene):
    head = scene.users[HEAD]
    job = JobProgress.objects.create(user=head, kind="export", label="Выгрузка «Случаи», XLSX",
                                     state=JobState.RUNNING, done=400, total=1000,
                                     expires_at=timezone.now() + datetime.timedelta(hours=1))
    client.force_login(head)
    page = client.get(reverse("core:job", args=[job.key])).content.decode()
    assert "Обработано 400 из 1000" in page
    assert '<progress id="job-progress" max="1000" value="400"' in page
    assert 'hx-trigger="every 2s"' in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert reverse("core:job_download", args=[job.key]) not in page
    part = client.get(reverse("core:job", args=[job.key]), headers={"HX-Request": "true"})
    assert part.content.decode().startswith('<div id="job"')  # the fragment htmx swaps
    data = client.get(reverse("core:job", args=[job.key]), {"format": "json"}).json()
    assert (data["state"], data["done"], data["total"], data["percent"]) == (
        "running", 400, 1000, 40)
    assert data["download"] is None
    assert client.get(reverse("core:job_download", args=[job.key])).status_code == 404


def test_progress_is_written_every_n_rows(scene):
    job = JobProgress.objects.create(user=scene.users[HEAD], kind="test", label="т",
                                     expires_at=timezone.now() + datetime.timedelta(hours=1))
    progress = jobs.Progress(job, every=3)
    progress.begin(total=7)

    def stored():
        return JobProgress.objects.values_list("done", "total").get(pk=job.pk)

    seen = []
    for _ in range(7):
        progress.advance()
        seen.append(stored()[0])
    assert seen == [0, 0, 3, 3, 3, 6, 7]  # every third row, and the last
    assert stored() == (7, 7)


def test_a_failure_is_a_russian_message(client, scene, settings,
                                        django_capture_on_commit_callbacks):
    settings.BEREZHNO_EXPORT_INLINE_ROWS = 0
    settings.BEREZHNO_EXPORT_MAX_ROWS = 1
    client.force_login(scene.users[HEAD])
    job = _background(client, django_capture_on_commit_callbacks, "persons")
    job.refresh_from_db()
    assert job.state == JobState.FAILED and not job.result and job.params == {}
    assert job.error == "В выгрузку попало бы больше 1 записей: сузьте условия отбора."
    assert not AccessLog.objects.filter(kind=AccessKind.EXPORT).exists()
    page = client.get(reverse("core:job", args=[job.key])).content.decode()
    assert job.error in page and "не выполнено" in page
    data = client.get(reverse("core:job", args=[job.key]), {"format": "json"}).json()
    assert data["state"] == "failed" and data["error"] == job.error
    assert data["download"] is None


def test_a_lost_right_fails_the_job(client, scene, settings, django_capture_on_commit_callbacks):
    """The right is checked again in the worker: a job queued before the right was taken
    away builds nothing."""
    settings.BEREZHNO_EXPORT_INLINE_ROWS = 0
    spec = scene.users[IN]
    client.force_login(spec)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(_url("persons"), {})
    job = JobProgress.objects.get()
    assert job.state == JobState.QUEUED and job.params["filters"] == {}
    spec.role_assignments.all().delete()
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "У вас больше нет права выгружать этот реестр."
    assert not AccessLog.objects.filter(kind=AccessKind.EXPORT).exists()


def test_bad_filters_still_refuse_at_once(client, scene, settings):
    settings.BEREZHNO_EXPORT_INLINE_ROWS = 0
    client.force_login(scene.users[HEAD])
    assert client.post(_url("persons"), {"territory": "999999"}).status_code == 302
    assert not JobProgress.objects.exists()


def test_a_user_runs_a_few_jobs_at_a_time(client, scene, settings):
    settings.BEREZHNO_EXPORT_INLINE_ROWS = 0
    settings.BEREZHNO_JOBS_PER_USER = 1
    client.force_login(scene.users[HEAD])
    client.post(_url("persons"), {})  # queued: its task waits for the commit
    response = client.post(_url("persons", "xlsx"), {}, follow=True)
    assert JobProgress.objects.count() == 1
    assert "Дождитесь окончания начатых выгрузок" in response.content.decode()


def test_expired_and_stale_jobs_are_cleaned(client, scene, settings,
                                            django_capture_on_commit_callbacks):
    settings.BEREZHNO_EXPORT_INLINE_ROWS = 0
    client.force_login(scene.users[HEAD])
    job = _background(client, django_capture_on_commit_callbacks, "persons")
    job.refresh_from_db()
    storage, name = job.result.storage, job.result.name
    assert storage.exists(name)
    stale = JobProgress.objects.create(user=scene.users[HEAD], kind="export", label="x",
                                       expires_at=timezone.now() + datetime.timedelta(days=1))
    JobProgress.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=7))
    assert jobs.clean(timezone.now()) == {"deleted": 0, "interrupted": 1}
    stale.refresh_from_db()
    assert stale.state == JobState.FAILED and stale.error.startswith("Задание прервано")
    later = job.expires_at + datetime.timedelta(seconds=1)
    assert jobs.clean(later)["deleted"] == 2
    assert not JobProgress.objects.exists() and not storage.exists(name)


def test_the_cleaning_is_a_daily_job():
    job = {j.code: j for j in schedule.jobs()}["core.clean_jobs"]
    assert job.daily_at == "03:00" and job.task == "berezhno.core.tasks.clean_jobs"
