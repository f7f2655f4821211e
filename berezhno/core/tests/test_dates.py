"""Date ranges, working days at the extremes, ages by ГК РФ ст. 192 in the territory's
date, and user-given dates kept (decision 0017)."""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import serializers

import berezhno
from berezhno.cases.models import SupportCase
from berezhno.core import dates, workdays
from berezhno.people.models import Contact, Household, HouseholdMember, Person
from berezhno.testing.factories import PersonFactory

D = datetime.date


def _project_classes():
    for info in pkgutil.walk_packages(berezhno.__path__, "berezhno."):
        if any(part in info.name for part in (".tests", ".migrations", ".management")):
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and obj.__module__ == module.__name__:
                yield obj


def _date_fields():
    """(class, field name, field) for every date or datetime input of the project."""
    for cls in _project_classes():
        if issubclass(cls, forms.BaseForm):
            for name, field in cls.base_fields.items():
                if isinstance(field, forms.DateField | forms.DateTimeField):
                    yield cls, name, field
        elif (issubclass(cls, serializers.BaseSerializer)
              and not issubclass(cls, serializers.ListSerializer)
              # the project's base model serializer (core.api), abstract: no Meta
              and not (issubclass(cls, serializers.ModelSerializer)
                       and not hasattr(cls, "Meta"))):
            for name, field in cls().get_fields().items():
                if (isinstance(field, serializers.DateField | serializers.DateTimeField)
                        and not field.read_only):
                    yield cls, name, field


@pytest.mark.django_db
def test_every_date_input_of_every_form_and_serializer_has_a_range():
    found = list(_date_fields())
    assert len(found) > 90  # the walk sees the project's forms and serializers
    unbounded = [f"{cls.__module__}.{cls.__name__}.{name}" for cls, name, field in found
                 if dates.span_of(field) is None]
    assert unbounded == []
    birth = {name: dates.span_of(field) for _cls, name, field in found
             if name == "birth_date"}
    assert set(birth.values()) == {dates.BIRTH}


@pytest.mark.parametrize(("span", "bad"), [
    (dates.BIRTH, D(1, 1, 1)), (dates.BIRTH, D(1899, 12, 31)),
    (dates.BIRTH, dates.server_today() + datetime.timedelta(days=2)),
    (dates.EVENT, D(1, 1, 1)), (dates.EVENT, D(9999, 12, 31)),
    (dates.PLANNED, D(9999, 12, 31)), (dates.PERIOD, D(1999, 12, 31)),
    (dates.ANY, D(9999, 1, 1)), (dates.HISTORY, D(9999, 1, 1)),
])
def test_a_span_refuses_dates_outside_with_a_russian_message(span, bad):
    with pytest.raises(ValidationError) as caught:
        span(bad)
    message = caught.value.messages[0]
    assert message.startswith("Дата") and any(c in message for c in "абвгдежзий")
    span(dates.server_today())  # today is always allowed
    span(datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC).date()
         if span is not dates.EVENT else dates.server_today())


def test_extreme_dates_never_overflow_the_working_day_arithmetic(db):
    for start in (D(1, 1, 1), datetime.date.max, D(1899, 12, 31), D(2200, 1, 1)):
        with pytest.raises(workdays.DateRangeError) as caught:
            workdays.add_working_days(start, 10)
        assert "вне допустимого диапазона" in str(caught.value)
        with pytest.raises(workdays.DateRangeError):
            workdays.working_days_between(start, D(2026, 1, 1))
    with pytest.raises(ValueError, match="Слишком большой срок"):
        workdays.add_working_days(D(2026, 1, 1), 10**9)
    with pytest.raises(workdays.DateRangeError):
        workdays.add_working_days(D(2199, 12, 20), 30)  # would run past the calendar
    assert workdays.add_working_days(D(2026, 1, 1), 1) == D(2026, 1, 12)


@pytest.mark.django_db
def test_year_one_and_year_9999_are_refused_by_the_api_and_the_pages(client, world):
    client.force_login(world.user("specialist"))
    before = Contact.objects.count()
    for body, field in (
        ({"occurred_at": "0001-01-01T10:00:00Z"}, "occurred_at"),
        ({"next_contact_date": "9999-12-31"}, "next_contact_date"),
    ):
        response = client.post(reverse("contact-list"), {
            "person": world.p1.pk, "channel": "call", "purpose": "information", **body},
            content_type="application/json")
        assert response.status_code == 400, body
        assert "Дата" in str(response.json()["fields"][field])
    response = client.post(reverse("people:contact_add", args=[world.p1.pk]), {
        "occurred_at": "0001-01-01T10:00", "channel": "call", "purpose": "information"})
    assert response.status_code == 400 and "Дата слишком давняя" in response.content.decode()
    assert Contact.objects.count() == before
    client.force_login(world.user("dispatcher"))
    cases = SupportCase.objects.count()
    response = client.post(reverse("case-list"), {
        "person": world.p1.pk, "channel": "phone", "practice": "family_dispatch",
        "received_at": "0001-01-01T00:00:00Z", "problem_told": "Нет дров"},
        content_type="application/json")
    assert response.status_code == 400 and "received_at" in response.json()["fields"]
    assert SupportCase.objects.count() == cases


# ------------------------------------------------------------------ age


def test_29_february_turns_the_age_on_1_march_in_a_common_year():
    born = D(1972, 2, 29)
    assert dates.age_on(born, D(2027, 2, 28)) == 54
    assert dates.age_on(born, D(2027, 3, 1)) == 55
    assert dates.age_on(born, D(2028, 2, 29)) == 56
    assert not dates.has_reached(born, 55, D(2027, 2, 28))
    assert born > dates.latest_birth_date(D(2027, 2, 28), 55)
    assert born <= dates.latest_birth_date(D(2027, 3, 1), 55)


@given(birth=st.dates(D(1900, 1, 1), D(2030, 12, 31)),
       on=st.dates(D(1900, 1, 1), D(2100, 12, 31)), years=st.integers(0, 120))
def test_the_age_filter_and_the_age_agree(birth, on, years):
    assert (birth <= dates.latest_birth_date(on, years)) == dates.has_reached(birth, years, on)


@pytest.mark.django_db
@pytest.mark.parametrize(("zone", "senior"), [("Etc/GMT-14", True), ("Etc/GMT+12", False)])
def test_age_rules_use_the_territorys_date_at_midnight(client, world, zone, senior):
    """UTC+14 and UTC−12 are always on different dates: someone who turns 55 today in a
    UTC+14 territory is still 54 in a UTC−12 one, whatever the server's clock says."""
    world.d1.time_zone = zone
    world.d1.save(update_fields=["time_zone"])
    east_today = workdays.local_date(datetime.datetime.now(datetime.UTC),
                                     type(world.d1)(time_zone="Etc/GMT-14"))
    birth = dates.latest_birth_date(east_today, 55)
    Person.objects.filter(pk=world.p1.pk).update(birth_date=birth)
    person = Person.objects.select_related("territory").get(pk=world.p1.pk)
    assert person.age() == (55 if senior else 54)
    assert person.is_senior() is senior
    client.force_login(world.user("specialist"))
    found = client.post(reverse("person-search"), {"category": "senior",
                                                   "territory": world.d1.pk},
                        content_type="application/json").json()["results"]
    assert (world.p1.pk in [r["id"] for r in found]) is senior
    card = client.get(reverse("people:person", args=[world.p1.pk])).content.decode()
    assert ("55 лет" in card) is senior


# ------------------------------------------------------------------ dates kept


@pytest.mark.django_db
def test_membership_dates_the_user_gives_are_kept_ui_and_api(client, world):
    spec = world.user("specialist")
    client.force_login(spec)
    response = client.post(reverse("people:household_create", args=[world.p1.pk]), {
        "name": "Семья Семёновых", "since": "2019-05-01"})
    assert response.status_code == 302
    household = Household.objects.get(name="Семья Семёновых")
    head = HouseholdMember.objects.get(household=household, person=world.p1)
    assert head.since == D(2019, 5, 1)
    child = PersonFactory(user=spec, surname="Семёнов", name="Олег", territory=world.d1)
    response = client.post(reverse("household-add-member", args=[household.pk]), {
        "person": child.pk, "relation": "child", "since": "2020-02-29"},
        content_type="application/json")
    assert response.status_code == 201 and response.json()["since"] == "2020-02-29"
    member = HouseholdMember.objects.get(household=household, person=child)
    response = client.post(reverse("people:household_member_remove",
                                   args=[household.pk, member.pk]), {"until": "2024-09-01"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.until == D(2024, 9, 1)
    # A date before the membership began is refused, nothing changes.
    other = PersonFactory(user=spec, surname="Семёнова", name="Вера", territory=world.d1)
    added = client.post(reverse("household-add-member", args=[household.pk]), {
        "person": other.pk, "relation": "child", "since": "2021-01-10"},
        content_type="application/json").json()
    response = client.post(reverse("household-remove-member", args=[household.pk]), {
        "member": added["id"], "until": "2020-01-01"}, content_type="application/json")
    assert response.status_code == 400
    assert HouseholdMember.objects.get(pk=added["id"]).until is None
    # Through the API a new household keeps its head's date too.
    third = PersonFactory(user=spec, surname="Громова", name="Нина", territory=world.d1)
    response = client.post(reverse("household-list"), {
        "head": third.pk, "name": "Семья Громовых", "since": "2018-03-08"},
        content_type="application/json")
    assert response.status_code == 201
    assert HouseholdMember.objects.get(person=third, is_head=True).since == D(2018, 3, 8)


@pytest.mark.django_db
def test_services_refuse_out_of_range_dates_from_any_caller(world):
    from berezhno.people import services as people

    before = Contact.objects.count()
    with pytest.raises(ValidationError) as caught:
        people.contact_log(user=world.user("specialist"), person=world.p1, channel="call",
                           purpose="information",
                           occurred_at=datetime.datetime(1, 1, 2, tzinfo=datetime.UTC),
                           next_contact_date=D(9999, 12, 31))
    assert set(caught.value.message_dict) >= {"occurred_at", "next_contact_date"}
    assert Contact.objects.count() == before
