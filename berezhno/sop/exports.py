"""The СОП register as XLSX and CSV (``core.exports``), as the register page filters it."""

from django.utils.translation import gettext_lazy as _

from berezhno.cases import roles as case_roles
from berezhno.core.exports import Asker, Column, Register, register_export

from .filters import SopFilterSet


def _records(user, data, limit):
    filterset = SopFilterSet(data or None, request=Asker(user), page=True)
    if filterset.is_bound and not filterset.is_valid():
        return None
    return list(filterset.qs)[:limit]


def register() -> None:
    register_export(Register(
        code="sop", label=_("Семьи в СОП"), kind=case_roles.CASE, back="sop:list",
        rows=_records, columns=(
            Column(_("Случай"), lambda s: s.case.number),
            Column(_("Семья (заявитель)"), lambda s: s.case.person.full_name),
            Column(_("Этап"), lambda s: s.get_status_display()),
            Column(_("Выявлена"), lambda s: s.identified_on),
            Column(_("Угроза ребёнку"), lambda s: s.child_threat),
            Column(_("Постановление КДН и ЗП"), lambda s: s.decision_number),
            Column(_("Дата постановления"), lambda s: s.decision_date),
            Column(_("Куратор"), lambda s: s.curator.short_name if s.curator_id else ""),
            Column(_("Пересмотр плана до"), lambda s: s.next_review_due),
            Column(_("Снята"), lambda s: s.removed_on))))
