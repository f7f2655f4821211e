"""The scheduler (decision 0026): a job runs once per period whichever scheduler claims it;
a daily job waits for its time; the registered jobs of the apps are there."""

import datetime
import zoneinfo

import pytest
from django.tasks import task

from berezhno.core import schedule
from berezhno.core.access import RegistryError
from berezhno.core.models import PeriodicRun

RUNS: list[str] = []
MSK = zoneinfo.ZoneInfo("Europe/Moscow")


@task()
def note_run() -> None:
    RUNS.append("run")


@pytest.fixture
def jobs():
    RUNS.clear()
    saved = dict(schedule._jobs)
    schedule._jobs.clear()
    yield
    schedule._jobs.clear()
    schedule._jobs.update(saved)


TASK = "berezhno.core.tests.test_schedule.note_run"


@pytest.mark.django_db
def test_once_per_period(jobs):
    schedule.register(schedule.Job("test.every_minute", TASK, every=60))
    now = datetime.datetime(2026, 12, 2, 10, 0, 5, tzinfo=MSK)
    assert schedule.run_due(now) == ["test.every_minute"]
    assert schedule.run_due(now + datetime.timedelta(seconds=30)) == []  # same minute
    assert RUNS == ["run"]
    assert schedule.run_due(now + datetime.timedelta(seconds=60)) == ["test.every_minute"]
    assert RUNS == ["run", "run"]
    assert PeriodicRun.objects.filter(job="test.every_minute").count() == 2
    assert all(r.task_id for r in PeriodicRun.objects.all())


@pytest.mark.django_db
def test_a_period_claimed_by_another_scheduler_is_skipped(jobs):
    schedule.register(schedule.Job("test.daily", TASK, daily_at="07:00"))
    now = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=MSK)
    # Another node claimed today's run (its row committed first).
    PeriodicRun.objects.create(job="test.daily", period="2026-12-02")
    assert schedule.run_due(now) == []
    assert RUNS == []


@pytest.mark.django_db
def test_daily_job_waits_for_its_time_in_the_local_zone(jobs):
    schedule.register(schedule.Job("test.daily", TASK, daily_at="07:00"))
    early = datetime.datetime(2026, 12, 2, 6, 59, tzinfo=MSK)
    assert schedule.run_due(early) == []
    assert schedule.run_due(early + datetime.timedelta(minutes=1)) == ["test.daily"]
    assert schedule.run_due(early + datetime.timedelta(hours=12)) == []
    next_day = early + datetime.timedelta(days=1, minutes=1)
    assert schedule.run_due(next_day) == ["test.daily"]
    assert RUNS == ["run", "run"]


@pytest.mark.django_db
def test_old_runs_are_pruned(jobs):
    schedule.register(schedule.Job("test.every_minute", TASK, every=60))
    old = PeriodicRun.objects.create(job="test.every_minute", period="60s:1")
    PeriodicRun.objects.filter(pk=old.pk).update(
        claimed_at=datetime.datetime(2026, 1, 1, tzinfo=MSK))
    schedule.run_due(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=MSK))
    assert not PeriodicRun.objects.filter(pk=old.pk).exists()


def test_registration_rules(jobs):
    with pytest.raises(RegistryError):
        schedule.register(schedule.Job("test.bad", TASK))
    schedule.register(schedule.Job("test.ok", TASK, every=60))
    schedule.register(schedule.Job("test.ok", TASK, every=60))  # the same again: fine
    with pytest.raises(RegistryError):
        schedule.register(schedule.Job("test.ok", TASK, every=120))


def test_the_apps_register_their_jobs():
    codes = {job.code for job in schedule.jobs()}
    assert {"cases.remind_overdue", "rights.remind_due", "notifications.send_due",
            "notifications.poll_sent"} <= codes


@pytest.mark.django_db
def test_run_scheduler_once(jobs, capsys):
    from django.core.management import call_command

    schedule.register(schedule.Job("test.every_minute", TASK, every=60))
    call_command("run_scheduler", "--once")
    assert "enqueued test.every_minute" in capsys.readouterr().out
    assert RUNS == ["run"]


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_run_the_job_once(jobs):
    """Two schedulers (threads, each with its own database connection) tick at the same
    moment: both see the period unclaimed, one insert wins, the job runs once."""
    import threading

    from django.db import connection

    schedule.register(schedule.Job("test.every_minute", TASK, every=60))
    now = datetime.datetime(2026, 12, 2, 10, 0, 5, tzinfo=MSK)
    barrier = threading.Barrier(2)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def tick():
        try:
            barrier.wait(timeout=10)
            results.append(schedule.run_due(now))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(results) == [[], ["test.every_minute"]]
    assert RUNS == ["run"]
    assert PeriodicRun.objects.filter(job="test.every_minute").count() == 1
