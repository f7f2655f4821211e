"""The register of families in a socially dangerous position (120-ФЗ ст. 5, 6)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.models import VersionedModel
from berezhno.core.querysets import RestrictedQuerySet

from .choices import SopSource, SopStatus


def sop_late_q(today: datetime.date) -> Q:
    """СОП records with a deadline missed on ``today`` (as ``SopRecord.missed``)."""
    return ~Q(status=SopStatus.REMOVED) & (
        Q(kdn_notice_date__isnull=True, kdn_notice_due__lt=today)
        | Q(first_survey_on__isnull=True, first_survey_due__lt=today)
        | Q(status=SopStatus.REGISTERED, next_review_due__lt=today))


class SopRecord(VersionedModel):
    """A family in a socially dangerous position: identification → notice to the КДН и ЗП →
    first survey → commission decision with a curator → periodic reviews → removal."""
    # Set on loaded rows by the selectors for display (not fields).
    is_open: bool
    missed_list: list[tuple[str, str, datetime.date]]
    next: tuple[str, datetime.date] | None


    case = models.ForeignKey("cases.SupportCase", verbose_name=_("случай"),
                             on_delete=models.PROTECT,
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
    # The letters of the notice step (decision 0034): what a reprint shows is fixed here.
    kdn_addressee = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("КДН и ЗП — адресат сообщения"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    guardianship_notice_number = models.CharField(
        _("исходящий номер сообщения в орган опеки"), max_length=50, blank=True)
    guardianship_addressee = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("орган опеки — адресат сообщения"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    notice_measures = models.TextField(_("принятые меры"), blank=True)
    notice_signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("подписал сообщение"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    notice_executor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("исполнитель сообщения"),
        on_delete=models.PROTECT, null=True, blank=True, related_name="+")
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
        db_table = "cases_soprecord"  # the table of its first home (decision 0011)
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
        db_table = "cases_sopreview"  # the table of its first home (decision 0011)
        verbose_name = _("пересмотр работы с семьёй в СОП")
        verbose_name_plural = _("пересмотры работы с семьями в СОП")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y}"
