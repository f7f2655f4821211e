"""The production calendar: deadlines in working days against the seeded 2025–2026 decrees,
the administrator's edits, and dates in the territories' time zones (decision 0005).

The property test compares ``workdays`` with a second opinion written here from the decrees'
list of days, not with the table itself.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from berezhno.core import workdays
from berezhno.core.admin import CalendarDayForm
from berezhno.core.models import CalendarDay, CalendarDayKind, DomainEvent, ObjectChange
from berezhno.core.workdays import (
    add_working_days,
    is_working_day,
    local_date,
    local_today,
    working_days_between,
)
from berezhno.territories.models import Territory

D = datetime.date
DB = settings(max_examples=60, derandomize=True, database=None, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])

# The second opinion: art. 112 holidays and the days of the two decrees, typed again.
ART_112 = {(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8), (2, 23), (3, 8),
           (5, 1), (5, 9), (6, 12), (11, 4)}
DECREE_DAYS_OFF = {D(2025, 5, 2), D(2025, 5, 8), D(2025, 6, 13), D(2025, 11, 3),
                   D(2025, 12, 31), D(2026, 1, 9), D(2026, 3, 9), D(2026, 5, 11),
                   D(2026, 12, 31)}
DECREE_WORKING = {D(2025, 11, 1)}


def reference_is_working(day: datetime.date) -> bool:
    if day in DECREE_WORKING:
        return True
    if day in DECREE_DAYS_OFF:
        return False
    return day.isoweekday() <= 5 and (day.month, day.day) not in ART_112


# --------------------------------------------------------------------------- the base rule


def test_base_rule_without_the_table():
    assert workdays.is_base_working_day(D(2026, 3, 4))  # Wednesday
    assert not workdays.is_base_working_day(D(2026, 3, 7))  # Saturday
    assert not workdays.is_base_working_day(D(2026, 3, 8))  # Sunday, and a holiday
    for month, day in ART_112:
        assert not workdays.is_base_working_day(D(2027, month, day))
    # No automatic transfer: the Monday after a Sunday holiday is a day off only by decree.
    assert workdays.is_base_working_day(D(2026, 3, 9))


@pytest.mark.django_db
def test_seeded_rows_name_their_decree_and_change_something():
    rows = list(CalendarDay.objects.all())
    assert {r.date for r in rows if r.kind == CalendarDayKind.HOLIDAY} == DECREE_DAYS_OFF
    assert {r.date for r in rows if r.kind == CalendarDayKind.WORKING} == DECREE_WORKING
    for row in rows:
        decree = "№ 1335" if row.date.year == 2025 else "№ 1466"
        assert decree in row.note, row.note
        form = CalendarDayForm(data={"date": row.date.isoformat(), "kind": row.kind,
                                     "note": row.note}, instance=row)
        assert form.is_valid(), (row, form.errors)


@pytest.mark.django_db
@pytest.mark.parametrize(("year", "working"), [(2025, 247), (2026, 247)])
def test_working_days_of_the_year_match_the_published_totals(year, working):
    assert working_days_between(D(year - 1, 12, 31), D(year, 12, 31)) == working


@pytest.mark.django_db
def test_january_2026_has_fifteen_working_days():
    assert working_days_between(D(2025, 12, 31), D(2026, 1, 31)) == 15
    assert working_days_between(D(2025, 12, 31), D(2026, 1, 11)) == 0


# --------------------------------------------------------------------------- deadlines


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "n", "deadline"), [
    # Fri 26.12.2025: 29 and 30 December, then 31 December and 1–11 January off.
    (D(2025, 12, 26), 1, D(2025, 12, 29)),
    (D(2025, 12, 26), 2, D(2025, 12, 30)),
    (D(2025, 12, 26), 3, D(2026, 1, 12)),
    (D(2025, 12, 26), 5, D(2026, 1, 14)),
    (D(2025, 12, 26), 10, D(2026, 1, 21)),
    # An application on a holiday: the count starts after it.
    (D(2026, 1, 3), 5, D(2026, 1, 16)),
    # May 2026: 1–3 and 9–11 off (11 May by the decree).
    (D(2026, 4, 30), 5, D(2026, 5, 8)),
    (D(2026, 4, 30), 6, D(2026, 5, 12)),
    # The working Saturday of 2025 counts, the Monday after it does not.
    (D(2025, 10, 31), 1, D(2025, 11, 1)),
    (D(2025, 10, 31), 2, D(2025, 11, 5)),
    # 13 June 2025 is the Friday after the 12 June holiday.
    (D(2025, 6, 11), 1, D(2025, 6, 16)),
    # n = 0: the day itself when working, else the next working day.
    (D(2026, 1, 12), 0, D(2026, 1, 12)),
    (D(2026, 1, 1), 0, D(2026, 1, 12)),
    (D(2025, 11, 1), 0, D(2025, 11, 1)),
    # A year without rows: the base rule alone.
    (D(2027, 3, 5), 1, D(2027, 3, 9)),
])
def test_known_deadlines(start, n, deadline):
    assert add_working_days(start, n) == deadline


@pytest.mark.django_db
def test_working_saturday_and_transferred_monday():
    assert is_working_day(D(2025, 11, 1))
    assert not is_working_day(D(2025, 11, 3))
    assert not is_working_day(D(2025, 11, 8))  # an ordinary Saturday
    assert is_working_day(D(2025, 11, 5))


@pytest.mark.django_db
def test_working_days_between():
    assert working_days_between(D(2025, 12, 26), D(2026, 1, 14)) == 5
    assert working_days_between(D(2026, 1, 14), D(2026, 1, 14)) == 0
    assert working_days_between(D(2026, 1, 14), D(2025, 12, 26)) == 0
    assert working_days_between(D(2026, 1, 1), D(2026, 1, 11)) == 0
    # Overdue: a deadline of Wed 14.01.2026 looked at on Mon 19.01.2026.
    assert working_days_between(D(2026, 1, 14), D(2026, 1, 19)) == 3
    # The start is not counted, the end is.
    assert working_days_between(D(2026, 1, 12), D(2026, 1, 13)) == 1
    assert working_days_between(D(2025, 10, 31), D(2025, 11, 3)) == 1  # Saturday 1 November


@pytest.mark.django_db
def test_an_added_row_counts_at_once():
    start = D(2026, 6, 10)  # Wednesday; Friday 12 June is a holiday
    assert add_working_days(start, 1) == D(2026, 6, 11)
    row = CalendarDay.objects.create(date=D(2026, 6, 11), kind=CalendarDayKind.HOLIDAY,
                                     note="проверка")
    assert add_working_days(start, 1) == D(2026, 6, 15)
    assert working_days_between(start, D(2026, 6, 15)) == 1
    CalendarDay.objects.create(date=D(2026, 6, 13), kind=CalendarDayKind.WORKING)
    assert add_working_days(start, 1) == D(2026, 6, 13)
    row.delete()
    assert add_working_days(start, 1) == D(2026, 6, 11)


@pytest.mark.django_db
def test_one_query_per_call(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert add_working_days(D(2025, 12, 26), 40) == D(2026, 3, 5)
    with django_assert_num_queries(1):
        assert working_days_between(D(2024, 12, 31), D(2026, 12, 31)) == 494
    with django_assert_num_queries(1):
        assert not is_working_day(D(2026, 1, 9))
    with django_assert_num_queries(0):
        assert working_days_between(D(2026, 1, 9), D(2026, 1, 9)) == 0


@pytest.mark.django_db
def test_a_long_run_of_days_off_reads_further():
    """Beyond the range read ahead the calendar reads on: slower, still right."""
    first = D(2027, 2, 1)
    CalendarDay.objects.bulk_create(
        CalendarDay(date=first + datetime.timedelta(days=i), kind=CalendarDayKind.HOLIDAY)
        for i in range(120) if workdays.is_base_working_day(first + datetime.timedelta(days=i)))
    deadline = add_working_days(D(2027, 1, 29), 3)
    assert deadline == D(2027, 6, 3)  # 1 June is the 121st day: Tue 1, Wed 2, Thu 3
    assert working_days_between(D(2027, 1, 29), deadline) == 3


@pytest.mark.django_db
def test_wrong_arguments():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2026, 1, 12), -1)
    aware = timezone.now()
    with pytest.raises(TypeError):
        add_working_days(aware, 1)
    with pytest.raises(TypeError):
        is_working_day(aware)
    with pytest.raises(TypeError):
        working_days_between(D(2026, 1, 12), aware)


@pytest.mark.django_db
@DB
@given(start=st.dates(min_value=D(2024, 11, 1), max_value=D(2027, 2, 28)),
       n=st.integers(min_value=0, max_value=40))
def test_deadline_properties(start, n):
    deadline = add_working_days(start, n)
    assert is_working_day(deadline) and reference_is_working(deadline)
    if n >= 1:
        assert deadline > start
        assert working_days_between(start, deadline) == n
        # The n-th working day, not a later one: the day before holds only n - 1.
        assert working_days_between(start, deadline - datetime.timedelta(days=1)) == n - 1
    else:
        assert all(not reference_is_working(start + datetime.timedelta(days=i))
                   for i in range((deadline - start).days))
    expected, counted = start, 0
    if n == 0:
        while not reference_is_working(expected):
            expected += datetime.timedelta(days=1)
    while counted < n:
        expected += datetime.timedelta(days=1)
        counted += reference_is_working(expected)
    assert deadline == expected


# --------------------------------------------------------------------------- time zones


@pytest.mark.django_db
def test_local_dates_across_time_zones(world, monkeypatch):
    moment = datetime.datetime(2026, 3, 1, 20, 0, tzinfo=datetime.UTC)  # 23:00 in Moscow
    # The district took the Omsk zone from the region (UTC+6): 02:00 on 2 March there.
    assert Territory.objects.get(pk=world.d1.pk).time_zone == "Asia/Omsk"
    assert local_date(moment, world.d1) == D(2026, 3, 2)
    assert local_date(moment, Territory(time_zone="Europe/Moscow")) == D(2026, 3, 1)
    assert local_date(moment) == D(2026, 3, 1)  # settings.TIME_ZONE, Moscow
    assert local_date(moment - datetime.timedelta(minutes=31),
                      Territory(time_zone="Asia/Yekaterinburg")) == D(2026, 3, 2)
    assert local_date(moment - datetime.timedelta(hours=1, minutes=1),
                      Territory(time_zone="Asia/Yekaterinburg")) == D(2026, 3, 1)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert local_today(world.region) == D(2026, 3, 2)
    assert local_today() == D(2026, 3, 1)
    with pytest.raises(ValueError):
        local_date(datetime.datetime(2026, 3, 1, 20, 0), world.d1)


def test_a_friday_evening_in_moscow_is_saturday_in_omsk():
    friday_evening_utc = datetime.datetime(2026, 3, 6, 19, 30, tzinfo=datetime.UTC)
    assert local_date(friday_evening_utc, Territory(time_zone="Asia/Omsk")) == D(2026, 3, 7)
    assert local_date(friday_evening_utc, Territory(time_zone="Europe/Moscow")) == D(2026, 3, 6)


# --------------------------------------------------------------------------- the admin


@pytest.mark.django_db
def test_administrator_adds_a_day_in_the_admin(client, world):
    client.force_login(world.user("admin"))
    changes = ObjectChange.objects.count()
    assert add_working_days(D(2026, 6, 10), 1) == D(2026, 6, 11)
    r = client.post(reverse("admin:core_calendarday_add"), {
        "date": "2026-06-11", "kind": "holiday", "note": "перенос, проверка"})
    assert r.status_code == 302, r.content.decode()[:2000]
    row = CalendarDay.objects.get(date=D(2026, 6, 11))
    assert add_working_days(D(2026, 6, 10), 1) == D(2026, 6, 15)
    change = ObjectChange.objects.order_by("-id").first()
    assert ObjectChange.objects.count() == changes + 1
    assert change.content_type == ContentType.objects.get_for_model(CalendarDay)
    assert change.object_id == row.pk and change.actor == world.user("admin")
    assert change.after["date"] == "2026-06-11"
    assert DomainEvent.objects.filter(change=change, event_type="record.saved").exists()

    r = client.get(reverse("admin:core_calendarday_changelist"), {"year": "2026",
                                                                 "kind": "holiday"})
    page = r.content.decode()
    assert r.status_code == 200 and "перенос, проверка" in page
    assert "№ 1466" in page and "№ 1335" not in page

    r = client.post(reverse("admin:core_calendarday_delete", args=[row.pk]), {"post": "yes"})
    assert r.status_code == 302
    assert not CalendarDay.objects.filter(pk=row.pk).exists()
    assert ObjectChange.objects.filter(object_id=row.pk, action="delete").exists()
    assert add_working_days(D(2026, 6, 10), 1) == D(2026, 6, 11)


@pytest.mark.django_db
def test_a_row_that_changes_nothing_is_refused(client, world):
    client.force_login(world.user("admin"))
    count, changes = CalendarDay.objects.count(), ObjectChange.objects.count()
    r = client.post(reverse("admin:core_calendarday_add"), {
        "date": "2026-06-10", "kind": "working", "note": ""})  # a Wednesday
    assert r.status_code == 200 and "и так рабочий" in r.content.decode()
    r = client.post(reverse("admin:core_calendarday_add"), {
        "date": "2026-06-13", "kind": "holiday", "note": ""})  # a Saturday
    assert r.status_code == 200 and "и так выходной" in r.content.decode()
    assert (CalendarDay.objects.count(), ObjectChange.objects.count()) == (count, changes)


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["specialist", "head", "analyst", "no_role"])
def test_other_roles_get_no_access(client, world, key):
    client.force_login(world.user(key))
    count, changes = CalendarDay.objects.count(), ObjectChange.objects.count()
    row = CalendarDay.objects.first()
    for r in [
        client.get(reverse("admin:core_calendarday_changelist")),
        client.get(reverse("admin:core_calendarday_change", args=[row.pk])),
        client.post(reverse("admin:core_calendarday_add"),
                    {"date": "2026-06-11", "kind": "holiday", "note": ""}),
        client.post(reverse("admin:core_calendarday_delete", args=[row.pk]), {"post": "yes"}),
    ]:
        assert r.status_code == 302 and r.url.startswith(reverse("admin:login"))
    assert (CalendarDay.objects.count(), ObjectChange.objects.count()) == (count, changes)


@pytest.mark.django_db
def test_staff_without_the_administrator_role_may_not_edit(client, world):
    """Inside the admin site (as staff) but without the role: the calendar is refused."""
    user = world.user("specialist")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    assert client.get(reverse("admin:core_calendarday_changelist")).status_code == 403
    r = client.post(reverse("admin:core_calendarday_add"),
                    {"date": "2026-06-11", "kind": "holiday", "note": ""})
    assert r.status_code == 403
    assert not CalendarDay.objects.filter(date=D(2026, 6, 11)).exists()
