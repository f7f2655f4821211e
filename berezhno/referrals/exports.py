"""The referral register as XLSX and CSV (``core.exports``), as the referral list filters
it; staff with the right to export cases only (the partner answers in its inbox)."""

from django.utils.translation import gettext_lazy as _

from berezhno.cases import roles as case_roles
from berezhno.core.exports import Asker, Column, Register, register_export

from .filters import ReferralFilterSet


def _referrals(user, data, limit):
    filterset = ReferralFilterSet(data or None, request=Asker(user))
    if filterset.is_bound and not filterset.is_valid():
        return None
    return filterset.qs[:limit]


def register() -> None:
    register_export(Register(
        code="referrals", label=_("Направления"), kind=case_roles.CASE, back="referrals:inbox",
        rows=_referrals, columns=(
            Column(_("Случай"), lambda r: r.case.number),
            Column(_("Гражданин"), lambda r: r.case.person.full_name),
            Column(_("Организация"), lambda r: r.organisation.name),
            Column(_("Услуги"), lambda r: r.services),
            Column(_("Направлено"), lambda r: r.sent_on),
            Column(_("Ответ до"), lambda r: r.response_due),
            Column(_("Состояние"), lambda r: r.get_status_display()),
            Column(_("Исполнено"), lambda r: r.completed_on),
            Column(_("Результат"), lambda r: r.result))))
