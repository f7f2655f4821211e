"""The XLSX report: a header block (practice, territory, period, date of generation) and the
table of indicators. Aggregates only: no personal data is ever written here."""

import datetime
import io
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from berezhno.core.exports import safe_text

from .registry import DASH, Unit
from .selectors import Row


@dataclass(frozen=True)
class Report:
    practice_label: str
    territory_label: str
    start: datetime.date
    end: datetime.date
    rows: list[Row]
    generated_at: datetime.datetime

    @property
    def title(self) -> str:
        return _("Показатели практики «%(practice)s»") % {"practice": self.practice_label}

    @property
    def period_label(self) -> str:
        return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"

    @property
    def generated_label(self) -> str:
        return f"{timezone.localtime(self.generated_at):%d.%m.%Y %H:%M}"


def _text(sheet, row: int, column: int, value, **style):
    cell = sheet.cell(row=row, column=column, value=safe_text(value))
    cell.data_type = "s"
    for key, val in style.items():
        setattr(cell, key, val)
    return cell


def _number(sheet, row: int, column: int, value: int | None):
    if value is None:
        return _text(sheet, row, column, DASH)
    return sheet.cell(row=row, column=column, value=value)


def report_xlsx(report: Report) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Показатели")
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    _text(sheet, 1, 1, report.title, font=Font(bold=True, size=13))
    header = [
        (_("Практика"), report.practice_label),
        (_("Территория"), report.territory_label),
        (_("Период"), report.period_label),
        (_("Дата формирования"), report.generated_label),
    ]
    for i, (label, value) in enumerate(header, start=2):
        _text(sheet, i, 1, label, font=bold)
        _text(sheet, i, 2, value)
    first = len(header) + 3
    columns = [_("Показатель"), _("Значение"), _("Единица"), _("Числитель"), _("Знаменатель"),
               _("Как считается"), _("Код")]
    for column, title in enumerate(columns, start=1):
        _text(sheet, first, column, title, font=bold, alignment=wrap)
    for offset, row in enumerate(report.rows, start=1):
        r = first + offset
        ind, result = row.indicator, row.result
        _text(sheet, r, 1, ind.name, alignment=wrap)
        _number(sheet, r, 2, result.value)
        _text(sheet, r, 3, "%" if ind.unit == Unit.SHARE else _("ед."))
        if ind.is_share:
            _number(sheet, r, 4, result.numerator)
            _number(sheet, r, 5, result.denominator)
        _text(sheet, r, 6, ind.definition, alignment=wrap)
        _text(sheet, r, 7, ind.code)
    for letter, width in zip("ABCDEFG", (42, 12, 9, 12, 13, 90, 26), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
