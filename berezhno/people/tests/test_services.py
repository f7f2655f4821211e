import datetime

import pytest
from django.core.exceptions import ValidationError

from berezhno.core.errors import ConflictError, ConsentRequiredError
from berezhno.core.models import DomainEvent, ObjectChange
from berezhno.people import selectors, services
from berezhno.people.models import Contact, Person
from berezhno.testing.fixtures import CONSENT


def snapshot_counts():
    return (Person.objects.count(), ObjectChange.objects.count(), DomainEvent.objects.count())


@pytest.mark.django_db
class TestRegister:
    def test_registers_with_normalised_fields_and_audit(self, world):
        spec = world.user("specialist")
        p = services.person_register(user=spec, confirm_not_duplicate=True, consent=dict(CONSENT),
                                     surname=" орлова ", name="мария", sex="f",
                                     birth_date=datetime.date(1990, 1, 2),
                                     territory=world.d1, phone="8(913)000-11-22",
                                     snils="08765430300")
        p.refresh_from_db()
        assert (p.surname, p.name, p.phone, p.snils) == ("Орлова", "Мария", "+79130001122",
                                                         "08765430300")
        assert p.search_name == "орлова мария"
        assert DomainEvent.objects.filter(person_id=p.pk, event_type="person.registered").exists()
        assert DomainEvent.objects.filter(person_id=p.pk, event_type="consent.given").exists()
        assert ObjectChange.objects.filter(person_id=p.pk, action="create").count() == 2

    @pytest.mark.parametrize("field,value,message", [
        ("snils", "112-233-445 96", "контрольное число"),
        ("snils", "12345", "11 цифр"),
        ("phone", "12345", "Телефон"),
        ("birth_date", datetime.date(2999, 1, 1), "в будущем"),
    ])
    def test_invalid_fields_refused_and_nothing_saved(self, world, field, value, message):
        before = snapshot_counts()
        with pytest.raises(ValidationError) as exc:
            services.person_register(user=world.user("specialist"), consent=dict(CONSENT),
                                     surname="Новая", name="Анна", sex="f",
                                     territory=world.d1, **{field: value})
        assert message in " ".join(exc.value.message_dict[field])
        assert snapshot_counts() == before

    def test_extra_data_without_consent_is_refused(self, world):
        before = snapshot_counts()
        with pytest.raises(ConsentRequiredError) as exc:
            services.person_register(user=world.user("specialist"), surname="Без",
                                     name="Согласия", territory=world.d1,
                                     phone="+79131112233")
        assert "согласия" in str(exc.value.message)
        assert "«телефон»" in str(exc.value.message)
        assert snapshot_counts() == before

    def test_minimal_data_without_consent_and_urgent_exception(self, world):
        spec = world.user("specialist")
        p = services.person_register(user=spec, surname="Минимум", name="Иван",
                                     territory=world.d1)
        with pytest.raises(ConsentRequiredError):
            services.person_update(user=spec, person=p, expected_version=p.version,
                                   phone="+79131112233")
        with pytest.raises(ConsentRequiredError):
            services.contact_log(user=spec, person=p, channel="call", purpose="information")
        urgent = services.person_register(user=spec, confirm_not_duplicate=True,
                                          surname="Срочный", name="Пётр", territory=world.d1,
                                          legal_basis="urgent_help", phone="+79131112234")
        assert urgent.phone == "+79131112234"

    def test_duplicates_offered_then_confirmed(self, world):
        spec = world.user("specialist")
        data = {"surname": "Семенова", "name": "Алена", "patronymic": "Петровна", "sex": "f",
                "birth_date": datetime.date(1985, 3, 5), "territory": world.d1,
                "settlement": world.town}
        with pytest.raises(services.DuplicateCandidatesError) as exc:
            services.person_register(user=spec, **data)
        cand = exc.value.details["candidates"]
        assert cand[0]["id"] == world.p1.pk
        assert "name_birth_date" in cand[0]["reasons"]
        fuzzy = selectors.person_find_duplicates(
            spec, surname=data["surname"], name="Алёнка", patronymic=data["patronymic"],
            territory=world.d1, settlement=world.town)
        assert [c.person.pk for c in fuzzy] == [world.p1.pk]
        assert services.person_register(user=spec, confirm_not_duplicate=True, **data).pk

    def test_same_snils_cannot_be_forced(self, world):
        with pytest.raises(services.DuplicateCandidatesError):
            services.person_register(user=world.user("specialist"), confirm_not_duplicate=True,
                                     consent=dict(CONSENT), surname="Другая", name="Анна",
                                     territory=world.d1, snils="11223344595")

    def test_out_of_scope_territory_refused(self, world):
        with pytest.raises(ValidationError) as exc:
            services.person_register(user=world.user("specialist"), surname="Чужой",
                                     name="Иван", territory=world.d2)
        assert "вне вашей зоны" in exc.value.message_dict["territory"][0]


@pytest.mark.django_db
class TestUpdate:
    def test_optimistic_locking(self, world):
        spec = world.user("specialist")
        p = world.p1
        v = p.version
        services.person_update(user=spec, person=p, expected_version=v,
                               messenger="@alena")
        with pytest.raises(ConflictError) as exc:
            services.person_update(user=spec, person=p, expected_version=v,
                                   messenger="@other")
        assert "другой пользователь" in str(exc.value.message)
        p.refresh_from_db()
        assert p.messenger == "@alena"
        change = ObjectChange.objects.filter(person_id=p.pk, action="update").first()
        assert change.before["messenger"] == "" and change.after["messenger"] == "@alena"

    def test_status_and_restore(self, world):
        head = world.user("head")
        p = services.person_set_status(user=head, person=world.p1, status="deceased",
                                       date=datetime.date(2026, 1, 1), reason="справка ЗАГС",
                                       expected_version=world.p1.version)
        assert p.status == "deceased"
        assert not selectors.person_search(head).filter(pk=p.pk).exists()
        assert selectors.person_search(head, status="").filter(pk=p.pk).exists()
        p = services.person_restore(user=head, person=p, reason="ошибка")
        assert p.status == "active"


@pytest.mark.django_db
class TestMerge:
    def test_merge_and_unmerge_restore_both(self, world):
        head = world.user("head")
        dup = services.person_register(user=head, confirm_not_duplicate=True,
                                       surname="Семёнова", name="Алёна", territory=world.d1,
                                       legal_basis="signal", messenger="@sem")
        services.contact_log(user=head, person=dup, channel="call", purpose="information")
        merge = services.person_merge(user=head, source=dup, target=world.p1, reason="дубль")
        dup.refresh_from_db()
        world.p1.refresh_from_db()
        assert dup.status == "merged" and dup.merged_into_id == world.p1.pk
        assert world.p1.messenger == "@sem"
        assert Contact.objects.filter(person=world.p1).count() == 1
        services.person_unmerge(user=head, merge=merge)
        dup.refresh_from_db()
        world.p1.refresh_from_db()
        assert dup.status == "active" and dup.merged_into_id is None
        assert world.p1.messenger == ""
        assert Contact.objects.filter(person=dup).count() == 1
        assert DomainEvent.objects.filter(person_id=dup.pk, event_type="person.unmerged").exists()


@pytest.mark.django_db
class TestContactsConsents:
    def test_contact_resend_is_idempotent(self, world):
        import uuid

        spec = world.user("specialist")
        key = uuid.uuid4()
        data = {"channel": "visit", "purpose": "patronage", "client_uuid": key}
        a = services.contact_log(user=spec, person=world.p1, **data)
        b = services.contact_log(user=spec, person=world.p1, **data)
        assert a.pk == b.pk and Contact.objects.count() == 1

    def test_consent_withdraw_blocks_new_data(self, world):
        spec = world.user("specialist")
        consent = world.p1.consents.get()
        with pytest.raises(ValidationError):
            services.consent_record(user=spec, person=world.p1, **CONSENT)
        services.consent_withdraw(user=spec, consent=consent, date=None,
                                  reason="заявление гражданина")
        with pytest.raises(ConsentRequiredError):
            services.category_add(user=spec, person=world.p1, category="low_income",
                                  start_date=datetime.date(2026, 1, 1))
        assert DomainEvent.objects.filter(person_id=world.p1.pk,
                                          event_type="consent.withdrawn").exists()

    def test_household(self, world):
        spec = world.user("specialist")
        kid = services.person_register(user=spec, confirm_not_duplicate=True,
                                       consent=dict(CONSENT), surname="Семёнов",
                                       name="Кирилл", birth_date=datetime.date(2015, 6, 1),
                                       territory=world.d1)
        hh = services.household_create(user=spec, head=world.p1)
        services.household_add_member(user=spec, household=hh, person=kid, relation="child")
        members = list(hh.members.select_related("person"))
        assert len(members) == 2
        assert selectors.children_ages(members) == [kid.age()]
        with pytest.raises(ValidationError):
            services.household_add_member(user=spec, household=hh, person=kid,
                                          relation="child")
