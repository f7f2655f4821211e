from django.utils.translation import gettext_lazy as _

from berezhno.core import events

events.register("territory.created", _("Создана территория"))
events.register("territory.changed", _("Изменена территория"))
events.register("district.saved", _("Сохранены сведения участка"))
events.register("district.specialist_assigned", _("Закреплён участковый специалист"))
events.register("territory.moved", _("Территория перенесена в другую вышестоящую"))
