"""Seed the deadlines of LEGAL.md and the problem catalogue of seed 004 (editable later)."""

from django.db import migrations

DEADLINES = [
    ("decision", "Решение о признании нуждающимся", 5, True, "442-ФЗ, ст. 15, ч. 2"),
    ("programme", "Составление индивидуальной программы", 10, True, "442-ФЗ, ст. 16, ч. 3"),
    ("referral_response", "Ответ партнёра на направление", 5, True,
     "соглашение о межведомственном взаимодействии (уточните)"),
    ("sop_first_survey", "Первичное обследование семьи в СОП", 5, False,
     "120-ФЗ; региональный порядок межведомственного взаимодействия (уточните)"),
    ("sop_review", "Периодический пересмотр плана работы с семьёй в СОП", 90, False,
     "региональный порядок (уточните)"),
]

PROBLEMS = [
    ("material", "Материальные трудности, нехватка средств на жизнь"),
    ("fuel", "Нет средств на топливо (печное отопление)"),
    ("housing", "Жилищные проблемы, неудовлетворительные условия проживания"),
    ("employment", "Безработица, трудности с трудоустройством"),
    ("debts", "Долги, кредиты, задолженность по ЖКУ"),
    ("benefits", "Не оформлены положенные выплаты и меры поддержки"),
    ("documents", "Отсутствие или утрата документов"),
    ("legal", "Правовые вопросы (права на жильё, алименты, наследство)"),
    ("alcohol", "Злоупотребление родителями алкоголем"),
    ("child_parent", "Нарушение детско-родительских отношений"),
    ("family_conflict", "Внутрисемейный конфликт"),
    ("child_development", "Трудности развития, поведения ребёнка"),
    ("education", "Трудности в обучении ребёнка, пропуски занятий"),
    ("violence_risk", "Риск жестокого обращения с ребёнком"),
    ("health", "Проблемы со здоровьем членов семьи"),
    ("parenting", "Недостаточная педагогическая компетентность родителей"),
    ("isolation", "Социальная изоляция, нет поддержки родственников и окружения"),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    Problem = apps.get_model("cases", "Problem")
    for code, name, days, working, basis in DEADLINES:
        DeadlineRule.objects.get_or_create(code=code, defaults={
            "name": name, "days": days, "working_days": working, "basis": basis})
    for order, (code, name) in enumerate(PROBLEMS, 1):
        Problem.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
