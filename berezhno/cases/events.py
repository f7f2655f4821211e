from django.utils.translation import gettext_lazy as _

from berezhno.core import events

events.register("case.opened", _("Зарегистрировано обращение, открыт случай"))
events.register("case.changed", _("Изменены сведения о случае"))
events.register("case.contract", _("Заключён договор о сотрудничестве с семьёй"))
events.register("case.decided", _("Принято решение о нуждаемости"))
events.register("case.problem_identified", _("Выявлена проблема"))
events.register("case.problem_removed", _("Проблема исключена"))
events.register("case.review", _("Все мероприятия завершены: случай на подведении итогов"))
events.register("case.closed", _("Случай закрыт"))
events.register("case.continued", _("Сопровождение продолжено: новая редакция программы"))
events.register("plan.created", _("Составлен проект программы"))
events.register("plan.approved", _("Программа утверждена"))
events.register("activity.added", _("Мероприятие включено в программу"))
events.register("activity.changed", _("Изменено мероприятие программы"))
events.register("activity.started", _("Мероприятие начато"))
events.register("activity.done", _("Мероприятие выполнено"))
events.register("activity.not_done", _("Мероприятие не выполнено"))
events.register("activity.session", _("Проведено занятие"))
