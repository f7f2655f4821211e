"""Referrals of a case's family to partner organisations, answered by the partner."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.models import VersionedModel
from berezhno.core.querysets import RestrictedQuerySet

from .choices import ReferralStatus


class Referral(VersionedModel):
    """A referral of the family to a partner organisation, answered by the partner."""

    case = models.ForeignKey("cases.SupportCase", verbose_name=_("случай"),
                             on_delete=models.CASCADE,
                             related_name="referrals")
    # No default: the service sets the case's practice, and a write that forgets it fails.
    practice = models.CharField(_("практика"), max_length=20, choices=access.practice_choices,
                                help_text=_("Практика случая: от неё зависит, кто видит запись."))
    activity = models.ForeignKey("cases.Activity", verbose_name=_("мероприятие программы"),
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
        db_table = "cases_referral"  # the table of its first home (decision 0011)
        verbose_name = _("направление")
        verbose_name_plural = _("направления")
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["organisation", "status"], name="referral_org_status"),
                   # indicators: help given in a period, and to which cases (index only)
                   models.Index(fields=["completed_on", "case"], condition=Q(status="done"),
                                name="referral_done_on_case")]
        constraints = [models.CheckConstraint(condition=~Q(practice=""),
                                              name="referral_has_practice")]

    def __str__(self) -> str:
        return _("Направление в %(org)s от %(date)s") % {
            "org": self.organisation, "date": f"{self.sent_on:%d.%m.%Y}"}
