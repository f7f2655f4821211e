"""The indicators of the Family Dispatch practice (seed 004, section "Результаты").

Counted over the support cases with ``practice=family_dispatch`` whose territory is the
chosen node or below it. A *family* is the case's household; a case without a household is
the applicant's own family (counted by person). A family belongs to the target group when a
minor child is its member during the period (see ``target_families`` and ``_helped``).
Cases whose applicant was not recognised as needing help never count.

Every computation is one or two queries, whatever the number of cases: aggregates, and for
the families helped one row per family and minor child, read into sets that indicators a, b
and e share within a report. The queries are shaped so that PostgreSQL can choose per node:
for a district it walks from the district's few cases through the indexes on foreign keys;
for the region it reads each table once with hash joins (``docs/indicators.md`` has the
measurements).
"""

import datetime
import functools
import itertools
import operator
from dataclasses import dataclass
from typing import cast

from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from berezhno.cases.choices import (
    ActivityStatus,
    CaseStatus,
    Decision,
    Improvement,
    Outcome,
    Practice,
)
from berezhno.cases.models import Activity, ActivitySession, SupportCase
from berezhno.core.lookups import ids
from berezhno.people.models import HouseholdMember, Person, years_ago
from berezhno.referrals.choices import ReferralStatus
from berezhno.referrals.models import Referral
from berezhno.territories.models import Territory
from berezhno.urgent.models import UrgentServiceAct

from .registry import Indicator, Result, Span, Unit, one_report, register, shared, subtree

ADULT_AGE = 18


# --------------------------------------------------------------------------- building blocks


def _case_filter(node: Territory, prefix: str = "") -> Q:
    """Family Dispatch cases of the node and below, except those refused at the decision."""
    return Q(**{f"{prefix}practice": Practice.FAMILY_DISPATCH,
                f"{prefix}territory_id__any": subtree(node).ids}) & ~Q(
        **{f"{prefix}decision": Decision.NEED_NOT_RECOGNISED})


def practice_cases(node: Territory) -> QuerySet:
    return SupportCase.objects.filter(_case_filter(node)).order_by()


def _minor_q(prefix: str, end: datetime.date) -> Q:
    """A person under 18 at the end of the period and born by then.

    Born after ``end`` − 18 years; with only an estimated birth year, a person counts when
    even 1 January of that year is after that date.
    """
    cutoff = years_ago(end, ADULT_AGE)
    return (Q(**{f"{prefix}birth_date__gt": cutoff, f"{prefix}birth_date__lte": end})
            | Q(**{f"{prefix}birth_date__isnull": True,
                   f"{prefix}estimated_birth_year__gt": cutoff.year,
                   f"{prefix}estimated_birth_year__lte": end.year}))


def _current_q(prefix: str, start: datetime.date, end: datetime.date) -> Q:
    """A household membership current at some time of the period."""
    return ((Q(**{f"{prefix}since__isnull": True}) | Q(**{f"{prefix}since__lte": end}))
            & (Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": start})))


def _on_support_q(start: datetime.date, end: datetime.date) -> Q:
    """A case on social support at some time of the period: marked so, the need
    recognised, a programme approved by the end and not closed before the start."""
    return (Q(is_social_support=True, decision=Decision.NEED_RECOGNISED,
              programme_date__lte=end)
            & (Q(closed_on__isnull=True) | Q(closed_on__gte=start)))


def minor_members(start: datetime.date, end: datetime.date) -> QuerySet:
    """Household memberships of minors current at some time of the period."""
    return HouseholdMember.objects.filter(
        _current_q("", start, end), _minor_q("person__", end)).order_by()


def target_families(cases: QuerySet, start: datetime.date,
                    end: datetime.date) -> tuple[QuerySet, QuerySet]:
    """The cases of families with a minor child during the period, in two parts.

    With a household: a minor member current during the period. Without one, the family is
    the applicant alone, so it counts only when the applicant is a minor. Kept apart (not
    one OR) so that each is a plain semi-join the database can plan well.
    """
    with_household = cases.filter(
        household__isnull=False,
        household_id__in=minor_members(start, end).values("household_id"))
    applicant_only = cases.filter(
        household__isnull=True,
        person_id__in=Person.objects.filter(_minor_q("", end)).order_by().values("pk"))
    return with_household, applicant_only


def count_families(cases: QuerySet, start: datetime.date, end: datetime.date) -> int:
    """Distinct target-group families of ``cases``: households, and applicants without one
    (kept apart by a negative key), in one query."""
    with_household, applicant_only = target_families(cases, start, end)
    return (with_household.values_list("household_id", flat=True)
            .union(applicant_only.values_list(-F("person_id"), flat=True))
            .count())


def _help_records(node: Territory, start: datetime.date,
                  end: datetime.date) -> list[tuple[QuerySet, str, str]]:
    """The records of help in the period, with the field of their case and of their date:
    activities done, sessions held, referrals completed by the partner, acts of urgent
    services. Each joins its case, so a district's help is found from its cases and the
    region's by one read of each table."""
    period = (start, end)
    return [
        (Activity.objects.filter(_case_filter(node, "case__"), status=ActivityStatus.DONE,
                                 finished_on__range=period), "case_id", "finished_on"),
        (ActivitySession.objects.filter(_case_filter(node, "activity__case__"),
                                        held_on__range=period), "activity__case_id", "held_on"),
        (Referral.objects.filter(_case_filter(node, "case__"), status=ReferralStatus.DONE,
                                 completed_on__range=period), "case_id", "completed_on"),
        (UrgentServiceAct.objects.filter(_case_filter(node, "case__"), act_date__range=period),
         "case_id", "act_date"),
    ]


def helped_case_ids(node: Territory, start: datetime.date, end: datetime.date) -> QuerySet:
    """Ids of the node's cases that got help in the period (``_help_records``), as one
    UNION ALL."""
    first, *others = [records.values_list(case, flat=True).order_by()
                      for records, case, _day in _help_records(node, start, end)]
    return first.union(*others, all=True)


def helped_cases(node: Territory, start: datetime.date, end: datetime.date) -> QuerySet:
    """The node's cases that got help in the period (target group not yet checked)."""
    return practice_cases(node).filter(pk__in=helped_case_ids(node, start, end))


def path_ids(path: str) -> set[int]:
    """Every node on a territory path ("region.municipality.поселение.settlement.")."""
    return {int(p) for p in path.split(".") if p}


@dataclass(frozen=True)
class Helped:
    """The target-group families helped in a period, with their minor children and the
    places they live in: every node on the path of the applicant's settlement (of the
    case's territory when the applicant has none), so their поселение is among them."""

    families: frozenset  # ("household", id) or ("person", id) for a case without one
    children: frozenset
    places: frozenset


def helped(node: Territory, start: datetime.date, end: datetime.date) -> Helped:
    """One query for indicators a, b and e; read once per report (``shared``)."""
    return shared(("family_dispatch.helped", node.pk, node.path, start, end),
                  lambda: _helped(node, start, end))


def _helped(node: Territory, start: datetime.date, end: datetime.date) -> Helped:
    current = _current_q("household__members__", start, end)
    rows = (helped_cases(node, start, end)
            .annotate(member=FilteredRelation("household__members", condition=current))
            .annotate(child=Case(When(_minor_q("member__person__", end),
                                      then=F("member__person_id")),
                                 output_field=BigIntegerField()),
                      # Only a case without a household looks at its applicant, and then
                      # by its key, so the persons table is not joined for all the others.
                      minor_applicant=Case(When(
                          Q(household__isnull=True) & Exists(Person.objects.filter(
                              _minor_q("", end), pk=OuterRef("person_id"))),
                          then=F("person_id")), output_field=BigIntegerField()))
            # Where the family lives: the applicant's settlement, else the case's place.
            .annotate(place=Coalesce(F("person__settlement__path"), F("territory__path")))
            .values_list("household_id", "place", "child", "minor_applicant")
            .distinct())
    families, children, places = set(), set(), set()
    for household_id, path, child, minor_applicant in rows:
        if household_id is not None and child is not None:
            families.add(("household", household_id))
            children.add(child)
        elif household_id is None and minor_applicant is not None:
            families.add(("person", minor_applicant))
            children.add(minor_applicant)
        else:
            continue
        places |= path_ids(path)
    return Helped(frozenset(families), frozenset(children), frozenset(places))


# --------------------------------------------------------------------------- grouped forms
#
# The chart asks for the four quarters of a year. Evaluated quarter by quarter, each count
# joins the cases, their households' members and the members' persons again. The grouped
# forms below read what the three counts need once for the span of all the periods, and
# decide row by row which periods a row counts in, with exactly the conditions of the
# per-period computation written for each period (same builders: ``_case_filter``,
# ``_help_records``, ``_on_support_q``, ``_current_q``, ``_minor_q``,
# ``_minor_applicant_q``). The periods are disjoint (``Indicator.compute_each`` sees to
# it), so a record of help falls in one.
#
# The three counts share one reading (``by_period``): the quarters in which each case got
# help; the cases that count in some period (helped, or on support) with, per period,
# whether they are on support and whether the applicant of a case without a household is a
# minor; and the minor members of those cases' households, per period. The households'
# members and their birth dates — the bulk of the work, a few hundred thousand rows for a
# region — are thus read once for the three counts and once per household, not once per
# case and count. The persons are read through the covering index ``person_birth_by_id``
# (``people`` migration 0004), not from the persons table.
#
# The dates counted are local dates (``DateField``s in the territory's calendar), so a
# record's period is that of its date as stored; no time zone arithmetic is needed.


def _span(periods: list[Span]) -> tuple[datetime.date, datetime.date]:
    return min(p.start for p in periods), max(p.end for p in periods)


def _minor_applicant_q(end: datetime.date) -> Q:
    """A case without a household whose applicant is a minor at ``end`` (looked up by key,
    so the persons table is read only for such cases)."""
    return cast(Q, Q(household__isnull=True) & Exists(Person.objects.filter(
        _minor_q("", end), pk=OuterRef("person_id"))))


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False),
                output_field=BooleanField())


def _period_of(field: str, periods: list[Span]) -> Case:
    """The index of the period that a date falls in (the periods are disjoint)."""
    return Case(*[When(**{f"{field}__range": (p.start, p.end)}, then=Value(i))
                  for i, p in enumerate(periods)], output_field=IntegerField())


def helped_case_periods(node: Territory, periods: list[Span]) -> QuerySet:
    """(case id, period index) of the node's cases for each period in which they got help:
    ``helped_case_ids`` of every period at once, each record of help grouped by the period
    its date falls in."""
    first, *others = [
        records.annotate(period=_period_of(day, periods)).values_list(case, "period")
        .order_by() for records, case, day in _help_records(node, *_span(periods))]
    return first.union(*others).order_by()


def counted_cases(node: Territory, periods: list[Span], helped_ids: list[int]) -> QuerySet:
    """The node's cases that can count in one of the periods: helped in one of them
    (``helped_ids``, the cases of ``helped_case_periods``), or on support at some time of
    their span."""
    first, last = _span(periods)
    if connection.vendor == "postgresql":
        # The ids just read, as one array parameter, rather than reading the records of
        # help a second time. SQLite would need one parameter per id.
        helped_q = Q(pk__any=ids(helped_ids)) if helped_ids else Q(pk__in=[])
    else:
        helped_q = Q(pk__in=helped_case_ids(node, first, last))
    return practice_cases(node).filter(helped_q | _on_support_q(first, last))


def minor_members_by_period(households: Q, periods: list[Span]) -> QuerySet:
    """(household id, person id, then for each period whether the membership is current
    during it and the person a minor at its end) of the memberships of the ``households``
    that count in at least one of the periods."""
    counts = [_current_q("", p.start, p.end) & _minor_q("person__", p.end) for p in periods]
    flags = {f"minor_{i}": _flag(q) for i, q in enumerate(counts)}
    return (HouseholdMember.objects.filter(households, functools.reduce(operator.or_, counts))
            .annotate(**flags).values_list("household_id", "person_id", *flags).order_by())


@dataclass(frozen=True)
class PeriodCounts:
    """The three counts of the chart for one period."""

    families_helped: int
    children: int
    families_on_support: int


def by_period(node: Territory, periods: list[Span]) -> list[PeriodCounts]:
    """``fd_families_helped``, ``fd_children`` and ``fd_families_on_support`` for each
    period, in three queries; read once per report (``shared``)."""
    key = ("family_dispatch.by_period", node.pk, node.path,
           tuple((p.start, p.end) for p in periods))
    return shared(key, lambda: _by_period(node, periods))


def _by_period(node: Territory, periods: list[Span]) -> list[PeriodCounts]:
    n = len(periods)
    # Which periods each case got help in: one pass over the records of help, grouped by
    # the period of their dates.
    helped_in: list[set[int]] = [set() for _p in periods]
    for pk, i in helped_case_periods(node, periods):
        helped_in[i].add(pk)
    # The cases that can count: id, household, applicant, then for each period whether the
    # case is on support, then for each period whether the applicant of a case without a
    # household is a minor at its end.
    cases = counted_cases(node, periods, sorted(set().union(*helped_in)))
    flags = {**{f"support_{i}": _flag(_on_support_q(p.start, p.end))
                for i, p in enumerate(periods)},
             **{f"applicant_{i}": _flag(_minor_applicant_q(p.end))
                for i, p in enumerate(periods)}}
    rows = list(cases.annotate(**flags).values_list("pk", "household_id", "person_id", *flags))
    if not rows:
        return [PeriodCounts(0, 0, 0) for _p in periods]
    pks, households, applicants, *case_flags = zip(*rows, strict=True)
    support, minor_applicant = case_flags[:n], case_flags[n:]
    household_of = dict(zip(pks, households, strict=True))
    applicant_of = dict(zip(pks, applicants, strict=True))
    # The minor members of those households, for each period: each household read once,
    # whatever the number of its cases and counts.
    if connection.vendor == "postgresql":
        # The households just read, as one array (the cases are not read a third time).
        of_households = Q(household_id__any=ids(sorted(set(households) - {None})))
    else:
        of_households = Q(household_id__in=cases.filter(household__isnull=False)
                          .values("household_id"))
    members = list(minor_members_by_period(of_households, periods))
    member_households, member_persons, *minor = (list(zip(*members, strict=True))
                                                 or [() for _column in range(2 + n)])
    result = []
    for i in range(n):
        # The target group in the period: households with a minor member current during
        # it, and cases without a household whose applicant is a minor at its end. A family
        # is its household, or its applicant alone (``count_families``).
        with_minors = set(itertools.compress(member_households, minor[i]))
        minor_applicant_cases = set(itertools.compress(pks, minor_applicant[i]))
        helped_households = {household_of.get(pk) for pk in helped_in[i]} & with_minors
        helped_applicants = {applicant_of[pk] for pk in helped_in[i] & minor_applicant_cases}
        children = {person for household, person in itertools.compress(
            zip(member_households, member_persons, strict=True), minor[i])
            if household in helped_households}
        supported_households = set(itertools.compress(households, support[i])) & with_minors
        supported_applicants = {applicant_of[pk] for pk in
                                set(itertools.compress(pks, support[i])) & minor_applicant_cases}
        result.append(PeriodCounts(
            families_helped=len(helped_households) + len(helped_applicants),
            children=len(children | helped_applicants),
            families_on_support=len(supported_households) + len(supported_applicants)))
    return result


@one_report
def families_helped_series(node: Territory, periods: list[Span]) -> list[Result]:
    return [Result.count(p.families_helped) for p in by_period(node, periods)]


@one_report
def children_series(node: Territory, periods: list[Span]) -> list[Result]:
    return [Result.count(p.children) for p in by_period(node, periods)]


@one_report
def families_on_support_series(node: Territory, periods: list[Span]) -> list[Result]:
    return [Result.count(p.families_on_support) for p in by_period(node, periods)]


# --------------------------------------------------------------------------- indicators


@one_report
def families_helped(node: Territory, start: datetime.date, end: datetime.date) -> Result:
    return Result.count(len(helped(node, start, end).families))


@one_report
def children(node: Territory, start: datetime.date, end: datetime.date) -> Result:
    return Result.count(len(helped(node, start, end).children))


@one_report
def families_on_support(node: Territory, start: datetime.date, end: datetime.date) -> Result:
    cases = practice_cases(node).filter(_on_support_q(start, end))
    return Result.count(count_families(cases, start, end))


@one_report
def improvement_share(node: Territory, start: datetime.date, end: datetime.date) -> Result:
    closed = (practice_cases(node)
              .filter(status=CaseStatus.CLOSED, closed_on__range=(start, end))
              .exclude(outcome=Outcome.MOVED_OUT))
    return Result.share(count_families(closed.filter(improved=Improvement.YES), start, end),
                        count_families(closed, start, end))


@one_report
def settlement_coverage(node: Territory, start: datetime.date, end: datetime.date) -> Result:
    """Сельские поселения with a helped family, of all those of the node (seed 004 counts
    "11 of 15" сельских поселений of the Nazyvaevsk district; the town is not among them)."""
    poseleniya = subtree(node).rural_poseleniya
    covered = helped(node, start, end).places & poseleniya
    return Result.share(len(covered), len(poseleniya))


FAMILIES_HELPED = register(Indicator(
    code="fd_families_helped",
    practice=Practice.FAMILY_DISPATCH,
    name=_("Семьи с детьми целевой группы, получившие помощь"),
    definition=_(
        "Число разных семей, которым в периоде оказана помощь по случаям «Семейной "
        "диспетчерской» на выбранной территории и ниже: выполнено мероприятие программы, "
        "проведено занятие, партнёр исполнил направление или составлен акт о срочных "
        "социальных услугах — с датой в периоде. Семья — домохозяйство случая, а если оно "
        "не указано — сам заявитель. Учитываются только семьи, в которых в периоде состоял "
        "хотя бы один несовершеннолетний (моложе 18 лет на последний день периода). Случаи "
        "с решением «не признан нуждающимся» не учитываются; семья с несколькими случаями "
        "считается один раз."),
    unit=Unit.COUNT,
    compute=families_helped,
    compute_periods=families_helped_series,
))

CHILDREN = register(Indicator(
    code="fd_children",
    practice=Practice.FAMILY_DISPATCH,
    name=_("Дети в семьях, получивших помощь"),
    definition=_(
        "Число разных несовершеннолетних (моложе 18 лет на последний день периода), "
        "состоявших в периоде в семьях из показателя «Семьи с детьми целевой группы, "
        "получившие помощь»; для случая без домохозяйства — несовершеннолетний заявитель. "
        "Ребёнок, выбывший из семьи до начала периода или включённый в неё после его "
        "окончания, не учитывается."),
    unit=Unit.COUNT,
    compute=children,
    compute_periods=children_series,
))

FAMILIES_ON_SUPPORT = register(Indicator(
    code="fd_families_on_support",
    practice=Practice.FAMILY_DISPATCH,
    name=_("Семьи, получившие помощь в форме социального сопровождения"),
    definition=_(
        "Число разных семей с несовершеннолетними детьми (как в показателе «Семьи с детьми "
        "целевой группы, получившие помощь»), у которых есть случай «Семейной "
        "диспетчерской» на выбранной территории и ниже с отметкой «социальное "
        "сопровождение», решением «признан нуждающимся», программой, утверждённой не позже "
        "последнего дня периода, и не закрытый до начала периода."),
    unit=Unit.COUNT,
    compute=families_on_support,
    compute_periods=families_on_support_series,
))

IMPROVEMENT_SHARE = register(Indicator(
    code="fd_improvement_share",
    practice=Practice.FAMILY_DISPATCH,
    name=_("Доля семей, отметивших улучшение ситуации"),
    definition=_(
        "Знаменатель — семьи с несовершеннолетними детьми, чей случай «Семейной "
        "диспетчерской» на выбранной территории и ниже закрыт в периоде с любым "
        "результатом, кроме «семья выбыла (переезд)»: выбывшую семью опросить нельзя. "
        "Числитель — те из них, кто при закрытии ответил, что ситуация семьи улучшилась. "
        "Доля в процентах, округлённая до целого; семья с несколькими случаями считается "
        "один раз."),
    unit=Unit.SHARE,
    compute=improvement_share,
    numerator_label=_("семей отметили улучшение"),
    denominator_label=_("семей с закрытым случаем"),
))

SETTLEMENT_COVERAGE = register(Indicator(
    code="fd_settlement_coverage",
    practice=Practice.FAMILY_DISPATCH,
    name=_("Охват поселений"),
    definition=_(
        "Считается по сельским поселениям муниципального района, как в практике «Семейной "
        "диспетчерской»: она внедрена в 11 из 15 сельских поселений Называевского района; "
        "городское поселение (районный центр) в этот счёт не входит. Знаменатель — все "
        "действующие сельские поселения выбранной территории. Числитель — те из них, где "
        "живёт хотя бы одна семья из показателя «Семьи с детьми целевой группы, получившие "
        "помощь»: сельское поселение, в которое входит населённый пункт заявителя (если он не "
        "указан — участок или населённый пункт случая). "
        "Доля — точное отношение числителя к знаменателю в процентах, округлённое до целого "
        "(11 из 15 — 73 %, а не 80 %). Для одного сельского поселения показатель равен 0 или "
        "100 %; в городском округе, городском поселении, населённом пункте и на участке "
        "сельских поселений нет, и показатель не считается."),
    unit=Unit.SHARE,
    compute=settlement_coverage,
    numerator_label=_("сельских поселений с семьями"),
    denominator_label=_("сельских поселений всего"),
    as_fraction=True,
))
