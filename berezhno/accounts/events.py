from django.utils.translation import gettext_lazy as _

from berezhno.core import events

events.register("user.created", _("Создан пользователь"))
events.register("user.changed", _("Изменён пользователь"))
events.register("user.password_set", _("Задан пароль пользователя"))
events.register("role.assigned", _("Назначена роль"))
events.register("role.changed", _("Изменено назначение роли"))
events.register("organisation.saved", _("Сохранена организация"))
events.register("agreement.saved", _("Сохранено соглашение"))
events.register("record.deleted", _("Запись удалена"))
events.register("record.saved", _("Запись сохранена"))
events.register("api_token.issued", _("Выпущен ключ API"))
events.register("api_token.revoked", _("Отозван ключ API"))
events.register("two_factor.enabled", _("Включён вход с кодом (второй фактор)"))
events.register("two_factor.disabled", _("Отключён вход с кодом (второй фактор)"))
events.register("two_factor.reset", _("Сброшен вход с кодом (второй фактор)"))
events.register("two_factor.recovery_renewed", _("Выпущены новые коды восстановления"))
events.register("two_factor.recovery_used", _("Использован код восстановления"))
