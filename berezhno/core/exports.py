"""Exports of the registers to XLSX and CSV (152-ФЗ: in scope, logged, no formulas).

An app registers each of its registers (``register_export``): the record kind whose
``export`` right it needs, its columns, and the rows for a user and the list's filters —
the list's own FilterSet, so an export holds exactly what the list shows. The filters come
in the body of a POST (a search term may be a name, СНИЛС or phone: never in an address).
Every exported record is logged as ``export`` for each person it is about, in one insert.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from . import access, audit
from .access import RegistryError
from .models import AccessKind

# A text cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("xlsx", "csv")


def safe_text(value) -> str:
    """Text that a spreadsheet shows as typed: a leading formula character is escaped."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


@dataclass(frozen=True)
class Column:
    header: Any  # a (lazy) Russian string
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Register:
    """``rows(request, data)``: the records the user's list shows for the filters in
    ``data`` (a QueryDict), or ``None`` when the filters are invalid."""

    code: str
    label: Any
    kind: str
    columns: tuple[Column, ...]
    rows: Callable[[Any, Any], Iterable[models.Model] | None]
    back: str = ""  # the list's URL name, where an error message is shown


_registers: dict[str, Register] = {}


def register_export(register: Register) -> None:
    if register.code in _registers:
        raise RegistryError(f"export {register.code!r} registered twice")
    _registers[register.code] = register


def registers() -> dict[str, Register]:
    return dict(_registers)


def max_rows() -> int:
    return int(getattr(settings, "BEREZHNO_EXPORT_MAX_ROWS", 50_000))


def cell(value) -> Any:
    """A value as a spreadsheet cell: numbers and dates kept, text made safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("да") if value else _("нет")
    if isinstance(value, int | float | datetime.date):
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(
                value) else value
        return value
    return safe_text(value)


def table(register: Register, rows: Iterable[models.Model]) -> list[list[Any]]:
    return [[cell(c.value(row)) for c in register.columns] for row in rows]


def as_xlsx(register: Register, values: list[list[Any]]) -> bytes:
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = str(register.label)[:31]
    sheet.append([str(c.header) for c in register.columns])
    for c in sheet[1]:
        c.font = Font(bold=True)
    for row in values:
        sheet.append(row)
        for c in sheet[sheet.max_row]:
            if isinstance(c.value, str):
                c.data_type = "s"  # never a formula, whatever the text
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(register: Register, values: list[list[Any]]) -> bytes:
    """Semicolon-separated with a BOM: what a Russian spreadsheet program opens as is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([str(c.header) for c in register.columns])
    for row in values:
        writer.writerow([v.strftime("%d.%m.%Y %H:%M") if isinstance(v, datetime.datetime)
                         else v.strftime("%d.%m.%Y") if isinstance(v, datetime.date)
                         else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@login_required
@require_POST
def export(request, code: str, fmt: str):
    """``POST /exports/<code>.<xlsx|csv>`` with the list's filters in the body."""
    register = _registers.get(code)
    if register is None or fmt not in FORMATS or not access.can(
            request.user, register.kind, access.EXPORT):
        raise Http404
    rows = register.rows(request, request.POST)
    if rows is None:
        messages.error(request, _("Проверьте условия отбора: выгрузка не сформирована."))
        return redirect(register.back) if register.back else HttpResponse(status=400)
    limit = max_rows()
    found = list(rows[:limit + 1] if hasattr(rows, "__getitem__") else rows)
    if len(found) > limit:
        messages.error(request, _("В выгрузку попало бы больше %(n)s записей: сузьте условия "
                                  "отбора.") % {"n": limit})
        return redirect(register.back) if register.back else HttpResponse(status=400)
    values = table(register, found)
    audit.log_reads(user=request.user, objects=found, kind=AccessKind.EXPORT,
                    detail=f"{code}.{fmt}")
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    if fmt == "xlsx":
        body = as_xlsx(register, values)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = as_csv(register, values)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{code}-{stamp}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
