"""Support cases: intake, assessment, problems, plans, activities, referrals, closure.

One spine shared by every practice (Family Dispatch, District service, Social Agent,
Patrol): a ``SupportCase`` is opened for a person (the applicant) and, usually, their
household; it carries the intake, the decision on need, the problems identified, the
versions of the individual programme with their activities and the outcome. Referrals,
assessments, the СОП register and urgent acts are apps above the spine (decision 0011).
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
    ServiceForm,
    ServiceType,
    Urgency,
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
    # Annotations of the lists (deadlines.with_pending), not fields.
    pending_activity: datetime.date | None  # deadlines.with_pending


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
            # indicators: a practice's cases of a territory that can count, read from
            # the index alone (the region's charts scanned the whole table)
            models.Index(fields=["practice", "territory", "decision", "id"],
                         name="case_practice_territory"),
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
    # Set on loaded rows by the selectors for display (not fields).
    is_open: bool


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
    # Optimistic locking of the draft (core.services.check_version), as VersionedModel.
    version = models.PositiveIntegerField(_("версия"), default=1)
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
    # Set on loaded rows by the selectors for display (not fields).
    overdue: bool


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
        on_delete=models.PROTECT, null=True, blank=True, related_name="activities",
        db_index=False)  # the first column of ``activity_by_responsible``
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
                   # the cases a specialist carries out an activity of: the case scope's
                   # work-assignment grant, read from the index alone
                   models.Index(fields=["responsible_user", "case"],
                                name="activity_by_responsible"),
                   # indicators: help given in a period, and to which cases (index only)
                   models.Index(fields=["finished_on", "case"], condition=Q(status="done"),
                                name="activity_done_on_case")]
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
