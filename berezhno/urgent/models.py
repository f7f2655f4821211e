"""Acts of urgent social services (442-ФЗ ст. 21), keyed by the person, the case optional."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.querysets import RestrictedQuerySet

from .choices import UrgentService


class UrgentServiceAct(models.Model):
    """An act of urgent social services (442-ФЗ ст. 21): given at once, without a plan."""

    number = models.CharField(_("номер акта"), max_length=30, unique=True, editable=False)
    act_date = models.DateField(_("дата акта"))
    person = models.ForeignKey("people.Person", verbose_name=_("получатель"),
                               on_delete=models.PROTECT, related_name="urgent_acts")
    case = models.ForeignKey("cases.SupportCase", verbose_name=_("случай"),
                             on_delete=models.SET_NULL,
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
        db_table = "cases_urgentserviceact"  # the table of its first home (decision 0011)
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
        db_table = "cases_urgentserviceline"  # the table of its first home (decision 0011)
        verbose_name = _("срочная услуга")
        verbose_name_plural = _("срочные услуги")
        ordering = ["provided_on", "id"]

    def __str__(self) -> str:
        return self.get_service_display()
