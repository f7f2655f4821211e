"""ИНН and ОГРН of organisations (python-stdnum): one rule for the model, the admin and the
API; a refused number saves nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from berezhno.accounts.models import Organisation
from berezhno.accounts.validators import (
    company_inn,
    company_ogrn,
    validate_inn,
    validate_inn_ogrn_pair,
    validate_ogrn,
)
from berezhno.core.models import ObjectChange

VALID_INN = company_inn("551500312")
VALID_OGRN = company_ogrn("102550150012")


def _wrong_last_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def _message(validator, value) -> str:
    with pytest.raises(ValidationError) as info:
        validator(value)
    return info.value.messages[0]


def test_valid_numbers_and_empty_pass():
    for value in (VALID_INN, "7707083893", "500100732259", ""):  # Сбербанк; an entrepreneur
        validate_inn(value)
    for value in (VALID_OGRN, "1027700132195", "385768585948949", ""):
        validate_ogrn(value)
    # Check digits by hand: 89 mod 11 = 1; 102550150012 mod 11 = 2.
    assert VALID_INN == "5515003121" and VALID_OGRN == "1025501500122"


@pytest.mark.parametrize(("value", "message"), [
    ("7707083894", "ИНН неверен: не сходится контрольное число."),
    ("500100732250", "ИНН неверен: не сходится контрольное число."),
    ("770708389", "ИНН состоит из 10 цифр (организация) или 12 цифр (индивидуальный "
                  "предприниматель)."),
    ("77070838931", "ИНН состоит из 10 цифр (организация) или 12 цифр (индивидуальный "
                    "предприниматель)."),
    ("77070 83893", "ИНН состоит только из цифр."),
    ("７７０７０８３８９３", "ИНН состоит только из цифр."),  # full-width digits
])
def test_wrong_inn(value, message):
    assert _message(validate_inn, value) == message


@pytest.mark.parametrize(("value", "message"), [
    ("1027700132194", "ОГРН неверен: не сходится контрольное число."),
    ("102770013219", "ОГРН состоит из 13 цифр (ОГРНИП индивидуального предпринимателя — "
                     "из 15)."),
    ("0027700132195", "ОГРН неверен: первая цифра не соответствует виду записи."),
    ("1O27700132195", "ОГРН состоит только из цифр."),
])
def test_wrong_ogrn(value, message):
    assert _message(validate_ogrn, value) == message


def test_inn_and_ogrn_of_different_kinds_refused():
    validate_inn_ogrn_pair("7707083893", "1027700132195")
    validate_inn_ogrn_pair("500100732259", "385768585948949")
    validate_inn_ogrn_pair("", "1027700132195")
    with pytest.raises(ValidationError) as info:
        validate_inn_ogrn_pair("500100732259", "1027700132195")
    assert info.value.message_dict["ogrn"][0].startswith("ОГРН не соответствует ИНН")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_computed_inn_is_valid_and_any_other_last_digit_is_not(first_nine):
    inn = company_inn(first_nine)
    validate_inn(inn)
    with pytest.raises(ValidationError):
        validate_inn(_wrong_last_digit(inn))


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_computed_ogrn_is_valid_and_any_other_last_digit_is_not(rest):
    ogrn = company_ogrn("1" + rest)
    validate_ogrn(ogrn)
    with pytest.raises(ValidationError):
        validate_ogrn(_wrong_last_digit(ogrn))


@pytest.mark.django_db
def test_the_test_world_organisations_carry_valid_numbers(world):
    orgs = list(Organisation.objects.all())
    assert orgs and all(o.inn and o.ogrn for o in orgs)
    for org in orgs:
        org.full_clean()


@pytest.mark.django_db
def test_api_refuses_a_wrong_inn_and_saves_nothing(client, world):
    client.force_login(world.user("admin"))
    url = reverse("organisation-list")
    before = (Organisation.objects.count(), ObjectChange.objects.count())
    body = {"kind": "partner", "partner_kind": "police", "name": "ОМВД"}
    r = client.post(url, {**body, "inn": "7707083894", "ogrn": "10277001321"},
                    content_type="application/json")
    assert r.status_code == 400
    assert r.json()["fields"]["inn"] == ["ИНН неверен: не сходится контрольное число."]
    assert r.json()["fields"]["ogrn"] == [
        "ОГРН состоит из 13 цифр (ОГРНИП индивидуального предпринимателя — из 15)."]
    r = client.post(url, {**body, "inn": "500100732259", "ogrn": "1027700132195"},
                    content_type="application/json")
    assert r.status_code == 400
    assert r.json()["fields"]["ogrn"][0].startswith("ОГРН не соответствует ИНН")
    assert (Organisation.objects.count(), ObjectChange.objects.count()) == before
    r = client.post(url, {**body, "inn": "7707083893", "ogrn": "1027700132195"},
                    content_type="application/json")
    assert r.status_code == 201
    assert Organisation.objects.get(pk=r.json()["id"]).ogrn == "1027700132195"
    # A change is checked against the stored other half of the pair, and refused whole.
    org = world.partner_org
    r = client.patch(reverse("organisation-detail", args=[org.pk]),
                     {"inn": "500100732259", "name": "Другое имя", "version": org.version},
                     content_type="application/json")
    assert r.status_code == 400 and "ogrn" in r.json()["fields"]
    org.refresh_from_db()
    assert (org.inn, org.name) == (world.partner_org.inn, "ОМВД по Называевскому району")


@pytest.mark.django_db
def test_admin_refuses_a_wrong_ogrn_and_saves_nothing(client, world):
    client.force_login(world.user("admin"))
    before = (Organisation.objects.count(), ObjectChange.objects.count())
    r = client.post(reverse("admin:accounts_organisation_add"), {
        "kind": "partner", "partner_kind": "police", "name": "ОМВД", "is_active": "on",
        "inn": "7707083893", "ogrn": "1027700132194",
        "departments-TOTAL_FORMS": "0", "departments-INITIAL_FORMS": "0"})
    assert r.status_code == 200
    assert "ОГРН неверен: не сходится контрольное число." in r.content.decode()
    assert (Organisation.objects.count(), ObjectChange.objects.count()) == before
    r = client.post(reverse("admin:accounts_organisation_add"), {
        "kind": "partner", "partner_kind": "police", "name": "ОМВД", "is_active": "on",
        "inn": "7707083893", "ogrn": "1027700132195",
        "departments-TOTAL_FORMS": "0", "departments-INITIAL_FORMS": "0"})
    assert r.status_code == 302
    assert Organisation.objects.filter(name="ОМВД", inn="7707083893").exists()
