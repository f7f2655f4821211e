"""The rights register and the incident report as XLSX and CSV (``core.exports``): in
scope, every row's person logged as an export."""

import copy

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berezhno.core.exports import Column, Register, register_export

from . import roles, selectors
from .forms import ReportForm, RequestFilterForm


def _requests(user, data, limit):
    form = RequestFilterForm(data or None)
    if form.is_bound and not form.is_valid():
        return None
    filters = form.cleaned_data if form.is_bound else {}
    return list(selectors.request_list(
        user, status=filters.get("status", ""), kind=filters.get("kind", ""),
        overdue=bool(filters.get("overdue"))))[:limit]


def _report(user, data, limit):
    form = ReportForm(data or None, user=user)
    if not form.is_valid():
        return None
    rows = selectors.incident_report(user, suspect=form.cleaned_data["user"],
                                     date_from=form.cleaned_data["date_from"],
                                     date_to=form.cleaned_data["date_to"])
    found = []
    for row in rows:  # a person per row, carrying the row: logged as that person's export
        person = copy.copy(row.person)
        person.report = row
        found.append(person)
        if len(found) >= limit:
            break
    return found


def _local(value):
    return timezone.localtime(value)


def register() -> None:
    register_export(Register(
        code="rights_requests", label=_("Обращения по ПД"), kind=roles.RIGHTS,
        back="rights:list", rows=_requests, columns=(
            Column(_("Номер"), lambda r: r.number),
            Column(_("Гражданин"), lambda r: r.person.full_name),
            Column(_("Вид"), lambda r: r.get_kind_display()),
            Column(_("Получено"), lambda r: r.received_on),
            Column(_("Срок"), lambda r: r.due_on),
            Column(_("Продлено"), lambda r: r.extended),
            Column(_("Состояние"), lambda r: r.get_status_display()),
            Column(_("Ответственный"), lambda r: str(r.responsible)))))
    register_export(Register(
        code="incident_report", label=_("Чьи данные читал пользователь"),
        kind=roles.INCIDENT, back="rights:report", rows=_report, columns=(
            Column(_("Гражданин"), lambda p: p.full_name),
            Column(_("Номер в реестре"), lambda p: p.pk),
            Column(_("Вид доступа"), lambda p: p.report.kind_label),
            Column(_("Сколько раз"), lambda p: p.report.count),
            Column(_("Первый раз"), lambda p: _local(p.report.first)),
            Column(_("Последний раз"), lambda p: _local(p.report.last)))))
