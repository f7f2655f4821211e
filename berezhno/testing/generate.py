"""A realistic generated dataset of any size, for load tests and benchmarks.

The seed regions' real municipalities and settlements are loaded first; every
municipality gets social districts in proportion to its population (about one
district per 3 300 residents on the register), a provider organisation, a
partner organisation and staff in every role. Persons come in households:
lonely pensioners, elderly couples, young couples, families with children,
single mothers, three generations. Names are Russian with the right gender
forms, children carry their father's patronymic and the family surname.

The consent gate holds in generated data as in real data: a household either
gave consents (every member, children through the parent as representative)
and then has phones, СНИЛС, addresses, categories and contacts; or it did not,
and its members keep only the minimal identification fields.

Rows are written with COPY on PostgreSQL (executemany on SQLite), not through
the services, so no change records are written for them.
"""

import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from berezhno.accounts.choices import OrganisationKind, PartnerKind
from berezhno.accounts.models import Organisation, RoleAssignment, User
from berezhno.accounts.validators import company_inn, company_ogrn
from berezhno.cases.models import Activity, CaseProblem, Plan, SupportCase
from berezhno.core.context import acting_as
from berezhno.core.text import normalize_name
from berezhno.people.choices import (
    Category,
    ConsentPurpose,
    ContactChannel,
    ContactPurpose,
    DisabilityGroup,
    HousingConditions,
    IncomeLevel,
    Relation,
)
from berezhno.people.models import (
    Consent,
    Contact,
    Household,
    HouseholdMember,
    Person,
    PersonCategory,
    SensitiveInfo,
)
from berezhno.people.names import _data as names_data
from berezhno.people.names import random_snils
from berezhno.referrals.models import Referral
from berezhno.territories import services as territory_services
from berezhno.territories.choices import Level
from berezhno.territories.loader import load_territories
from berezhno.territories.models import District, DistrictCoverage, Street, Territory

from .bulk import TableWriter, next_id, reset_sequences
from .generate_cases import CaseMaker

# Parents before children: the order rows are flushed in.
CASE_MODELS = (SupportCase, Plan, Activity, CaseProblem, Consent.recipients.through, Referral)
GENERATED_PASSWORD = "berezhno-demo"  # noqa: S105 - the generated staff's documented password
PERSONS_PER_DISTRICT = 3300
CHUNK_HOUSEHOLDS = 20_000

NOTES = [
    "Проведена беседа, выяснены текущие потребности.",
    "Проверены условия проживания, жилое помещение в удовлетворительном состоянии.",
    "Разъяснён порядок оформления мер социальной поддержки.",
    "Оказана помощь в заполнении заявления.",
    "Гражданин жалоб не высказывает, состояние удовлетворительное.",
    "Обсуждены вопросы организации досуга, приглашён в клуб «Серебряный возраст».",
    "Передана информация о графике работы мобильной бригады.",
    "Уточнены контактные данные родственников.",
]
OUTCOMES = [
    "Потребность в дополнительной помощи не выявлена.",
    "Назначен повторный визит.",
    "Направлено заявление на социальное обслуживание на дому.",
    "Передано специалисту по социальной работе.",
    "Выдана памятка о мерах социальной поддержки.",
    "",
]
CHANNEL_WEIGHTS = [(ContactChannel.VISIT, 40), (ContactChannel.CALL, 35),
                   (ContactChannel.MESSENGER, 8), (ContactChannel.OFFICE, 12),
                   (ContactChannel.DISTANCE, 5)]
PURPOSE_WEIGHTS = [(ContactPurpose.PATRONAGE, 35), (ContactPurpose.INFORMATION, 20),
                   (ContactPurpose.NEEDS, 15), (ContactPurpose.CONSULTATION, 15),
                   (ContactPurpose.DOCUMENTS, 8), (ContactPurpose.MONITORING, 5),
                   (ContactPurpose.PSYCHOLOGICAL, 2)]
# Household sizes for the region's register (share in per cent).
SIZE_WEIGHTS = [(1, 30), (2, 28), (3, 20), (4, 14), (5, 5), (6, 2), (7, 1)]


class Sampler:
    """Weighted choice by bisect over cumulative weights (fast for millions of draws)."""

    def __init__(self, rng: random.Random, items: list, weights: list[float]):
        self.rng = rng
        self.items = items
        self.cum = list(accumulate(weights))

    def __call__(self):
        return self.rng.choices(self.items, cum_weights=self.cum)[0]


class RowMaker:
    """Rows for ``TableWriter``: every concrete column, with the model's defaults."""

    def __init__(self, model: type[Model], now: datetime.datetime):
        self.fields = [f for f in model._meta.concrete_fields]
        self.attnames = [f.attname for f in self.fields]
        defaults = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults[f.attname] = now
            elif f.has_default():
                value = f.get_default()
                defaults[f.attname] = str(value) if not isinstance(
                    value, int | bool | str | float) else value
            elif f.null:
                defaults[f.attname] = None
            else:
                defaults[f.attname] = ""
        self.defaults = defaults
        self.writer = TableWriter(model, self.attnames)
        self.rows: list[tuple] = []

    def add(self, **values) -> None:
        d = self.defaults
        self.rows.append(tuple(values[a] if a in values else d[a] for a in self.attnames))

    def flush(self) -> None:
        if self.rows:
            self.writer.write(self.rows)
            self.rows = []


@dataclass
class DistrictSlot:
    territory_id: int
    specialist_id: int
    organisation_id: int
    settlement_ids: list = field(default_factory=list)
    municipality_id: int = 0


@dataclass
class Summary:
    persons: int = 0
    households: int = 0
    members: int = 0
    consents: int = 0
    categories: int = 0
    contacts: int = 0
    districts: int = 0
    staff: int = 0
    cases: int = 0
    plans: int = 0
    activities: int = 0
    referrals: int = 0
    seconds: dict = field(default_factory=dict)


class Generator:
    def __init__(self, persons: int, seed: int = 1, contacts_per_person: float = 5.0,
                 consent_share: float = 0.9, cases_per_person: float = 0.2, log=None):
        self.target = persons
        self.rng = random.Random(seed)  # noqa: S311 - generated data, not security
        self.contacts_per_person = contacts_per_person
        self.consent_share = consent_share
        self.log = log or (lambda message: None)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.summary = Summary()
        d = names_data()
        self._pick_surname = Sampler(self.rng, d["surnames"], d["surnames_weights"])
        self._pick_male = Sampler(self.rng, d["male_names"], d["male_names_weights"])
        self._pick_female = Sampler(self.rng, d["female_names"], d["female_names_weights"])
        self.cases = CaseMaker(self, self.rng, cases_per_person)
        self._snils_used: set[str] | None = None

    def _used_snils(self) -> set[str]:
        """The СНИЛС already held (a run may add to a generated region): each is drawn
        once (the unique index ``person_snils_unique``)."""
        if self._snils_used is None:
            self._snils_used = set(Person.objects.exclude(snils="").values_list("snils",
                                                                             flat=True))
        return self._snils_used

    # ------------------------------------------------------------------ run
    def run(self) -> Summary:
        started = time.monotonic()
        with acting_as("generate_data"):
            with transaction.atomic():
                self._reference()
            self.summary.seconds["reference"] = round(time.monotonic() - started, 1)
            t = time.monotonic()
            with transaction.atomic():
                self._people()
            self.summary.seconds["people"] = round(time.monotonic() - t, 1)
            t = time.monotonic()
            with transaction.atomic():
                self._cases()
            self.summary.seconds["cases"] = round(time.monotonic() - t, 1)
        t = time.monotonic()
        if connection.vendor == "postgresql":
            # The state autovacuum keeps a live database in: statistics, and the visibility
            # map without which no index-only scan skips the heap (a server with autovacuum
            # off would otherwise be measured on a freshly loaded heap). VACUUM cannot run in
            # a transaction (the generator's tests run in one): the tables' ANALYZE there.
            with connection.cursor() as cursor:
                if not connection.in_atomic_block:
                    cursor.execute("VACUUM (ANALYZE)")  # the whole database: staff too
                else:
                    for model in (Person, Household, HouseholdMember, Consent, Contact,
                                  PersonCategory, *CASE_MODELS):
                        table = connection.ops.quote_name(model._meta.db_table)
                        cursor.execute(f"ANALYZE {table}")
        self.summary.seconds["vacuum"] = round(time.monotonic() - t, 1)
        self.summary.seconds["total"] = round(time.monotonic() - started, 1)
        return self.summary

    # ------------------------------------------------------------ reference
    def _reference(self) -> None:
        settlements = load_territories()
        setup, _ = User.objects.get_or_create(
            username="generator-setup",
            defaults={"is_superuser": True, "is_staff": False, "last_name": "Генератор",
                      "first_name": "данных"})
        if not setup.is_active or not setup.is_superuser:
            User.objects.filter(pk=setup.pk).update(is_active=True, is_superuser=True)
            setup.refresh_from_db()
        self.password_hash = make_password(GENERATED_PASSWORD)
        total_pop = sum(s.population or 300 for s in settlements.values())
        by_mun: dict[int, list[Territory]] = defaultdict(list)
        for s in settlements.values():
            # By municipality: a settlement sits in its поселение or right under it (0037).
            by_mun[s.ancestor_ids()[1]].append(s)
        self.slots: list[DistrictSlot] = []
        self.mun_staff: dict[int, dict] = {}
        self.settlement_slots: dict[int, list[DistrictSlot]] = defaultdict(list)
        self.settlements = {s.pk: s for s in settlements.values()}
        self.streets = defaultdict(list)
        for settlement_id, name in _streets(self.settlements):
            self.streets[settlement_id].append(name)
        municipalities = {m.pk: m for m in Territory.objects.filter(pk__in=by_mun)}
        regions = {r.pk: r for r in Territory.objects.filter(level=Level.REGION)}
        for mun_id, mun_settlements in sorted(by_mun.items()):
            mun = municipalities[mun_id]
            provider, partner = self._organisations(mun)
            mun_settlements.sort(key=lambda s: (-(s.population or 300), s.name))
            seat = mun_settlements[0]
            expected = {s.pk: self.target * (s.population or 300) / total_pop
                        for s in mun_settlements}
            own = {s.pk: max(0, round(expected[s.pk] / PERSONS_PER_DISTRICT))
                   for s in mun_settlements}
            own[seat.pk] = max(1, own[seat.pk])
            seat_slots = []
            for s in mun_settlements:
                for k in range(1, own[s.pk] + 1):
                    slot = self._district(setup, s, k, provider)
                    slot.settlement_ids.append(s.pk)
                    self.settlement_slots[s.pk].append(slot)
                    if s.pk == seat.pk:
                        seat_slots.append(slot)
            # Villages without a district of their own are covered by the seat's districts.
            uncovered = [s for s in mun_settlements if not own[s.pk]]
            for i, s in enumerate(uncovered):
                slot = seat_slots[i % len(seat_slots)]
                slot.settlement_ids.append(s.pk)
                self.settlement_slots[s.pk].append(slot)
                DistrictCoverage.objects.get_or_create(district_id=slot.territory_id,
                                                       settlement=s, street=None)
            self._municipality_staff(mun, provider, partner)
        for region in regions.values():
            self._region_staff(region)
        User.objects.filter(pk=setup.pk).update(is_active=False)
        self.summary.districts = len(self.slots)
        populated = [s for s in self.settlements.values() if self.settlement_slots[s.pk]]
        self.pick_settlement = Sampler(self.rng, populated,
                                       [s.population or 300 for s in populated])

    def _organisations(self, mun: Territory) -> tuple[Organisation, Organisation]:
        provider, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.PROVIDER, territory=mun,
            name=f"Комплексный центр социального обслуживания населения ({mun.name})",
            defaults={"short_name": f"КЦСОН ({mun.name})"[:120],
                      "inn": company_inn(f"550{mun.pk % 10**6:06d}"),
                      "ogrn": company_ogrn(f"10255{mun.pk % 10**7:07d}")})
        partner, _ = Organisation.objects.get_or_create(
            kind=OrganisationKind.PARTNER, territory=mun, partner_kind=PartnerKind.POLICE,
            name=f"Отдел МВД России ({mun.name})",
            defaults={"inn": company_inn(f"551{mun.pk % 10**6:06d}"),
                      "ogrn": company_ogrn(f"10355{mun.pk % 10**7:07d}")})
        return provider, partner

    def _district(self, setup: User, settlement: Territory, k: int,
                  provider: Organisation) -> DistrictSlot:
        name = f"{settlement.name} — участок № {k}"
        territory = Territory.objects.filter(parent=settlement, level=Level.DISTRICT,
                                             name=name).first()
        if territory is None:
            territory = territory_services.territory_create(
                user=setup, level=Level.DISTRICT, parent=settlement, name=name)
        district = District.objects.select_related("specialist").get(territory=territory)
        DistrictCoverage.objects.get_or_create(district=district, settlement=settlement,
                                               street=None)
        if district.specialist_id is None:
            specialist = self._user(f"gen-ds-{territory.pk}", "district_specialist", territory,
                                    provider, "участковый специалист")
            District.objects.filter(pk=district.pk).update(
                specialist=specialist, organisation=provider, number=str(k),
                order_number=f"{territory.pk}-о", order_date=datetime.date(2025, 1, 15),
                workplace_address=f"{settlement.name}, ул. Ленина, д. {k}",
                phone=f"+7 (3812) 20-{territory.pk % 100:02d}-{k % 100:02d}",
                email=f"ds{territory.pk}@kcson.example",
                reception_schedule="Понедельник, среда: 9:00–13:00\nПятница: 14:00–17:00")
            specialist_id = specialist.pk
        else:
            specialist_id = district.specialist_id
        slot = DistrictSlot(territory.pk, specialist_id, provider.pk,
                            municipality_id=settlement.ancestor_ids()[1])
        self.slots.append(slot)
        return slot

    def _municipality_staff(self, mun, provider, partner) -> None:
        self._user(f"gen-head-{mun.pk}", "head", mun, provider, "директор КЦСОН")
        dispatcher = self._user(f"gen-disp-{mun.pk}", "dispatcher", mun, provider,
                                "диспетчер «Семейной диспетчерской»")
        psychologist = self._user(f"gen-psy-{mun.pk}", "specialist", mun, provider, "психолог")
        partner_user = self._user(f"gen-partner-{mun.pk}", "partner", mun, partner,
                                  "инспектор ПДН")
        self.mun_staff[mun.pk] = {"dispatcher": dispatcher.pk, "psychologist": psychologist.pk,
                                  "partner_org": partner.pk, "partner_user": partner_user.pk}

    def _region_staff(self, region) -> None:
        self._user(f"gen-admin-{region.pk}", "admin", region, None, "администратор системы")
        self._user(f"gen-analyst-{region.pk}", "analyst", region, None, "аналитик министерства")
        self._user(f"gen-hq-{region.pk}", "patrol_hq", region, None, "штаб социального патруля")
        self._user(f"gen-coord-{region.pk}", "coordinator", region, None,
                   "координатор социальных агентов")
        for i in range(1, 4):
            self._user(f"gen-patrol-{region.pk}-{i}", "patrol_member", region, None, "дозорный")
        for i in range(1, 6):
            self._user(f"gen-agent-{region.pk}-{i}", "social_agent", region, None,
                       "социальный агент")

    def _user(self, username, role, territory, organisation, position) -> User:
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user
        sex = "f" if self.rng.random() < 0.8 else "m"
        surname, name, patronymic = self._name(sex)[:3]
        user = User.objects.create(
            username=username, password=self.password_hash, last_name=surname,
            first_name=name, patronymic=patronymic, position=position,
            email=f"{username}@berezhno.example", organisation=organisation)
        RoleAssignment.objects.create(user=user, role=role, territory=territory,
                                      organisation=organisation)
        self.summary.staff += 1
        return user

    # --------------------------------------------------------------- people
    def _name(self, sex: str, surname_item=None, father=None):
        """(surname, first name, patronymic, surname item, own first-name item)."""
        surname_item = surname_item or self._pick_surname()
        father = father or self._pick_male()
        if sex == "m":
            own = self._pick_male()
            return surname_item["m"], own["name"], father["patronymic_m"], surname_item, own
        own = self._pick_female()
        return surname_item["f"], own["name"], father["patronymic_f"], surname_item, own

    def _people(self) -> None:
        rows = {model: RowMaker(model, self.now) for model in (
            Person, Household, HouseholdMember, Consent, PersonCategory, Contact,
            SensitiveInfo)}
        self.rows = rows
        self.ids = {model: next_id(model) for model in rows if model is not SensitiveInfo}
        self.pick_size = Sampler(self.rng, [s for s, _ in SIZE_WEIGHTS],
                                 [w for _, w in SIZE_WEIGHTS])
        self.pick_channel = Sampler(self.rng, [c for c, _ in CHANNEL_WEIGHTS],
                                    [w for _, w in CHANNEL_WEIGHTS])
        self.pick_purpose = Sampler(self.rng, [c for c, _ in PURPOSE_WEIGHTS],
                                    [w for _, w in PURPOSE_WEIGHTS])
        # Contacts fall on consenting persons only, so each of them gets more.
        self.contact_mean = self.contacts_per_person / max(self.consent_share, 0.01)
        made = 0
        households_in_chunk = 0
        while made < self.target:
            size = min(self.pick_size(), self.target - made)
            made += self._household(size)
            households_in_chunk += 1
            if households_in_chunk >= CHUNK_HOUSEHOLDS:
                self._flush()
                households_in_chunk = 0
                self.log(f"  {made} / {self.target}")
        self._flush()
        reset_sequences([Person, Household, HouseholdMember, Consent, PersonCategory,
                         Contact])

    def _cases(self) -> None:
        for model in CASE_MODELS:
            self.rows[model] = RowMaker(model, self.now)
            self.ids[model] = next_id(model)
        self.ids[Consent] = next_id(Consent)

        def flush():
            for model in (Consent, *CASE_MODELS):
                self.rows[model].flush()

        counts = self.cases.run(self.rows, self._new_id, flush)
        flush()
        reset_sequences([Consent, *CASE_MODELS])
        for key, value in counts.items():
            setattr(self.summary, key, value)

    def _flush(self) -> None:
        # Parents before children: persons and households first.
        for model in (Person, Household, HouseholdMember, Consent, PersonCategory,
                      SensitiveInfo, Contact):
            self.rows[model].flush()

    def _new_id(self, model) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def _birth(self, age_from: int, age_to: int) -> datetime.date:
        days = self.rng.randint(age_from * 365, age_to * 365 + 364)
        return self.today - datetime.timedelta(days=days)

    def _members(self, size: int) -> list[tuple[str, str, int, int]]:
        """(relation, sex, age_from, age_to) for a household of ``size``."""
        rng = self.rng
        if size == 1:
            if rng.random() < 0.6:
                return [(Relation.HEAD, "f" if rng.random() < 0.7 else "m", 60, 92)]
            return [(Relation.HEAD, rng.choice("fm"), 19, 59)]
        if size == 2:
            r = rng.random()
            if r < 0.5:
                return [(Relation.HEAD, "m", 60, 88), (Relation.SPOUSE, "f", 56, 85)]
            if r < 0.8:
                return [(Relation.HEAD, "m", 22, 50), (Relation.SPOUSE, "f", 20, 48)]
            return [(Relation.HEAD, "f", 22, 45), (Relation.CHILD, rng.choice("fm"), 0, 17)]
        children = size - 2
        if rng.random() < 0.2:  # single mother
            members = [(Relation.HEAD, "f", 24, 45)]
            children = size - 1
        else:
            members = [(Relation.HEAD, "m", 25, 50), (Relation.SPOUSE, "f", 23, 47)]
        if size >= 4 and rng.random() < 0.2:
            members.append((Relation.GRANDPARENT, "f" if rng.random() < 0.75 else "m", 62, 85))
            children -= 1
        members += [(Relation.CHILD, rng.choice("fm"), 0, 17) for _ in range(children)]
        return members

    def _household(self, size: int) -> int:
        rng = self.rng
        settlement = self.pick_settlement()
        slot = rng.choice(self.settlement_slots[settlement.pk])
        consented = rng.random() < self.consent_share
        surname_item = self._pick_surname()
        father = None  # the head's own name item when the head is a man
        members = self._members(size)
        street = (rng.choice(self.streets[settlement.pk]) if self.streets[settlement.pk]
                  else "ул. Центральная")
        address = f"{settlement.name}, {street}, д. {rng.randint(1, 120)}"
        if settlement.population and settlement.population > 20_000:
            address += f", кв. {rng.randint(1, 180)}"
        household_id = None
        if consented:
            household_id = self._new_id(Household)
            income = rng.choices(
                [IncomeLevel.BELOW_MINIMUM, IncomeLevel.BELOW_1_5, IncomeLevel.ABOVE_1_5,
                 IncomeLevel.UNKNOWN], [20, 30, 35, 15])[0]
            self.rows[Household].add(
                id=household_id, name="", address=address, territory_id=slot.territory_id,
                income_level=income, housing_conditions=rng.choices(
                    [HousingConditions.GOOD, HousingConditions.POOR,
                     HousingConditions.DILAPIDATED, HousingConditions.UNKNOWN],
                    [70, 15, 3, 12])[0])
        head_name = ""
        head_id = None
        n_children = sum(1 for m in members if m[0] == Relation.CHILD)
        youngest_parent = 200
        for relation, sex, age_from, age_to in members:
            person_id = self._new_id(Person)
            if relation == Relation.HEAD:
                surname, name, patronymic, surname_item, own = self._name(sex, surname_item)
                if sex == "m":
                    father = own
            elif relation == Relation.CHILD and father:
                surname, name, patronymic, *_ = self._name(sex, surname_item, father)
            else:
                surname, name, patronymic, *_ = self._name(sex, surname_item)
            if relation == Relation.CHILD:
                # A mother is at least 18 years older than her children.
                age_to = max(0, min(age_to, youngest_parent - 19))
                age_from = min(age_from, age_to)
            birth = self._birth(age_from, age_to)
            age = (self.today - birth).days // 365
            if relation in (Relation.HEAD, Relation.SPOUSE):
                youngest_parent = min(youngest_parent, age)
            full = f"{surname} {name} {patronymic}"
            if relation == Relation.HEAD:
                head_name = full
                head_id = person_id
            extra = {}
            if consented:
                extra = {
                    "snils": random_snils(rng, self._used_snils())
                    if rng.random() < (0.9 if age >= 14 else 0.7) else "",
                    "phone": f"+79{rng.randint(0, 999_999_999):09d}"
                    if age >= 14 and rng.random() < 0.75 else "",
                    "registration_address": address, "actual_address": address,
                    "latitude": _jitter(settlement.latitude, rng),
                    "longitude": _jitter(settlement.longitude, rng),
                }
            self.rows[Person].add(
                id=person_id, surname=surname, name=name, patronymic=patronymic, sex=sex,
                birth_date=birth, settlement_id=settlement.pk, territory_id=slot.territory_id,
                search_name=normalize_name(full), created_by_id=slot.specialist_id, **extra)
            self.summary.persons += 1
            if household_id:
                self.rows[HouseholdMember].add(
                    household_id=household_id, person_id=person_id, relation=relation,
                    is_head=relation == Relation.HEAD, id=self._new_id(HouseholdMember))
                self.summary.members += 1
            if not consented:
                continue
            self._consent(person_id, slot, address, age, head_name if age < 18 else "")
            self._categories(person_id, relation, sex, age, size, n_children)
            self._contacts(person_id, slot, household_id)
        if household_id:
            self.summary.households += 1
            self.cases.note(head_id, household_id, slot, n_children)
        return len(members)

    def _consent(self, person_id, slot, address, age, representative) -> None:
        rng = self.rng
        self.rows[Consent].add(
            id=self._new_id(Consent), person_id=person_id, purpose=ConsentPurpose.SOCIAL_SERVICE,
            subject_address=address,
            subject_document=(f"паспорт {rng.randint(5200, 5299)} {rng.randint(100000, 999999)}"
                              if age >= 14 else
                              f"свидетельство о рождении II-КН № {rng.randint(100000, 999999)}"),
            representative_name=representative,
            representative_document="паспорт, законный представитель" if representative else "",
            operator_id=slot.organisation_id, data_list="ФИО, дата рождения, адрес, СНИЛС, "
            "телефон, состав семьи, сведения о социальном положении",
            valid_from=self.today - datetime.timedelta(days=rng.randint(1, 1500)),
            taken_by_id=slot.specialist_id, is_active=True)
        self.summary.consents += 1

    def _categories(self, person_id, relation, sex, age, size, n_children) -> None:
        rng = self.rng
        found = []
        if rng.random() < 0.07:
            found.append(Category.DISABILITY)
        if relation == Relation.HEAD:
            if n_children >= 3:
                found.append(Category.LARGE_FAMILY)
            if n_children and rng.random() < 0.25:
                found.append(Category.LOW_INCOME)
            if n_children and rng.random() < 0.01:
                found.append(Category.SOP)
            if size == 1 and age >= 60 and rng.random() < 0.7:
                found.append(Category.LONELY)
        retired = 60 if sex == "f" else 65
        if retired <= age <= retired + 1 and rng.random() < 0.5:
            found.append(Category.RECENTLY_RETIRED)
        if rng.random() < 0.01:
            found.append(Category.NEWLY_ARRIVED)
        for category in found:
            self.rows[PersonCategory].add(
                id=self._new_id(PersonCategory), person_id=person_id, category=category,
                start_date=self.today - datetime.timedelta(days=rng.randint(30, 3000)))
            self.summary.categories += 1
        if Category.DISABILITY in found:
            self.rows[SensitiveInfo].add(
                person_id=person_id,
                disability_group=DisabilityGroup.CHILD if age < 18 else rng.choice(
                    [DisabilityGroup.I, DisabilityGroup.II, DisabilityGroup.III]),
                disability_since=self.today - datetime.timedelta(days=rng.randint(100, 5000)))

    def _contacts(self, person_id, slot, household_id) -> None:
        rng = self.rng
        count = round(rng.expovariate(1 / self.contact_mean)) if self.contact_mean else 0
        if not count:
            return
        moments = sorted(rng.randint(0, 730 * 24 * 60) for _ in range(count))
        for i, minutes_ago in enumerate(moments):
            occurred = self.now - datetime.timedelta(minutes=minutes_ago)
            next_date = None
            if i == 0 and rng.random() < 0.5:  # the latest contact plans the next one
                next_date = self.today + datetime.timedelta(days=rng.randint(-30, 60))
            self.rows[Contact].add(
                id=self._new_id(Contact), person_id=person_id, household_id=household_id,
                occurred_at=occurred, author_id=slot.specialist_id, channel=self.pick_channel(),
                purpose=self.pick_purpose(), notes=rng.choice(NOTES), outcome=rng.choice(OUTCOMES),
                next_contact_date=next_date, created_at=occurred)
            self.summary.contacts += 1


def _jitter(value, rng: random.Random):
    if value is None:
        return None
    return round(float(value) + rng.uniform(-0.01, 0.01), 6)


def _streets(settlements: dict[int, Territory]):
    return Street.objects.filter(settlement_id__in=list(settlements)).values_list(
        "settlement_id", "name")

