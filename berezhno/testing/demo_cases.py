"""The demo's casework: support cases in every state with their assessments, programmes,
activities, referrals and СОП records, the regions' subsistence minimum, and the few
records that give the patrol and the social-agent roles something of their own.

Everything is written through the apps' services, as the user who does that work (the
dispatcher opens a family's case, the psychologist runs the diagnostics, the partner answers
a referral addressed to the police), so that audit rows, versions and deadlines are what
the product itself would have written. Dates are counted back from the local date of each
territory (Omsk is three hours ahead of Moscow), so the demo is alive whatever day it is
loaded: the work of the past weeks, some of it overdue today. The dates of help and of
closure are kept inside the current quarter (never before its first day), because the
indicators page opens on the current quarter and must not show zeros on the first days
of one.

``load(rng)`` is called by ``load_demo`` after the people are registered; it does nothing
when the demo already has support cases (a second ``load_demo`` duplicates nothing), and
on a demo database loaded before it existed it adds the casework to the people there.
"""

from __future__ import annotations

import datetime
import decimal
import random
from dataclasses import dataclass, field

from django.utils import timezone

from berezhno.accounts.choices import OrganisationKind, PartnerKind
from berezhno.accounts.models import Agreement, Organisation, User
from berezhno.accounts.validators import company_inn, company_ogrn
from berezhno.assessments import services as assessments
from berezhno.assessments.models import AnswerType, Questionnaire
from berezhno.cases import services as cases
from berezhno.cases.choices import (
    CaseStatus,
    Decision,
    Improvement,
    IntakeChannel,
    Outcome,
    Practice,
    ServiceForm,
    ServiceType,
    Urgency,
)
from berezhno.cases.models import Activity, SubsistenceMinimum, SupportCase
from berezhno.core import audit
from berezhno.core.models import ChangeAction
from berezhno.core.workdays import local_today
from berezhno.indicators.periods import this_quarter
from berezhno.notifications import services as notifications
from berezhno.people import services as people
from berezhno.people.choices import ConsentPurpose, PersonStatus
from berezhno.people.models import Household, HouseholdMember, Person, years_ago
from berezhno.referrals import services as referrals
from berezhno.rights import services as rights
from berezhno.sop import selectors as sop_selectors
from berezhno.sop import services as sop
from berezhno.sop.choices import SopSource
from berezhno.territories.choices import Level
from berezhno.territories.models import Territory
from berezhno.urgent import services as urgent

D1 = "Называевск — участок № 1"
D2 = "Называевск — участок № 2"
BEL = "Белозерск — участок № 1"

# The per-capita subsistence minimum of the previous year, ₽ a month, and its yearly
# growth: demo values, replaced in a real installation by the region's decree.
SUBSISTENCE = {"Омская область": 15_952, "Ханты-Мансийский": 21_890,
               "Вологодская область": 16_310}
SUBSISTENCE_GROWTH = decimal.Decimal("1.067")
SUBSISTENCE_BASIS = ("демонстрационное значение: укажите размер из постановления "
                     "Правительства региона")


# --------------------------------------------------------------------------- the scenarios


@dataclass(frozen=True)
class Work:
    """An activity of a programme and what becomes of it: ``state`` is planned,
    in_progress (with a session), sessions (two sessions, still going), done or not_done;
    for a partner's activity ``referral`` is sent, overdue (sent long enough ago for the
    answer to be late), accepted, rejected or done."""

    service_type: str
    title: str
    executor: str  # a username, or "org:<partner key>"
    due: int  # days from today (negative: overdue)
    state: str = "planned"
    referral: str = ""
    services: str = ""


@dataclass(frozen=True)
class Story:
    """One support case: who, where, what the family told, and how far it has gone."""

    key: str
    practice: str
    responsible: str
    district: str
    family: str  # "household" (a family with minors) or "elder" (an older person alone)
    channel: str
    told: str
    received: int  # days ago
    stage: str  # intake, assessed, refused, planning, in_progress, review, closed, early
    urgency: str = Urgency.ROUTINE
    referred_by: str = ""
    diagnostics: dict = field(default_factory=dict)  # question order → option index
    needs: dict = field(default_factory=dict)
    income: int | None = None  # the family's monthly income, ₽ (needs assessment)
    sop: str = ""  # identified, notified, surveyed, registered, removed
    works: tuple[Work, ...] = ()
    outcome: str = ""
    improved: str = ""
    notes: str = ""
    urgent_help: bool = False
    late: bool = False  # received long enough ago for the decision's deadline to be past


PSY, SOC, LAB, LEG, MED, SUP = (ServiceType.PSYCHOLOGICAL, ServiceType.HOUSEHOLD,
                                ServiceType.LABOUR, ServiceType.LEGAL, ServiceType.MEDICAL,
                                ServiceType.SUPPORT)
FD, DISTRICT = Practice.FAMILY_DISPATCH, Practice.DISTRICT

STORIES: tuple[Story, ...] = (
    # --- Family Dispatch: the dispatcher's cases, each at another stage.
    Story("fd-new", FD, "dispatcher", D1, "household", IntakeChannel.PHONE,
          "Мать троих детей просит помочь с оплатой дров на зиму: печное отопление, "
          "дров осталось на две недели.", received=1, stage="intake",
          urgency=Urgency.URGENT),
    Story("fd-late-decision", FD, "dispatcher", D2, "household", IntakeChannel.SCHOOL,
          "Классный руководитель сообщает: ребёнок пропускает занятия, дома конфликты, "
          "отец злоупотребляет алкоголем.", received=12, stage="intake",
          referred_by="school", sop="identified", late=True),
    Story("fd-assessed", FD, "dispatcher", D1, "household", IntakeChannel.WALK_IN,
          "Семья переехала из другого района, не оформлены пособия на детей, "
          "нет работы у обоих родителей.", received=4, stage="assessed",
          diagnostics={2: 1, 7: 1}, needs={3: 1, 5: 1}, income=19_000),
    Story("fd-planning", FD, "dispatcher", D2, "household", IntakeChannel.POLICE,
          "Инспектор ПДН: по месту жительства семьи неоднократные выезды по сообщениям "
          "о семейных скандалах.", received=9, stage="planning", referred_by="police",
          diagnostics={2: 2, 6: 2}, needs={11: 1}, income=42_000, sop="notified",
          works=(Work(PSY, "Консультации психолога по детско-родительским отношениям",
                      "psychologist", 20),
                 Work(LEG, "Профилактическая беседа инспектора ПДН с родителями",
                      "org:police", 14))),
    Story("fd-progress", FD, "dispatcher", D1, "household", IntakeChannel.WALK_IN,
          "Мать одна воспитывает двоих детей, задолженность за электроэнергию, "
          "старший сын грубит и не слушается.", received=30, stage="in_progress",
          diagnostics={2: 2, 4: 2}, needs={5: 1, 6: 1}, income=23_500, sop="surveyed",
          works=(Work(PSY, "Занятия с психологом: детско-родительские отношения",
                      "psychologist", 21, state="sessions"),
                 Work(LEG, "Реструктуризация задолженности за электроэнергию",
                      "dispatcher", 10, state="in_progress"),
                 Work(LEG, "Индивидуальная профилактическая работа с подростком",
                      "org:police", 25, referral="sent",
                      services="Профилактическая беседа с подростком, постановка на "
                               "контроль без учёта"))),
    Story("fd-referrals", FD, "dispatcher", D2, "household", IntakeChannel.KDN,
          "Постановление КДН и ЗП: семья в социально опасном положении, дети без "
          "присмотра, в доме антисанитария.", received=45, stage="in_progress",
          referred_by="kdn", diagnostics={2: 2, 3: 1, 5: 2}, needs={7: 2, 8: 2},
          income=16_000, sop="registered", urgent_help=True,
          works=(Work(SOC, "Помощь в уборке и ремонте печи, вывоз мусора", "specialist2",
                      -2, state="done"),
                 Work(MED, "Обследование детей у педиатра, прививки по календарю",
                      "org:health", 15, referral="rejected",
                      services="Осмотр детей педиатром, вакцинация по национальному "
                               "календарю"),
                 Work(LEG, "Контроль условий проживания детей совместно с ПДН",
                      "org:police", 30, referral="accepted",
                      services="Совместные рейды по месту жительства семьи раз в месяц"),
                 Work(PSY, "Коррекционные занятия с матерью", "psychologist", -3),
                 Work(SUP, "Письмо директора в администрацию района о ремонте жилья семьи",
                      "head", 7, state="in_progress"))),
    Story("fd-late-answer", FD, "dispatcher", D1, "household", IntakeChannel.HEALTH,
          "Участковый педиатр: ребёнок с задержкой развития, мать не посещает приёмы.",
          received=25, stage="in_progress", referred_by="health",
          diagnostics={4: 3, 7: 2}, needs={9: 2}, income=31_000,
          works=(Work(PSY, "Диагностика развития ребёнка, занятия с психологом",
                      "psychologist", -5, state="done"),
                 Work(LEG, "Сопровождение матери на ПМПК, проверка посещаемости",
                      "org:police", 12, referral="overdue",
                      services="Проверка условий содержания ребёнка по месту "
                               "жительства"))),
    Story("fd-review", FD, "dispatcher", D2, "household", IntakeChannel.EMPLOYMENT,
          "Центр занятости: отец семьи более года без работы, семья живёт на детские "
          "пособия.", received=50, stage="review", referred_by="employment",
          needs={3: 1}, income=21_000,
          works=(Work(LAB, "Подбор вакансий, профессиональное обучение отца",
                      "org:employment", 20, referral="done",
                      services="Подбор вакансий, направление на профобучение "
                               "(водитель категории C)"),
                 Work(PSY, "Консультация психолога по мотивации к труду", "psychologist",
                      -10, state="done"))),
    Story("fd-closed-better", FD, "dispatcher", D1, "household", IntakeChannel.WALK_IN,
          "Многодетная семья просит помочь оформить единое пособие и школьную форму.",
          received=70, stage="closed", needs={5: 2}, income=38_000,
          outcome=Outcome.RESOLVED_FULLY, improved=Improvement.YES,
          works=(Work(SUP, "Оформление единого пособия через Госуслуги", "dispatcher",
                      -30, state="done"),
                 Work(SOC, "Школьная форма и канцелярия из фонда помощи", "dispatcher",
                      -20, state="done"))),
    Story("fd-closed-partly", FD, "dispatcher", D2, "household", IntakeChannel.SIGNAL,
          "Соседи сообщили, что дети подолгу остаются одни, мать уезжает на заработки.",
          received=80, stage="closed", diagnostics={3: 1}, needs={11: 1}, income=27_000,
          sop="removed", outcome=Outcome.RESOLVED_PARTIALLY, improved=Improvement.YES,
          works=(Work(PSY, "Консультации психолога для матери и детей", "psychologist",
                      -40, state="done"),
                 Work(SUP, "Устройство младшего ребёнка в детский сад", "dispatcher",
                      -25, state="done"))),
    Story("fd-closed-worse", FD, "dispatcher", D1, "household", IntakeChannel.WALK_IN,
          "Отец просит помочь с долгами по кредитам, коллекторы звонят жене и детям.",
          received=75, stage="closed", needs={6: 1}, income=34_000,
          outcome=Outcome.NOT_RESOLVED, improved=Improvement.NO,
          notes="Семья отказалась от процедуры банкротства, долг растёт.",
          works=(Work(LEG, "Консультация юриста по банкротству физического лица",
                      "dispatcher", -35, state="done"),
                 Work(PSY, "Консультация психолога: стресс, тревожность детей",
                      "psychologist", -30, state="not_done"))),
    Story("fd-moved", FD, "dispatcher", D2, "household", IntakeChannel.WALK_IN,
          "Мать просит помочь с жильём: частный дом признан аварийным.",
          received=40, stage="early", outcome=Outcome.MOVED_OUT,
          improved=Improvement.NOT_ASKED, needs={7: 2}, income=29_000,
          works=(Work(LEG, "Консультация по постановке на учёт нуждающихся в жилье",
                      "dispatcher", 5),)),
    Story("fd-refused", FD, "dispatcher", D1, "household", IntakeChannel.PHONE,
          "Просит материальную помощь на ремонт автомобиля.", received=20,
          stage="refused", needs={}, income=96_000,
          notes="Среднедушевой доход семьи выше полутора прожиточных минимумов; "
                "обстоятельств, ухудшающих условия жизнедеятельности, не выявлено."),
    Story("bel-closed", FD, "belozersk", BEL, "household", IntakeChannel.WALK_IN,
          "Молодая мать с ребёнком-инвалидом просит помочь с путёвкой в реабилитационный "
          "центр и с оплатой проезда.", received=60, stage="closed", needs={9: 1},
          sop="removed",
          income=24_000, outcome=Outcome.RESOLVED_FULLY, improved=Improvement.YES,
          works=(Work(MED, "Путёвка в реабилитационный центр «Лесная сказка»", "belozersk",
                      -20, state="done"),
                 Work(SUP, "Компенсация проезда к месту реабилитации", "belozersk", -10,
                      state="done"))),
    Story("bel-sop", FD, "belozersk", BEL, "household", IntakeChannel.HEALTH,
          "Фельдшер ФАП: в семье грудной ребёнок без присмотра, мать злоупотребляет "
          "алкоголем.", received=18, stage="in_progress", referred_by="bel_health",
          needs={12: 2}, income=14_000, sop="surveyed",
          works=(Work(MED, "Патронаж новорождённого, осмотр педиатром", "org:bel_health",
                      10, referral="sent",
                      services="Патронаж ребёнка на дому, осмотр педиатра"),
                 Work(SOC, "Еженедельное посещение семьи, контроль ухода за ребёнком",
                      "belozersk", 4, state="in_progress"))),
    # --- District service: the district specialists' own cases.
    Story("d1-elder-late", DISTRICT, "specialist1", D1, "elder", IntakeChannel.PHONE,
          "Одиноко проживающая пенсионерка просит помочь с доставкой продуктов и "
          "лекарств: после перелома не выходит из дома.", received=10, stage="intake",
          late=True),
    Story("d1-elder-care", DISTRICT, "specialist1", D1, "elder", IntakeChannel.WALK_IN,
          "Дочь просит оформить надомное обслуживание отцу-инвалиду и проверить "
          "очередь на технические средства реабилитации.", received=35,
          stage="in_progress",
          works=(Work(SOC, "Социально-бытовое обслуживание на дому (2 раза в неделю)",
                      "specialist1", 0, state="in_progress"),
                 Work(MED, "Доставка на диспансеризацию в ЦРБ", "org:health", 7,
                      referral="sent",
                      services="Диспансеризация пенсионера, осмотр невролога"))),
    Story("d2-elder", DISTRICT, "specialist2", D2, "elder", IntakeChannel.WALK_IN,
          "Пенсионер просит помочь оформить инвалидность и получить трость и ходунки.",
          received=28, stage="in_progress",
          works=(Work(SUP, "Помощь в сборе документов на МСЭ", "specialist2", -4),
                 Work(MED, "Направление на медико-социальную экспертизу",
                      "org:health", 20, referral="accepted",
                      services="Оформление направления на МСЭ"))),
    Story("bel-elder", DISTRICT, "belozersk", BEL, "elder", IntakeChannel.WALK_IN,
          "Пенсионерка просит помочь с заготовкой дров и доставкой пенсии на дом.",
          received=21, stage="in_progress",
          works=(Work(SOC, "Заготовка дров силами волонтёров", "belozersk", 6,
                      state="in_progress"),
                 Work(SUP, "Заявление о доставке пенсии на дом", "belozersk", -1))),
)

PARTNERS = {"police": "ОМВД России по Называевскому району",
            "health": "БУЗОО «Называевская ЦРБ»",
            "school": "БОУ «Называевская СОШ № 1»",
            "employment": "Центр занятости населения Называевского района",
            "kdn": "КДН и ЗП Называевского муниципального района",
            "bel_health": "БУЗ ВО «Белозерская центральная районная больница»"}


# --------------------------------------------------------------------------- the loader


class Demo:
    """The state the stories are told in: users, districts, partners, the dates."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.users = {u.username: u for u in User.objects.filter(is_active=True)}
        self.districts = {t.name: t for t in Territory.objects.filter(
            level=Level.DISTRICT, name__in=[D1, D2, BEL])}
        self.orgs = {key: Organisation.objects.get(kind=OrganisationKind.PARTNER, name=name)
                     for key, name in PARTNERS.items()}
        self.questionnaires = {q.code: q for q in Questionnaire.objects.filter(
            code__in=["family_diagnostics", "needs_assessment"]).prefetch_related(
            "questions__options")}
        self.taken: set[int] = set()

    # ---- dates

    def today(self, territory) -> datetime.date:
        return local_today(territory)

    def ago(self, territory, days: int) -> datetime.date:
        return self.today(territory) - datetime.timedelta(days=days)

    def overdue_since(self, territory, code: str, days: int) -> int:
        """At least ``days``, and enough days ago for the deadline ``code`` counted from
        then (in working days, across holidays such as the New Year's) to be past today."""
        today = self.today(territory)
        while cases.deadline(code, today - datetime.timedelta(days=days)) >= today:
            days += 1
        return days

    def recent(self, territory, days: int) -> datetime.date:
        """``days`` ago, but not before the current quarter (help and closures show in
        the indicators of the quarter the page opens on)."""
        today = self.today(territory)
        return max(today - datetime.timedelta(days=days), this_quarter(today).start)

    # ---- people

    def family(self, territory, kind: str) -> tuple[Person, Household | None]:
        """The next family of the district not used yet: a mother heading a household
        with a minor child, or an older person living alone, both with a consent."""
        today = self.today(territory)
        if kind == "household":
            minors = HouseholdMember.objects.filter(
                until__isnull=True, person__birth_date__gt=years_ago(today, 18)).values(
                "household_id")
            for member in (HouseholdMember.objects.filter(
                    is_head=True, person__territory=territory, person__status="active",
                    household__in=minors).select_related("person", "household")
                    .order_by("household_id")):
                if member.person_id not in self.taken:
                    self.taken.add(member.person_id)
                    return member.person, member.household
        else:
            for person in (Person.objects.filter(
                    territory=territory, status=PersonStatus.ACTIVE,
                    birth_date__lt=years_ago(today, 60), memberships__isnull=True,
                    consents__is_active=True).distinct().order_by("pk")):
                if person.pk not in self.taken:
                    self.taken.add(person.pk)
                    return person, None
        raise LookupError(f"no {kind} left in {territory}")

    def answers(self, code: str, chosen: dict, *, size: int = 0,
                income: int | None = None) -> dict:
        """Answers of the questionnaire ``code``: question N (in order, from 1) gets its
        option ``chosen[N]`` (the first, "no trouble", when not named)."""
        answers = {}
        for n, question in enumerate(self.questionnaires[code].questions.all(), start=1):
            options = list(question.options.all())
            if question.answer_type == AnswerType.NUMBER:
                answers[question.pk] = size if question.code == "family_size" else income
            elif question.answer_type == AnswerType.SINGLE:
                answers[question.pk] = options[chosen.get(n, 0)].pk
            elif question.answer_type == AnswerType.MULTI and (question.required
                                                                or n in chosen):
                answers[question.pk] = [options[chosen.get(n, 0)].pk]
        return answers


def load(rng: random.Random) -> int:
    """Add the demo's casework (see the module's docstring); the number of cases made."""
    subsistence_minimums()
    if SupportCase.objects.exists():
        return 0
    belozersk_partner()
    demo = Demo(rng)
    if not demo.districts or "dispatcher" not in demo.users:
        return 0
    made = 0
    for story in STORIES:
        tell(demo, story)
        made += 1
    district_requests(demo)
    patrol_and_agents(demo)
    return made


def subsistence_minimums() -> None:
    """The per-capita subsistence minimum of every demo region for last year and this
    year (the needs assessment compares a family's income with it), entered by the
    administrator as in the admin: a change record for each."""
    admin = User.objects.filter(username="admin").first()
    for region in Territory.objects.filter(level=Level.REGION):
        base = next((v for k, v in SUBSISTENCE.items() if region.name.startswith(k)), None)
        if base is None:
            continue
        year = local_today(region).year
        for y, amount in ((year - 1, decimal.Decimal(base)),
                          (year, (decimal.Decimal(base) * SUBSISTENCE_GROWTH).quantize(
                              decimal.Decimal("1")))):
            if SubsistenceMinimum.objects.filter(region=region, year=y).exists():
                continue
            row = SubsistenceMinimum.objects.create(region=region, year=y,
                                                    per_capita=amount,
                                                    basis=SUBSISTENCE_BASIS)
            audit.record(user=admin, obj=row, action=ChangeAction.CREATE,
                         event_type="record.saved", summary=str(row))


def belozersk_partner() -> None:
    """A partner of the Belozersk centre (``load_demo`` gives Nazyvaevsk's only), with
    its agreement, entered by the administrator as in the admin."""
    provider = Organisation.objects.filter(kind=OrganisationKind.PROVIDER,
                                           territory__name__startswith="Белозерский").first()
    admin = User.objects.filter(username="admin").first()
    if provider is None or Organisation.objects.filter(name=PARTNERS["bel_health"]).exists():
        return
    org = Organisation.objects.create(
        kind=OrganisationKind.PARTNER, partner_kind=PartnerKind.HEALTH,
        name=PARTNERS["bel_health"], short_name="Белозерская ЦРБ",
        territory=provider.territory, address="161200, Вологодская область, г. Белозерск, "
        "ул. Карла Маркса, д. 1", inn=company_inn("350300052"),
        ogrn=company_ogrn("102350070015"))
    audit.record(user=admin, obj=org, action=ChangeAction.CREATE, event_type="record.saved",
                 summary=str(org))
    agreement = Agreement.objects.create(
        organisation=org, provider=provider, number="3/2025", date=datetime.date(2025, 3, 3),
        subject="Межведомственное взаимодействие по выявлению и сопровождению семей",
        valid_until=datetime.date(2027, 12, 31))
    audit.record(user=admin, obj=agreement, action=ChangeAction.CREATE,
                 event_type="record.saved", summary=str(agreement))


def tell(demo: Demo, story: Story) -> SupportCase:
    """Carry one case as far as its story goes, each step by the one who does it."""
    territory = demo.districts[story.district]
    worker = demo.users[story.responsible]
    psychologist = demo.users["psychologist"]
    person, household = demo.family(territory, story.family)
    received = (demo.overdue_since(territory, "decision", story.received) if story.late
                else story.received)
    received_at = timezone.now() - datetime.timedelta(days=received, hours=2)
    partners = sorted({w.executor[4:] for w in story.works if w.executor.startswith("org:")})
    if partners:
        people.consent_record(
            user=worker, person=person, purpose=ConsentPurpose.PARTNER_TRANSFER,
            subject_address=person.actual_address or "по месту жительства",
            subject_document="паспорт РФ",
            data_list="ФИО, дата рождения, адрес, телефон, состав семьи, сведения о "
                      "трудной жизненной ситуации",
            valid_from=demo.ago(territory, received),
            recipients=[demo.orgs[k] for k in partners])
    fields: dict = {"practice": story.practice, "channel": story.channel,
                    "problem_told": story.told, "urgency": story.urgency,
                    "responsible": worker, "household": household,
                    "is_social_support": story.practice == FD}
    if story.referred_by:
        fields["referred_by"] = demo.orgs[story.referred_by]
    case = cases.case_open(user=worker, person=person, received_at=received_at, **fields)
    if story.urgent_help:
        urgent.urgent_act_create(
            user=worker, person=person, case=case, act_date=demo.recent(territory, 3),
            date_from=demo.recent(territory, 3), date_to=demo.recent(territory, 3),
            lines=[{"service": "food", "description": "продуктовый набор",
                    "quantity": "1 набор"},
                   {"service": "clothing", "description": "зимняя одежда для детей",
                    "quantity": "2 комплекта"}],
            notes="Выдано при выезде в семью совместно с инспектором ПДН.")
    if story.sop:
        _sop(demo, story, case, territory, worker)
    if story.stage == "intake":
        return case
    # The psychologist's diagnostics and the worker's needs assessment, the second day.
    assessed_on = demo.ago(territory, max(received - 1, 0))
    if story.diagnostics:
        assessments.assessment_record(
            user=psychologist, case=case,
            questionnaire=demo.questionnaires["family_diagnostics"],
            answers=demo.answers("family_diagnostics", story.diagnostics),
            conducted_on=assessed_on,
            conclusion="Рекомендованы консультации психолога, работа с родителями.")
    if story.income is not None:
        size = (HouseholdMember.objects.filter(household=household, until__isnull=True)
                .count() if household else 1)
        assessments.assessment_record(
            user=worker, case=case, questionnaire=demo.questionnaires["needs_assessment"],
            answers=demo.answers("needs_assessment", story.needs, size=size,
                                 income=story.income),
            conducted_on=assessed_on, conclusion="Оценка проведена при посещении семьи.")
    if story.stage == "assessed":
        return case
    decided_on = demo.ago(territory, max(received - 3, 0))
    if story.stage == "refused":
        cases.case_decide(user=worker, case=case, decision=Decision.NEED_NOT_RECOGNISED,
                          date=decided_on, notes=story.notes)
        return case
    case = cases.case_decide(user=worker, case=case, decision=Decision.NEED_RECOGNISED,
                             date=decided_on)
    if story.practice == FD:
        case = cases.case_update(user=worker, case=case, expected_version=case.version,
                                 contract_number=f"{decided_on:%m}/{case.pk:03d}-С",
                                 contract_date=decided_on,
                                 contract_until=decided_on + datetime.timedelta(days=180))
    plan = cases.plan_create(
        user=worker, case=case, service_form=ServiceForm.NONE
        if story.practice == FD else ServiceForm.AT_HOME,
        goal="Преодоление трудной жизненной ситуации семьи",
        valid_until=demo.ago(territory, -150))
    activities = []
    for work in story.works:
        executor = ({"partner": demo.orgs[work.executor[4:]]}
                    if work.executor.startswith("org:")
                    else {"responsible_user": demo.users[work.executor]})
        activities.append((work, cases.activity_add(
            user=worker, plan=plan, service_type=work.service_type, title=work.title,
            due_date=max(demo.ago(territory, -work.due), demo.ago(territory, received)),
            frequency="еженедельно" if work.state == "sessions" else "", **executor)))
    if story.stage == "planning":
        return case
    approved_on = demo.ago(territory, max(received - 5, 0))
    cases.plan_approve(user=worker, plan=plan, date=approved_on)
    for work, activity in activities:
        _work(demo, story, case, territory, work, activity, approved_on)
    case.refresh_from_db()
    if story.stage == "early":
        cases.case_close(user=worker, case=case, outcome=story.outcome,
                         improved=story.improved, date=demo.recent(territory, 2),
                         notes="Семья переехала в Омск к родственникам.")
    elif story.stage == "closed":
        assert case.status == CaseStatus.REVIEW, story.key
        cases.case_close(user=worker, case=case, outcome=story.outcome,
                         improved=story.improved, notes=story.notes,
                         date=demo.recent(territory, 3))
    elif story.stage == "review":
        assert case.status == CaseStatus.REVIEW, story.key
    return case


def _work(demo: Demo, story: Story, case, territory, work: Work, activity: Activity,
          approved_on: datetime.date) -> None:
    """Carry out one activity of an approved programme as its story says."""
    executor = demo.users.get(work.executor)
    if work.executor.startswith("org:"):
        _referral(demo, story, case, territory, work, activity, approved_on)
        return
    assert executor is not None
    started = approved_on + datetime.timedelta(days=1)
    if work.state in ("in_progress", "sessions"):
        cases.activity_start(user=executor, activity=activity, date=started)
    if work.state == "sessions":
        for days in (9, 2):
            cases.session_record(
                user=executor, activity=activity, held_on=demo.recent(territory, days),
                duration_minutes=60, notes="Беседа с матерью и сыном: правила дома, "
                "распределение обязанностей, домашнее задание на неделю.",
                result="Конфликтов за неделю стало меньше.")
    elif work.state == "done":
        cases.activity_complete(user=executor, activity=activity,
                                date=demo.recent(territory, 6 + len(work.title) % 5),
                                result="Выполнено в полном объёме, семья удовлетворена.")
    elif work.state == "not_done":
        cases.activity_fail(user=executor, activity=activity,
                            date=demo.recent(territory, 5),
                            reason="Семья трижды не пришла на назначенную консультацию.")


def _referral(demo: Demo, story: Story, case, territory, work: Work, activity: Activity,
              approved_on: datetime.date) -> None:
    """The referral for a partner's activity and the partner's answer. The police answer
    through their own account (the demo's partner user); the others' answers, received by
    letter or phone, are recorded by the case's worker."""
    worker = demo.users[story.responsible]
    org = activity.partner
    answerer = demo.users["partner"] if org == demo.users["partner"].organisation else worker
    today = demo.today(territory)
    if work.referral == "sent":
        sent_on = demo.ago(territory, 1)
    elif work.referral == "overdue":
        sent_on = demo.ago(territory, demo.overdue_since(territory, "referral_response", 10))
    else:
        sent_on = approved_on + datetime.timedelta(days=1)
    referral = referrals.referral_send(user=worker, case=case, activity=activity,
                                       services=work.services or work.title,
                                       sent_on=min(sent_on, today))
    answered = min(referral.sent_on + datetime.timedelta(days=2), today)
    if work.referral in ("accepted", "done"):
        referral = referrals.referral_accept(user=answerer, referral=referral, date=answered)
    if work.referral == "rejected":
        referrals.referral_reject(user=answerer, referral=referral, date=answered,
                                  reason="Семья прикреплена к другой поликлинике: "
                                         "направьте в ФАП по месту жительства.")
    if work.referral == "done":
        referrals.referral_complete(user=answerer, referral=referral,
                                    date=max(demo.recent(territory, 8), answered),
                                    result="Отец трудоустроен водителем в ООО «Агро»; "
                                           "пройдено обучение.")


def _sop(demo: Demo, story: Story, case, territory, worker) -> None:
    """The СОП record of the case, taken as far as ``story.sop``."""
    stages = ["identified", "notified", "surveyed", "registered", "removed"]
    reach = stages.index(story.sop)
    identified = demo.ago(territory, 3 if reach == 0 else max(story.received - 1, 0))
    record = sop.sop_identify(
        user=worker, case=case, source=SopSource.SCHOOL if reach % 2 else SopSource.POLICE,
        grounds="Родители не исполняют обязанности по воспитанию детей, злоупотребляют "
                "алкоголем; дети без присмотра.", identified_on=identified,
        child_threat=reach == 3)
    if reach < 1:
        return
    if reach == 4:  # removed before the commission's decision: the situation recovered
        sop.sop_remove(user=worker, record=record, date=demo.ago(territory, 5),
                       reason="Признаки социально опасного положения не подтвердились.")
        return
    day = identified + datetime.timedelta(days=1)
    threat = record.child_threat
    record = sop.sop_notify_kdn(
        user=worker, record=record, date=day, number=f"01-12/{case.pk:03d}",
        guardianship_date=day if threat else None,
        guardianship_number=f"01-13/{case.pk:03d}" if threat else "",
        kdn_addressee=sop_selectors.addressee_choices(case.territory, PartnerKind.KDN).first(),
        guardianship_addressee=sop_selectors.addressee_choices(
            case.territory, PartnerKind.GUARDIANSHIP).first() if threat else None,
        measures="Проведена беседа с родителями, семья включена в программу сопровождения.",
        signatory=sop_selectors.signatory_choices(case).first())
    if reach < 2:
        return
    day += datetime.timedelta(days=2)
    record = sop.sop_survey(user=worker, record=record, date=day,
                            notes="Условия проживания неудовлетворительные, продукты есть, "
                                  "дети посещают школу с пропусками.")
    if reach < 3:
        return
    day += datetime.timedelta(days=7)
    curator = demo.users[{D1: "specialist1", D2: "specialist2"}.get(story.district,
                                                                    story.responsible)]
    record = sop.sop_register(user=worker, record=record, decision_date=day,
                              decision_number=f"{case.pk}/7", curator=curator)
    sop.sop_review(user=curator, record=record,
                   date=min(day + datetime.timedelta(days=30), demo.today(territory)),
                   notes="План профилактической работы выполняется, отец закодирован.")


def district_requests(demo: Demo) -> None:
    """A data-subject request and an invitation in the outbox for the districts that
    ``load_demo`` itself gives none (district 1 has its own)."""
    for username, district in (("specialist2", D2), ("belozersk", BEL)):
        worker = demo.users.get(username)
        territory = demo.districts.get(district)
        if worker is None or territory is None:
            continue
        person = (Person.objects.filter(territory=territory, status=PersonStatus.ACTIVE)
                  .exclude(pk__in=demo.taken).order_by("pk").first())
        if person is None:
            continue
        demo.taken.add(person.pk)
        rights.request_register(user=worker, person=person, kind="access", channel="post",
                                received_on=demo.ago(territory, 4))
        notifications.message_queue(
            user=worker, kind="notice", channel="sms", person=person, context={
                "subject": "Приглашение на приём",
                "text": "Приглашаем вас на приём к участковому специалисту в пятницу с "
                        "14:00 до 17:00.", "organisation": str(worker.organisation or "")})


def patrol_and_agents(demo: Demo) -> None:
    """The patrol's own records (people it met and registered) and more people for the
    social agent, assigned by the district specialist."""
    patrol, hq = demo.users.get("patrol"), demo.users.get("patrolhq")
    d1 = demo.districts[D1]
    municipality = Territory.objects.get(pk=d1.ancestor_ids()[1])  # via its поселение
    if hq is not None:
        people.person_register(
            user=hq, confirm_not_duplicate=True, is_unidentified=True, nickname="Серый",
            sex="m", estimated_birth_year=1979, appearance="худощавый, в камуфляжной куртке, "
            "хромает на левую ногу", meeting_place="г. Называевск, теплотрасса у "
            "ул. Кирова", legal_basis="signal", territory=municipality)
    if patrol is not None:
        people.person_register(
            user=patrol, confirm_not_duplicate=True, surname="Лыков", name="Геннадий",
            patronymic="Петрович", sex="m", birth_date=datetime.date(1966, 11, 3),
            legal_basis="signal", territory=d1)
    agent, spec = demo.users.get("agent"), demo.users.get("specialist1")
    if agent is None or spec is None:
        return
    for person in (Person.objects.filter(territory=d1, status=PersonStatus.ACTIVE,
                                         consents__is_active=True)
                   .exclude(pk__in=demo.taken).distinct().order_by("pk")[:2]):
        people.person_assign(user=spec, person=person, assignee=agent,
                             reason="сопровождение: помощь по хозяйству и с документами")
