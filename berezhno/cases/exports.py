"""The case register as XLSX and CSV (``core.exports``), as the case list filters it."""

from django.utils.translation import gettext_lazy as _

from berezhno.core.exports import Asker, Column, Register, register_export

from . import deadlines, roles
from .filters import CaseFilterSet


def _cases(user, data, limit):
    filterset = CaseFilterSet(data or None, request=Asker(user))
    if filterset.is_bound and not filterset.is_valid():
        return None
    return deadlines.mark_overdue(filterset.qs[:limit])


def register() -> None:
    register_export(Register(
        code="cases", label=_("Случаи"), kind=roles.CASE, back="cases:list", rows=_cases,
        columns=(
            Column(_("Номер"), lambda c: c.number),
            Column(_("Заявитель"), lambda c: c.person.full_name),
            Column(_("Практика"), lambda c: c.get_practice_display()),
            Column(_("Дата обращения"), lambda c: c.received_at),
            Column(_("Срочность"), lambda c: c.get_urgency_display()),
            Column(_("Этап"), lambda c: c.get_status_display()),
            Column(_("Территория"), lambda c: c.territory.name),
            Column(_("Ответственный"), lambda c: c.responsible.short_name
                   if c.responsible_id else ""),
            Column(_("Просрочен с"), lambda c: c.overdue_since),
            Column(_("Закрыт"), lambda c: c.closed_on))))
