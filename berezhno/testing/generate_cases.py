"""Support cases for the generated region: intake, decision, problems, approved programmes
with activities, referrals to partners with the consent that allows them, closures.

Rows are written like the persons (COPY on PostgreSQL), with the values the services would
have produced: deadlines in working days of the production calendar, plan and activity
states consistent with the case's stage, referrals only where the family consented to the
transfer to that partner. About ``cases_per_person`` cases per person (QUALITY.md: 200 000
cases with 1 000 000 activities for a million residents).
"""

import bisect
import datetime
import random
from dataclasses import dataclass

from django.db import connection

from berezhno.cases.choices import (
    ActivityStatus,
    CaseStatus,
    Decision,
    Improvement,
    IntakeChannel,
    Outcome,
    PlanStatus,
    Practice,
    ProblemSource,
    ServiceForm,
    ServiceType,
)
from berezhno.cases.models import Activity, CaseProblem, DeadlineRule, Plan, Problem, SupportCase
from berezhno.core.workdays import working_days
from berezhno.people.choices import ConsentPurpose
from berezhno.people.models import Consent
from berezhno.referrals.choices import ReferralStatus
from berezhno.referrals.models import Referral

ACTIVITY_TITLES = {
    ServiceType.PSYCHOLOGICAL: ["Консультации психолога", "Коррекция детско-родительских "
                                "отношений", "Занятия в сенсорной комнате"],
    ServiceType.PEDAGOGICAL: ["Занятия с педагогом", "Песочная терапия с детьми"],
    ServiceType.LEGAL: ["Консультация юрисконсульта", "Помощь в оформлении документов"],
    ServiceType.HOUSEHOLD: ["Продуктовый набор", "Помощь в приобретении топлива"],
    ServiceType.LABOUR: ["Профконсультация", "Содействие в трудоустройстве"],
    ServiceType.SUPPORT_MEASURE: ["Оформление пособия", "Социальный контракт"],
    ServiceType.SUPPORT: ["Содействие в получении медицинской помощи",
                          "Консультации нарколога"],
}
CHANNELS = [IntakeChannel.WALK_IN, IntakeChannel.PHONE, IntakeChannel.SIGNAL,
            IntakeChannel.AGENT]
CHANNEL_WEIGHTS = [50, 25, 15, 10]
OUTCOMES = [Outcome.RESOLVED_FULLY, Outcome.RESOLVED_PARTIALLY, Outcome.NOT_RESOLVED,
            Outcome.REFUSED, Outcome.MOVED_OUT]
OUTCOME_WEIGHTS = [35, 35, 10, 10, 10]


@dataclass
class Candidate:
    person_id: int
    household_id: int
    slot: object
    children: int


class WorkingDays:
    """The production calendar in memory for the generated period (one query)."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.days = working_days(start, end)

    def add(self, start: datetime.date, n: int) -> datetime.date:
        i = bisect.bisect_right(self.days, start)
        return self.days[min(i + n - 1, len(self.days) - 1)]


class CaseMaker:
    def __init__(self, gen, rng: random.Random, cases_per_person: float):
        self.gen = gen
        self.rng = rng
        self.share = cases_per_person
        self.candidates: list[Candidate] = []

    def note(self, person_id, household_id, slot, children) -> None:
        self.candidates.append(Candidate(person_id, household_id, slot, children))

    def run(self, rows, new_id, flush) -> dict:
        gen, rng = self.gen, self.rng
        today = gen.today
        self.calendar = WorkingDays(today - datetime.timedelta(days=800),
                                    today + datetime.timedelta(days=400))
        self.deadlines = {r.code: r for r in DeadlineRule.objects.all()}
        problems = list(Problem.objects.filter(is_active=True).values_list("pk", flat=True))
        json_empty = "[]" if connection.vendor == "postgresql" else []
        counts = dict(cases=0, activities=0, referrals=0, plans=0)
        if not self.candidates:
            return counts
        n_cases = round(self.share * gen.summary.persons)
        weights = [3 if c.children else 1 for c in self.candidates]
        # (person, partner) → the day the family's one transfer consent is valid from.
        consented: dict[tuple[int, int], datetime.date] = {}
        for i, cand in enumerate(rng.choices(self.candidates, weights=weights, k=n_cases), 1):
            if i % 10_000 == 0:
                flush()
                gen.log(f"  cases {i} / {n_cases}")
            slot = cand.slot
            staff = gen.mun_staff[slot.municipality_id]
            case_id = new_id(SupportCase)
            age = rng.randint(0, 730)
            received_on = today - datetime.timedelta(days=age)
            received_at = gen.now - datetime.timedelta(days=age, minutes=rng.randint(0, 600))
            practice = Practice.FAMILY_DISPATCH if cand.children else Practice.DISTRICT
            responsible = staff["dispatcher"] if cand.children else slot.specialist_id
            if age < 15:
                status = rng.choice([CaseStatus.INTAKE, CaseStatus.PLANNING])
            else:
                status = rng.choices([CaseStatus.IN_PROGRESS, CaseStatus.REVIEW,
                                      CaseStatus.CLOSED, CaseStatus.REFUSED],
                                     [45, 5, 45, 5])[0]
            decision_due = self._due("decision", received_on)
            programme_due = self._due("programme", received_on)
            case = dict(
                id=case_id, number=f"{received_on.year}-{case_id:06d}", practice=practice,
                person_id=cand.person_id, household_id=cand.household_id,
                territory_id=slot.territory_id, provider_id=slot.organisation_id,
                received_at=received_at, channel=rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
                problem_told="Трудная жизненная ситуация: нехватка средств, "
                             "нужна помощь специалистов", circumstances=json_empty,
                registered_by_id=responsible, responsible_id=responsible, status=status,
                decision_due=decision_due, programme_due=programme_due,
                created_at=received_at, updated_at=received_at)
            for pk in rng.sample(problems, k=min(len(problems), rng.randint(1, 3))):
                rows[CaseProblem].add(id=new_id(CaseProblem), case_id=case_id, problem_id=pk,
                                      source=ProblemSource.INTAKE, identified_on=received_on,
                                      identified_by_id=responsible)
            if status == CaseStatus.INTAKE:
                rows[SupportCase].add(**case)
                counts["cases"] += 1
                continue
            decision_date = min(today, received_on + datetime.timedelta(days=rng.randint(1, 5)))
            case.update(decision_date=decision_date, decision_by_id=responsible,
                        decision=Decision.NEED_RECOGNISED)
            if status == CaseStatus.REFUSED:
                case.update(decision=Decision.NEED_NOT_RECOGNISED, closed_on=decision_date,
                            closed_by_id=responsible,
                            decision_notes="Среднедушевой доход выше полутора ПМ")
                rows[SupportCase].add(**case)
                counts["cases"] += 1
                continue
            plan_id = new_id(Plan)
            counts["plans"] += 1
            if status == CaseStatus.PLANNING:
                rows[Plan].add(id=plan_id, case_id=case_id, practice=practice, number=1,
                               status=PlanStatus.DRAFT,
                               service_form=ServiceForm.NONE, created_by_id=responsible,
                               created_at=gen.now)
                rows[SupportCase].add(**case)
                counts["cases"] += 1
                continue
            programme_date = min(today, decision_date
                                 + datetime.timedelta(days=rng.randint(1, 7)))
            case["programme_date"] = programme_date
            finished = status in (CaseStatus.REVIEW, CaseStatus.CLOSED)
            last_finish = programme_date
            for _ in range(rng.randint(3, 7)):
                stype = rng.choice(list(ACTIVITY_TITLES))
                partner = rng.random() < 0.2
                # A family drawn again for an earlier case has consented only since the later
                # one (one consent per purpose): no referral before it.
                key = (cand.person_id, staff["partner_org"])
                partner = partner and consented.get(key, received_on) <= received_on
                due = programme_date + datetime.timedelta(days=rng.randint(10, 90))
                if finished:
                    a_status = ActivityStatus.DONE if rng.random() < 0.85 \
                        else ActivityStatus.NOT_DONE
                else:
                    a_status = rng.choices([ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS,
                                            ActivityStatus.DONE], [40, 30, 30])[0]
                finished_on = None
                if a_status in (ActivityStatus.DONE, ActivityStatus.NOT_DONE):
                    finished_on = min(today, programme_date + datetime.timedelta(
                        days=rng.randint(5, 80)))
                    last_finish = max(last_finish, finished_on)
                activity_id = new_id(Activity)
                executor = (None if partner else rng.choice(
                    [staff["psychologist"], slot.specialist_id]))
                rows[Activity].add(
                    id=activity_id, plan_id=plan_id, case_id=case_id, practice=practice,
                    service_type=stype,
                    title=rng.choice(ACTIVITY_TITLES[stype]), responsible_user_id=executor,
                    partner_id=staff["partner_org"] if partner else None, due_date=due,
                    status=a_status, started_on=programme_date if a_status != "planned"
                    else None, finished_on=finished_on,
                    result="Выполнено" if a_status == ActivityStatus.DONE else "",
                    not_done_reason="Семья не явилась" if a_status == ActivityStatus.NOT_DONE
                    else "", created_at=gen.now, updated_at=gen.now)
                counts["activities"] += 1
                if partner:
                    if key not in consented:
                        consented[key] = received_on
                        self._partner_consent(rows, new_id, cand, slot, staff, received_on)
                    r_status = (ReferralStatus.DONE if a_status == ActivityStatus.DONE
                                else ReferralStatus.REJECTED if a_status == "not_done"
                                else rng.choice([ReferralStatus.SENT, ReferralStatus.ACCEPTED]))
                    rows[Referral].add(
                        id=new_id(Referral), case_id=case_id, practice=practice,
                        activity_id=activity_id,
                        organisation_id=staff["partner_org"], services="Помощь по профилю",
                        sent_on=programme_date, sent_by_id=responsible,
                        response_due=self._due("referral_response", programme_date),
                        result_due=due, status=r_status,
                        responded_on=programme_date if r_status != "sent" else None,
                        responded_by_id=staff["partner_user"] if r_status != "sent" else None,
                        rejection_reason="Нет мест" if r_status == "rejected" else "",
                        result="Помощь оказана" if r_status == "done" else "",
                        completed_on=finished_on if r_status == "done" else None,
                        created_at=gen.now, updated_at=gen.now)
                    counts["referrals"] += 1
            plan_status = PlanStatus.CLOSED if status == CaseStatus.CLOSED \
                else PlanStatus.APPROVED
            rows[Plan].add(id=plan_id, case_id=case_id, practice=practice, number=1,
                           status=plan_status,
                           service_form=ServiceForm.AT_HOME, created_by_id=responsible,
                           created_at=gen.now, approved_on=programme_date,
                           approved_by_id=responsible)
            if status == CaseStatus.REVIEW:
                case["review_since"] = last_finish
            if status == CaseStatus.CLOSED:
                outcome = rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0]
                improved = (Improvement.NOT_ASKED if outcome == Outcome.MOVED_OUT
                            else Improvement.YES if outcome in (
                                Outcome.RESOLVED_FULLY, Outcome.RESOLVED_PARTIALLY)
                            and rng.random() < 0.8 else Improvement.NO)
                case.update(outcome=outcome, improved=improved, closed_by_id=responsible,
                            closed_on=min(today, last_finish + datetime.timedelta(
                                days=rng.randint(1, 10))),
                            closure_notes="Результаты обсуждены с семьёй")
            rows[SupportCase].add(**case)
            counts["cases"] += 1
        return counts

    def _due(self, code: str, start: datetime.date) -> datetime.date:
        rule = self.deadlines.get(code)
        days, working = (rule.days, rule.working_days) if rule else (5, True)
        if working:
            return self.calendar.add(start, days)
        return start + datetime.timedelta(days=days)

    def _partner_consent(self, rows, new_id, cand, slot, staff, on) -> None:
        consent_id = new_id(Consent)
        rows[Consent].add(
            id=consent_id, person_id=cand.person_id, purpose=ConsentPurpose.PARTNER_TRANSFER,
            subject_address="по месту жительства", subject_document="паспорт",
            operator_id=slot.organisation_id, data_list="ФИО, дата рождения, адрес, телефон",
            valid_from=on, taken_by_id=staff["dispatcher"], is_active=True)
        rows[Consent.recipients.through].add(
            id=new_id(Consent.recipients.through), consent_id=consent_id,
            organisation_id=staff["partner_org"])
