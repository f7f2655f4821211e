"""Exports of the registers to XLSX and CSV (152-ФЗ: in scope, logged, no formulas).

An app registers each of its registers (``register_export``): the record kind whose
``export`` right it needs, its columns, and the rows for a user and the list's filters —
the list's own FilterSet, so an export holds exactly what the list shows. The rows are
computed from the user and the filters alone (never the request), so that a large export
can be built by the worker (decision 0030): up to ``BEREZHNO_EXPORT_INLINE_ROWS`` records
the file is the POST's answer; above, the POST starts a job (``core.jobs``) and sends the
user to its page, which shows the progress and then the download. The filters come in the
body of a POST (a search term may be a name, СНИЛС or phone: never in an address) and,
for a job, wait in the job's row until it ends. Every exported record is logged as
``export`` for each person it is about, by the user who asked, when the file is built.
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
from django.db import models, transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from . import access, audit, jobs
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
    """``rows(user, data, limit)``: the first ``limit`` records the user's list shows for
    the filters in ``data`` (a QueryDict), or ``None`` when the filters are invalid. It is
    called in the request and in the worker alike: it reads nothing but its arguments."""

    code: str
    label: Any
    kind: str
    columns: tuple[Column, ...]
    rows: Callable[[Any, Any, int], Iterable[models.Model] | None]
    back: str = ""  # the list's URL name, where an error message is shown


@dataclass(frozen=True)
class Asker:
    """What a list's FilterSet reads of its ``request``: the user, and nothing else. The
    rows of an export hand it to the FilterSet, so the worker computes them as the page
    does (a FilterSet that read more of the request would fail here, not quietly differ)."""

    user: Any


_registers: dict[str, Register] = {}


def register_export(register: Register) -> None:
    if register.code in _registers:
        raise RegistryError(f"export {register.code!r} registered twice")
    _registers[register.code] = register


def registers() -> dict[str, Register]:
    return dict(_registers)


def max_rows() -> int:
    return int(getattr(settings, "BEREZHNO_EXPORT_MAX_ROWS", 50_000))


def inline_rows() -> int:
    """Up to this many records an export is built in the request; above, by the worker."""
    return int(getattr(settings, "BEREZHNO_EXPORT_INLINE_ROWS", 2_000))


def too_many() -> str:
    return _("В выгрузку попало бы больше %(n)s записей: сузьте условия отбора.") % {
        "n": max_rows()}


BAD_FILTERS = _lazy("Проверьте условия отбора: выгрузка не сформирована.")


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


def table(register: Register, rows: Iterable[models.Model],
          progress: jobs.Progress | None = None) -> list[list[Any]]:
    values = []
    for row in rows:
        values.append([cell(c.value(row)) for c in register.columns])
        if progress is not None:
            progress.advance()
    return values


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


CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def render(register: Register, fmt: str, values: list[list[Any]]) -> bytes:
    return as_xlsx(register, values) if fmt == "xlsx" else as_csv(register, values)


def file_name(code: str, fmt: str) -> str:
    return f"{code}-{timezone.localtime().strftime('%Y-%m-%d')}.{fmt}"


def filters_of(data) -> dict[str, list[str]]:
    """The list's filters of a POST body, as the job keeps them (JSON)."""
    return {key: values for key, values in data.lists() if key != "csrfmiddlewaretoken"}


def querydict(filters: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in filters.items():
        data.setlist(key, [str(v) for v in values])
    return data


def build(progress: jobs.Progress) -> None:
    """The worker's half of a large export (``core.tasks.run_export``): the rows for the
    job's user and filters, as the list shows them — the right to export checked again —
    the file, and the access-log rows of its persons written with it."""
    job = progress.job
    params = job.params or {}
    code, fmt, user = str(params.get("code") or ""), str(params.get("fmt") or ""), job.user
    register = _registers.get(code)
    if register is None or fmt not in FORMATS:
        raise jobs.JobError(_("Такой выгрузки нет."))
    if not user.is_active or not access.can(user, register.kind, access.EXPORT):
        raise jobs.JobError(_("У вас больше нет права выгружать этот реестр."))
    limit = max_rows()
    rows = register.rows(user, querydict(params.get("filters") or {}), limit + 1)
    if rows is None:
        raise jobs.JobError(BAD_FILTERS)
    found = list(rows)
    if len(found) > limit:
        raise jobs.JobError(too_many())
    progress.begin(total=len(found))
    values = table(register, found, progress)
    body = render(register, fmt, values)
    with transaction.atomic():
        audit.log_reads(user=user, objects=found, kind=AccessKind.EXPORT,
                        detail=f"{code}.{fmt} job:{job.key.hex}")
        progress.finish(name=file_name(code, fmt), content_type=CONTENT_TYPES[fmt], body=body)


def _refuse(request, register: Register, message):
    messages.error(request, message)
    return redirect(register.back) if register.back else HttpResponse(status=400)


@login_required
@require_POST
def export(request, code: str, fmt: str):
    """``POST /exports/<code>.<xlsx|csv>`` with the list's filters in the body: the file,
    or, for more than ``inline_rows()`` records, a job and a redirect to its page."""
    register = _registers.get(code)
    if register is None or fmt not in FORMATS or not access.can(
            request.user, register.kind, access.EXPORT):
        raise Http404
    limit = max_rows()
    inline = min(inline_rows(), limit)
    rows = register.rows(request.user, request.POST, inline + 1)
    if rows is None:
        return _refuse(request, register, BAD_FILTERS)
    found = list(rows)
    if len(found) > inline:
        if inline == limit:
            return _refuse(request, register, too_many())
        return _start(request, register, fmt)
    values = table(register, found)
    audit.log_reads(user=request.user, objects=found, kind=AccessKind.EXPORT,
                    detail=f"{code}.{fmt}")
    response = HttpResponse(render(register, fmt, values), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name(code, fmt)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _start(request, register: Register, fmt: str):
    from .tasks import run_export

    if jobs.unfinished(request.user).count() >= jobs.per_user():
        return _refuse(request, register, _(
            "Дождитесь окончания начатых выгрузок: одновременно готовится не больше "
            "%(n)s.") % {"n": jobs.per_user()})
    job = jobs.start(
        user=request.user, kind="export", task=run_export,
        label=_("Выгрузка «%(register)s», %(fmt)s") % {"register": register.label,
                                                       "fmt": fmt.upper()},
        params={"code": register.code, "fmt": fmt, "filters": filters_of(request.POST)})
    messages.info(request, _("Записей много: выгрузка готовится в фоне. Когда она будет "
                             "готова, здесь появится ссылка на файл."))
    return redirect("core:job", job.key)
