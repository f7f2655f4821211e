"""Support cases, plans, activities and referrals, through ``cases.services``."""

import datetime
from typing import Any

import factory

from berezhno.cases import services as case_services
from berezhno.cases.models import Activity, Plan, SupportCase
from berezhno.core.workdays import local_today
from berezhno.referrals import services as referrals_services
from berezhno.referrals.models import Referral

from .base import ServiceFactory, required


class SupportCaseFactory(ServiceFactory):
    """An intake opened as a case (a walk-in by default); other intake fields
    (``household``, ``circumstances``, ``urgency``) pass through."""

    class Meta:
        model = SupportCase

    user = required("user")
    person = required("person")
    channel = "walk_in"
    problem_told = "Нет денег на дрова, дети пропускают школу"
    problems = ()

    @classmethod
    def create_through_service(cls, *, user, person, problems, **data: Any) -> SupportCase:
        return case_services.case_open(user=user, person=person, **data, problems=problems)


class PlanFactory(ServiceFactory):
    """A draft programme of a case."""

    class Meta:
        model = Plan

    user = required("user")
    case = required("case")
    goal = "Выход семьи из трудной жизненной ситуации"
    service_form = "at_home"

    @classmethod
    def create_through_service(cls, *, user, case, **data: Any) -> Plan:
        return case_services.plan_create(user=user, case=case, **data)


class ActivityFactory(ServiceFactory):
    """An activity of a plan, carried out by the acting user, due in 30 days of the case's
    territory."""

    class Meta:
        model = Activity

    user = required("user")
    plan = required("plan")
    service_type = "psychological"
    title = factory.Sequence(lambda n: f"Консультация психолога {n + 1}")
    responsible_user = factory.SelfAttribute("user")
    due_date = factory.LazyAttribute(
        lambda o: local_today(o.plan.case.territory) + datetime.timedelta(days=30))

    @classmethod
    def create_through_service(cls, *, user, plan, **data: Any) -> Activity:
        return case_services.activity_add(user=user, plan=plan, **data)


class ReferralFactory(ServiceFactory):
    """A referral of a case to a partner organisation (which needs the person's consent to
    the transfer)."""

    class Meta:
        model = Referral

    user = required("user")
    case = required("case")
    organisation = required("organisation")
    services = "Консультация"

    @classmethod
    def create_through_service(cls, *, user, case, **data: Any) -> Referral:
        return referrals_services.referral_send(user=user, case=case, **data)
