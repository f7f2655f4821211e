"""The referral register as XLSX and CSV (``core.exports``), as the referral list filters
it; staff with the right to export cases only (the partner answers in its inbox)."""

from django.utils.translation import gettext_lazy as _

from berezhno.cases import roles as case_roles
from berezhno.core.exports import Column, Register, max_rows, register_export

from .filters import ReferralFilterSet


def _referrals(request, data):
    filterset = ReferralFilterSet(data or None, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return None
    return filterset.qs[:max_rows() + 1]


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
