"""Benchmark of the registry on generated data: UI and API beside the bare SQL.

Every operation is measured three ways in the same run: the UI page and the
API endpoint through the whole Django stack (middleware, session, scope,
templates or serializers, the access log), served in-process by the test
client, and the bare SQL that answers the same question with the same scope.
Server time only: no network, no browser. Query counts are taken in a
separate pass so that capturing them does not slow the timed passes.
"""

# SQL here is built from model metadata and constant fragments only; values are
# always passed as parameters.
# ruff: noqa: S608

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from berezhno.accounts.models import RoleAssignment, User
from berezhno.cases.models import Activity, SupportCase
from berezhno.core import access
from berezhno.indicators import periods
from berezhno.indicators.selectors import today
from berezhno.people.models import Person, years_ago
from berezhno.territories.models import District, Territory

HOST = "127.0.0.1"


@dataclass
class Measure:
    label: str
    times_ms: list[float] = field(default_factory=list)
    queries: int | None = None

    def p(self, q: float) -> float:
        data = sorted(self.times_ms)
        if not data:
            return 0.0
        index = min(len(data) - 1, max(0, round(q * (len(data) - 1))))
        return data[index]

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms) if self.times_ms else 0.0

    @property
    def p95(self) -> float:
        return self.p(0.95)


@dataclass
class Operation:
    name: str
    who: str
    target_ms: int
    ui: Measure | None
    api: Measure | None
    sql: Measure


class Bench:
    def __init__(self, iterations: int = 30, seed: int = 7, log=None,
                 only: str = ""):
        self.iterations = iterations
        # Measure only the operations whose name contains this (case-insensitive).
        self.only = only.lower()
        self.rng = random.Random(seed)  # noqa: S311 - sampling, not security
        self.log = log or (lambda message: None)
        self.results: list[Operation] = []

    # ---------------------------------------------------------------- setup
    def _actors(self):
        """The busiest district's specialist and the busiest municipality's head."""
        busiest = (Person.objects.values("territory_id").annotate(n=Count("id"))
                   .order_by("-n").first())
        if busiest is None:
            raise RuntimeError("No data: run generate_data first.")
        district = District.objects.select_related("territory", "specialist").get(
            pk=busiest["territory_id"])
        if district.specialist is None:
            raise RuntimeError("The busiest district has no specialist.")
        specialist_scope = district.territory
        mun = Territory.objects.get(pk=district.territory.ancestor_ids()[1])
        head = (User.objects.filter(role_assignments__role="head",
                                    role_assignments__territory=mun, is_active=True).first())
        if head is None:
            assignment = RoleAssignment.objects.filter(role="head", is_active=True).first()
            head = assignment.user
            mun = assignment.territory
        return (district.specialist, specialist_scope), (head, mun)

    def _client(self, user) -> Client:
        client = Client(HTTP_HOST=HOST)
        client.force_login(user)
        return client

    # --------------------------------------------------------------- timing
    def _time(self, label: str, call: Callable[[], object]) -> Measure:
        measure = Measure(label)
        call()  # warm
        with CaptureQueriesContext(connection) as ctx:
            call()
        measure.queries = len(ctx.captured_queries)
        for _ in range(self.iterations):
            started = time.perf_counter()
            call()
            measure.times_ms.append((time.perf_counter() - started) * 1000)
        return measure

    def _get(self, client: Client, url: str, htmx: bool = False) -> Callable[[], object]:
        headers = {"HX-Request": "true"} if htmx else {}

        def call():
            response = client.get(url, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response
        return call

    def _post(self, client: Client, url: str, data: dict, json: bool = False
              ) -> Callable[[], object]:
        """A POSTed search (decision 0017: the term is in the body, never in the URL)."""

        def call():
            if json:
                response = client.post(url, data, content_type="application/json")
            else:
                response = client.post(url, data)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response
        return call

    def _sql(self, statements: list[tuple[str, list]]) -> Callable[[], object]:
        def call():
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()
        return call

    def _rotating(self, make: Callable[[object], Callable[[], object]], items: list):
        """A call that moves to the next sample item each time (search terms, persons)."""
        calls = [make(item) for item in items]
        state = {"i": 0}

        def call():
            state["i"] = (state["i"] + 1) % len(calls)
            return calls[state["i"]]()
        return call

    def add(self, name, who, target, ui_call, api_call, sql_call) -> None:
        if self.only and self.only not in name.lower():
            return
        self.log(f"  {name} ({who})")
        self.results.append(Operation(
            name, who, target,
            self._time("ui", ui_call) if ui_call else None,
            self._time("api", api_call) if api_call else None,
            self._time("sql", sql_call)))

    # ------------------------------------------------------------------ run
    def run(self) -> list[Operation]:
        (specialist, d_scope), (head, mun) = self._actors()
        with override_settings(DEBUG=False, ALLOWED_HOSTS=[HOST]):
            for user, scope, who in ((specialist, d_scope, "district specialist"),
                                     (head, mun, "head (municipality)")):
                self._scenarios(user, scope, who)
            self._specialist_cases(specialist)
            self._case_scenarios()
            self._indicator_scenarios()
        return self.results

    # ----------------------------------------------------------- indicators
    def _indicator_scenarios(self) -> None:
        """The Family Dispatch indicators of the last full quarter and the charts by quarter
        that follow them: for the busiest district (its specialist) and for the whole region
        (the ministry analyst)."""
        busiest = (SupportCase.objects.filter(practice="family_dispatch")
                   .values("territory_id").annotate(n=Count("id")).order_by("-n").first())
        if busiest is None:
            self.log("  (no Family Dispatch cases: skipped the indicators)")
            return
        district = Territory.objects.get(pk=busiest["territory_id"])
        region = Territory.objects.get(pk=district.ancestor_ids()[0])
        quarter = periods.last_quarter(today(district))
        # Targets (docs/performance.md): the table of a quarter, then the charts of the year.
        for node, role, who, target, chart_target in (
                (district, "district_specialist", "district specialist", 200, 200),
                (region, "analyst", "ministry analyst (region)", 2000, 1000)):
            user = (User.objects.filter(role_assignments__role=role, is_active=True,
                                        role_assignments__territory=node).first()
                    or (district.district.specialist if role == "district_specialist"
                        else None))
            if user is None:
                self.log(f"  (no {role} at {node}: skipped)")
                continue
            client = self._client(user)
            query = (f"practice=family_dispatch&territory={node.pk}"
                     f"&start={quarter.start:%Y-%m-%d}&end={quarter.end:%Y-%m-%d}")
            self.add(f"Family Dispatch indicators, {quarter.label} {quarter.start.year}",
                     who, target, self._get(client, f"/indicators/?{query}"),
                     self._get(client, f"/api/v1/indicators/?{query}"),
                     self._sql(self._indicator_sql(node, quarter.start, quarter.end)))
            # The charts that follow the table: the htmx fragment, the count indicators by
            # quarter of the year of the period's end (the quarters begun so far).
            year = quarter.end.year
            begun = [q for q in periods.quarters(year) if q.start <= today(node)]
            self.add(f"Family Dispatch charts by quarter, {year}", who, chart_target,
                     self._get(client, f"/indicators/charts/?{query}", htmx=True), None,
                     self._sql(self._chart_sql(node, begun)))

    def _indicator_sql(self, node: Territory, start, end) -> list[tuple[str, list]]:
        """The five Family Dispatch indicators written by hand (docs/indicators.md gives the
        rules): families helped, their children and settlements in one statement, families
        on support, the improvement share, the settlements of the node."""

        ids = list(Territory.objects.filter(path__startswith=node.path)
                   .values_list("pk", flat=True))
        cutoff = years_ago(end, 18)
        in_ids = "(" + ", ".join(str(int(pk)) for pk in ids) + ")"  # integers from the db
        cases = ("c.practice = 'family_dispatch' AND c.territory_id IN " + in_ids
                 + " AND c.decision <> 'not_recognised'")
        minor = ("((p.birth_date > %s AND p.birth_date <= %s) OR (p.birth_date IS NULL AND "
                 "p.estimated_birth_year > %s AND p.estimated_birth_year <= %s))")
        minor_args = [cutoff, end, cutoff.year, end.year]
        member = ("(m.since IS NULL OR m.since <= %s) AND (m.until IS NULL OR m.until >= %s)")
        target = (f"((c.household_id IS NOT NULL AND EXISTS (SELECT 1 FROM "
                  f"people_householdmember m JOIN people_person p ON p.id = m.person_id "
                  f"WHERE m.household_id = c.household_id AND {member} AND {minor})) OR "
                  f"(c.household_id IS NULL AND EXISTS (SELECT 1 FROM people_person p "
                  f"WHERE p.id = c.person_id AND {minor})))")
        target_args = [end, start, *minor_args, *minor_args]
        family = "COALESCE(c.household_id, -c.person_id)"
        helped = (
            "WITH helped AS ("
            "SELECT a.case_id FROM cases_activity a WHERE a.status = 'done' "
            "AND a.finished_on BETWEEN %s AND %s "
            "UNION SELECT a.case_id FROM cases_activitysession s JOIN cases_activity a "
            "ON a.id = s.activity_id WHERE s.held_on BETWEEN %s AND %s "
            "UNION SELECT r.case_id FROM cases_referral r WHERE r.status = 'done' "
            "AND r.completed_on BETWEEN %s AND %s "
            "UNION SELECT u.case_id FROM cases_urgentserviceact u "
            "WHERE u.act_date BETWEEN %s AND %s) "
            f"SELECT COUNT(DISTINCT {family}), COUNT(DISTINCT p.id), "
            "COUNT(DISTINCT CASE WHEN t.level = 4 THEN t.parent_id WHEN t.level = 3 THEN t.id "
            "END) FROM cases_supportcase c "
            "JOIN helped h ON h.case_id = c.id "
            "JOIN territories_territory t ON t.id = c.territory_id "
            f"LEFT JOIN people_householdmember m ON m.household_id = c.household_id AND {member} "
            "JOIN people_person p ON p.id = COALESCE(m.person_id, CASE WHEN c.household_id "
            f"IS NULL THEN c.person_id END) WHERE {cases} AND {minor}")
        return [
            (helped, [start, end] * 4 + [end, start, *minor_args]),
            (f"SELECT COUNT(DISTINCT {family}) FROM cases_supportcase c WHERE {cases} "
             "AND c.is_social_support AND c.decision = 'recognised' AND c.programme_date <= %s "
             f"AND (c.closed_on IS NULL OR c.closed_on >= %s) AND {target}",
             [end, start, *target_args]),
            (f"SELECT COUNT(DISTINCT CASE WHEN c.improved = 'yes' THEN {family} END), "
             f"COUNT(DISTINCT {family}) FROM cases_supportcase c WHERE {cases} "
             "AND c.status = 'closed' AND c.closed_on BETWEEN %s AND %s "
             f"AND c.outcome <> 'moved_out' AND {target}", [start, end, *target_args]),
            ("SELECT COUNT(*) FROM territories_territory WHERE id IN " + in_ids
             + " AND level = 3 AND is_active", []),
        ]

    def _chart_sql(self, node: Territory, quarters) -> list[tuple[str, list]]:
        """The chart's three count indicators for ``quarters`` written by hand, grouped by
        the quarter of the date of help (families helped and their children in one
        statement) and by the quarters a case was on support (families on support)."""
        from berezhno.people.models import years_ago

        ids = list(Territory.objects.filter(path__startswith=node.path)
                   .values_list("pk", flat=True))
        in_ids = "(" + ", ".join(str(int(pk)) for pk in ids) + ")"  # integers from the db
        cases = ("c.practice = 'family_dispatch' AND c.territory_id IN " + in_ids
                 + " AND c.decision <> 'not_recognised'")
        day = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
        # One row per quarter: number, first and last day, the birth-date cutoff of a minor
        # at the last day and the years of the cutoff and of the last day.
        bounds = " UNION ALL ".join(
            f"SELECT {n} AS q, {day} AS s, {day} AS e, {day} AS cutoff, %s AS cy, %s AS ey"
            for n in range(1, len(quarters) + 1))
        bound_args = []
        for q in quarters:
            cutoff = years_ago(q.end, 18)
            bound_args += [q.start, q.end, cutoff, cutoff.year, q.end.year]
        first, last = quarters[0].start, quarters[-1].end
        quarter_of = ("CASE " + " ".join(f"WHEN h.day <= {day} THEN {n}"
                                         for n in range(1, len(quarters) + 1)) + " END")
        minor = ("((p.birth_date > b.cutoff AND p.birth_date <= b.e) OR (p.birth_date IS NULL "
                 "AND p.estimated_birth_year > b.cy AND p.estimated_birth_year <= b.ey))")
        member = "(m.since IS NULL OR m.since <= b.e) AND (m.until IS NULL OR m.until >= b.s)"
        family = "COALESCE(c.household_id, -c.person_id)"
        # Each branch of help joins its case, so that a district's help is found from its
        # cases; the persons are joined once for every quarter (as the registry does).
        join = "JOIN cases_supportcase c ON c.id = {}.case_id WHERE " + cases + " AND "
        helped = (
            f"WITH b AS ({bounds}), help AS ("
            f"SELECT a.case_id, a.finished_on AS day FROM cases_activity a {join.format('a')}"
            "a.status = 'done' AND a.finished_on BETWEEN %s AND %s "
            "UNION ALL SELECT a.case_id, s.held_on FROM cases_activitysession s "
            f"JOIN cases_activity a ON a.id = s.activity_id {join.format('a')}"
            "s.held_on BETWEEN %s AND %s "
            f"UNION ALL SELECT r.case_id, r.completed_on FROM cases_referral r {join.format('r')}"
            "r.status = 'done' AND r.completed_on BETWEEN %s AND %s "
            "UNION ALL SELECT u.case_id, u.act_date FROM cases_urgentserviceact u "
            f"{join.format('u')}u.act_date BETWEEN %s AND %s), "
            f"hq AS (SELECT DISTINCT h.case_id, {quarter_of} AS q FROM help h) "
            f"SELECT b.q, COUNT(DISTINCT {family}), COUNT(DISTINCT p.id) "
            "FROM hq JOIN b ON b.q = hq.q JOIN cases_supportcase c ON c.id = hq.case_id "
            f"LEFT JOIN people_householdmember m ON m.household_id = c.household_id AND {member} "
            "JOIN people_person p ON p.id = COALESCE(m.person_id, CASE WHEN c.household_id "
            f"IS NULL THEN c.person_id END) WHERE {minor} GROUP BY b.q")
        support = (
            f"WITH b AS ({bounds}) SELECT b.q, COUNT(DISTINCT {family}) "
            "FROM cases_supportcase c JOIN b ON c.programme_date <= b.e "
            "AND (c.closed_on IS NULL OR c.closed_on >= b.s) "
            f"LEFT JOIN people_householdmember m ON m.household_id = c.household_id AND {member} "
            "JOIN people_person p ON p.id = COALESCE(m.person_id, CASE WHEN c.household_id "
            f"IS NULL THEN c.person_id END) WHERE {cases} AND c.is_social_support "
            f"AND c.decision = 'recognised' AND {minor} GROUP BY b.q")
        return [(helped, [*bound_args, *[first, last] * 4, *[q.end for q in quarters]]),
                (support, bound_args)]

    # ---------------------------------------------------------------- cases
    def _case_scenarios(self) -> None:
        """The dispatcher's board and case list, a case card, the psychologist's worklist:
        the busiest municipality by support cases."""

        busiest = (SupportCase.objects.values("territory__path").annotate(n=Count("id"))
                   .order_by("-n").first())
        if busiest is None:
            self.log("  (no support cases: skipped the case scenarios)")
            return
        mun_path = ".".join(busiest["territory__path"].split(".")[:2]) + "."
        mun = Territory.objects.get(path=mun_path)
        dispatcher = User.objects.filter(role_assignments__role="dispatcher",
                                         role_assignments__territory=mun,
                                         is_active=True).first()
        psychologist = User.objects.filter(role_assignments__role="specialist",
                                           role_assignments__territory=mun,
                                           is_active=True).first()
        if dispatcher is None or psychologist is None:
            self.log("  (no dispatcher or psychologist: skipped the case scenarios)")
            return
        prefix = mun.path + "%"
        # The dispatcher works in Family Dispatch (its role's default practice).
        scope = ("c.practice = 'family_dispatch' AND c.territory_id IN (SELECT t.id FROM "
                 "territories_territory t WHERE t.path LIKE %s)")
        active = "c.status IN ('intake', 'planning', 'in_progress', 'review')"
        client = self._client(dispatcher)
        who = "dispatcher (municipality)"
        self.add("Dispatcher board: families by problem, workload", who, 100,
                 self._get(client, "/cases/board/"), self._get(client, "/api/v1/board/"),
                 self._sql([
                     ("SELECT cp.problem_id, COUNT(*) FROM cases_caseproblem cp JOIN "
                      "cases_supportcase c ON c.id = cp.case_id WHERE " + active + " AND "
                      + scope + " GROUP BY cp.problem_id", [prefix]),
                     ("SELECT c.responsible_id, COUNT(*) FROM cases_supportcase c WHERE "
                      + active + " AND " + scope + " GROUP BY c.responsible_id", [prefix]),
                     ("SELECT a.responsible_user_id, COUNT(*), SUM(CASE WHEN a.due_date < "
                      "CURRENT_DATE THEN 1 ELSE 0 END) FROM cases_activity a JOIN "
                      "cases_supportcase c ON c.id = a.case_id WHERE a.status IN "
                      "('planned', 'in_progress') AND " + scope
                      + " GROUP BY a.responsible_user_id", [prefix])]))
        self.add("Case list, page 1 of 50", who, 100,
                 self._get(client, "/cases/"), self._get(client, "/api/v1/cases/?page_size=50"),
                 self._sql([("SELECT c.id, c.number, c.status, c.received_at, p.surname, "
                             "p.name FROM cases_supportcase c JOIN people_person p ON "
                             "p.id = c.person_id WHERE " + scope
                             + " ORDER BY c.received_at DESC, c.id DESC LIMIT 51",
                             [prefix])]))
        ids = list(SupportCase.objects.filter(territory__path__startswith=mun.path,
                                              practice="family_dispatch", status="in_progress")
                   .order_by("?").values_list("id", flat=True)[:10])
        if ids:
            self.add("Case card (plan, activities, referrals, history)", who, 100,
                     self._rotating(lambda pk: self._get(client, f"/cases/{pk}/"), ids),
                     self._rotating(lambda pk: self._get(client, f"/api/v1/cases/{pk}/"), ids),
                     self._rotating(lambda pk: self._sql([
                         ("SELECT c.* FROM cases_supportcase c WHERE c.id = %s AND " + scope,
                          [pk, prefix]),
                         ("SELECT * FROM cases_plan WHERE case_id = %s", [pk]),
                         ("SELECT * FROM cases_activity WHERE case_id = %s", [pk]),
                         ("SELECT * FROM cases_referral WHERE case_id = %s", [pk]),
                         ("SELECT * FROM cases_caseproblem WHERE case_id = %s", [pk])]), ids))
        client = self._client(psychologist)
        self.add("Specialist worklist: open activities", "psychologist (municipality)", 100,
                 self._get(client, "/cases/worklist/"),
                 self._get(client, "/api/v1/activities/?mine=true&status=planned"),
                 self._sql([("SELECT a.id, a.title, a.due_date, a.status, c.number FROM "
                             "cases_activity a JOIN cases_supportcase c ON c.id = a.case_id "
                             "WHERE a.responsible_user_id = %s AND a.status IN ('planned', "
                             "'in_progress') ORDER BY a.due_date, a.id LIMIT 50",
                             [psychologist.pk])]))

    def _specialist_cases(self, user) -> None:
        """The district specialist's case list, page 1 and page 3: a scope of the district's
        cases OR those the specialist is responsible for OR carries out an activity of,
        which PostgreSQL tends to answer by walking the region's cases by intake date."""
        territories = list(access.territories_in_scope(user, "case", "view")
                           .values_list("pk", flat=True))
        executed = sorted(set(Activity.objects.filter(responsible_user=user).order_by()
                              .values_list("case_id", flat=True)))
        client = self._client(user)

        def in_list(ids):  # integers read from the database
            return "(" + (", ".join(str(int(pk)) for pk in ids) or "NULL") + ")"

        scope = (f"(c.territory_id IN {in_list(territories)} OR c.responsible_id = %s "
                 f"OR c.id IN {in_list(executed)})")

        listed = SupportCase.objects.restrict(user, "view").count()
        # Page 3 on the region; the last page on a small generated database.
        for page in sorted({1, max(1, min(3, -(-listed // 50)))}):
            offset = (page - 1) * 50
            self.add(f"Case list, page {page} of 50", "district specialist", 100,
                     self._get(client, f"/cases/?page={page}"),
                     self._get(client, f"/api/v1/cases/?page={page}&page_size=50"),
                     self._sql([("SELECT c.id, c.number, c.status, c.received_at, p.surname, "
                                 "p.name FROM cases_supportcase c JOIN people_person p ON "
                                 "p.id = c.person_id WHERE " + scope
                                 + " ORDER BY c.received_at DESC, c.id DESC LIMIT 51 OFFSET %s",
                                 [user.pk, offset])]))

    def _scope_sql(self) -> str:
        return ("p.territory_id IN (SELECT t.id FROM territories_territory t "
                "WHERE t.path LIKE %s)")

    def _scenarios(self, user, scope: Territory, who: str) -> None:
        client = self._client(user)
        prefix = scope.path + "%"
        in_scope = Person.objects.filter(territory__path__startswith=scope.path,
                                         status="active")
        sample = list(in_scope.exclude(snils="").order_by("?")[:20]
                      .values("id", "surname", "name", "snils"))
        if not sample:
            raise RuntimeError(f"No persons in the scope of {scope}.")
        fragments = sorted({s["surname"][:5].lower() for s in sample})[:10]
        order = "ORDER BY p.search_name, p.id"
        base = ("SELECT p.id, p.surname, p.name, p.patronymic, p.birth_date, p.territory_id "
                "FROM people_person p WHERE ")
        self.add("Search by surname fragment", who, 100,
                 self._rotating(lambda f: self._post(client, "/people/", {"q": f}), fragments),
                 self._rotating(lambda f: self._post(client, "/api/v1/persons/search/",
                                                     {"q": f}, json=True), fragments),
                 self._rotating(lambda f: self._sql([(
                     base + f"p.search_name LIKE %s AND p.status = 'active' AND "
                     f"{self._scope_sql()} {order} LIMIT 50", [f"%{f}%", prefix])]), fragments))
        snils = [s["snils"] for s in sample]
        self.add("Search by SNILS", who, 100,
                 self._rotating(lambda s: self._post(client, "/people/", {"q": s}), snils),
                 self._rotating(lambda s: self._post(client, "/api/v1/persons/search/",
                                                     {"q": s}, json=True), snils),
                 self._rotating(lambda s: self._sql([(
                     base + f"p.snils = %s AND p.status = 'active' AND {self._scope_sql()} "
                     f"{order} LIMIT 50", [s, prefix])]), snils))
        ids = [s["id"] for s in sample]
        self.add("Person card (household, last contacts)", who, 100,
                 self._rotating(lambda pk: self._get(client, f"/people/{pk}/"), ids),
                 self._rotating(lambda pk: self._get(client, f"/api/v1/persons/{pk}/"), ids),
                 self._rotating(lambda pk: self._sql(self._card_sql(pk, prefix)), ids))
        self.add("Person list, page 1 of 50", who, 100,
                 self._get(client, "/people/"),
                 self._get(client, "/api/v1/persons/?page_size=50"),
                 self._sql([(base + f"p.status = 'active' AND {self._scope_sql()} {order} "
                             "LIMIT 51", [prefix])]))
        self.add("Person list (API only), page 1 of 200", who, 100, None,
                 self._get(client, "/api/v1/persons/?page_size=200"),
                 self._sql([(base + f"p.status = 'active' AND {self._scope_sql()} {order} "
                             "LIMIT 201", [prefix])]))
        deep = max(1, min(20, in_scope.count() // 50))
        self.add(f"Person list, page {deep} of 50", who, 100,
                 self._get(client, f"/people/?page={deep}"),
                 self._get(client, f"/api/v1/persons/?page={deep}&page_size=50"),
                 self._sql([(base + f"p.status = 'active' AND {self._scope_sql()} {order} "
                             f"LIMIT 51 OFFSET {(deep - 1) * 50}", [prefix])]))
        self.add("Worklist: due and overdue contacts", who, 100,
                 self._get(client, "/"), None,
                 self._sql([(
                     "SELECT c.id, c.next_contact_date, p.surname, p.name FROM people_contact c "
                     "JOIN people_person p ON p.id = c.person_id WHERE "
                     "c.next_contact_date <= CURRENT_DATE + 7 AND p.status = 'active' AND "
                     f"{self._scope_sql()} AND NOT EXISTS (SELECT 1 FROM people_contact l "
                     "WHERE l.person_id = c.person_id AND l.occurred_at > c.occurred_at) "
                     "ORDER BY c.next_contact_date, c.id LIMIT 30", [prefix])]))

    def _card_sql(self, pk: int, prefix: str) -> list[tuple[str, list]]:
        return [
            ("SELECT p.* FROM people_person p WHERE p.id = %s AND " + self._scope_sql(),
             [pk, prefix]),
            ("SELECT c.* FROM people_consent c WHERE c.person_id = %s ORDER BY c.valid_from DESC",
             [pk]),
            ("SELECT k.* FROM people_personcategory k WHERE k.person_id = %s", [pk]),
            ("SELECT m.*, p.surname, p.name, p.patronymic, p.birth_date "
             "FROM people_householdmember m JOIN people_person p ON p.id = m.person_id "
             "WHERE m.household_id = (SELECT household_id FROM people_householdmember "
             "WHERE person_id = %s AND until IS NULL)", [pk]),
            ("SELECT c.* FROM people_contact c WHERE c.person_id = %s "
             "ORDER BY c.occurred_at DESC LIMIT 20", [pk]),
        ]


def markdown(results: list[Operation]) -> str:
    lines = [
        "| operation | user | target, ms | UI p50 / p95, ms | API p50 / p95, ms "
        "| SQL p50 / p95, ms | queries UI / API | API (or UI) / SQL at p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for op in results:
        def cell(m):
            return f"{m.p50:.1f} / {m.p95:.1f}" if m else "—"

        overhead = (op.api or op.ui).p95 / op.sql.p95 if op.sql.p95 else 0
        queries = f"{op.ui.queries if op.ui else '—'} / {op.api.queries if op.api else '—'}"
        lines.append(f"| {op.name} | {op.who} | {op.target_ms} | {cell(op.ui)} | "
                     f"{cell(op.api)} | {cell(op.sql)} | {queries} | {overhead:.1f}× |")
    return "\n".join(lines)

