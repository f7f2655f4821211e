"""Load demo data for a first run: real territories, staff in every role, families."""

import datetime
import random
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from berezhno.accounts.choices import OrganisationKind, PartnerKind
from berezhno.accounts.models import Agreement, Organisation, RoleAssignment, User
from berezhno.accounts.validators import company_inn, company_ogrn
from berezhno.core.context import acting_as
from berezhno.notifications import services as notifications
from berezhno.people import services as people
from berezhno.people.choices import Category, ContactChannel, ContactPurpose, Relation
from berezhno.people.models import Person
from berezhno.people.names import random_male_name_item, random_person_name, random_snils
from berezhno.rights import services as rights
from berezhno.territories import services as territories
from berezhno.territories.choices import Level
from berezhno.territories.loader import load_territories
from berezhno.territories.models import District, Territory
from berezhno.testing import demo_bank, demo_cases

DEMO_PASSWORD = "berezhno-demo"  # noqa: S105 - printed for the demo on purpose

# (username, role, surname, name, patronymic, territory key, position)
STAFF = [
    ("admin", "admin", "Соколова", "Ирина", "Викторовна", "region:Омская область",
     "администратор системы"),
    ("head", "head", "Маркова", "Елена", "Петровна", "mun:Называевский муниципальный район",
     "директор КЦСОН"),
    ("specialist1", "district_specialist", "Белова", "Наталья", "Сергеевна",
     "district:Называевск — участок № 1", "участковый специалист"),
    ("specialist2", "district_specialist", "Захарова", "Ольга", "Николаевна",
     "district:Называевск — участок № 2", "участковый специалист"),
    ("dispatcher", "dispatcher", "Кравцова", "Светлана", "Андреевна",
     "mun:Называевский муниципальный район", "диспетчер «Семейной диспетчерской»"),
    ("psychologist", "specialist", "Орлова", "Мария", "Игоревна",
     "mun:Называевский муниципальный район", "психолог"),
    ("patrol", "patrol_member", "Ефимов", "Андрей", "Олегович", "region:Омская область",
     "дозорный"),
    ("patrolhq", "patrol_hq", "Громов", "Павел", "Александрович", "region:Омская область",
     "фронтмен штаба"),
    ("coordinator", "coordinator", "Лаптева", "Юлия", "Валерьевна", "region:Ханты-Мансийский",
     "координатор социальных агентов"),
    ("agent", "social_agent", "Кузьмина", "Валентина", "Григорьевна",
     "region:Ханты-Мансийский", "социальный агент"),
    ("partner", "partner", "Носков", "Игорь", "Владимирович",
     "mun:Называевский муниципальный район", "инспектор ПДН"),
    ("analyst", "analyst", "Фролова", "Анна", "Михайловна", "region:Омская область",
     "аналитик Минтруда"),
    ("belozersk", "district_specialist", "Смирнова", "Татьяна", "Ивановна",
     "district:Белозерск — участок № 1", "участковый специалист"),
]


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo users."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=160)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        self._snils_used: set[str] = set()
        with acting_as("load_demo"), transaction.atomic():
            if not User.objects.filter(username="head").exists():
                self._load(options["persons"], random.Random(options["seed"]))
            # The casework is loaded once too, and added to a demo loaded before it.
            demo_cases.load(random.Random(options["seed"] + 1))
            demo_bank.load()  # the special-attention data bank (District service)
        self._print_users()

    def _print_users(self):
        self.stdout.write("")
        self.stdout.write(f"Демо-пользователи (пароль у всех: {DEMO_PASSWORD}):")
        for username, role, surname, name, _p, _place, position in STAFF:
            self.stdout.write(f"  {username:<13} {role:<20} {surname} {name} — {position}")

    def _load(self, n_persons: int, rng: random.Random):
        load_territories()
        root = User.objects.create_superuser("root-setup", password=None)
        regions = {t.name: t for t in Territory.objects.filter(level=Level.REGION)}
        omsk = regions["Омская область"]
        khmao = next(t for n, t in regions.items() if n.startswith("Ханты"))
        vologda = regions["Вологодская область"]
        nazyv = Territory.objects.get(level=Level.MUNICIPALITY,
                                      name__startswith="Называевский")
        belozersk_mun = Territory.objects.get(level=Level.MUNICIPALITY,
                                              name__startswith="Белозерский")
        kcson = Organisation.objects.create(
            kind=OrganisationKind.PROVIDER, name="БУ «Комплексный центр социального "
            "обслуживания населения Называевского района»", short_name="КЦСОН Называевского "
            "района", address="646100, Омская область, г. Называевск, ул. Ленина, д. 66",
            phone="+73816121234", territory=nazyv, inn=company_inn("551500312"),
            ogrn=company_ogrn("102550150012"))
        kcson_b = Organisation.objects.create(
            kind=OrganisationKind.PROVIDER, name="БУ СО ВО «Комплексный центр социального "
            "обслуживания населения Белозерского района»", short_name="КЦСОН Белозерского "
            "района", address="161200, Вологодская область, г. Белозерск", territory=belozersk_mun,
            inn=company_inn("350300041"), ogrn=company_ogrn("102350070004"))
        partners = [
            Organisation.objects.create(kind=OrganisationKind.PARTNER, partner_kind=kind,
                                        name=name, territory=nazyv,
                                        inn=company_inn(f"55150001{i}"),
                                        ogrn=company_ogrn(f"10255015000{i}"))
            for i, (kind, name) in enumerate([
                (PartnerKind.POLICE, "ОМВД России по Называевскому району"),
                (PartnerKind.HEALTH, "БУЗОО «Называевская ЦРБ»"),
                (PartnerKind.EDUCATION, "БОУ «Называевская СОШ № 1»"),
                (PartnerKind.EMPLOYMENT, "Центр занятости населения Называевского района"),
                (PartnerKind.KDN, "КДН и ЗП Называевского муниципального района"),
                (PartnerKind.GUARDIANSHIP, "Отдел опеки и попечительства Министерства "
                 "образования Омской области по Называевскому району"),
            ], start=1)
        ]
        for i, org in enumerate(partners, start=1):
            Agreement.objects.create(organisation=org, provider=kcson, number=f"{i}/2025",
                                     date=datetime.date(2025, 2, i), subject="Межведомственное "
                                     "взаимодействие по выявлению и сопровождению семей",
                                     valid_until=datetime.date(2027, 12, 31))
        # Districts in Nazyvaevsk and Belozersk.
        places = {"region:Омская область": omsk, "region:Ханты-Мансийский": khmao,
                  "region:Вологодская область": vologda,
                  "mun:Называевский муниципальный район": nazyv}
        # The settlements of a municipality, in its поселения or right under it (0037).
        nazyv_town = Territory.objects.get(path__startswith=nazyv.path,
                                           level=Level.SETTLEMENT, name="Называевск")
        villages = list(Territory.objects.filter(path__startswith=nazyv.path,
                                                 level=Level.SETTLEMENT)
                        .exclude(pk=nazyv_town.pk).order_by("name"))
        bel_town = Territory.objects.get(path__startswith=belozersk_mun.path,
                                         level=Level.SETTLEMENT, name="Белозерск")
        bel_villages = list(Territory.objects.filter(path__startswith=belozersk_mun.path,
                                                     level=Level.SETTLEMENT)
                            .exclude(pk=bel_town.pk).order_by("name"))
        district_plan = [
            ("Называевск — участок № 1", nazyv_town, villages[: len(villages) // 2], kcson),
            ("Называевск — участок № 2", nazyv_town, villages[len(villages) // 2:], kcson),
            ("Белозерск — участок № 1", bel_town, bel_villages, kcson_b),
        ]
        districts = {}
        for name, seat, covered, org in district_plan:
            d_terr = territories.territory_create(user=root, level=Level.DISTRICT, parent=seat,
                                                  name=name)
            district = District.objects.get(territory=d_terr)
            district.organisation = org
            district.save(update_fields=["organisation"])
            territories.coverage_set(user=root, district=district, settlement=seat)
            for v in covered:
                territories.coverage_set(user=root, district=district, settlement=v)
            districts[name] = district
            places[f"district:{name}"] = d_terr
        users = {}
        for username, role, surname, name, patronymic, place, position in STAFF:
            u = User.objects.create_user(
                username=username, password=DEMO_PASSWORD, last_name=surname, first_name=name,
                patronymic=patronymic, position=position, email=f"{username}@berezhno.example",
                organisation=partners[0] if role == "partner" else (
                    kcson_b if username == "belozersk" else kcson))
            # "admin" is the administrator role, not a superuser (decision 0016): the
            # emergency account is made with `manage.py createsuperuser` when needed.
            RoleAssignment.objects.create(user=u, role=role, territory=places[place],
                                          organisation=u.organisation)
            users[username] = u
        for (name, *_rest), username, order in zip(district_plan,
                                                   ["specialist1", "specialist2", "belozersk"],
                                                   ["12-о", "13-о", "7-од"], strict=True):
            d = districts[name]
            territories.district_update(
                user=root, district=d, expected_version=d.version,
                specialist=users[username], order_number=order,
                order_date=datetime.date(2025, 1, 15), number=name[-1],
                phone="+7 (38161) 2-11-0" + name[-1], email=f"{username}@kcson.example",
                workplace_address=f"{d.territory.parent.name}, ул. Ленина, д. 66, каб. "
                                  f"{10 + int(name[-1])}",
                reception_schedule="Понедельник, среда: 9:00–13:00\nПятница: 14:00–17:00 "
                                   "(выезд в сёла по графику)")
        User.objects.filter(pk=root.pk).update(is_active=False)
        self._persons(n_persons, rng, users, districts)
        self._rights(users, districts)
        self._notifications(users)

    def _notifications(self, users: dict):
        """The outbox (decision 0025): a person who agreed to e-mail, SMS and calls gets an
        invitation by e-mail (the worker of ``make run`` prints it on the console), by SMS
        (no SMS gateway on a laptop: it waits in the queue with the error) and a call in the
        call list; a person without consent is refused. The staff's reminders go out by
        e-mail when the scheduler runs the daily reminders."""
        spec = users["specialist1"]
        ward = Person.objects.get(surname="Гарипова", name="Алсу")
        consent = ward.consents.get(is_active=True)
        people.consent_channels_set(user=spec, consent=consent,
                                    expected_version=consent.version, by_email=True,
                                    by_sms=True, by_call=True, contact_phone="+79088001122",
                                    contact_email="garipova@example.org")
        text = {"subject": "Приглашение на консультацию",
                "text": "Приглашаем вас на консультацию по социальному контракту в КЦСОН "
                        "(г. Называевск, ул. Ленина, д. 66, каб. 11) в среду с 9:00 до "
                        "13:00.", "organisation": "КЦСОН Называевского района"}
        for channel in ("email", "sms", "call"):
            notifications.message_queue(user=spec, kind="notice", channel=channel, person=ward,
                                        context=text)
        nobody = Person.objects.get(surname="Пахомов", name="Виктор")
        notifications.message_queue(user=spec, kind="notice", channel="sms", person=nobody,
                                    context=text)

    def _rights(self, users: dict, districts: dict):
        """Data-subject requests of district 1: an access request near its deadline, one
        overdue correction, and an incident under investigation (decision 0021)."""
        spec, head = users["specialist1"], users["head"]
        d1 = districts["Называевск — участок № 1"].territory
        found = list(Person.objects.filter(territory=d1, status="active").order_by("pk")[:2])
        if len(found) < 2:
            return
        today = timezone.localdate()
        rights.request_register(user=spec, person=found[0], kind="access", channel="post",
                                received_on=today - datetime.timedelta(days=10))
        rights.request_register(user=spec, person=found[1], kind="correction",
                                received_on=today - datetime.timedelta(days=20),
                                subject="Неверно указан адрес фактического проживания")
        rights.incident_open(user=head, territory=head.role_assignments.get().territory,
                             detected_at=timezone.now() - datetime.timedelta(hours=5),
                             description="Список семей участка отправлен на личную почту "
                                         "сотрудника", suspect=spec,
                             period_from=today - datetime.timedelta(days=30), period_to=today)

    def _persons(self, n: int, rng: random.Random, users: dict, districts: dict):
        today = timezone.localdate()
        specialists = {"Называевск — участок № 1": users["specialist1"],
                       "Называевск — участок № 2": users["specialist2"],
                       "Белозерск — участок № 1": users["belozersk"]}
        made = 0
        while made < n:
            dname = rng.choice(list(districts))
            district, staff = districts[dname], specialists[dname]
            settlement = rng.choice([c.settlement for c in district.coverage.all()])
            streets = list(settlement.streets.values_list("name", flat=True)) or ["ул. Центральная"]
            address = (f"{settlement.kind} {settlement.name}, {rng.choice(streets)}, "
                       f"д. {rng.randint(1, 60)}")
            kind = rng.random()
            base = {"settlement": settlement, "territory": district.territory,
                    "actual_address": address, "registration_address": address,
                    **_near(settlement, address)}
            consent = {"purpose": "social_service", "subject_address": address,
                       "subject_document": "паспорт РФ", "data_list": "ФИО, дата рождения, "
                       "адрес, СНИЛС, телефон, состав семьи", "valid_from": today
                       - datetime.timedelta(days=rng.randint(5, 700))}
            if kind < 0.45:  # a family with children
                surname_item, father = None, random_male_name_item(rng)
                s, nm, p, surname_item, _f = random_person_name(rng, "f", father=father)
                mother = self._register(staff, base, s, nm, p, "f", today, rng, 25, 45, consent)
                household = people.household_create(
                    user=staff, head=mother,
                    income_level=rng.choice(["below_minimum", "below_1_5", ""]),
                    housing_conditions=rng.choice(["good", "poor", ""]))
                made += 1
                if rng.random() < 0.6:
                    s2, nm2, p2, _si, _f = random_person_name(rng, "m", surname_item)
                    dad = self._register(staff, base, s2, nm2, p2, "m", today, rng, 27, 50,
                                         consent)
                    people.household_add_member(user=staff, household=household, person=dad,
                                                relation=Relation.SPOUSE)
                    made += 1
                kids = rng.choice([1, 1, 2, 2, 3, 4])
                dad_item = random_male_name_item(rng)
                for _k in range(kids):
                    sex = rng.choice("mf")
                    ks, kn, kp, _si, _f = random_person_name(rng, sex, surname_item, dad_item)
                    kid = self._register(staff, base, ks, kn, kp, sex, today, rng, 0, 17,
                                         consent)
                    people.household_add_member(user=staff, household=household, person=kid,
                                                relation=Relation.CHILD)
                    made += 1
                if kids >= 3:
                    people.category_add(user=staff, person=mother,
                                        category=Category.LARGE_FAMILY,
                                        start_date=today - datetime.timedelta(days=400))
                if rng.random() < 0.5:
                    people.category_add(user=staff, person=mother, category=Category.LOW_INCOME,
                                        start_date=today - datetime.timedelta(days=200))
                self._contacts(staff, mother, rng, today)
            else:  # an older person, often living alone
                sex = "f" if rng.random() < 0.65 else "m"
                s, nm, p, _si, _f = random_person_name(rng, sex)
                person = self._register(staff, base, s, nm, p, sex, today, rng, 56, 92, consent)
                made += 1
                if rng.random() < 0.4:
                    people.category_add(user=staff, person=person, category=Category.LONELY,
                                        start_date=today - datetime.timedelta(days=900))
                if rng.random() < 0.25:
                    people.category_add(user=staff, person=person, category=Category.DISABILITY,
                                        start_date=today - datetime.timedelta(days=1500))
                if rng.random() < 0.1:
                    people.person_update(
                        user=staff, person=person, expected_version=person.version,
                        special_attention=True,
                        special_attention_reason="одиноко проживает, риск мошенничества")
                self._contacts(staff, person, rng, today)
        # One record without consent and one unidentified person met by the patrol.
        staff = users["specialist1"]
        d1 = districts["Называевск — участок № 1"].territory
        people.person_register(
            user=staff, confirm_not_duplicate=True, surname="Пахомов", name="Виктор",
            patronymic="Ильич", sex="m", birth_date=datetime.date(1961, 4, 2), territory=d1)
        people.person_register(
            user=users["patrol"], confirm_not_duplicate=True, is_unidentified=True,
            nickname="Дядя Коля", sex="m", estimated_birth_year=1968,
            appearance="рост около 175 см, седая борода, тёмная куртка",
            meeting_place="г. Называевск, вокзал", legal_basis="signal",
            territory=Territory.objects.get(pk=d1.ancestor_ids()[1]))  # the municipality
        agent_ward = people.person_register(
            user=staff, confirm_not_duplicate=True, consent={
                "purpose": "social_service", "subject_address": "г. Югорск",
                "subject_document": "паспорт РФ", "data_list": "ФИО, телефон, адрес"},
            surname="Гарипова", name="Алсу", patronymic="Ринатовна", sex="f",
            birth_date=datetime.date(1990, 8, 9), territory=d1, phone="+79088001122",
            actual_address="г. Называевск, ул. Мира, д. 3")
        people.person_assign(user=staff, person=agent_ward, assignee=users["agent"],
                             reason="социальный контракт: помощь с поиском работы")

    def _register(self, staff, base, surname, name, patronymic, sex, today, rng, age_from,
                  age_to, consent):
        age_days = rng.randint(age_from * 365 + 30, age_to * 365 + 300)
        data = dict(base, surname=surname, name=name, patronymic=patronymic, sex=sex,
                    birth_date=today - datetime.timedelta(days=age_days))
        if age_from >= 18 or rng.random() < 0.7:
            # Drawn once each: a СНИЛС is held by one record (decision 0019).
            data["snils"] = random_snils(rng, self._snils_used)
        if age_from >= 18:
            data["phone"] = f"+79{rng.randint(100000000, 999999999)}"
        return people.person_register(user=staff, confirm_not_duplicate=True,
                                      consent=dict(consent), **data)

    def _contacts(self, staff, person, rng, today):
        for i in range(rng.randint(1, 4)):
            when = timezone.now() - datetime.timedelta(days=rng.randint(1, 120), hours=i)
            people.contact_log(
                user=staff, person=person, occurred_at=when,
                channel=rng.choice([ContactChannel.VISIT, ContactChannel.CALL,
                                    ContactChannel.OFFICE, ContactChannel.MESSENGER]),
                purpose=rng.choice([ContactPurpose.PATRONAGE, ContactPurpose.INFORMATION,
                                    ContactPurpose.NEEDS, ContactPurpose.PSYCHOLOGICAL]),
                notes=rng.choice(["Беседа о текущих потребностях.",
                                  "Проверены условия проживания.",
                                  "Разъяснён порядок получения мер соцподдержки.",
                                  "Жалоб нет, самочувствие удовлетворительное."]),
                outcome=rng.choice(["Помощь не требуется.", "Нужна консультация юриста.",
                                    "Передано заявление на оформление пособия."]),
                next_contact_date=timezone.localtime(when).date()
                + datetime.timedelta(days=rng.randint(20, 45)),
            )


def _near(settlement, address: str) -> dict:
    """Coordinates of a demo address: a point near its settlement (the card's map), drawn
    from the address itself so the demo's other random choices stay as they were."""
    if settlement.latitude is None or settlement.longitude is None:
        return {}
    spot = random.Random(address)
    return {"latitude": round(settlement.latitude + Decimal(spot.uniform(-0.008, 0.008)), 6),
            "longitude": round(settlement.longitude + Decimal(spot.uniform(-0.012, 0.012)), 6)}
