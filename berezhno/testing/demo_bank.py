"""The demo's special-attention data bank (District service, seed 003): a few residents of
each district with different reasons, written through the services as the district's
specialist; in the first Nazyvaevsk district one review is overdue and one entry removed."""

import datetime

from django.db.models import Q

from berezhno.accounts.models import User
from berezhno.core.workdays import local_today
from berezhno.district import services
from berezhno.district.models import BankEntry
from berezhno.people.choices import Category
from berezhno.people.models import HouseholdMember, Person
from berezhno.territories.models import District

PER_DISTRICT = 5


def _candidates(territory, today):
    """(person, reasons, household, other text) from what the registry says of them."""
    persons = (Person.objects.filter(territory=territory).filter(
        Q(categories__category__in=[Category.LONELY, Category.DISABILITY,
                                    Category.LOW_INCOME, Category.LARGE_FAMILY]))
        .distinct().prefetch_related("categories").order_by("id"))
    heads = {m.person_id: m.household for m in HouseholdMember.objects.filter(
        is_head=True, until__isnull=True, person__territory=territory).select_related(
        "household")}
    for person in persons:
        cats = {c.category for c in person.categories.all() if c.end_date is None}
        age = person.age(today) or 0
        reasons, other = [], ""
        if Category.LOW_INCOME in cats and person.pk in heads:
            reasons.append("dysfunctional_family")
        if Category.LARGE_FAMILY in cats and person.pk in heads and not reasons:
            reasons, other = ["other"], "многодетная семья, долги за коммунальные услуги"
        if age >= 60:
            reasons.append("elderly")
        if Category.LONELY in cats:
            reasons.append("lonely")
        if Category.DISABILITY in cats:
            reasons.append("disabled")
        if reasons:
            yield person, reasons, heads.get(person.pk), other


def load() -> int:
    """Add the bank once (a demo loaded before it gets it too); the entries made."""
    if BankEntry.objects.exists():
        return 0
    made = 0
    districts = District.objects.filter(specialist__isnull=False).select_related(
        "territory", "specialist").order_by("territory__path")
    for n, district in enumerate(districts):
        spec: User = district.specialist
        today = local_today(district.territory)
        for i, (person, reasons, household, other) in enumerate(
                _candidates(district.territory, today)):
            if i >= PER_DISTRICT:
                break
            since = today - datetime.timedelta(days=30 + 40 * i)
            overdue = n == 0 and i == 0
            entry = services.bank_entry_add(
                user=spec, person=person, reasons=reasons, other_reason=other,
                household=household, responsible=spec, since=since - datetime.timedelta(
                    days=200 if overdue else 0),
                next_review_due=today - datetime.timedelta(days=12) if overdue else None,
                notes="Навещать не реже раза в месяц" if "lonely" in reasons else "")
            made += 1
            if n == 0 and i == 1:
                services.bank_entry_review(
                    user=spec, entry=entry, expected_version=entry.version,
                    result="Оформлена доставка продуктов, соседи присматривают")
            if n == 0 and i == 2:
                services.bank_entry_remove(
                    user=spec, entry=entry, expected_version=entry.version,
                    reason="Трудная жизненная ситуация преодолена")
    return made
