from django.utils.translation import gettext_lazy as _

from berezhno.core import events

events.register("person.registered", _("Гражданин зарегистрирован"))
events.register("person.changed", _("Изменены сведения о гражданине"))
events.register("person.status_changed", _("Изменено состояние учёта"))
events.register("person.restored", _("Гражданин восстановлен на учёте"))
events.register("person.merged", _("Записи объединены"))
events.register("person.unmerged", _("Объединение записей отменено"))
events.register("person.category_added", _("Добавлена категория"))
events.register("person.category_ended", _("Категория снята"))
events.register("person.sensitive_changed", _("Изменены сведения о здоровье"))
events.register("person.assigned", _("Гражданин закреплён за исполнителем"))
events.register("consent.given", _("Оформлено согласие на обработку ПД"))
events.register("consent.withdrawn", _("Согласие на обработку ПД отозвано"))
events.register("household.created", _("Создано домохозяйство"))
events.register("household.changed", _("Изменено домохозяйство"))
events.register("household.member_added", _("Добавлен член домохозяйства"))
events.register("household.member_removed", _("Член домохозяйства выбыл"))
events.register("document.attached", _("Прикреплён документ"))
events.register("document.deleted", _("Документ удалён"))
events.register("contact.logged", _("Контакт"))
