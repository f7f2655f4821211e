"""The bank as XLSX and CSV (``core.exports``), as the list page filters it."""

from django.utils.translation import gettext_lazy as _

from berezhno.core.exports import Asker, Column, Register, register_export

from . import roles, selectors
from .filters import BankFilterSet


def _entries(user, data, limit):
    filterset = BankFilterSet(data or None, request=Asker(user), page=True)
    if filterset.is_bound and not filterset.is_valid():
        return None
    return selectors.mark(list(filterset.qs[:limit]), selectors.bank_today(user))


def register() -> None:
    register_export(Register(
        code="district_bank", label=_("Банк данных граждан, требующих особого внимания"),
        kind=roles.BANK, back="district:bank", rows=_entries, columns=(
            Column(_("Гражданин"), lambda e: e.person.full_name),
            Column(_("Дата рождения"), lambda e: e.person.birth_date),
            Column(_("Домохозяйство"), lambda e: e.household.name if e.household_id else ""),
            Column(_("Причины"), lambda e: "; ".join(e.reason_labels())),
            Column(_("Участок"), lambda e: e.territory.name),
            Column(_("В банке данных с"), lambda e: e.since),
            Column(_("Пересмотр до"), lambda e: e.next_review_due),
            Column(_("Пересмотр просрочен"), lambda e: e.overdue),
            Column(_("Ответственный специалист"), lambda e: e.responsible.short_name),
            Column(_("Исключён"), lambda e: e.removed_on),
            Column(_("Причина исключения"), lambda e: e.removal_reason))))
