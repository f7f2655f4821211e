"""The data generator and the benchmark, on a small generated region."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import models
from django.db.models import Count

from berezhno.accounts import roles
from berezhno.accounts.models import Organisation, RoleAssignment, User
from berezhno.core.context import acting_as
from berezhno.core.text import normalize_snils
from berezhno.people import selectors, services
from berezhno.people.choices import Relation
from berezhno.people.models import Consent, Contact, Household, HouseholdMember, Person
from berezhno.territories.choices import Level
from berezhno.territories.models import District, Territory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def generated():
    out = StringIO()
    call_command("generate_data", persons=600, seed=3, stdout=out)
    return out.getvalue()


def test_generates_households_staff_and_the_consent_gate(generated):
    assert "persons 600" in generated
    assert Person.objects.count() == 600
    # Every person sits in a district of the seed regions' real settlements.
    assert not Person.objects.exclude(territory__level=Level.DISTRICT).exists()
    regions = set(Territory.objects.filter(level=Level.REGION).values_list("name", flat=True))
    assert {"Омская область", "Вологодская область"} <= regions
    assert Person.objects.filter(settlement__name="Омск").exists()
    # The seed districts come with their поселения, and people live in them (0037).
    assert Territory.objects.filter(level=Level.POSELENIE,
                                    parent__name="Называевский муниципальный район").count() == 16
    assert Person.objects.filter(settlement__parent__level=Level.POSELENIE).exists()
    # Gender forms: patronymics and surnames agree with sex.
    for p in Person.objects.all()[:300]:
        if p.sex == "f":
            assert p.patronymic.endswith(("вна", "чна", "шна")), p.full_name
        else:
            assert p.patronymic.endswith(("вич", "ич")), p.full_name
    # Households with children whose patronymic comes from the father at the head.
    families = (HouseholdMember.objects.filter(relation=Relation.CHILD)
                .values("household_id").annotate(n=Count("id")))
    assert families.count() > 10
    child = HouseholdMember.objects.filter(
        relation=Relation.CHILD, household__members__relation=Relation.HEAD,
        household__members__person__sex="m").select_related("person").first()
    head = HouseholdMember.objects.get(household=child.household, is_head=True).person
    assert child.person.patronymic[:4] == head.name[:4]
    assert child.person.birth_date > head.birth_date + datetime.timedelta(days=18 * 365)
    # The consent gate: phones and СНИЛС only for persons with a consent.
    with_extra = Person.objects.exclude(phone="", snils="")
    assert with_extra.exists()
    assert not with_extra.exclude(consents__is_active=True).exists()
    assert Person.objects.filter(consents__isnull=True).exists()
    for snils in Person.objects.exclude(snils="").values_list("snils", flat=True)[:100]:
        assert normalize_snils(snils) == snils
    assert Contact.objects.count() > 600
    assert not Contact.objects.exclude(person__consents__is_active=True).exists()
    assert Household.objects.count() == HouseholdMember.objects.values(
        "household_id").distinct().count()
    # Staff in every role; every district has its specialist.
    held = set(RoleAssignment.objects.values_list("role", flat=True))
    assert {r.code for r in roles.ROLES.values()} <= held
    assert not District.objects.filter(specialist__isnull=True).exists()


def test_generated_cases_are_consistent(generated):
    from berezhno.cases.choices import ActivityStatus, CaseStatus, PlanStatus
    from berezhno.cases.models import Activity, SupportCase
    from berezhno.referrals.models import Referral
    from berezhno.referrals.services import partner_consent_covers

    cases = SupportCase.objects.all()
    assert "cases " in generated and 60 <= cases.count() <= 180  # 0.2 per person
    assert set(cases.values_list("status", flat=True)) >= {
        CaseStatus.IN_PROGRESS, CaseStatus.CLOSED}
    assert Activity.objects.count() >= 2 * cases.exclude(
        status__in=[CaseStatus.INTAKE, CaseStatus.PLANNING, CaseStatus.REFUSED]).count()
    # Stages agree: a case on review or closed has no open activity; a running one has an
    # approved programme; every case sits in its applicant's district.
    finished = cases.filter(status__in=[CaseStatus.REVIEW, CaseStatus.CLOSED])
    assert not Activity.objects.filter(case__in=finished, status__in=[
        ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS]).exists()
    for case in cases.filter(status=CaseStatus.IN_PROGRESS)[:20]:
        assert case.plans.get().status == PlanStatus.APPROVED
    assert not cases.exclude(territory=models.F("person__territory")).exists()
    assert not cases.filter(decision_due__lte=models.F("received_at__date")).exists()
    # Referrals only where the family consented to the transfer to that partner.
    for referral in Referral.objects.select_related("case__person", "organisation")[:50]:
        assert partner_consent_covers(referral.case.person, referral.organisation,
                                      referral.sent_on)
    closed = cases.filter(status=CaseStatus.CLOSED)
    assert not closed.filter(outcome="").exists() and not closed.filter(improved="").exists()


def test_generated_data_work_with_the_services(generated):
    district = District.objects.annotate(n=Count("territory__persons")).order_by("-n").first()
    user = district.specialist
    someone = Person.objects.filter(territory=district.territory).first()
    found = selectors.person_search(user, q=someone.surname[:4])
    assert someone in found
    other = Person.objects.exclude(territory=district.territory).first()
    assert other not in selectors.person_search(user, q=other.surname)
    # Sequences moved past the generated ids: new records get fresh keys.
    with acting_as("test"):
        person = services.person_register(
            user=user, surname="Новикова", name="Мария", patronymic="Ивановна", sex="f",
            birth_date=datetime.date(1950, 1, 1), territory=district.territory,
            confirm_not_duplicate=True)
    assert person.pk > max(Person.objects.exclude(pk=person.pk).values_list("pk", flat=True))
    assert Consent.objects.filter(person=person).count() == 0
    assert User.objects.filter(username__startswith="gen-ds-").count() == District.objects.filter(
        specialist__username__startswith="gen-ds-").count()


def test_a_second_run_adds_people_to_the_same_districts(generated):
    districts = District.objects.count()
    call_command("generate_data", persons=50, seed=4, stdout=StringIO())
    assert Person.objects.count() == 650
    assert District.objects.count() == districts
    # The generated organisations carry valid ИНН and ОГРН (python-stdnum), one per record.
    orgs = list(Organisation.objects.all())
    assert orgs and len({o.inn for o in orgs}) == len({o.ogrn for o in orgs}) == len(orgs)
    for org in orgs:
        org.full_clean()


def test_bench_measures_every_operation_beside_sql(generated):
    out = StringIO()
    call_command("bench", iterations=2, stdout=out)
    text = out.getvalue()
    for label in ("Search by surname fragment", "Search by SNILS", "Person card",
                  "Person list, page 1 of 50", "Worklist", "Dispatcher board",
                  "Case list, page 1 of 50", "Case card", "Specialist worklist",
                  "Family Dispatch indicators"):
        assert label in text
    # The charts fragment after the indicators table, for the district and the region.
    assert len([line for line in text.splitlines()
                if line.startswith("| Family Dispatch charts by quarter")]) == 2
    table = [line for line in text.splitlines() if line.startswith("| Search by SNILS")]
    assert len(table) == 2  # the specialist and the head
    # UI and API query counts are reported, and are the same for 50 and 200 rows.
    rows = {line.split("|")[1].strip() + line.split("|")[2]: line.split("|")
            for line in text.splitlines() if line.startswith("| Person list")}
    api_50 = [r[7].split("/")[1].strip() for k, r in rows.items() if "of 50" in k]
    api_200 = [r[7].split("/")[1].strip() for k, r in rows.items() if "of 200" in k]
    assert api_50 and api_50[:1] == api_200[:1]


def test_bench_refuses_an_empty_database(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="generate_data"):
        call_command("bench", iterations=1, stdout=StringIO())
