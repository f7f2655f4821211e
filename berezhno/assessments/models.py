"""Questionnaires and assessments: a questionnaire run for a subject, whose answers score it
and may identify problems."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.querysets import RestrictedQuerySet


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


class SubjectKind(models.TextChoices):
    """What a questionnaire is about. An encounter on the street, a yard event and the like
    belong to apps above this one: they point to their assessment themselves."""

    CASE = "case", _("случай сопровождения (семья)")
    PERSON = "person", _("гражданин")
    HOUSEHOLD = "household", _("домохозяйство")
    PLACE = "place", _("территория: участок или населённый пункт")


SUBJECT_FIELDS = ("case", "person", "household", "place")


def _one_subject() -> Q:
    """Exactly one of ``SUBJECT_FIELDS`` is set."""
    one = Q()
    for field in SUBJECT_FIELDS:
        branch = Q(**{f"{field}__isnull": False})
        for other in SUBJECT_FIELDS:
            if other != field:
                branch &= Q(**{f"{other}__isnull": True})
        one |= branch
    return one


class Questionnaire(models.Model):
    """A configurable questionnaire (анкета), edited by an administrator."""

    code = models.SlugField(_("код"), max_length=40, unique=True)
    title = models.CharField(_("название"), max_length=200)
    kind = models.CharField(_("вид"), max_length=20, choices=QuestionnaireKind.choices)
    # db_default too: rows written by the older data migrations (which do not know the
    # field) are questionnaires of a case.
    subject = models.CharField(_("о ком или о чём"), max_length=12, choices=SubjectKind.choices,
                               default=SubjectKind.CASE, db_default=SubjectKind.CASE)
    description = models.TextField(_("описание и порядок проведения"), blank=True)
    is_active = models.BooleanField(_("используется"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        db_table = "cases_questionnaire"  # the table of its first home (decision 0011)
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
        "cases.Problem", verbose_name=_("проблема при пороге"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+")

    class Meta:
        db_table = "cases_question"  # the table of its first home (decision 0011)
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
    problem = models.ForeignKey("cases.Problem", verbose_name=_("выявляет проблему"),
                                on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    circumstance = models.CharField(_("обстоятельство ст. 15 442-ФЗ"), max_length=30,
                                    blank=True)

    class Meta:
        db_table = "cases_answeroption"  # the table of its first home (decision 0011)
        verbose_name = _("вариант ответа")
        verbose_name_plural = _("варианты ответа")
        ordering = ["question", "order", "id"]

    def __str__(self) -> str:
        return self.label


class Assessment(models.Model):
    """A questionnaire run for one subject (a case, a person, a household, a place); its
    answers score it and, for a case, identify problems."""
    # Set on loaded rows by the selectors for display (not fields).
    raised: list
    answer_rows: list


    case = models.ForeignKey("cases.SupportCase", verbose_name=_("случай"),
                             on_delete=models.CASCADE, null=True, blank=True,
                             related_name="assessments")
    person = models.ForeignKey("people.Person", verbose_name=_("гражданин"),
                               on_delete=models.CASCADE, null=True, blank=True,
                               related_name="assessments")
    household = models.ForeignKey("people.Household", verbose_name=_("домохозяйство"),
                                  on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="assessments")
    place = models.ForeignKey("territories.Territory", verbose_name=_("территория (предмет)"),
                              on_delete=models.PROTECT, null=True, blank=True,
                              related_name="assessments")
    # Where the assessment belongs for scope: the case's, person's or household's territory,
    # or the place itself; set once, when it is recorded.
    territory = models.ForeignKey("territories.Territory", verbose_name=_("территория"),
                                  on_delete=models.PROTECT, related_name="+")
    # No default: the service sets the practice (the case's), and a write that forgets it
    # fails.
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
    # The problems of the case this assessment identified (added to the case by it).
    raised_problems = models.ManyToManyField("cases.CaseProblem", blank=True,
                                             related_name="raised_by",
                                             verbose_name=_("выявленные проблемы"))
    created_at = models.DateTimeField(_("записано"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        db_table = "cases_assessment"  # the table of its first home (decision 0011)
        verbose_name = _("диагностика (оценка)")
        verbose_name_plural = _("диагностики (оценки)")
        ordering = ["-conducted_on", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(practice=""),
                                              name="assessment_has_practice"),
                       models.CheckConstraint(condition=_one_subject(),
                                              name="assessment_one_subject")]

    def __str__(self) -> str:
        return f"{self.questionnaire}: {self.conducted_on:%d.%m.%Y}"

    @property
    def income_ratio(self):
        if self.per_capita_income is None or not self.subsistence_minimum:
            return None
        return round(self.per_capita_income / self.subsistence_minimum, 2)


class AssessmentAnswer(models.Model):
    # Set on loaded rows by the selectors for display (not fields).
    labels: list[str]

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
        db_table = "cases_assessmentanswer"  # the table of its first home (decision 0011)
        verbose_name = _("ответ")
        verbose_name_plural = _("ответы")
        constraints = [models.UniqueConstraint(fields=["assessment", "question"],
                                               name="answer_once_per_question")]

    def __str__(self) -> str:
        return str(self.question)
