from django.db import migrations


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    DeadlineRule.objects.get_or_create(code="sop_kdn_notice", defaults={
        "name": "Сообщение в КДН и ЗП о семье в СОП", "days": 1, "working_days": False,
        "basis": "120-ФЗ, ст. 9: незамедлительно (уточните региональный порядок)"})


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_sop")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
