"""One person, one record, region-wide (decision 0019): the СНИЛС input rule, the unique
СНИЛС in the service and the database, the request to the holding territory when the
match is outside the user's scope, its decision, registration with consents and contacts
in one API call, and the race of two registrations of one СНИЛС."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from berezhno.core.errors import DomainError
from berezhno.core.models import AccessKind, AccessLog, ObjectChange
from berezhno.core.text import normalize_snils, snils_checksum, snils_digits
from berezhno.people import roles, services
from berezhno.people.choices import ShareKind, ShareStatus
from berezhno.people.models import Consent, Contact, Person, PersonShareRequest
from berezhno.people.names import random_snils
from berezhno.testing.fixtures import CONSENT

P1_SNILS = "11223344595"  # the world's p1, district 1 (Семёнова Алёна Петровна)
FREE_SNILS = "08765430300"  # held by nobody


def register(user, territory, snils, surname="Семенова", name="Алена", **extra):
    return services.person_register(user=user, consent=dict(CONSENT), surname=surname,
                                    name=name, snils=snils, territory=territory, **extra)


# --------------------------------------------------------------------------- the input rule


class TestSnilsInput:
    @pytest.mark.parametrize("typed", ["112-233-445 95", "112 233 445 95", "11223344595",
                                       " 112-233-445-95 ", "112\u2013233\u2013445 95",
                                       "112\u00a0233\u00a0445\u00a095"])
    def test_ascii_digits_with_spaces_and_dashes(self, typed):
        assert normalize_snils(typed) == P1_SNILS

    @pytest.mark.parametrize("typed,char", [
        ("112-233-445 9З", "З"),  # Cyrillic Ze for a three
        ("1I2-233-445 95", "I"),
        ("112.233.445 95", "."),
        ("112/233/445/95", "/"),
    ])
    def test_letters_and_other_marks_are_refused_not_stripped(self, typed, char):
        with pytest.raises(ValidationError) as exc:
            normalize_snils(typed)
        assert f"«{char}» не подходит" in exc.value.messages[0]

    @pytest.mark.parametrize("typed", [
        "١١٢-٢٣٣-٤٤٥ ٩٥",  # Arabic-Indic
        "۱۱۲۲۳۳۴۴۵۹۵",  # Extended Arabic-Indic (Persian)
        "１１２-２３３-４４５ ９５",  # full-width
        "११२२३३४४५९५",  # Devanagari
        "112-233-445 9٥",  # one digit of another script among ASCII ones
    ])
    def test_digits_of_other_scripts_are_refused(self, typed):
        with pytest.raises(ValidationError) as exc:
            normalize_snils(typed)
        assert "цифра другой письменности" in exc.value.messages[0]

    def test_length_and_checksum_rules_stay(self):
        with pytest.raises(ValidationError, match="11 цифр"):
            normalize_snils("112-233-445")
        with pytest.raises(ValidationError, match="контрольное число"):
            normalize_snils("112-233-445 96")

    @settings(deadline=None)
    @given(st.text(alphabet="0123456789 -", max_size=12),
           st.characters(categories=["Nd", "No"]).filter(lambda c: not c.isascii()),
           st.text(alphabet="0123456789 -", max_size=12))
    def test_property_no_non_ascii_digit_is_ever_accepted(self, head, digit, tail):
        with pytest.raises(ValidationError):
            snils_digits(head + digit + tail)

    @settings(deadline=None)
    @given(st.integers(2_000_000, 999_999_999),
           st.lists(st.sampled_from(["", " ", "-", "\u2013"]), min_size=11, max_size=11))
    def test_property_valid_numbers_survive_any_separators(self, number, seps):
        digits = f"{number:09d}{snils_checksum(f'{number:09d}'):02d}"
        typed = "".join(d + s for d, s in zip(digits, seps, strict=True))
        assert normalize_snils(typed) == digits

    def test_random_snils_with_a_used_set_never_repeats(self):
        import random

        rng, used = random.Random(1), set()
        drawn = [random_snils(rng, used) for _ in range(2000)]
        assert len(set(drawn)) == 2000 and all(normalize_snils(s) == s for s in drawn)


@pytest.mark.django_db
class TestSnilsInputEverywhere:
    def test_form_refuses_full_width_digits_and_saves_nothing(self, client, world):
        client.force_login(world.user("specialist"))
        before = Person.objects.count()
        r = client.post(reverse("people:create"), {
            "surname": "Орлова", "name": "Мария", "sex": "f", "territory": world.d1.pk,
            "snils": "０８７-６５４-３０３ ００", "legal_basis": "urgent_help"})
        assert r.status_code == 400
        assert "цифра другой письменности" in r.content.decode()
        assert Person.objects.count() == before

    def test_form_refuses_a_letter(self, client, world):
        client.force_login(world.user("specialist"))
        r = client.post(reverse("people:create"), {
            "surname": "Орлова", "name": "Мария", "territory": world.d1.pk,
            "snils": "087-654-3О3 00", "legal_basis": "urgent_help"})  # a Cyrillic «О»
        assert r.status_code == 400 and "«О» не подходит" in r.content.decode()
        assert not Person.objects.filter(surname="Орлова").exists()

    def test_api_refuses_arabic_digits_on_create_and_update(self, client, world):
        client.force_login(world.user("specialist"))
        r = client.post(reverse("person-list"), {
            "surname": "Орлова", "name": "Мария", "territory": world.d1.pk,
            "snils": "٠٨٧٦٥٤٣٠٣٠٠", "legal_basis": "urgent_help"},
            content_type="application/json")
        assert r.status_code == 400
        assert "цифра другой письменности" in r.json()["fields"]["snils"][0]
        assert not Person.objects.filter(surname="Орлова").exists()
        p1 = Person.objects.get(pk=world.p1.pk)
        r = client.patch(reverse("person-detail", args=[p1.pk]),
                         {"snils": "１１２２３３４４５９５", "version": p1.version},
                         content_type="application/json")
        assert r.status_code == 400 and "snils" in r.json()["fields"]
        assert Person.objects.get(pk=p1.pk).version == p1.version

    def test_the_service_refuses_what_a_caller_did_not_check(self, world):
        with pytest.raises(ValidationError) as exc:
            register(world.user("specialist"), world.d1, "١١٢٢٣٣٤٤٥٩٥")
        assert "snils" in exc.value.message_dict

    def test_search_does_not_read_other_scripts_as_a_snils(self, client, world):
        client.force_login(world.user("specialist"))
        search = reverse("person-search")
        r = client.post(search, {"q": "١١٢-٢٣٣-٤٤٥ ٩٥"}, content_type="application/json")
        assert r.status_code == 200 and r.json()["results"] == []
        r = client.post(search, {"q": "112-233-445 95"}, content_type="application/json")
        assert [p["id"] for p in r.json()["results"]] == [world.p1.pk]


# --------------------------------------------------------------------------- one record


@pytest.mark.django_db
class TestOneRecordPerSnils:
    def test_the_database_refuses_a_second_active_record(self, world):
        p1 = world.p1
        with pytest.raises(IntegrityError), transaction.atomic():
            Person.objects.create(surname="Копия", territory=world.d2, snils=p1.snils,
                                  search_name="копия")

    def test_in_scope_match_offers_the_existing_card_and_cannot_be_forced(self, world):
        with pytest.raises(services.DuplicateCandidatesError) as exc:
            services.person_register(user=world.user("specialist"), consent=dict(CONSENT),
                                     surname="Другая", name="Фамилия", snils=P1_SNILS,
                                     territory=world.d1, confirm_not_duplicate=True)
        assert [c["id"] for c in exc.value.details["candidates"]] == [world.p1.pk]
        assert not PersonShareRequest.objects.exists()

    def test_update_in_scope_names_the_record_to_merge(self, world):
        spec = world.user("specialist")
        other = register(spec, world.d1, FREE_SNILS, surname="Иная", name="Нина")
        with pytest.raises(ValidationError) as exc:
            services.person_update(user=spec, person=other, expected_version=other.version,
                                   snils=P1_SNILS)
        message = exc.value.message_dict["snils"][0]
        # Named by what a person recognises, never by the record's number (issue 11).
        assert "Семёнова Алёна Петровна, 05.03.1985" in message
        assert "№" not in message
        assert Person.objects.get(pk=other.pk).snils == FREE_SNILS

    def test_unmerge_of_two_records_of_one_snils_is_refused(self, world):
        spec = world.user("specialist")
        twin = services.person_register(user=spec, surname="Семёнова", name="Алёна",
                                        territory=world.d1, confirm_not_duplicate=True)
        merge = services.person_merge(user=spec, source=twin, target=world.p1)
        # The merged record carried the same СНИЛС (as an old duplicate would).
        Person.objects.filter(pk=twin.pk).update(snils=P1_SNILS)
        with pytest.raises(DomainError, match="один СНИЛС"):
            services.person_unmerge(user=spec, merge=merge)
        assert Person.objects.get(pk=twin.pk).status == "merged"


@pytest.mark.django_db
class TestMatchOutsideScope:
    def test_registration_reveals_nothing_logs_and_requests(self, world):
        out = world.user("specialist_other")  # district 2; p1 lives in district 1
        before = Person.objects.count()
        with pytest.raises(services.SnilsElsewhereError) as exc:
            register(out, world.d2, "112-233-445 95", birth_date=datetime.date(1985, 3, 5))
        message = str(exc.value.message)
        for secret in ("Семёнова", "Алёна", "Участок 1"):
            assert secret not in message
        assert set(exc.value.details) == {"share_request", "elsewhere"}
        assert "запрос" in message
        assert Person.objects.count() == before  # never a silent second record
        request = PersonShareRequest.objects.get(pk=exc.value.details["share_request"])
        assert (request.person_id, request.territory, request.requested_by, request.status,
                request.kind) == (world.p1.pk, world.d2, out, ShareStatus.PENDING,
                                  ShareKind.SHARE)
        assert request.entered == {"name": "Семенова Алена", "birth_date": "1985-03-05"}
        assert AccessLog.objects.filter(user=out, person_id=world.p1.pk,
                                        kind=AccessKind.SNILS_MATCH).count() == 1
        assert ObjectChange.objects.filter(object_id=request.pk, action="create",
                                           person_id=world.p1.pk).exists()
        # A second attempt finds the open request (and is logged again).
        with pytest.raises(services.SnilsElsewhereError) as again:
            register(out, world.d2, P1_SNILS)
        assert again.value.details["share_request"] == request.pk
        assert PersonShareRequest.objects.count() == 1
        assert AccessLog.objects.filter(kind=AccessKind.SNILS_MATCH).count() == 2

    def test_bad_input_with_a_foreign_snils_opens_no_request(self, world):
        out = world.user("specialist_other")
        with pytest.raises(ValidationError):
            register(out, world.d2, P1_SNILS, birth_date=datetime.date(2999, 1, 1))
        with pytest.raises(DomainError):  # the consent gate: СНИЛС needs consent
            services.person_register(user=out, surname="Семенова", name="Алена",
                                     snils=P1_SNILS, territory=world.d2)
        assert not PersonShareRequest.objects.exists()
        assert not AccessLog.objects.filter(kind=AccessKind.SNILS_MATCH).exists()

    def test_update_follows_the_same_rule(self, world):
        out = world.user("specialist_other")
        p2 = Person.objects.get(pk=world.p2.pk)  # has a consent (the factory's)
        with pytest.raises(services.SnilsElsewhereError) as exc:
            services.person_update(user=out, person=p2, expected_version=p2.version,
                                   snils=P1_SNILS)
        assert "Семёнова" not in str(exc.value.message)
        assert Person.objects.get(pk=p2.pk).snils == ""
        assert PersonShareRequest.objects.get().territory == world.d2

    def test_the_page_says_only_that_a_request_was_sent(self, client, world):
        client.force_login(world.user("specialist_other"))
        r = client.post(reverse("people:create"), {
            "surname": "Семенова", "name": "Алена", "territory": world.d2.pk,
            "snils": "112-233-445 95", "with_consent": "1",
            "consent-purpose": "social_service", "consent-valid_from": "2026-01-10",
            "consent-subject_address": "г. Называевск", "consent-subject_document": "паспорт",
            "consent-data_list": "ФИО, СНИЛС"})
        page = r.content.decode()
        assert r.status_code == 409
        assert "состоит на учёте в другой территории" in page
        request = PersonShareRequest.objects.get()
        assert reverse("people:share_request", args=[request.pk]) in page
        for secret in ("Семёнова", "Участок 1", f"/people/{world.p1.pk}/"):
            assert secret not in page

    def test_the_api_follows_the_same_rule(self, client, world):
        client.force_login(world.user("specialist_other"))
        persons, consents = Person.objects.count(), Consent.objects.count()
        r = client.post(reverse("person-list"), {
            "surname": "Семенова", "name": "Алена", "territory": world.d2.pk,
            "snils": "112-233-445 95", "consents": [CONSENT]},
            content_type="application/json")
        assert r.status_code == 409, r.content
        body = r.json()
        assert body["code"] == "duplicate" and body["details"]["elsewhere"] is True
        assert body["details"]["share_request"] == PersonShareRequest.objects.get().pk
        assert "Семёнова" not in r.content.decode() and "candidates" not in body["details"]
        assert (Person.objects.count(), Consent.objects.count()) == (persons, consents)


def _v(share) -> int:
    """The request's version now (what a client reading it would send)."""
    return PersonShareRequest.objects.values_list("version", flat=True).get(pk=share.pk)


@pytest.mark.django_db
class TestShareRequestDecision:
    @pytest.fixture
    def pending(self, world):
        with pytest.raises(services.SnilsElsewhereError) as exc:
            register(world.user("specialist_other"), world.d2, P1_SNILS)
        return PersonShareRequest.objects.get(pk=exc.value.details["share_request"])

    def test_approved_share_makes_the_person_visible_there(self, world, pending):
        out, spec = world.user("specialist_other"), world.user("specialist")
        assert not Person.objects.restrict(out, roles.VIEW).filter(pk=world.p1.pk).exists()
        services.share_request_decide(user=spec, request=pending,
                                      expected_version=_v(pending), approve=True)
        out = type(out).objects.get(pk=out.pk)  # grants are loaded once per user object
        assert Person.objects.restrict(out, roles.VIEW).filter(pk=world.p1.pk).exists()
        assert Consent.objects.restrict(out, roles.VIEW).filter(person=world.p1).exists()
        # Still held by district 1; district 3 sees nothing.
        assert Person.objects.get(pk=world.p1.pk).territory == world.d1
        far = world.user("specialist_far")
        assert not Person.objects.restrict(far, roles.VIEW).filter(pk=world.p1.pk).exists()
        # Registering again from district 2 now offers the card.
        with pytest.raises(services.DuplicateCandidatesError):
            register(out, world.d2, P1_SNILS)
        # A share is not a transfer: district 2 may not move her to itself.
        p1 = Person.objects.get(pk=world.p1.pk)
        with pytest.raises(ValidationError) as exc:
            services.person_update(user=out, person=p1, expected_version=p1.version,
                                   territory=world.d2)
        assert "попросите передать запись" in exc.value.message_dict["territory"][0]
        assert Person.objects.get(pk=p1.pk).territory == world.d1
        services.share_request_revoke(user=spec, request=pending, expected_version=_v(pending),
                                      comment="Переехала обратно")
        out = type(out).objects.get(pk=out.pk)
        assert not Person.objects.restrict(out, roles.VIEW).filter(pk=world.p1.pk).exists()

    def test_approved_transfer_moves_the_record(self, world, pending):
        out, spec = world.user("specialist_other"), world.user("specialist")
        services.share_request_update(user=out, request=pending, expected_version=_v(pending),
                                      kind=ShareKind.TRANSFER,
                                      reason="Семья переехала в участок 2")
        services.share_request_decide(user=spec, request=pending,
                                      expected_version=_v(pending), approve=True)
        p1 = Person.objects.get(pk=world.p1.pk)
        assert p1.territory == world.d2
        assert ObjectChange.objects.filter(object_id=p1.pk, action="update",
                                           after__territory_id=world.d2.pk).exists()
        spec = type(spec).objects.get(pk=spec.pk)
        assert not Person.objects.restrict(spec, roles.VIEW).filter(pk=p1.pk).exists()

    def test_only_the_holder_decides_and_a_refusal_needs_a_reason(self, world, pending):
        out, spec = world.user("specialist_other"), world.user("specialist")
        with pytest.raises(DomainError):
            services.share_request_decide(user=out, request=pending,
                                          expected_version=_v(pending), approve=True)
        with pytest.raises(DomainError):  # reads p1, may not change her
            services.share_request_decide(user=world.user("specialist_psy"), request=pending,
                                          expected_version=_v(pending), approve=True)
        with pytest.raises(ValidationError):
            services.share_request_decide(user=spec, request=pending,
                                          expected_version=_v(pending), approve=False)
        assert PersonShareRequest.objects.get(pk=pending.pk).status == ShareStatus.PENDING
        services.share_request_decide(user=spec, request=pending,
                                      expected_version=_v(pending), approve=False,
                                      comment="Не подтверждено")
        assert PersonShareRequest.objects.get(pk=pending.pk).status == ShareStatus.REFUSED
        with pytest.raises(DomainError):
            services.share_request_decide(user=spec, request=pending,
                                          expected_version=_v(pending), approve=True)
        assert not Person.objects.restrict(out, roles.VIEW).filter(pk=world.p1.pk).exists()

    def test_pages_show_the_holder_the_person_and_the_requester_nothing(self, client, world,
                                                                        pending):
        client.force_login(world.user("specialist"))
        page = client.get(reverse("people:share_requests")).content.decode()
        assert "Семёнова" in page and "Участок 2" in page
        assert AccessLog.objects.filter(user=world.user("specialist"),
                                        person_id=world.p1.pk).exists()
        r = client.post(reverse("people:share_request", args=[pending.pk]),
                        {"do": "approve", "decision-comment": "",
                         "decision-version": _v(pending)})
        assert r.status_code == 302
        client.force_login(world.user("specialist_other"))
        page = client.get(reverse("people:share_requests")).content.decode()
        assert "Семенова Алена" in page and "Семёнова" not in page
        page = client.get(reverse("people:share_request", args=[pending.pk])).content.decode()
        assert "одобрен" in page and reverse("people:person", args=[world.p1.pk]) in page
        client.force_login(world.user("specialist_far"))
        assert client.get(reverse("people:share_request",
                                  args=[pending.pk])).status_code == 404


# --------------------------------------------------------------------------- one call


@pytest.mark.django_db
class TestRegisterWithConsentsAndContacts:
    def payload(self, world, **extra):
        return {"surname": "Орлова", "name": "Мария", "sex": "f", "territory": world.d1.pk,
                "snils": "087-654-303 00", "phone": "8 913 000-11-22",
                "actual_address": "г. Называевск, ул. Мира, 3",
                "consents": [dict(CONSENT), {**CONSENT, "purpose": "notifications"}],
                "contacts": [{"channel": "visit", "purpose": "patronage",
                              "notes": "Первичный приём"}], **extra}

    def test_one_call_saves_all_and_audits_each(self, client, world):
        client.force_login(world.user("specialist"))
        r = client.post(reverse("person-list"), self.payload(world),
                        content_type="application/json")
        assert r.status_code == 201, r.content
        person = Person.objects.get(pk=r.json()["id"])
        assert (person.snils, person.phone) == ("08765430300", "+79130001122")
        assert r.json()["has_consent"] is True
        assert sorted(Consent.objects.filter(person=person).values_list("purpose", flat=True)
                      ) == ["notifications", "social_service"]
        contact = Contact.objects.get(person=person)
        assert contact.notes == "Первичный приём"
        kinds = set(ObjectChange.objects.filter(person_id=person.pk).values_list(
            "content_type__model", flat=True))
        assert kinds == {"person", "consent", "contact"}

    def test_a_bad_nested_item_saves_nothing(self, client, world):
        client.force_login(world.user("specialist"))
        payload = self.payload(world)
        payload["contacts"] = [{"channel": "visit", "purpose": "patronage",
                                "next_contact_date": "2000-01-01"}]
        r = client.post(reverse("person-list"), payload, content_type="application/json")
        assert r.status_code == 400, r.content
        assert "contacts.0.next_contact_date" in r.json()["fields"]
        payload = self.payload(world)
        payload["consents"] = [{**CONSENT, "subject_address": ""}]
        r = client.post(reverse("person-list"), payload, content_type="application/json")
        assert r.status_code == 400
        assert not Person.objects.filter(surname="Орлова").exists()
        assert not Consent.objects.filter(person__surname="Орлова").exists()

    def test_contacts_without_a_consent_are_refused(self, client, world):
        client.force_login(world.user("specialist"))
        r = client.post(reverse("person-list"), {
            "surname": "Орлова", "name": "Мария", "territory": world.d1.pk,
            "contacts": [{"channel": "call", "purpose": "information"}]},
            content_type="application/json")
        assert r.status_code == 400
        assert not Person.objects.filter(surname="Орлова").exists()

    def test_the_schema_documents_the_nested_body(self, client):
        schema = client.get(reverse("api-schema"), {"format": "json"}).json()
        body = schema["components"]["schemas"]["PersonRegisterRequest"]["properties"]
        assert body["consents"]["type"] == "array" and body["contacts"]["type"] == "array"
        operation = schema["paths"]["/api/v1/persons/"]["post"]
        assert "share_request" in operation["description"]


# --------------------------------------------------------------------------- the race


def _run_together(first, second):
    """Run ``first`` holding its transaction open until ``second`` has started its insert,
    so that the second sees no row in its check and loses at the unique index."""
    started, results = threading.Event(), {}

    def run(name, fn, hold):
        try:
            if hold:
                with transaction.atomic():
                    results[name] = fn()
                    started.wait(10)
                    threading.Event().wait(0.5)  # let the other reach the index
            else:
                results[name] = fn()
        except Exception as exc:  # the outcome (a refusal) is what the test checks
            results[name] = exc
        finally:
            close_old_connections()
            connection.close()

    a = threading.Thread(target=run, args=("first", first, True))
    a.start()
    threading.Event().wait(0.5)

    def second_fn():
        started.set()
        return second()

    b = threading.Thread(target=run, args=("second", second_fn, False))
    b.start()
    a.join(30)
    b.join(30)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'",
                    reason="two connections writing at once need PostgreSQL")
class TestConcurrentRegistrations:
    def test_same_territory_one_wins_the_other_is_offered_the_card(self, world):
        spec, head = world.user("specialist"), world.user("head")
        results = _run_together(lambda: register(spec, world.d1, FREE_SNILS, surname="Раз"),
                                lambda: register(head, world.d1, FREE_SNILS, surname="Два"))
        assert isinstance(results["first"], Person), results
        assert isinstance(results["second"], services.DuplicateCandidatesError), results
        assert results["second"].details["candidates"][0]["id"] == results["first"].pk
        assert Person.objects.filter(snils=FREE_SNILS).count() == 1

    def test_other_territory_loses_with_a_request(self, world):
        spec, out = world.user("specialist"), world.user("specialist_other")
        results = _run_together(lambda: register(spec, world.d1, FREE_SNILS, surname="Раз"),
                                lambda: register(out, world.d2, FREE_SNILS, surname="Два"))
        assert isinstance(results["first"], Person), results
        assert isinstance(results["second"], services.SnilsElsewhereError), results
        assert Person.objects.filter(snils=FREE_SNILS).count() == 1
        request = PersonShareRequest.objects.get()
        assert (request.person_id, request.territory) == (results["first"].pk, world.d2)
