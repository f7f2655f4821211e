"""Forms never trap the user (issue 11, decision 0033), on the server's side: a
registration without a consent, every problem in one round with a summary linking to the
fields, the help text agreeing with the error, the way back after a registration (a safe
``next``), household members and duplicates picked by search, and no internal number of a
record on the people pages. The browser's side is in ``tests/browser/test_forms_flow.py``."""

import datetime
import re

import pytest
from django.urls import reverse

from berezhno.core.workdays import local_today
from berezhno.people.models import Consent, HouseholdMember, Person

pytestmark = pytest.mark.django_db

# The registration form as a browser sends it with the consent part left as it was shown:
# its defaults (purpose, date, data list) filled, the subject's address and document empty.
CONSENT_DEFAULTS = {"consent-purpose": "social_service", "consent-data_list": "ФИО",
                    "consent-valid_from": "2025-01-10", "consent-subject_address": "",
                    "consent-subject_document": ""}


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def summary(response) -> str:
    html = response.content.decode()
    found = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert found, "no error summary on the page"
    return found.group(0)


@pytest.fixture
def spec(client, world):
    client.force_login(world.user("specialist"))
    return world.user("specialist")


class TestRegistrationWithoutConsent:
    def test_the_consent_part_is_optional_and_says_so(self, client, spec):
        html = client.get(reverse("people:create")).content.decode()
        part = html[html.index('<fieldset id="consent-block"'):html.index("</fieldset>")]
        assert "Заполните, только если отметили" in part
        # No field of the part is required by the browser: without JavaScript it is shown
        # and must not block a registration without a consent.
        assert " required" not in part
        assert 'name="consent-subject_address"' in part

    def test_registered_with_the_consent_part_left_as_shown(self, client, world, spec):
        r = client.post(reverse("people:create"), {
            "surname": "Тестова", "name": "Мария", "territory": world.d1.pk,
            **CONSENT_DEFAULTS})
        assert r.status_code == 302, text(r)[:2000]
        person = Person.objects.get(surname="Тестова")
        assert r["Location"] == person.get_absolute_url()
        assert not Consent.objects.filter(person=person).exists()

    def test_consent_typed_without_the_tick_is_not_lost_silently(self, client, world, spec):
        r = client.post(reverse("people:create"), {
            "surname": "Тестова", "name": "Мария", "territory": world.d1.pk,
            **CONSENT_DEFAULTS, "consent-subject_address": "г. Называевск, ул. Мира, 1"})
        assert r.status_code == 400
        assert "не отмечено «Гражданин подписал согласие»" in summary(r)
        assert not Person.objects.filter(surname="Тестова").exists()

    def test_with_the_tick_the_consent_is_recorded(self, client, world, spec):
        r = client.post(reverse("people:create"), {
            "surname": "Тестова", "name": "Мария", "territory": world.d1.pk,
            "with_consent": "1", **CONSENT_DEFAULTS,
            "consent-subject_address": "г. Называевск, ул. Мира, 1",
            "consent-subject_document": "паспорт 5200 123456", "phone": "8 913 111-22-33"})
        assert r.status_code == 302, text(r)[:2000]
        person = Person.objects.get(surname="Тестова")
        assert person.phone == "+79131112233"
        assert Consent.objects.filter(person=person, purpose="social_service").exists()


class TestEveryProblemAtOnce:
    def test_consent_snils_phone_and_date_in_one_round_with_a_summary(self, client, world,
                                                                    spec):
        future = local_today(world.d1) + datetime.timedelta(days=30)
        r = client.post(reverse("people:create"), {
            "surname": "Тестова", "name": "Мария", "territory": world.d1.pk,
            "with_consent": "1", **CONSENT_DEFAULTS, "consent-valid_until": "2020-01-01",
            "snils": "123", "phone": "12", "birth_date": future.isoformat()})
        assert r.status_code == 400
        box = summary(r)
        # The consent part's own errors, the form's parsing error (СНИЛС) and the
        # service's checks (phone, birth date, the consent's dates), all at once, each a
        # link to its field.
        for anchor in ("id_consent-subject_address", "id_consent-subject_document",
                       "id_consent-valid_until", "id_snils", "id_phone", "id_birth_date"):
            assert f'href="#{anchor}"' in box, anchor
        assert "Телефон указан неверно" in box
        assert "Дата рождения: Дата не может быть в будущем" in box
        assert "Срок действия раньше даты согласия" in box
        assert re.search(r"\d+ ошиб(ка|ки|ок) в форме — исправьте", box)
        assert not Person.objects.filter(surname="Тестова").exists()

    def test_without_a_consent_extra_data_is_refused_together_with_the_rest(
            self, client, world, spec):
        r = client.post(reverse("people:create"), {
            "surname": "", "name": "", "territory": world.d1.pk, **CONSENT_DEFAULTS,
            "phone": "8 913 111-22-33", "birth_date": "31.02.2020"})
        box = summary(r)
        assert r.status_code == 400
        assert "Укажите фамилию или имя" in box  # the service's check
        assert "нет действующего согласия" in box  # the consent gate
        assert 'href="#id_birth_date"' in box  # the form's parsing

    def test_the_help_text_agrees_with_the_error(self, client, spec):
        r = client.post(reverse("people:create"), {"surname": "Тестова", **CONSENT_DEFAULTS})
        page = text(r)
        assert r.status_code == 400
        assert "Можно не указывать, если выбран населённый пункт" in page
        assert "Выберите населённый пункт (участок определится по нему) или укажите " \
               "участок" in summary(r)

    def test_a_settlement_is_enough(self, client, world, spec):
        r = client.post(reverse("people:create"), {
            "surname": "Тестова", "name": "Мария", "settlement": world.village.pk,
            **CONSENT_DEFAULTS})
        assert r.status_code == 302, text(r)[:2000]
        assert Person.objects.get(surname="Тестова").territory == world.d1


class TestBackAfterRegistration:
    def test_next_brings_the_new_person_back(self, client, world, spec):
        page = client.get(reverse("people:create"), {"next": "/people/households/?x=1"})
        assert 'name="next" value="/people/households/?x=1"' in page.content.decode()
        r = client.post(reverse("people:create"), {
            "surname": "Тестова", "name": "Мария", "territory": world.d1.pk,
            "next": "/people/households/?x=1", **CONSENT_DEFAULTS})
        person = Person.objects.get(surname="Тестова")
        assert r.status_code == 302
        assert r["Location"] == f"/people/households/?x=1&person={person.pk}"

    @pytest.mark.parametrize("unsafe", ["//evil.example/", "https://evil.example/",
                                        "/\\evil.example/", "javascript:alert(1)",
                                        "evil.example", "/ok/\nSet-Cookie: x=1"])
    def test_only_a_local_path_is_followed(self, client, world, spec, unsafe):
        page = client.get(reverse("people:create"), {"next": unsafe}).content.decode()
        assert 'name="next"' not in page
        r = client.post(reverse("people:create"), {
            "surname": "Тестова", "name": "Мария", "territory": world.d1.pk, "next": unsafe,
            **CONSENT_DEFAULTS})
        assert r.status_code == 302
        assert r["Location"] == Person.objects.get(surname="Тестова").get_absolute_url()


class TestPickedBySearch:
    def test_a_household_member_is_picked_by_name_not_by_number(self, client, world, scene,
                                                               spec):
        household = scene.household
        url = reverse("people:household", args=[household.pk])
        html = client.get(url).content.decode()
        assert "Номер записи" not in html
        assert 'id="pick-person-q"' in html and 'form="pick-person"' in html
        # The picker finds her by name and links back with her chosen.
        r = client.post(reverse("core:pick", args=["person"]),
                        {"field": "person", "back": url, "q": "Громова"})
        free = scene.free
        assert f"{url}?person={free.pk}" in r.content.decode()
        html = client.get(url, {"person": free.pk}).content.decode()
        assert 'class="chip">Громова Ольга' in html
        assert f'name="person" value="{free.pk}"' in html
        r = client.post(reverse("people:household_member_add", args=[household.pk]),
                        {"person": free.pk, "relation": "other"})
        assert r.status_code == 302
        assert HouseholdMember.objects.filter(household=household, person=free).exists()

    def test_no_person_chosen_is_a_clear_message_on_the_household_page(self, client, scene,
                                                                      spec):
        household = scene.household
        r = client.post(reverse("people:household_member_add", args=[household.pk]),
                        {"relation": "other"})
        assert r.status_code == 400
        assert "Найдите и выберите гражданина" in summary(r)
        assert 'href="#pick-person-q"' in summary(r)
        assert "Добавить члена домохозяйства" in text(r)  # the same page, not a dead end

    def test_a_person_out_of_scope_is_not_added(self, client, world, scene, spec):
        household = scene.household
        r = client.post(reverse("people:household_member_add", args=[household.pk]),
                        {"person": world.p3.pk, "relation": "other"})
        assert r.status_code == 400
        assert "Выбранная запись недоступна" in summary(r)
        assert "Далёкий" not in r.content.decode()

    def test_a_duplicate_is_picked_by_search(self, client, scene, spec):
        p1, duplicate = scene.p1, scene.duplicate
        url = reverse("people:merge", args=[p1.pk])
        html = client.get(url, {"other": duplicate.pk}).content.decode()
        assert "Номер записи" not in html
        assert 'class="chip">Крылова Нина' in html
        r = client.post(url, {"other": duplicate.pk})
        assert r.status_code == 200 and "Запись «Крылова Нина» будет присоединена" in text(r)


NUMBER = re.compile(r"№\s*(\d+)(?![\d-])")


class TestNoInternalNumbers:
    @pytest.mark.parametrize("page", ["p1", "household", "merge", "share_list", "share",
                                      "create_duplicate"])
    def test_people_pages_show_no_record_numbers(self, client, world, scene, page):
        spec = world.user("specialist")
        client.force_login(spec)
        p1 = scene.p1
        if page == "p1":
            r = client.get(p1.get_absolute_url())
        elif page == "household":
            r = client.get(reverse("people:household", args=[scene.household.pk]))
        elif page == "merge":
            r = client.get(reverse("people:merge", args=[p1.pk]),
                           {"other": scene.duplicate.pk})
        elif page == "share_list":
            client.force_login(world.user("specialist_other"))
            r = client.get(reverse("people:share_requests"))
        elif page == "share":
            client.force_login(world.user("specialist_other"))
            r = client.get(reverse("people:share_request", args=[scene.share.pk]))
        else:
            r = client.post(reverse("people:create"), {
                "surname": "Семёнова", "name": "Алёна", "patronymic": "Петровна",
                "birth_date": "1985-03-05", "territory": world.d1.pk, **CONSENT_DEFAULTS})
            assert "Возможные дубликаты" in text(r)
        assert r.status_code in (200, 400), r.status_code
        shown = text(r)
        assert NUMBER.findall(shown) == [], NUMBER.findall(shown)
        assert "Номер записи" not in shown

    def test_names_of_records_without_a_name_have_no_number(self, world, scene):
        household = scene.household
        household.name = ""
        assert str(household) == "Домохозяйство: г. Называевск, ул. Ленина, 5"
        household.address = ""
        assert str(household) == "Домохозяйство без названия"
        assert str(scene.share).startswith("Запрос доступа от ")
        nameless = Person(pk=166)
        assert "166" not in nameless.full_name
