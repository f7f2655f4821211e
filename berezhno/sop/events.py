"""The domain event types of this app (their codes are stored: never rename one)."""

from django.utils.translation import gettext_lazy as _

from berezhno.core import events

events.register("sop.identified", _("Семья выявлена как находящаяся в СОП"))
events.register("sop.kdn_notified", _("Сообщено в КДН и ЗП"))
events.register("sop.surveyed", _("Проведено первичное обследование семьи"))
events.register("sop.registered", _("Семья поставлена на учёт в СОП, назначен куратор"))
events.register("sop.reviewed", _("Пересмотр работы с семьёй в СОП"))
events.register("sop.removed", _("Семья снята с учёта в СОП"))
