"""A known set of families for the Family Dispatch indicators of 2026.

Every record is made through the services of ``berezhno.cases`` and ``berezhno.people``
(which refuse future dates and check states, so everything happens "today"); the dates are
then moved into 2026 with queryset ``update()`` — arranging test data, not mocking.

Families of 2026 (members dated from 2020; dates are of 2026 unless said):

- F1 Ивановы, d1: children born 2015, 2018, 1 May 2008 (18 on 1 May 2026) and 2003 (an
  adult). C1, social support: programme 15.01, activity done 10.02, session 05.05, activity
  done 15.06, closed 20.06 resolved, improved. C1b: an urgent act 20.02 (intake only).
- F2 Петровы, d1: a child born 2000 (an adult). Activity done 11.02.
- F3 Сидоровы, d2: a child born 2016. Urgent act 01.03, then not recognised 02.03.
- F4 Кузьмины, d2: children 2012, 2014, 2019; a child of 2010 left on 31.12.2025.
  Programme 01.03, referral done by the partner 15.04, moved out 10.06.
- F5 Тарасовы, d3 (the other municipality): a child born 2017. Not social support:
  programme 25.01, activity done 25.02, closed 25.03 not resolved, not improved.
- F6, d1: a minor applicant (born 1 June 2010) without a household. Programme 10.04,
  session 20.05; still on support.
- F7, d1: an adult applicant without a household. Activity done 12.02.
- F8 Орловы, d2: a child born 2020. Programme 05.04, activity done 10.05, closed 25.06
  partially resolved, the family not asked.
- F9 Лебедевы, d1: a child born 2013; practice "district": activity done 15.02.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from berezhno.cases import services
from berezhno.cases.choices import Decision, Improvement, Outcome
from berezhno.cases.models import Activity, ActivitySession, Plan, SupportCase
from berezhno.core.context import acting_as
from berezhno.people import services as people
from berezhno.people.models import HouseholdMember
from berezhno.referrals import services as referrals_services
from berezhno.referrals.models import Referral
from berezhno.testing.fixtures import CONSENT
from berezhno.urgent import services as urgent_services
from berezhno.urgent.models import UrgentServiceAct

D = datetime.date
SINCE = D(2020, 1, 1)
CHILD_NAMES = ("Дарья", "Мария", "Полина", "Софья", "Алиса", "Вера")


def aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


@dataclass
class Builder:
    """Service calls as the superuser, dates moved afterwards."""

    world: object
    cases: dict = field(default_factory=dict)

    @property
    def root(self):
        return self.world.user("root")

    def today(self) -> datetime.date:
        return timezone.localdate()

    def consent(self) -> dict:
        return {**CONSENT, "operator": self.world.provider}

    def person(self, surname, name, born, territory, settlement, sex="f"):
        with acting_as("test"):
            return people.person_register(
                user=self.root, consent=self.consent(), confirm_not_duplicate=True, **{
                    "surname": surname, "name": name, "sex": sex, "birth_date": born,
                    "territory": territory, "settlement": settlement})

    def household(self, head, children=(), left=()):
        """A household with ``children`` (birth dates); ``left``: children who left it on
        31 December 2025. Every membership dates from 2020."""
        with acting_as("test"):
            household = people.household_create(user=self.root, head=head, **{
                "name": f"Семья {head.surname}"})
            for i, born in enumerate([*children, *left]):
                child = self.person(head.surname, CHILD_NAMES[i], born, head.territory,
                                    head.settlement)
                member = people.household_add_member(user=self.root, household=household,
                                                     person=child, relation="child")
                if born in left:
                    people.household_remove_member(user=self.root, member=member)
                    HouseholdMember.objects.filter(pk=member.pk).update(until=D(2025, 12, 31))
        HouseholdMember.objects.filter(household=household).update(since=SINCE)
        return household

    def family(self, surname, territory, settlement, children=(), left=(), head_born=None):
        head = self.person(surname, "Анна", head_born or D(1985, 3, 5), territory, settlement)
        return head, self.household(head, children, left)

    def open(self, key, person, household, *, received, practice="family_dispatch",
             social=True):
        with acting_as("test"):
            case = services.case_open(user=self.root, person=person, **{
                "channel": "walk_in", "problem_told": "Трудная жизненная ситуация",
                "household": household, "practice": practice, "is_social_support": social})
        SupportCase.objects.filter(pk=case.pk).update(received_at=aware(received))
        self.cases[key] = case
        return case

    def recognise(self, case, on):
        with acting_as("test"):
            services.case_decide(user=self.root, case=case,
                                 decision=Decision.NEED_RECOGNISED)
        SupportCase.objects.filter(pk=case.pk).update(decision_date=on)

    def refuse(self, case, on):
        with acting_as("test"):
            services.case_decide(user=self.root, case=case,
                                 decision=Decision.NEED_NOT_RECOGNISED,
                                 notes="Доход выше прожиточного минимума")
        SupportCase.objects.filter(pk=case.pk).update(decision_date=on, closed_on=on)

    def programme(self, case, on, activities=1, service_form=""):
        """Draft, ``activities`` activities for the superuser, approved on ``on``."""
        due = self.today() + datetime.timedelta(days=30)
        with acting_as("test"):
            plan = services.plan_create(user=self.root, case=case,
                                        **{"service_form": service_form})
            made = [services.activity_add(user=self.root, plan=plan, **{
                "service_type": "psychological", "title": f"Занятия с психологом {i}",
                "responsible_user": self.root, "due_date": due})
                for i in range(activities)]
            services.plan_approve(user=self.root, plan=plan)
        Plan.objects.filter(pk=plan.pk).update(approved_on=on)
        SupportCase.objects.filter(pk=case.pk).update(programme_date=on)
        return made

    def done(self, activity, on):
        with acting_as("test"):
            services.activity_complete(user=self.root, activity=activity, result="Выполнено")
        Activity.objects.filter(pk=activity.pk).update(started_on=on, finished_on=on)

    def session(self, activity, on):
        with acting_as("test"):
            session = services.session_record(user=self.root, activity=activity,
                                               **{"notes": "Консультация"})
        ActivitySession.objects.filter(pk=session.pk).update(held_on=on)

    def urgent(self, case, on):
        today = self.today()
        with acting_as("test"):
            act = urgent_services.urgent_act_create(
                user=self.root, person=case.person, case=case,
                **{"date_from": today, "date_to": today, "provider": self.world.provider},
                lines=[{"service": "food"}])
        UrgentServiceAct.objects.filter(pk=act.pk).update(act_date=on, date_from=on, date_to=on)

    def referral_done(self, case, on):
        org = self.world.partner_org
        with acting_as("test"):
            people.consent_record(user=self.root, person=case.person, **{
                **self.consent(), "purpose": "partner_transfer", "recipients": [org]})
            referral = referrals_services.referral_send(user=self.root, case=case, **{
                "organisation": org, "services": "Консультация инспектора ПДН"})
            referrals_services.referral_accept(user=self.root, referral=referral)
            referrals_services.referral_complete(user=self.root, referral=referral,
                                       result="Проведена беседа")
        Referral.objects.filter(pk=referral.pk).update(
            sent_on=on - datetime.timedelta(days=30), responded_on=on, completed_on=on)

    def close(self, case, outcome, improved, on):
        with acting_as("test"):
            services.case_close(user=self.root, case=SupportCase.objects.get(pk=case.pk),
                                outcome=outcome, improved=improved,
                                notes="Итоги сопровождения")
        SupportCase.objects.filter(pk=case.pk).update(closed_on=on)


@pytest.fixture
def builder(world) -> Builder:
    return Builder(world)


@pytest.fixture
def families(world, builder):
    """The nine families of the module docstring, with their cases of 2026."""
    b, w = builder, world
    # F1: two cases of one family; a child turns 18 on 1 May 2026, another is an adult.
    head, household = b.family("Иванова", w.d1, w.town,
                               children=[D(2015, 4, 1), D(2018, 9, 9), D(2008, 5, 1),
                                         D(2003, 1, 1)])
    c1 = b.open("C1", head, household, received=D(2025, 12, 15))
    b.recognise(c1, D(2025, 12, 20))
    a1, a2 = b.programme(c1, D(2026, 1, 15), activities=2)
    b.done(a1, D(2026, 2, 10))
    b.session(a2, D(2026, 5, 5))
    b.done(a2, D(2026, 6, 15))
    b.close(c1, Outcome.RESOLVED_FULLY, Improvement.YES, D(2026, 6, 20))
    c1b = b.open("C1b", head, household, received=D(2026, 2, 19))
    b.urgent(c1b, D(2026, 2, 20))

    # F2: only adult children.
    head, household = b.family("Петрова", w.d1, w.town, children=[D(2000, 1, 1)],
                               head_born=D(1960, 1, 1))
    c2 = b.open("C2", head, household, received=D(2026, 1, 10))
    b.recognise(c2, D(2026, 1, 12))
    (a,) = b.programme(c2, D(2026, 1, 20))
    b.done(a, D(2026, 2, 11))

    # F3: helped at once, then not recognised as needing help.
    head, household = b.family("Сидорова", w.d2, w.town, children=[D(2016, 7, 7)])
    c3 = b.open("C3", head, household, received=D(2026, 3, 1))
    b.urgent(c3, D(2026, 3, 1))
    b.refuse(c3, D(2026, 3, 2))

    # F4: a partner's referral; the family moved away; a child left the family in 2025.
    head, household = b.family("Кузьмина", w.d2, w.town,
                               children=[D(2012, 1, 1), D(2014, 2, 2), D(2019, 3, 3)],
                               left=[D(2010, 10, 10)])
    c4 = b.open("C4", head, household, received=D(2026, 2, 1))
    b.recognise(c4, D(2026, 2, 5))
    b.programme(c4, D(2026, 3, 1))
    b.referral_done(c4, D(2026, 4, 15))
    b.close(c4, Outcome.MOVED_OUT, Improvement.NOT_ASKED, D(2026, 6, 10))

    # F5: the other municipality; not social support; closed without improvement.
    head, household = b.family("Тарасова", w.d3, w.other_town, children=[D(2017, 5, 5)])
    c5 = b.open("C5", head, household, received=D(2026, 1, 5), social=False)
    b.recognise(c5, D(2026, 1, 10))
    (a,) = b.programme(c5, D(2026, 1, 25), service_form="at_home")
    b.done(a, D(2026, 2, 25))
    b.close(c5, Outcome.NOT_RESOLVED, Improvement.NO, D(2026, 3, 25))

    # F6: a minor applicant without a household is a family of one child.
    teen = b.person("Смирнов", "Артём", D(2010, 6, 1), w.d1, w.town, sex="m")
    c6 = b.open("C6", teen, None, received=D(2026, 4, 1))
    b.recognise(c6, D(2026, 4, 3))
    (a,) = b.programme(c6, D(2026, 4, 10))
    b.session(a, D(2026, 5, 20))

    # F7: an adult applicant without a household has no children.
    adult = b.person("Зайцев", "Олег", D(1970, 1, 1), w.d1, w.town, sex="m")
    c7 = b.open("C7", adult, None, received=D(2026, 1, 20))
    b.recognise(c7, D(2026, 1, 21))
    (a,) = b.programme(c7, D(2026, 1, 25))
    b.done(a, D(2026, 2, 12))

    # F8: closed in the second quarter, the family could not be asked.
    head, household = b.family("Орлова", w.d2, w.town, children=[D(2020, 2, 2)])
    c8 = b.open("C8", head, household, received=D(2026, 3, 20))
    b.recognise(c8, D(2026, 3, 25))
    (a,) = b.programme(c8, D(2026, 4, 5))
    b.done(a, D(2026, 5, 10))
    b.close(c8, Outcome.RESOLVED_PARTIALLY, Improvement.NOT_ASKED, D(2026, 6, 25))

    # F9: another practice.
    head, household = b.family("Лебедева", w.d1, w.town, children=[D(2013, 3, 3)])
    c9 = b.open("C9", head, household, received=D(2026, 1, 5), practice="district")
    b.recognise(c9, D(2026, 1, 7))
    (a,) = b.programme(c9, D(2026, 1, 9))
    b.done(a, D(2026, 2, 15))
    return b
