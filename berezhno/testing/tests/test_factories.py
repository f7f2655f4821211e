"""The factories create through the services: each record has its audit row, and the
defaults are valid data (real name forms, valid ИНН/ОГРН, a due date in the future)."""

import pytest
from django.contrib.contenttypes.models import ContentType

from berezhno.accounts.validators import validate_inn, validate_ogrn
from berezhno.cases import services
from berezhno.cases.choices import Decision
from berezhno.cases.models import Activity, SupportCase
from berezhno.core.context import acting_as
from berezhno.core.models import ObjectChange
from berezhno.core.workdays import local_today
from berezhno.people.declension import person_name_in_case
from berezhno.people.models import Consent, Contact, Household, Person
from berezhno.referrals.models import Referral
from berezhno.territories.choices import Level
from berezhno.territories.models import District, Territory
from berezhno.testing.factories import (
    ActivityFactory,
    ConsentFactory,
    ContactFactory,
    DistrictFactory,
    HouseholdFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ReferralFactory,
    RoleAssignmentFactory,
    SupportCaseFactory,
    TerritoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _audited(obj) -> bool:
    return ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(obj),
                                       object_id=obj.pk).exists()


def test_reference_factories(world):
    org = OrganisationFactory()
    validate_inn(org.inn)
    validate_ogrn(org.ogrn)
    assert OrganisationFactory(partner=True).kind == "partner"
    assignment = RoleAssignmentFactory(user=UserFactory(organisation=org), territory=world.d1)
    assert assignment.organisation == org and assignment.user.check_password(
        "test-password-123")
    settlement = TerritoryFactory(parent=world.mun)
    assert isinstance(settlement, Territory) and settlement.level == Level.SETTLEMENT
    assert settlement.path.startswith(world.mun.path) and _audited(settlement)
    district = DistrictFactory(parent=settlement, phone="+73816120000")
    assert isinstance(district, District) and district.phone == "+73816120000"
    assert district.territory.parent == settlement


def test_registry_factories(world):
    spec = world.user("specialist")
    man = PersonFactory(user=spec, territory=world.d1, sex="m")
    woman = PersonFactory(user=spec, territory=world.d1)
    assert isinstance(man, Person) and _audited(man) and man.consents.count() == 1
    # A real name in the right gender form, so that a declined name reads right.
    assert man.patronymic.endswith("ич") and woman.patronymic.endswith("на")
    assert person_name_in_case(man, "dative") != man.full_name
    assert PersonFactory(user=spec, territory=world.d1, consent=None).consents.count() == 0
    household = HouseholdFactory(user=spec, head=woman)
    assert isinstance(household, Household) and _audited(household)
    consent = ConsentFactory(user=spec, person=man, purpose="special_category")
    assert isinstance(consent, Consent) and consent.purpose == "special_category"
    contact = ContactFactory(user=spec, person=man)
    assert isinstance(contact, Contact) and contact.author == spec and _audited(contact)
    with pytest.raises(TypeError, match="user is required"):
        PersonFactory(territory=world.d1)


def test_case_factories(world):
    disp = world.user("dispatcher")
    case = SupportCaseFactory(user=disp, person=world.p1)
    assert isinstance(case, SupportCase) and case.responsible == disp and _audited(case)
    with acting_as("test"):
        services.case_decide(user=disp, case=case, decision=Decision.NEED_RECOGNISED)
    plan = PlanFactory(user=disp, case=case)
    activity = ActivityFactory(user=disp, plan=plan)
    assert isinstance(activity, Activity) and activity.responsible_user == disp
    assert activity.due_date > local_today(world.d1)
    ConsentFactory(user=world.user("specialist"), person=world.p1, purpose="partner_transfer",
                   recipients=[world.partner_org])
    referral = ReferralFactory(user=disp, case=case, organisation=world.partner_org)
    assert isinstance(referral, Referral) and referral.services == "Консультация"
    assert _audited(referral)
