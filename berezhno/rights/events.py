"""The domain event types of this app (their codes are stored: never rename one)."""

from django.utils.translation import gettext_lazy as _

from berezhno.core import events

events.register("rights.received", _("Получено обращение субъекта персональных данных"))
events.register("rights.extended", _("Срок ответа на обращение продлён"))
events.register("rights.closed", _("Обращение субъекта персональных данных закрыто"))
events.register("rights.destroyed", _("Персональные данные уничтожены, составлен акт"))
events.register("incident.opened", _("Зарегистрирован инцидент с персональными данными"))
events.register("incident.updated", _("Инцидент: отметка об уведомлениях"))
