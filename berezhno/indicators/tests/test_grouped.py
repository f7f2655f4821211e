"""The grouped form of the indicators (the chart's quarters in one pass) against the
per-period evaluation: the numbers must be the same, exactly, for every territory, year and
period, on SQLite and PostgreSQL.

Besides the families of ``conftest.py`` (all of 2025–2026), ``edges`` adds records that sit
on the borders the grouping has to respect: help on the last and the first day of a
quarter, a child who joins a family in the middle of a year and one who leaves it, a child
and a minor applicant who turn 18 in the middle of a year, a case on support closed on the
first day of a quarter, a programme approved on the last day of one.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from berezhno.cases.choices import Improvement, Outcome
from berezhno.core.context import acting_as
from berezhno.indicators import periods
from berezhno.indicators.registry import (
    Indicator,
    IndicatorRegistry,
    Result,
    Unit,
    disjoint,
    registry,
)
from berezhno.indicators.selectors import evaluate, quarterly_series, report_scope
from berezhno.people import services as people
from berezhno.people.models import HouseholdMember

from .test_family_dispatch import _data_queries

pytestmark = pytest.mark.django_db

D = datetime.date
GROUPED = [i for i in registry.for_practice("family_dispatch") if i.has_grouped_form]
TERRITORIES = ("region", "mun", "mun2", "d1", "d2", "d3", "town", "village", "other_town")


@pytest.fixture
def edges(world, families):
    b, w = families, world
    # G1 (d2): help on 31 March and on 1 April, then in the third and fourth quarters; one
    # child joins the family on 10 May, another leaves it on 15 August, a third turns 18 on
    # 1 October 2026 (a minor in the first three quarters only).
    head, household = b.family("Гусева", w.d2, w.town,
                               children=[D(2016, 1, 1), D(2014, 6, 6), D(2008, 10, 1)])
    joined, left = (HouseholdMember.objects.filter(household=household, relation="child")
                    .order_by("person__birth_date")[1:3])
    HouseholdMember.objects.filter(pk=joined.pk).update(since=D(2026, 5, 10))
    HouseholdMember.objects.filter(pk=left.pk).update(until=D(2026, 8, 15))
    g1 = b.open("G1", head, household, received=D(2026, 1, 10))
    b.recognise(g1, D(2026, 1, 12))
    a1, a2, a3 = b.programme(g1, D(2026, 3, 31), activities=3)  # on support from Q1
    b.done(a1, D(2026, 3, 31))
    b.session(a2, D(2026, 4, 1))
    b.session(a2, D(2026, 9, 30))
    b.done(a2, D(2026, 9, 30))
    b.done(a3, D(2026, 10, 1))
    b.close(g1, Outcome.RESOLVED_FULLY, Improvement.YES, D(2026, 10, 1))

    # G2 (d1): a minor applicant without a household who turns 18 on 15 August 2026;
    # helped in every quarter of 2026 and once in 2025.
    teen = b.person("Фролов", "Иван", D(2008, 8, 15), w.d1, w.town, sex="m")
    g2 = b.open("G2", teen, None, received=D(2025, 11, 1))
    b.recognise(g2, D(2025, 11, 2))
    activities = b.programme(g2, D(2025, 11, 5), activities=5)
    for activity, day in zip(activities, (D(2025, 11, 20), D(2026, 2, 1), D(2026, 5, 1),
                                          D(2026, 8, 1), D(2026, 11, 1)), strict=True):
        b.done(activity, day)

    # G3 (d3, the other municipality): a referral and an urgent act in the same quarter,
    # a family with a child born in 2026 (a member from birth).
    head, household = b.family("Яковлева", w.d3, w.other_town, children=[D(2026, 2, 1)])
    HouseholdMember.objects.filter(household=household, relation="child").update(
        since=D(2026, 2, 1))
    g3 = b.open("G3", head, household, received=D(2026, 1, 15))
    b.recognise(g3, D(2026, 1, 16))
    b.programme(g3, D(2026, 6, 30))  # on support from the second quarter
    b.referral_done(g3, D(2026, 7, 2))
    b.urgent(g3, D(2026, 9, 1))
    return b


def _per_period(indicator: Indicator, territory, spans) -> list[Result]:
    with report_scope():
        return [indicator.compute(territory, p.start, p.end) for p in spans]


def _grouped(indicator: Indicator, territory, spans) -> list[Result]:
    with report_scope():
        return indicator.compute_each(territory, spans)


def test_every_count_of_the_chart_has_a_grouped_form():
    assert [i.code for i in GROUPED] == [
        "fd_families_helped", "fd_children", "fd_families_on_support"]
    assert all(i.has_grouped_form for i in registry.for_practice("family_dispatch")
               if not i.is_share)


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_the_grouped_quarters_equal_the_quarters_one_by_one(world, edges, year):
    quarters = periods.quarters(year)
    failures, nonzero = [], 0
    for key in TERRITORIES:
        territory = getattr(world, key)
        for indicator in GROUPED:
            expected = _per_period(indicator, territory, quarters)
            actual = _grouped(indicator, territory, quarters)
            nonzero += sum(1 for r in expected if r.value)
            if actual != expected:
                failures.append(f"{key} {indicator.code} {year}: per quarter "
                                f"{[r.value for r in expected]}, grouped "
                                f"{[r.value for r in actual]}")
    assert not failures, "\n".join(failures)
    if year == 2026:
        assert nonzero > 40  # the comparison is not between zeros


@pytest.mark.parametrize("key", ["region", "mun", "d2", "d3"])
def test_the_charts_show_the_numbers_of_the_table_for_each_quarter(world, edges, key):
    """What the chart draws for a quarter (``quarterly_series``, grouped) is what the table
    of that quarter shows (``evaluate``), for every count indicator."""
    territory = getattr(world, key)
    series = quarterly_series("family_dispatch", territory, 2026, on=D(2026, 12, 31))
    assert [s.indicator.code for s in series] == [i.code for i in GROUPED]
    for number, quarter in enumerate(periods.quarters(2026)):
        table = {row.indicator.code: row.result.value
                 for row in evaluate("family_dispatch", territory, quarter.start, quarter.end)}
        chart = {s.indicator.code: s.points[number][1] for s in series}
        assert chart == {code: table[code] for code in chart}, (key, quarter.label)


def test_the_numbers_of_2026_by_quarter(world, edges):
    """Known values, so that both forms are checked against the rules too."""
    by_code = {i.code: [r.value for r in _grouped(i, world.region, periods.quarters(2026))]
               for i in GROUPED}
    # Families helped: Q1 F1, F5, G1 (2 children: the one born 2014 joins only in May),
    # G2; Q2 F1, F4, F6, F8, G1 (3 children), G2; Q3 G1 (3: the one who leaves on
    # 15 August is a member during the quarter), G3; Q4 G1 alone (1 child: the one born
    # 2016 has left, the one born 2008 is 18 on 1 October), G2's applicant being 18 by then.
    assert by_code["fd_families_helped"] == [4, 6, 2, 1]
    assert by_code["fd_children"] == [4 + 2 + 1, 7 + 3 + 1, 3 + 1, 1]
    # On support: Q1 F1, F4, G1 (programme on 31 March), G2; Q2 F1, F4, F6, F8, G1, G2, G3
    # (programme on 30 June); Q3 F6, G1, G3 — G2's applicant is 18 at the end of the
    # quarter; Q4 F6, G1 (closed on 1 October, the first day), G3.
    assert by_code["fd_families_on_support"] == [4, 7, 3, 3]


def test_a_child_counted_in_two_families_is_one_child(world, builder):
    """A child who moves from one helped family to another within a quarter, and a minor
    who is a member of a helped family and has her own case without a household: each is
    one child, and each family counts once, in the grouped form as quarter by quarter."""
    b, w = builder, world
    child = D(2014, 4, 4)
    head1, first = b.family("Белова", w.d1, w.town, children=[child])
    head2, second = b.family("Зуева", w.d1, w.town)
    moving = HouseholdMember.objects.get(household=first, relation="child")
    with acting_as("test"):
        people.household_remove_member(user=b.root, member=moving)
        people.household_add_member(user=b.root, household=second, person=moving.person,
                                    relation="child")
    HouseholdMember.objects.filter(pk=moving.pk).update(until=D(2026, 5, 15))
    HouseholdMember.objects.filter(household=second, relation="child").update(
        since=D(2026, 5, 16))
    teen = b.person("Белова", "Ольга", D(2011, 2, 2), w.d1, w.town)
    with acting_as("test"):
        joined = people.household_add_member(user=b.root, household=first, person=teen,
                                             relation="child")
    HouseholdMember.objects.filter(pk=joined.pk).update(since=D(2026, 1, 1))
    for key, person, household in (("H1", head1, first), ("H2", head2, second),
                                   ("H3", teen, None)):
        case = b.open(key, person, household, received=D(2026, 1, 10))
        b.recognise(case, D(2026, 1, 11))
        (activity,) = b.programme(case, D(2026, 1, 12))
        b.done(activity, D(2026, 6, 1))
    quarters = periods.quarters(2026)
    for indicator in GROUPED:
        assert _grouped(indicator, w.d1, quarters) == _per_period(indicator, w.d1, quarters)
    by_code = {i.code: [r.value for r in _grouped(i, w.d1, quarters)] for i in GROUPED}
    # Q2: both households (the moving child in each, the teenager in the first) and the
    # teenager's own case; two children, each once.
    assert by_code["fd_families_helped"] == [0, 3, 0, 0]
    assert by_code["fd_children"] == [0, 2, 0, 0]
    # The second household has no child before the move.
    assert by_code["fd_families_on_support"] == [2, 3, 3, 3]


def test_any_disjoint_periods_in_any_order(world, edges):
    """The grouped form is not tied to quarters: uneven periods, one day, out of order."""
    spans = [periods.Period(D(2026, 3, 31), D(2026, 4, 1)),
             periods.Period(D(2025, 10, 1), D(2026, 3, 30)),
             periods.Period(D(2026, 8, 15), D(2026, 8, 15)),
             periods.Period(D(2026, 4, 2), D(2026, 8, 14)),
             periods.Period(D(2026, 9, 1), D(2027, 3, 31))]
    assert disjoint(spans)
    for key in ("region", "mun", "d1", "d2", "d3"):
        territory = getattr(world, key)
        for indicator in GROUPED:
            assert _grouped(indicator, territory, spans) == _per_period(
                indicator, territory, spans), (key, indicator.code)


def test_overlapping_periods_are_computed_one_by_one(world, edges):
    spans = [periods.year(2026), periods.quarter(2026, 2), periods.Period(D(2025, 10, 1),
                                                                           D(2026, 1, 31))]
    assert not disjoint(spans)
    with CaptureQueriesContext(connection) as ctx:
        values = [r.value for r in _grouped(registry.get("fd_families_helped"), world.region,
                                            spans)]
    assert values == [r.value for r in _per_period(registry.get("fd_families_helped"),
                                                   world.region, spans)]
    assert values == [7, 6, 1]  # from October 2025 to January 2026 only G2 got help
    assert len(_data_queries(ctx)) == 1 + 3  # the subtree, then one query per period


def test_the_series_of_a_year_is_a_fixed_number_of_queries(world, edges):
    with CaptureQueriesContext(connection) as ctx:
        series = quarterly_series("family_dispatch", world.region, 2026, on=D(2026, 12, 31))
    # The subtree, then for all four quarters: the quarters in which each case got help,
    # the families helped and their children (two indicators from the same rows), and the
    # families on support.
    assert len(_data_queries(ctx)) == 4
    assert [v for _q, v in series[0].points] == [4, 6, 2, 1]
    with CaptureQueriesContext(connection) as ctx:
        early = quarterly_series("family_dispatch", world.region, 2026, on=D(2026, 5, 1))
    assert len(_data_queries(ctx)) == 4
    assert [v for _q, v in early[0].points] == [4, 6, None, None]  # not begun: not computed
    with CaptureQueriesContext(connection) as ctx:
        future = quarterly_series("family_dispatch", world.region, 2027, on=D(2026, 5, 1))
    assert _data_queries(ctx) == []
    assert all(v is None for s in future for _q, v in s.points)


def test_an_indicator_without_a_grouped_form_is_computed_per_period(world):
    calls = []

    def compute(territory, start, end):
        calls.append((start, end))
        return Result.count(start.month)

    own = IndicatorRegistry()
    plain = own.register(Indicator(code="x", practice="family_dispatch", name="Показатель",
                                   definition="Что считаем", unit=Unit.COUNT,
                                   compute=compute))
    assert not plain.has_grouped_form
    quarters = periods.quarters(2026)
    assert [r.value for r in plain.compute_each(world.region, quarters)] == [1, 4, 7, 10]
    assert calls == [(q.start, q.end) for q in quarters]
    assert plain.compute_each(world.region, []) == []


def test_a_grouped_form_must_answer_every_period(world):
    from django.core.exceptions import ImproperlyConfigured

    broken = Indicator(code="y", practice="family_dispatch", name="Показатель",
                       definition="Что считаем", unit=Unit.COUNT,
                       compute=lambda t, s, e: Result.count(0),
                       compute_periods=lambda t, spans: [Result.count(0)])
    with pytest.raises(ImproperlyConfigured, match="returned 1 results for 4 periods"):
        broken.compute_each(world.region, periods.quarters(2026))
