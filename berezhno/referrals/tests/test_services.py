"""Referrals: the consent that names the partner; a partner answers only its own
referrals."""


import pytest
from django.core.exceptions import ValidationError

from berezhno.cases.models import SupportCase
from berezhno.cases.tests.conftest import open_case, partner_consent, recognised
from berezhno.core.context import acting_as
from berezhno.core.errors import ConflictError, DomainError, ErrorCode, TransitionError
from berezhno.core.models import ObjectChange
from berezhno.core.workdays import add_working_days
from berezhno.people import services as people
from berezhno.referrals import services as referrals_services
from berezhno.referrals.choices import ReferralStatus
from berezhno.referrals.models import Referral


def test_referral_needs_consent_naming_the_partner(world, family, other_partner):
    disp = world.user("dispatcher")
    case = recognised(world, open_case(world, family))
    data = {"organisation": world.partner_org, "services": "Подбор вакансий для матери"}
    with acting_as("test"), pytest.raises(DomainError) as exc:
        referrals_services.referral_send(user=disp, case=case, **data)
    assert exc.value.code == ErrorCode.NO_CONSENT and "согласия" in str(exc.value.message)
    # A consent naming another organisation does not cover this one.
    partner_consent(world, world.p1, other_partner[0])
    with acting_as("test"), pytest.raises(DomainError):
        referrals_services.referral_send(user=disp, case=case, **data)
    assert not Referral.objects.exists()
    with acting_as("test"):
        consent = world.p1.consents.get(purpose="partner_transfer")
        people.consent_withdraw(user=world.user("specialist"), consent=consent, date=None,
                                reason="Новое согласие")
    partner_consent(world, world.p1, world.partner_org, other_partner[0])
    with acting_as("test"):
        referral = referrals_services.referral_send(user=disp, case=case, **data)
    assert referral.status == ReferralStatus.SENT
    assert referral.response_due == add_working_days(referral.sent_on, 5)


def test_partner_answers_only_its_referrals(world, family, other_partner):
    disp, partner = world.user("dispatcher"), world.user("partner")
    case = recognised(world, open_case(world, family))
    partner_consent(world, world.p1, world.partner_org)
    with acting_as("test"):
        referral = referrals_services.referral_send(user=disp, case=case, **{
            "organisation": world.partner_org, "services": "Консультация по вакансиям"})
    assert list(Referral.objects.restrict(partner, "view")) == [referral]
    assert not Referral.objects.restrict(other_partner[1], "view").exists()
    assert not SupportCase.objects.restrict(partner, "view").exists()
    with acting_as("test"):
        with pytest.raises(DomainError) as exc:
            referrals_services.referral_accept(user=other_partner[1], referral=referral)
        assert exc.value.code == ErrorCode.FORBIDDEN
        with pytest.raises(ConflictError):
            referrals_services.referral_accept(user=partner, referral=referral, expected_version=99)
        with pytest.raises(TransitionError):
            referrals_services.referral_complete(user=partner, referral=referral,
                                                 result="Трудоустроена")
        referrals_services.referral_accept(user=partner, referral=referral)
        with pytest.raises(TransitionError):
            referrals_services.referral_reject(user=partner, referral=referral, reason="поздно")
        with pytest.raises(ValidationError):
            referrals_services.referral_complete(user=partner, referral=referral, result=" ")
        done = referrals_services.referral_complete(user=partner, referral=referral,
                                          result="Предложены 3 вакансии, мать трудоустроена")
    assert done.status == ReferralStatus.DONE and done.responded_by == partner
    changes = ObjectChange.objects.filter(object_id=referral.pk,
                                          content_type__model="referral").count()
    assert changes == 3  # sent, accepted, done
