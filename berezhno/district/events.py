"""The domain event types of this app (their codes are stored: never rename one)."""

from django.utils.translation import gettext_lazy as _

from berezhno.core import events

events.register("district.bank_added", _("Гражданин внесён в банк данных особого внимания"))
events.register("district.bank_changed", _("Изменена запись банка данных особого внимания"))
events.register("district.bank_reviewed", _("Пересмотр записи банка данных особого внимания"))
events.register("district.bank_removed", _("Гражданин исключён из банка данных особого "
                                           "внимания"))
