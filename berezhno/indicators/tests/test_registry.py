"""The registry: codes are unique, shares come from numerator and denominator."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured

from berezhno.indicators import periods
from berezhno.indicators.registry import (
    DuplicateIndicatorError,
    Indicator,
    IndicatorRegistry,
    Result,
    Unit,
    percent,
    registry,
)


def _zero(territory, start, end):
    return Result.count(0)


def indicator(code="x", unit=Unit.COUNT, practice="family_dispatch", **kw):
    return Indicator(code=code, practice=practice, name="Показатель", definition="Что считаем",
                     unit=unit, compute=_zero, **kw)


def test_two_indicators_with_one_code_are_refused():
    own = IndicatorRegistry()
    own.register(indicator("a"))
    with pytest.raises(DuplicateIndicatorError, match="'a' is registered twice"):
        own.register(indicator("a", unit=Unit.SHARE))
    assert len(own) == 1 and own.get("a").unit == Unit.COUNT
    with pytest.raises(DuplicateIndicatorError):
        registry.register(indicator("fd_children"))


def test_an_unknown_practice_or_unit_is_refused():
    own = IndicatorRegistry()
    with pytest.raises(ImproperlyConfigured, match="unknown practice"):
        own.register(indicator(practice="astrology"))
    with pytest.raises(ImproperlyConfigured, match="unknown unit"):
        own.register(indicator(unit="kg"))
    assert len(own) == 0


def test_the_family_dispatch_indicators_are_registered_in_order():
    assert [i.code for i in registry.for_practice("family_dispatch")] == [
        "fd_families_helped", "fd_children", "fd_families_on_support",
        "fd_improvement_share", "fd_settlement_coverage"]
    assert [i.unit for i in registry.for_practice("family_dispatch")] == [
        "count", "count", "count", "share", "share"]
    assert registry.for_practice("patrol") == []


@pytest.mark.parametrize(("n", "d", "expected"), [
    (0, 0, None), (5, 0, None), (0, 4, 0), (1, 3, 33), (2, 3, 67), (11, 15, 73), (1, 8, 13),
    (58, 58, 100), (129, 200, 65),
])
def test_percent_is_whole_and_rounded_half_up(n, d, expected):
    assert percent(n, d) == expected
    result = Result.share(n, d)
    assert (result.value, result.numerator, result.denominator) == (expected, n, d)


def test_how_values_are_shown():
    count, share = indicator(), indicator(unit=Unit.SHARE)
    fraction = indicator(unit=Unit.SHARE, as_fraction=True)
    assert count.display(Result.count(1234)) == "1\u00a0234"
    assert share.display(Result.share(16, 25)) == "64\u00a0%"
    assert share.display(Result.share(0, 0)) == "—"
    assert fraction.display(Result.share(11, 15)) == "11 из 15 (73\u00a0%)"
    assert fraction.display(Result.share(0, 0)) == "—"


def test_periods():
    assert periods.this_quarter(datetime.date(2026, 11, 23)) == periods.Period(
        datetime.date(2026, 10, 1), datetime.date(2026, 12, 31), "IV кв.")
    assert periods.last_quarter(datetime.date(2026, 2, 1)).start == datetime.date(2025, 10, 1)
    assert periods.last_quarter(datetime.date(2026, 5, 1)).end == datetime.date(2026, 3, 31)
    assert [q.end.day for q in periods.quarters(2028)] == [31, 30, 30, 31]
    assert periods.add_years(datetime.date(2024, 2, 29), 5) == datetime.date(2029, 2, 28)
