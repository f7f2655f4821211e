"""Support cases: intake, assessment, problems, plans, activities, referrals, closure.

One spine shared by every practice (Family Dispatch, District service, Social Agent,
Patrol): a ``SupportCase`` is opened for a person (the applicant) and, usually, their
household; it carries the intake, the decision on need, the problems identified, the
versions of the individual programme with their activities, the referrals to partner
organisations and the outcome.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.models import VersionedModel
from berezhno.core.querysets import RestrictedQuerySet
from berezhno.core.workdays import local_date

from .choices import (
    ACTIVE_STATUSES,
    ActivityStatus,
    CaseStatus,
    Decision,
    Improvement,
    IntakeChannel,
    Outcome,
    PlanStatus,
    Practice,
    ProblemSource,
    ReferralStatus,
    ServiceForm,
    ServiceType,
    SopSource,
    SopStatus,
    Urgency,
    UrgentService,
)

# --- reference data (administrator) -------------------------------------------------


class DeadlineRule(models.Model):
    """A deadline of the case workflow, editable reference data (LEGAL.md)."""

    code = models.SlugField(_("код"), max_length=40, unique=True)
    name = models.CharField(_("наименование"), max_length=200)
    days = models.PositiveSmallIntegerField(_("срок, дней"))
    working_days = models.BooleanField(_("в рабочих днях"), default=True,
                                       help_text=_("Иначе — в календарных днях."))
    basis = models.CharField(_("основание"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("срок")
        verbose_name_plural = _("сроки")
        ordering = ["code"]

    def __str__(self) -> str:
        unit = _("раб. дн.") if self.working_days else _("дн.")
        return f"{self.name}: {self.days} {unit}"


class Problem(models.Model):
    """An entry of the editable problem catalogue (material, housing, fuel, …)."""

    code = models.SlugField(_("код"), max_length=40, unique=True)
    name = models.CharField(_("проблема"), max_length=200)
    description = models.TextField(_("описание"), blank=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=100)
    is_active = models.BooleanField(_("используется"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("проблема (каталог)")
        verbose_name_plural = _("каталог проблем")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class SubsistenceMinimum(models.Model):
    """The regional subsistence minimum per capita for a year (for the income test)."""

    region = models.ForeignKey("territories.Territory", verbose_name=_("регион"),
                               on_delete=models.PROTECT, related_name="subsistence_minimums")
    year = models.PositiveSmallIntegerField(_("год"))
    per_capita = models.DecimalField(_("на душу населения, ₽ в месяц"), max_digits=10,
                                     decimal_places=2)
    basis = models.CharField(_("нормативный акт"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("прожиточный минимум")
        verbose_name_plural = _("прожиточные минимумы")
        ordering = ["region", "-year"]
        constraints = [models.UniqueConstraint(fields=["region", "year"],
                                               name="subsistence_one_per_region_year")]

    def __str__(self) -> str:
        return f"{self.region}, {self.year}: {self.per_capita} ₽"


# --- the case ----------------------------------------------------------------------


class CaseQuerySet(RestrictedQuerySet):
    def active(self) -> "CaseQuerySet":
        return self.filter(status__in=ACTIVE_STATUSES)


class SupportCase(VersionedModel):
    """A person or family on support: from the intake to the outcome."""

    number = models.CharField(_("номер"), max_length=30, unique=True, editable=False)
    practice = models.CharField(_("практика"), max_length=20, choices=access.practice_choices,
                                default=Practice.FAMILY_DISPATCH)
    person = models.ForeignKey("people.Person", verbose_name=_("заявитель (получатель)"),
                               on_delete=models.PROTECT, related_name="cases")
    household = models.ForeignKey("people.Household", verbose_name=_("семья"),
                                  on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="cases")
    territory = models.ForeignKey("territories.Territory", verbose_name=_("территория"),
                                  on_delete=models.PROTECT, related_name="cases")
    provider = models.ForeignKey("accounts.Organisation", verbose_name=_("поставщик услуг"),
                                 on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="cases")
    # Intake (обращение)
    received_at = models.DateTimeField(_("дата и время обращения"))
    channel = models.CharField(_("канал обращения"), max_length=16,
                               choices=IntakeChannel.choices)
    referred_by = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("направившая организация"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="referred_cases")
    problem_told = models.TextField(_("проблема со слов заявителя"))
    urgency = models.CharField(_("срочность"), max_length=10, choices=Urgency.choices,
                               default=Urgency.ROUTINE)
    circumstances = models.JSONField(
        _("обстоятельства нуждаемости (ст. 15 442-ФЗ)"), default=list, blank=True)
    is_social_support = models.BooleanField(
        _("социальное сопровождение (ст. 22 442-ФЗ)"), default=True,
        help_text=_("Семья получает помощь в форме социального сопровождения."))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                      verbose_name=_("кто зарегистрировал"),
                                      on_delete=models.PROTECT, related_name="+")
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL,
                                    verbose_name=_("ответственный (диспетчер, куратор)"),
                                    on_delete=models.PROTECT, related_name="cases_responsible")
    status = models.CharField(_("этап"), max_length=16, choices=CaseStatus.choices,
                              default=CaseStatus.INTAKE, db_index=True)
    # Cooperation contract with the family (договор о сотрудничестве)
    contract_number = models.CharField(_("номер договора о сотрудничестве"), max_length=50,
                                       blank=True)
    contract_date = models.DateField(_("дата договора"), null=True, blank=True)
    contract_until = models.DateField(_("договор действует до"), null=True, blank=True)
    # Decision on need (≤ 5 working days) and programme (≤ 10 working days)
    decision = models.CharField(_("решение о нуждаемости"), max_length=16,
                                choices=Decision.choices, blank=True, default=Decision.NONE)
    decision_date = models.DateField(_("дата решения"), null=True, blank=True)
    decision_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто принял решение"),
                                    on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    decision_notes = models.TextField(_("обоснование решения"), blank=True)
    decision_due = models.DateField(_("срок решения"), db_index=True)
    programme_due = models.DateField(_("срок программы"), db_index=True)
    programme_date = models.DateField(_("дата утверждения программы"), null=True, blank=True)
    review_since = models.DateField(_("на подведении итогов с"), null=True, blank=True)
    # Outcome
    outcome = models.CharField(_("результат"), max_length=20, choices=Outcome.choices,
                               blank=True)
    improved = models.CharField(_("ситуация семьи улучшилась (ответ семьи)"), max_length=10,
                                choices=Improvement.choices, blank=True)
    closed_on = models.DateField(_("дата закрытия"), null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто закрыл"),
                                  on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    closure_notes = models.TextField(_("анализ результатов"), blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("случай сопровождения")
        verbose_name_plural = _("случаи сопровождения")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["territory", "status"], name="case_territory_status"),
            models.Index(fields=["responsible", "status"], name="case_responsible_status"),
            models.Index(fields=["received_at"], name="case_received"),
        ]

    def __str__(self) -> str:
        return _("Случай № %(number)s") % {"number": self.number}

    def get_absolute_url(self) -> str:
        return reverse("cases:case", args=[self.pk])


    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def received_on(self) -> datetime.date:
        return local_date(self.received_at, self.territory)


class CaseProblem(models.Model):
    """A problem identified in a case (from the catalogue)."""

    case = models.ForeignKey(SupportCase, verbose_name=_("случай"), on_delete=models.CASCADE,
                             related_name="problems")
    problem = models.ForeignKey(Problem, verbose_name=_("проблема"), on_delete=models.PROTECT,
                                related_name="+")
    source = models.CharField(_("как выявлена"), max_length=16, choices=ProblemSource.choices)
    assessment = models.ForeignKey("Assessment", verbose_name=_("диагностика"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    identified_on = models.DateField(_("дата выявления"))
    identified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто выявил"),
                                      on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("примечание"), max_length=300, blank=True)
    is_resolved = models.BooleanField(_("решена"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("выявленная проблема")
        verbose_name_plural = _("выявленные проблемы")
        ordering = ["problem__order", "problem__name"]
        constraints = [models.UniqueConstraint(fields=["case", "problem"],
                                               name="case_problem_once")]

    def __str__(self) -> str:
        return str(self.problem)


class Plan(models.Model):
    """One version of the individual programme (ИППСУ / программа реабилитации)."""

    case = models.ForeignKey(SupportCase, verbose_name=_("случай"), on_delete=models.CASCADE,
                             related_name="plans")
    # No default: the service sets the case's practice, and a write that forgets it fails.
    practice = models.CharField(_("практика"), max_length=20, choices=access.practice_choices,
                                help_text=_("Практика случая: от неё зависит, кто видит запись."))
    number = models.PositiveSmallIntegerField(_("редакция"))
    status = models.CharField(_("состояние"), max_length=12, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    service_form = models.CharField(_("форма социального обслуживания"), max_length=20,
                                    choices=ServiceForm.choices, blank=True)
    goal = models.TextField(_("цель программы"), blank=True)
    valid_until = models.DateField(_("срок программы до"), null=True, blank=True)
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто составил"),
                                   on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField(_("дата утверждения"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто утвердил"),
                                    on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("программа (редакция)")
        verbose_name_plural = _("программы")
        ordering = ["case", "-number"]
        constraints = [
            models.CheckConstraint(condition=~Q(practice=""), name="plan_has_practice"),
            models.UniqueConstraint(fields=["case", "number"],
                                    name="plan_number_once")]

    def __str__(self) -> str:
        return _("Программа, редакция %(n)s") % {"n": self.number}


class Activity(VersionedModel):
    """An activity of a plan: what, who (a specialist or a partner), by when, result."""

    plan = models.ForeignKey(Plan, verbose_name=_("программа"), on_delete=models.CASCADE,
                             related_name="activities")
    case = models.ForeignKey(SupportCase, verbose_name=_("случай"), on_delete=models.CASCADE,
                             related_name="activities")
    # No default: the service sets the case's practice, and a write that forgets it fails.
    practice = models.CharField(_("практика"), max_length=20, choices=access.practice_choices,
                                help_text=_("Практика случая: от неё зависит, кто видит запись."))
    service_type = models.CharField(_("вид услуги или мера"), max_length=20,
                                    choices=ServiceType.choices)
    title = models.CharField(_("мероприятие"), max_length=300)
    description = models.TextField(_("содержание"), blank=True)
    problem = models.ForeignKey(Problem, verbose_name=_("на решение какой проблемы"),
                                on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("исполнитель (специалист)"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="activities")
    partner = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("исполнитель (организация-партнёр)"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="activities")
    due_date = models.DateField(_("срок"), db_index=True)
    volume = models.CharField(_("объём"), max_length=100, blank=True,
                              help_text=_("Например: 10 занятий по 45 минут."))
    frequency = models.CharField(_("периодичность"), max_length=100, blank=True,
                                 help_text=_("Например: 1 раз в неделю."))
    status = models.CharField(_("состояние"), max_length=12, choices=ActivityStatus.choices,
                              default=ActivityStatus.PLANNED, db_index=True)
    started_on = models.DateField(_("начато"), null=True, blank=True)
    finished_on = models.DateField(_("завершено"), null=True, blank=True)
    result = models.TextField(_("результат"), blank=True)
    not_done_reason = models.CharField(_("причина невыполнения"), max_length=300, blank=True)
    copied_from = models.ForeignKey("self", verbose_name=_("перенесено из прежней редакции"),
                                    on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("мероприятие программы")
        verbose_name_plural = _("мероприятия программ")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["responsible_user", "status", "due_date"],
                                name="activity_worklist"),
                   # the worklist's last finished activities
                   models.Index(fields=["responsible_user", "-finished_on"],
                                condition=Q(status__in=["done", "not_done"]),
                                name="activity_finished"),
                   # indicators: help given in a period
                   models.Index(fields=["finished_on"], condition=Q(status="done"),
                                name="activity_done_on")]
        constraints = [models.CheckConstraint(condition=~Q(practice=""),
                                              name="activity_has_practice")]

    def __str__(self) -> str:
        return self.title


    @property
    def executor(self) -> str:
        if self.responsible_user_id:
            return str(self.responsible_user)
        return str(self.partner) if self.partner_id else ""

    @property
    def is_finished(self) -> bool:
        return self.status in (ActivityStatus.DONE, ActivityStatus.NOT_DONE)



class ActivitySession(models.Model):
    """A session (занятие, консультация, выезд) held within an activity."""

    activity = models.ForeignKey(Activity, verbose_name=_("мероприятие"),
                                 on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("дата"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("специалист"),
                               on_delete=models.PROTECT, related_name="+")
    duration_minutes = models.PositiveSmallIntegerField(_("продолжительность, мин"), null=True,
                                                        blank=True)
    notes = models.TextField(_("содержание занятия"))
    result = models.TextField(_("результат"), blank=True)
    created_at = models.DateTimeField(_("записано"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("занятие")
        verbose_name_plural = _("занятия")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"], name="session_held_on")]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y}: {self.activity}"



class Referral(VersionedModel):
    """A referral of the family to a partner organisation, answered by the partner."""

    case = models.ForeignKey(SupportCase, verbose_name=_("случай"), on_delete=models.CASCADE,
                             related_name="referrals")
    # No default: the service sets the case's practice, and a write that forgets it fails.
    practice = models.CharField(_("практика"), max_length=20, choices=access.practice_choices,
                                help_text=_("Практика случая: от неё зависит, кто видит запись."))
    activity = models.ForeignKey(Activity, verbose_name=_("мероприятие программы"),
                                 on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="referrals")
    organisation = models.ForeignKey("accounts.Organisation", verbose_name=_("куда"),
                                     on_delete=models.PROTECT, related_name="referrals")
    services = models.TextField(_("какая помощь нужна"))
    sent_on = models.DateField(_("дата направления"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто направил"),
                                on_delete=models.PROTECT, related_name="+")
    response_due = models.DateField(_("ответ ожидается до"), db_index=True)
    result_due = models.DateField(_("результат ожидается до"), null=True, blank=True)
    status = models.CharField(_("состояние"), max_length=12, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT, db_index=True)
    responded_on = models.DateField(_("дата ответа"), null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто ответил"),
                                     on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    rejection_reason = models.CharField(_("причина отказа"), max_length=300, blank=True)
    result = models.TextField(_("результат"), blank=True)
    completed_on = models.DateField(_("дата исполнения"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("направление")
        verbose_name_plural = _("направления")
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["organisation", "status"], name="referral_org_status"),
                   models.Index(fields=["completed_on"], condition=Q(status="done"),
                                name="referral_done_on")]
        constraints = [models.CheckConstraint(condition=~Q(practice=""),
                                              name="referral_has_practice")]

    def __str__(self) -> str:
        return _("Направление в %(org)s от %(date)s") % {
            "org": self.organisation, "date": f"{self.sent_on:%d.%m.%Y}"}




class UrgentServiceAct(models.Model):
    """An act of urgent social services (442-ФЗ ст. 21): given at once, without a plan."""

    number = models.CharField(_("номер акта"), max_length=30, unique=True, editable=False)
    act_date = models.DateField(_("дата акта"))
    person = models.ForeignKey("people.Person", verbose_name=_("получатель"),
                               on_delete=models.PROTECT, related_name="urgent_acts")
    case = models.ForeignKey(SupportCase, verbose_name=_("случай"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="urgent_acts")
    # No default: the service sets the case's practice, and a write that forgets it fails.
    practice = models.CharField(_("практика"), max_length=20, choices=access.practice_choices,
                                help_text=_("Практика случая: от неё зависит, кто видит запись."))
    territory = models.ForeignKey("territories.Territory", verbose_name=_("территория"),
                                  on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("accounts.Organisation", verbose_name=_("поставщик"),
                                 on_delete=models.PROTECT, related_name="urgent_acts")
    date_from = models.DateField(_("услуги оказаны с"))
    date_to = models.DateField(_("по"))
    notes = models.TextField(_("примечание"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто составил"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("составлен"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("акт о предоставлении срочных социальных услуг")
        verbose_name_plural = _("акты о предоставлении срочных социальных услуг")
        ordering = ["-act_date", "-id"]
        indexes = [models.Index(fields=["act_date"], name="urgent_act_date")]
        constraints = [models.CheckConstraint(condition=~Q(practice=""),
                                              name="urgentact_has_practice")]

    def __str__(self) -> str:
        return _("Акт срочных услуг № %(n)s") % {"n": self.number}


class UrgentServiceLine(models.Model):
    act = models.ForeignKey(UrgentServiceAct, verbose_name=_("акт"), on_delete=models.CASCADE,
                            related_name="lines")
    service = models.CharField(_("услуга"), max_length=16, choices=UrgentService.choices)
    description = models.CharField(_("что именно"), max_length=300, blank=True)
    quantity = models.CharField(_("объём"), max_length=100, blank=True)
    provided_on = models.DateField(_("дата"))

    class Meta:
        verbose_name = _("срочная услуга")
        verbose_name_plural = _("срочные услуги")
        ordering = ["provided_on", "id"]

    def __str__(self) -> str:
        return self.get_service_display()


# --- assessment --------------------------------------------------------------------


class QuestionnaireKind(models.TextChoices):
    FAMILY_DIAGNOSTICS = "family_diagnostics", _("диагностика семьи")
    NEEDS_ASSESSMENT = "needs_assessment", _("комплексная оценка нуждаемости")
    OTHER = "other", _("иная анкета")


class AnswerType(models.TextChoices):
    SINGLE = "single", _("один вариант")
    MULTI = "multi", _("несколько вариантов")
    NUMBER = "number", _("число")
    TEXT = "text", _("текст")
    DATE = "date", _("дата")


class Questionnaire(models.Model):
    """A configurable questionnaire (анкета), edited by an administrator."""

    code = models.SlugField(_("код"), max_length=40, unique=True)
    title = models.CharField(_("название"), max_length=200)
    kind = models.CharField(_("вид"), max_length=20, choices=QuestionnaireKind.choices)
    description = models.TextField(_("описание и порядок проведения"), blank=True)
    is_active = models.BooleanField(_("используется"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("анкета")
        verbose_name_plural = _("анкеты")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A question; numeric answers may raise a problem below or above a threshold.

    ``code`` names a question the system reads: ``family_income`` (total monthly income
    of the family, ₽) and ``family_size`` (members counted for the per-capita income) make
    an assessment compare the per-capita income with the regional subsistence minimum.
    """

    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("анкета"),
                                      on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("порядок"), default=100)
    section = models.CharField(_("раздел"), max_length=200, blank=True)
    code = models.SlugField(_("код"), max_length=40, blank=True)
    text = models.CharField(_("вопрос"), max_length=500)
    help_text = models.CharField(_("подсказка"), max_length=300, blank=True)
    answer_type = models.CharField(_("тип ответа"), max_length=8, choices=AnswerType.choices)
    required = models.BooleanField(_("обязательный"), default=True)
    threshold = models.DecimalField(_("порог (для числа)"), max_digits=12, decimal_places=2,
                                    null=True, blank=True)
    raise_when_below = models.BooleanField(
        _("проблема, если ниже порога"), default=True,
        help_text=_("Иначе — если выше порога."))
    threshold_problem = models.ForeignKey(
        Problem, verbose_name=_("проблема при пороге"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+")

    class Meta:
        verbose_name = _("вопрос")
        verbose_name_plural = _("вопросы")
        ordering = ["questionnaire", "order", "id"]

    def __str__(self) -> str:
        return self.text


class AnswerOption(models.Model):
    question = models.ForeignKey(Question, verbose_name=_("вопрос"), on_delete=models.CASCADE,
                                 related_name="options")
    order = models.PositiveSmallIntegerField(_("порядок"), default=100)
    label = models.CharField(_("вариант ответа"), max_length=300)
    score = models.SmallIntegerField(_("баллы"), default=0)
    problem = models.ForeignKey(Problem, verbose_name=_("выявляет проблему"),
                                on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    circumstance = models.CharField(_("обстоятельство ст. 15 442-ФЗ"), max_length=30,
                                    blank=True)

    class Meta:
        verbose_name = _("вариант ответа")
        verbose_name_plural = _("варианты ответа")
        ordering = ["question", "order", "id"]

    def __str__(self) -> str:
        return self.label


class Assessment(models.Model):
    """A questionnaire run for a case; its answers identify problems."""

    case = models.ForeignKey(SupportCase, verbose_name=_("случай"), on_delete=models.CASCADE,
                             related_name="assessments")
    # No default: the service sets the case's practice, and a write that forgets it fails.
    practice = models.CharField(_("практика"), max_length=20, choices=access.practice_choices,
                                help_text=_("Практика случая: от неё зависит, кто видит запись."))
    questionnaire = models.ForeignKey(Questionnaire, verbose_name=_("анкета"),
                                      on_delete=models.PROTECT, related_name="+")
    conducted_on = models.DateField(_("дата проведения"))
    conducted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто провёл"),
                                     on_delete=models.PROTECT, related_name="+")
    total_score = models.IntegerField(_("сумма баллов"), default=0)
    per_capita_income = models.DecimalField(_("среднедушевой доход, ₽"), max_digits=12,
                                            decimal_places=2, null=True, blank=True)
    subsistence_minimum = models.DecimalField(_("прожиточный минимум, ₽"), max_digits=12,
                                              decimal_places=2, null=True, blank=True)
    conclusion = models.TextField(_("заключение"), blank=True)
    created_at = models.DateTimeField(_("записано"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("диагностика (оценка)")
        verbose_name_plural = _("диагностики (оценки)")
        ordering = ["-conducted_on", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(practice=""),
                                              name="assessment_has_practice")]

    def __str__(self) -> str:
        return f"{self.questionnaire}: {self.conducted_on:%d.%m.%Y}"

    @property
    def income_ratio(self):
        if self.per_capita_income is None or not self.subsistence_minimum:
            return None
        return round(self.per_capita_income / self.subsistence_minimum, 2)


class AssessmentAnswer(models.Model):
    assessment = models.ForeignKey(Assessment, verbose_name=_("диагностика"),
                                   on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name=_("вопрос"), on_delete=models.PROTECT,
                                 related_name="+")
    option_ids = models.JSONField(_("выбранные варианты"), default=list, blank=True)
    value_number = models.DecimalField(_("число"), max_digits=12, decimal_places=2, null=True,
                                       blank=True)
    value_text = models.TextField(_("текст"), blank=True)
    value_date = models.DateField(_("дата"), null=True, blank=True)

    class Meta:
        verbose_name = _("ответ")
        verbose_name_plural = _("ответы")
        constraints = [models.UniqueConstraint(fields=["assessment", "question"],
                                               name="answer_once_per_question")]

    def __str__(self) -> str:
        return str(self.question)


# --- families in a socially dangerous position (120-ФЗ) -------------------------------


def sop_late_q(today: datetime.date) -> Q:
    """СОП records with a deadline missed on ``today`` (as ``SopRecord.missed``)."""
    return ~Q(status=SopStatus.REMOVED) & (
        Q(kdn_notice_date__isnull=True, kdn_notice_due__lt=today)
        | Q(first_survey_on__isnull=True, first_survey_due__lt=today)
        | Q(status=SopStatus.REGISTERED, next_review_due__lt=today))


class SopRecord(VersionedModel):
    """A family in a socially dangerous position: identification → notice to the КДН и ЗП →
    first survey → commission decision with a curator → periodic reviews → removal."""

    case = models.ForeignKey(SupportCase, verbose_name=_("случай"), on_delete=models.PROTECT,
                             related_name="sop_records")
    # No default: the service sets the case's practice, and a write that forgets it fails.
    practice = models.CharField(_("практика"), max_length=20, choices=access.practice_choices,
                                help_text=_("Практика случая: от неё зависит, кто видит запись."))
    status = models.CharField(_("этап"), max_length=12, choices=SopStatus.choices,
                              default=SopStatus.IDENTIFIED, db_index=True)
    identified_on = models.DateField(_("дата выявления"))
    identified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто выявил"),
                                      on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("кем выявлена"), max_length=16, choices=SopSource.choices)
    grounds = models.TextField(_("признаки социально опасного положения"))
    child_threat = models.BooleanField(
        _("угроза жизни или здоровью ребёнка"), default=False,
        help_text=_("Сообщается в орган опеки и попечительства (ст. 56 СК РФ)."))
    guardianship_notified_on = models.DateField(_("сообщено в орган опеки"), null=True,
                                                blank=True)
    kdn_notice_due = models.DateField(_("сообщить в КДН и ЗП до"))
    kdn_notice_date = models.DateField(_("дата сообщения в КДН и ЗП"), null=True, blank=True)
    kdn_notice_number = models.CharField(_("исходящий номер сообщения"), max_length=50,
                                         blank=True)
    first_survey_due = models.DateField(_("первичное обследование до"), db_index=True)
    first_survey_on = models.DateField(_("дата первичного обследования"), null=True,
                                       blank=True)
    first_survey_notes = models.TextField(_("результаты обследования"), blank=True)
    decision_date = models.DateField(_("дата постановления КДН и ЗП"), null=True, blank=True)
    decision_number = models.CharField(_("номер постановления"), max_length=50, blank=True)
    curator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("куратор семьи"),
                                on_delete=models.PROTECT, null=True, blank=True,
                                related_name="sop_curated")
    next_review_due = models.DateField(_("очередной пересмотр до"), null=True, blank=True,
                                       db_index=True)
    removed_on = models.DateField(_("дата снятия с учёта"), null=True, blank=True)
    removal_reason = models.CharField(_("основание снятия"), max_length=300, blank=True)
    removal_decision_number = models.CharField(_("номер постановления о снятии"),
                                               max_length=50, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("семья в социально опасном положении")
        verbose_name_plural = _("семьи в социально опасном положении")
        ordering = ["-identified_on", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(practice=""),
                                              name="sop_has_practice")]

    def __str__(self) -> str:
        return _("СОП: %(case)s") % {"case": self.case}


    def missed(self, today: datetime.date) -> list[tuple[str, str, datetime.date]]:
        """The deadlines missed on ``today`` (the territory's date: ``deadlines.sop_missed``
        gives it): ``(code, Russian phrase, due date)``, earliest first."""
        missed: list[tuple[str, str, datetime.date]] = []
        if self.status == SopStatus.REMOVED:
            return missed
        if self.kdn_notice_date is None and self.kdn_notice_due < today:
            missed.append(("kdn", str(_("сообщение в КДН и ЗП")), self.kdn_notice_due))
        if self.first_survey_on is None and self.first_survey_due < today:
            missed.append(("survey", str(_("первичное обследование")), self.first_survey_due))
        if (self.status == SopStatus.REGISTERED and self.next_review_due
                and self.next_review_due < today):
            missed.append(("review", str(_("пересмотр плана")), self.next_review_due))
        return sorted(missed, key=lambda m: m[2])

    def overdue(self, today: datetime.date) -> list[str]:
        """The deadlines missed on ``today``, as Russian phrases."""
        return [label for _code, label, _due in self.missed(today)]

    def next_deadline(self) -> tuple[str, datetime.date] | None:
        """What is due next at the current stage, with its date."""
        if self.status == SopStatus.IDENTIFIED:
            return str(_("сообщение в КДН и ЗП")), self.kdn_notice_due
        if self.status == SopStatus.NOTIFIED:
            return str(_("первичное обследование")), self.first_survey_due
        if self.status == SopStatus.REGISTERED and self.next_review_due:
            return str(_("пересмотр плана")), self.next_review_due
        return None


class SopReview(models.Model):
    """A periodic review of the work with a family in a socially dangerous position."""

    record = models.ForeignKey(SopRecord, verbose_name=_("семья в СОП"),
                               on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField(_("дата пересмотра"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто провёл"),
                               on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("итоги работы за период"))
    next_due = models.DateField(_("следующий пересмотр до"))

    class Meta:
        verbose_name = _("пересмотр работы с семьёй в СОП")
        verbose_name_plural = _("пересмотры работы с семьями в СОП")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y}"
