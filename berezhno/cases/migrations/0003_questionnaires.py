"""Seed the two questionnaires of Family Dispatch (editable by the administrator later):
the psychologist's family diagnostics and the comprehensive needs assessment, and the
problem "income below the subsistence minimum" that the assessment raises by itself."""

from django.db import migrations

S, M, N, T = "single", "multi", "number", "text"

# (section, code, text, type, required, [(label, score, problem code, circumstance)])
FAMILY_DIAGNOSTICS = [
    ("Состав и тип семьи", "family_type", "Тип семьи", S, True, [
        ("полная семья", 0, "", ""), ("неполная семья (один родитель)", 1, "", ""),
        ("многодетная семья", 1, "", ""), ("опекунская или приёмная семья", 1, "", "")]),
    ("Детско-родительские отношения", "", "Как часто возникают конфликты между родителями и "
     "детьми?", S, True, [("редко или никогда", 0, "", ""), ("иногда", 1, "", ""),
                          ("часто", 2, "child_parent", "")]),
    ("Детско-родительские отношения", "", "Применяются ли в семье физические наказания "
     "детей?", S, True, [("нет", 0, "", ""),
                         ("да", 3, "violence_risk", "family_conflict")]),
    ("Развитие и поведение ребёнка", "", "Есть ли у детей трудности?", M, True, [
        ("трудностей нет", 0, "", ""), ("в обучении", 1, "education", ""),
        ("в поведении, общении со сверстниками", 1, "child_development", "child_adaptation"),
        ("задержка развития", 2, "child_development", "")]),
    ("Зависимости и конфликты", "", "Злоупотребляет ли кто-то из взрослых членов семьи "
     "алкоголем?", S, True, [("нет", 0, "", ""), ("есть подозрение", 2, "alcohol", ""),
                             ("да", 3, "alcohol", "family_conflict")]),
    ("Зависимости и конфликты", "", "Бывают ли конфликты между взрослыми членами семьи?", S,
     True, [("нет", 0, "", ""), ("иногда", 1, "", ""),
            ("часто, с угрозами или насилием", 3, "family_conflict", "family_conflict")]),
    ("Родительская компетентность", "", "Знают ли родители возрастные особенности и "
     "потребности детей?", S, True, [("да", 0, "", ""), ("частично", 1, "", ""),
                                     ("нет", 2, "parenting", "")]),
    ("Заключение", "", "Наблюдения психолога", T, False, []),
]

NEEDS_ASSESSMENT = [
    ("Состав семьи", "family_size", "Число членов семьи, учитываемых при расчёте "
     "среднедушевого дохода", N, True, []),
    ("Состав семьи", "family_type", "Тип семьи", S, True, [
        ("полная семья", 0, "", ""), ("неполная семья (один родитель)", 1, "", ""),
        ("многодетная семья", 1, "", ""), ("опекунская или приёмная семья", 1, "", "")]),
    ("Социальный статус", "", "Занятость трудоспособных членов семьи", M, True, [
        ("все трудоспособные работают", 0, "", ""),
        ("есть безработные", 2, "employment", "no_work_no_means"),
        ("есть пенсионеры", 0, "", ""),
        ("есть инвалиды, нуждающиеся в уходе", 2, "health", "disabled_family_member")]),
    ("Доходы и меры поддержки", "family_income", "Совокупный доход семьи за месяц, ₽", N,
     True, []),
    ("Доходы и меры поддержки", "", "Получает ли семья положенные пособия и выплаты?", S,
     True, [("да, все оформлены", 0, "", ""), ("оформлены не все", 2, "benefits", ""),
            ("не получает", 3, "benefits", "")]),
    ("Доходы и меры поддержки", "", "Есть ли задолженность (кредиты, ЖКУ, займы)?", S, True, [
        ("нет", 0, "", ""), ("да", 2, "debts", "")]),
    ("Жилищные условия", "", "Жилищные условия", S, True, [
        ("удовлетворительные", 0, "", ""), ("неудовлетворительные", 2, "housing", ""),
        ("ветхое или аварийное жильё", 3, "housing", ""),
        ("нет жилья", 4, "housing", "no_residence")]),
    ("Жилищные условия", "", "Отопление и обеспеченность топливом", S, True, [
        ("центральное отопление", 0, "", ""), ("печное, топливо есть", 0, "", ""),
        ("печное, топлива не хватает", 3, "fuel", "")]),
    ("Здоровье", "", "Есть ли члены семьи с хроническими заболеваниями или инвалидностью, "
     "нуждающиеся в уходе?", S, True, [
        ("нет", 0, "", ""), ("да, уход обеспечен", 1, "", ""),
        ("да, уход не обеспечен", 3, "health", "no_care_possible")]),
    ("Образование", "", "Посещают ли дети школу или детский сад?", S, True, [
        ("да", 0, "", ""), ("с пропусками", 1, "education", ""),
        ("нет", 3, "education", "child_adaptation")]),
    ("Социальные связи", "", "Есть ли у семьи поддержка родственников, соседей, друзей?", S,
     True, [("да", 0, "", ""), ("слабая", 1, "", ""), ("нет", 2, "isolation", "")]),
    ("Круг общения", "", "С кем преимущественно общаются родители?", S, False, [
        ("с родственниками и коллегами", 0, "", ""), ("с соседями", 0, "", ""),
        ("с лицами, злоупотребляющими алкоголем", 2, "alcohol", ""),
        ("ни с кем", 1, "isolation", "")]),
    ("Документы", "", "Есть ли у всех членов семьи документы (паспорт, свидетельства о "
     "рождении, СНИЛС, полис)?", S, True, [("да", 0, "", ""), ("нет", 2, "documents", "")]),
    ("Обстоятельства нуждаемости (ст. 15 442-ФЗ)", "", "Какие обстоятельства ухудшают условия "
     "жизнедеятельности семьи?", M, False, [
        ("утрата способности к самообслуживанию, передвижению", 0, "", "self_care_loss"),
        ("инвалид в семье нуждается в постоянном уходе", 0, "", "disabled_family_member"),
        ("ребёнок испытывает трудности в социальной адаптации", 0, "", "child_adaptation"),
        ("нет возможности обеспечить уход за инвалидом или ребёнком", 0, "",
         "no_care_possible"),
        ("внутрисемейный конфликт (зависимости, насилие)", 0, "", "family_conflict"),
        ("нет определённого места жительства", 0, "", "no_residence"),
        ("нет работы и средств к существованию", 0, "", "no_work_no_means"),
        ("иные обстоятельства", 0, "", "other")]),
    ("Заключение", "", "Выводы специалиста", T, False, []),
]


def seed(apps, schema_editor):
    Problem = apps.get_model("cases", "Problem")
    Questionnaire = apps.get_model("cases", "Questionnaire")
    Question = apps.get_model("cases", "Question")
    AnswerOption = apps.get_model("cases", "AnswerOption")
    Problem.objects.get_or_create(code="low_income", defaults={
        "name": "Среднедушевой доход ниже прожиточного минимума", "order": 5})
    problems = {p.code: p for p in Problem.objects.all()}
    for code, title, kind, description, questions in (
            ("family_diagnostics", "Диагностика семьи (анкета психолога)",
             "family_diagnostics", "Проводит психолог при первой встрече с семьёй.",
             FAMILY_DIAGNOSTICS),
            ("needs_assessment", "Комплексная оценка нуждаемости семьи", "needs_assessment",
             "Состав и тип семьи, социальный статус, доходы и меры поддержки, жилищные "
             "условия, здоровье, образование, социальные связи, обстоятельства нуждаемости "
             "(ст. 15 442-ФЗ). Среднедушевой доход сравнивается с региональным прожиточным "
             "минимумом.", NEEDS_ASSESSMENT)):
        if Questionnaire.objects.filter(code=code).exists():
            continue
        q = Questionnaire.objects.create(code=code, title=title, kind=kind,
                                         description=description)
        for order, (section, qcode, text, answer_type, required, options) in enumerate(
                questions, 1):
            question = Question.objects.create(
                questionnaire=q, order=order * 10, section=section, code=qcode, text=text,
                answer_type=answer_type, required=required)
            for o_order, (label, score, problem, circumstance) in enumerate(options, 1):
                AnswerOption.objects.create(
                    question=question, order=o_order * 10, label=label, score=score,
                    problem=problems.get(problem), circumstance=circumstance)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_reference_data")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
