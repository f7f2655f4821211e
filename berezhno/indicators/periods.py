"""Reporting periods: quarters and years as pairs of dates, both ends included."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

ROMAN = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    label: str = ""


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter(year: int, number: int) -> Period:
    first = datetime.date(year, 3 * number - 2, 1)
    following = (datetime.date(year + 1, 1, 1) if number == 4
                 else datetime.date(year, 3 * number + 1, 1))
    return Period(first, following - datetime.timedelta(days=1),
                  _("%(q)s кв.") % {"q": ROMAN[number - 1]})


def quarters(year: int) -> list[Period]:
    return [quarter(year, n) for n in range(1, 5)]


def this_quarter(today: datetime.date) -> Period:
    return quarter(today.year, quarter_of(today))


def last_quarter(today: datetime.date) -> Period:
    number = quarter_of(today)
    return quarter(today.year - 1, 4) if number == 1 else quarter(today.year, number - 1)


def year(value: int) -> Period:
    return Period(datetime.date(value, 1, 1), datetime.date(value, 12, 31), str(value))


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
