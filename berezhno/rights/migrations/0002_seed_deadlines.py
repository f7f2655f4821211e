"""The deadlines of data-subject requests as editable rules (``cases.DeadlineRule``,
admin: «Сроки»), seeded with the values of 152-ФЗ (LEGAL.md)."""

from django.db import migrations

RULES = [
    ("rights_access", "Ответ на запрос субъекта ПД о доступе", 10, True,
     "152-ФЗ ст. 14 ч. 3, ст. 20 ч. 1"),
    ("rights_access_extension", "Продление срока ответа на запрос субъекта ПД", 5, True,
     "152-ФЗ ст. 14 ч. 3, ст. 20 ч. 3 (мотивированное уведомление)"),
    ("rights_correction", "Уточнение персональных данных по требованию субъекта", 7, True,
     "152-ФЗ ст. 21 ч. 2"),
    ("rights_blocking", "Проверка сведений на время блокирования", 7, True,
     "152-ФЗ ст. 21 ч. 1–2"),
    ("rights_destruction", "Уничтожение ПД после достижения цели или отзыва согласия", 30,
     False, "152-ФЗ ст. 21 ч. 4–5"),
]


def seed(apps, schema_editor):
    rule = apps.get_model("cases", "DeadlineRule")
    for code, name, days, working, basis in RULES:
        rule.objects.get_or_create(code=code, defaults={
            "name": name, "days": days, "working_days": working, "basis": basis})


def unseed(apps, schema_editor):
    apps.get_model("cases", "DeadlineRule").objects.filter(
        code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("rights", "0001_initial"), ("cases", "0013_plan_version")]
    operations = [migrations.RunPython(seed, unseed)]
