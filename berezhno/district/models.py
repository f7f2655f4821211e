"""The special-attention data bank of the District social service (seed 003): citizens the
district specialist keeps an eye on, why, since when, and when the entry is reviewed."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.models import VersionedModel
from berezhno.core.querysets import RestrictedQuerySet

from .choices import BankReason


def review_overdue_q(today: datetime.date) -> Q:
    """Entries in the bank whose review date has passed on ``today``."""
    return Q(removed_on__isnull=True, next_review_due__lt=today)


class BankEntry(VersionedModel):
    """A citizen of the registry in the special-attention data bank (банк данных граждан,
    требующих особого внимания): the reasons, since when, the next review, the responsible
    specialist; removed with a date and a reason, never deleted."""

    # Set on loaded rows by the selectors for display (not fields).
    overdue: bool

    person = models.ForeignKey("people.Person", verbose_name=_("гражданин"),
                               on_delete=models.PROTECT, related_name="attention_entries")
    household = models.ForeignKey("people.Household", verbose_name=_("домохозяйство"),
                                  on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="attention_entries")
    # The person's territory when the entry was made (their social district): who sees it.
    territory = models.ForeignKey("territories.Territory", verbose_name=_("территория"),
                                  on_delete=models.PROTECT, related_name="+")
    # No default: the service sets it, and a write that forgets it fails.
    practice = models.CharField(_("практика"), max_length=20, choices=access.practice_choices)
    other_reason = models.CharField(_("иная причина"), max_length=300, blank=True)
    health_reason = models.BooleanField(
        _("причина касается здоровья"), default=False,
        help_text=_("Ставится сервисом: среди причин есть сведения о здоровье (ст. 10 "
                    "152-ФЗ)."))
    since = models.DateField(_("в банке данных с"))
    next_review_due = models.DateField(_("пересмотр до"), null=True, blank=True,
                                       db_index=True)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL,
                                    verbose_name=_("ответственный специалист"),
                                    on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("примечания"), blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто внёс"),
                                 on_delete=models.PROTECT, related_name="+")
    removed_on = models.DateField(_("исключён из банка данных"), null=True, blank=True)
    removal_reason = models.CharField(_("причина исключения"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("запись банка данных граждан, требующих особого внимания")
        verbose_name_plural = _("банк данных граждан, требующих особого внимания")
        ordering = ["-since", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(practice=""), name="bank_has_practice"),
            models.UniqueConstraint(fields=["person"], condition=Q(removed_on__isnull=True),
                                    name="bank_one_active_entry"),
        ]
        indexes = [models.Index(fields=["territory", "removed_on", "next_review_due"],
                                name="bank_territory_review")]

    def __str__(self) -> str:
        return str(_("Банк данных: %(person)s") % {"person": self.person})

    def review_overdue(self, today: datetime.date) -> bool:
        """``review_overdue_q`` for one entry: in the bank, its review date passed."""
        return bool(self.removed_on is None and self.next_review_due
                    and self.next_review_due < today)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("district:bank_entry", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.removed_on is None

    def reason_labels(self) -> list[str]:
        """The reasons as Russian phrases (``reasons`` prefetched), «иное» with its text."""
        labels = []
        for r in sorted(self.reasons.all(), key=lambda r: BankReason.values.index(r.reason)):
            if r.reason == BankReason.OTHER and self.other_reason:
                labels.append(f"{r.get_reason_display()}: {self.other_reason}")
            else:
                labels.append(str(r.get_reason_display()))
        return labels


class BankEntryReason(models.Model):
    """One reason of an entry (an entry has one or more)."""

    entry = models.ForeignKey(BankEntry, verbose_name=_("запись банка данных"),
                              on_delete=models.CASCADE, related_name="reasons")
    reason = models.CharField(_("причина"), max_length=30, choices=BankReason.choices,
                              db_index=True)

    class Meta:
        verbose_name = _("причина особого внимания")
        verbose_name_plural = _("причины особого внимания")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["entry", "reason"],
                                               name="bank_reason_once")]

    def __str__(self) -> str:
        return str(self.get_reason_display())


class BankReview(models.Model):
    """A review of an entry: when, what was found, and the next review date."""

    entry = models.ForeignKey(BankEntry, verbose_name=_("запись банка данных"),
                              on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField(_("дата пересмотра"))
    result = models.TextField(_("результат пересмотра"))
    next_due = models.DateField(_("следующий пересмотр до"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("кто провёл"),
                               on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("пересмотр записи банка данных")
        verbose_name_plural = _("пересмотры записей банка данных")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y}"
