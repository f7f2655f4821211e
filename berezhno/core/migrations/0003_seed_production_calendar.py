"""The transfers of days off for 2025 and 2026 (decision 0005).

Typed from the public government decrees, not imported from an official file: the
administrator verifies them in the admin ("Производственный календарь") and enters each new
year's decree there. Only the differences from the base rule of ``berezhno.core.workdays``
are rows.
"""

import datetime

from django.db import migrations

DECREE_2025 = "ПП РФ от 04.10.2024 № 1335"
DECREE_2026 = "ПП РФ от 24.09.2025 № 1466"

DAYS = [
    # 2025
    (datetime.date(2025, 5, 2), "holiday", f"перенос выходного с субботы 4 января, {DECREE_2025}"),
    (datetime.date(2025, 5, 8), "holiday",
     f"перенос выходного с воскресенья 23 февраля, {DECREE_2025}"),
    (datetime.date(2025, 6, 13), "holiday", f"перенос выходного с субботы 8 марта, {DECREE_2025}"),
    (datetime.date(2025, 11, 1), "working",
     f"рабочая суббота, выходной перенесён на 3 ноября, {DECREE_2025}"),
    (datetime.date(2025, 11, 3), "holiday",
     f"перенос выходного с субботы 1 ноября, {DECREE_2025}"),
    (datetime.date(2025, 12, 31), "holiday",
     f"перенос выходного с воскресенья 5 января, {DECREE_2025}"),
    # 2026
    (datetime.date(2026, 1, 9), "holiday", f"перенос выходного с субботы 3 января, {DECREE_2026}"),
    (datetime.date(2026, 3, 9), "holiday",
     f"перенос выходного с воскресенья 8 марта, {DECREE_2026}"),
    (datetime.date(2026, 5, 11), "holiday", f"перенос выходного с субботы 9 мая, {DECREE_2026}"),
    (datetime.date(2026, 12, 31), "holiday",
     f"перенос выходного с воскресенья 4 января, {DECREE_2026}"),
]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, kind, note in DAYS:
        # A row the administrator entered before this migration ran is left as it is.
        CalendarDay.objects.get_or_create(date=day, defaults={"kind": kind, "note": note})


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    for day, kind, note in DAYS:
        CalendarDay.objects.filter(date=day, kind=kind, note=note).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_calendarday"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
