"""Users, organisations, departments, agreements and role assignments."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from berezhno.core import access
from berezhno.core.models import VersionedModel
from berezhno.core.querysets import RestrictedQuerySet

from .choices import OrganisationKind, PartnerKind
from .validators import validate_inn, validate_inn_ogrn_pair, validate_ogrn


class Organisation(VersionedModel):
    """A social-service provider (КЦСОН) or a partner organisation."""

    kind = models.CharField(_("вид"), max_length=16, choices=OrganisationKind.choices)
    partner_kind = models.CharField(
        _("тип партнёра"), max_length=16, choices=PartnerKind.choices, blank=True
    )
    name = models.CharField(_("полное наименование"), max_length=300)
    short_name = models.CharField(_("краткое наименование"), max_length=120, blank=True)
    inn = models.CharField(_("ИНН"), max_length=12, blank=True, validators=[validate_inn])
    ogrn = models.CharField(_("ОГРН"), max_length=15, blank=True, validators=[validate_ogrn])
    address = models.CharField(_("адрес"), max_length=300, blank=True)
    phone = models.CharField(_("телефон"), max_length=20, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True)
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("территория"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="organisations",
    )
    is_active = models.BooleanField(_("действует"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("организация")
        verbose_name_plural = _("организации")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        validate_inn_ogrn_pair(self.inn, self.ogrn)


class Department(VersionedModel):
    """A department (отделение) of a provider."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("организация"), on_delete=models.CASCADE,
        related_name="departments",
    )
    name = models.CharField(_("наименование"), max_length=200)
    head_name = models.CharField(_("заведующий"), max_length=200, blank=True)
    phone = models.CharField(_("телефон"), max_length=20, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("отделение")
        verbose_name_plural = _("отделения")
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return self.name


def agreement_upload_to(instance, filename: str) -> str:
    return f"agreements/{timezone.now():%Y/%m}/{filename}"


class Agreement(VersionedModel):
    """An interaction agreement (соглашение о взаимодействии) with a partner."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("организация-партнёр"), on_delete=models.PROTECT,
        related_name="agreements",
    )
    provider = models.ForeignKey(
        Organisation, verbose_name=_("поставщик"), on_delete=models.PROTECT,
        related_name="provider_agreements", null=True, blank=True,
    )
    number = models.CharField(_("номер"), max_length=50)
    date = models.DateField(_("дата"))
    valid_until = models.DateField(_("срок действия до"), null=True, blank=True)
    subject = models.TextField(_("предмет соглашения"))
    file = models.FileField(_("скан соглашения"), upload_to=agreement_upload_to, blank=True)
    is_active = models.BooleanField(_("действует"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("соглашение о взаимодействии")
        verbose_name_plural = _("соглашения о взаимодействии")
        ordering = ["-date", "number"]

    def __str__(self) -> str:
        return _("Соглашение № %(number)s от %(date)s") % {
            "number": self.number, "date": self.date.strftime("%d.%m.%Y"),
        }


class User(AbstractUser):
    """A member of staff, partner representative, agent or analyst."""

    patronymic = models.CharField(_("отчество"), max_length=150, blank=True)
    position = models.CharField(_("должность"), max_length=200, blank=True)
    phone = models.CharField(_("телефон"), max_length=20, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("организация"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="users",
    )
    department = models.ForeignKey(
        Department, verbose_name=_("отделение"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="users",
    )


    class Meta:
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def full_name(self) -> str:
        return " ".join(p for p in [self.last_name, self.first_name, self.patronymic] if p)

    @property
    def short_name(self) -> str:
        initials = "".join(f"{p[0]}." for p in [self.first_name, self.patronymic] if p)
        return f"{self.last_name} {initials}".strip() or self.username


class RoleAssignment(VersionedModel):
    """A user holds a role at a territory node (and below, unless limited)."""

    user = models.ForeignKey(
        User, verbose_name=_("пользователь"), on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("роль"), max_length=32, choices=access.role_choices)
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("территория"), on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    include_subtree = models.BooleanField(_("включая нижестоящие территории"), default=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("организация"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="role_assignments",
    )
    practices = models.JSONField(
        _("практики"), default=list, blank=True,
        help_text=_("Коды практик, в которых действует роль; пусто — практики роли по "
                    "умолчанию (у руководителя — все)."))
    valid_until = models.DateField(_("действует до"), null=True, blank=True)
    is_active = models.BooleanField(_("действует"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("назначение роли")
        verbose_name_plural = _("назначения ролей")
        ordering = ["user__last_name", "role"]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} — {self.territory}"

    @property
    def practice_labels(self) -> list[str]:
        """The practices the assignment covers, by name (empty: every practice)."""
        return access.practice_labels(
            access.covered_practices(self.practices, access.roles().get(self.role)))

    def get_absolute_url(self) -> str:
        return reverse("admin:accounts_roleassignment_change", args=[self.pk])


class ApiToken(models.Model):
    """A key for the REST API (decision 0015).

    Only the SHA-256 of the key is stored; the key itself is shown once, when it is issued.
    A token works until ``expires_at`` unless revoked by its owner or an administrator.
    """

    user = models.ForeignKey(
        User, verbose_name=_("пользователь"), on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    digest = models.CharField(_("отпечаток ключа (SHA-256)"), max_length=64, unique=True)
    prefix = models.CharField(_("начало ключа"), max_length=8,
                              help_text=_("Первые символы ключа, чтобы узнать его в списке."))
    created_at = models.DateTimeField(_("выпущен"), default=timezone.now)
    expires_at = models.DateTimeField(_("действует до"))
    last_used_at = models.DateTimeField(_("последнее использование"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("отозван"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("кем отозван"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("ключ API")
        verbose_name_plural = _("ключи API")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return _("Ключ %(prefix)s… (%(user)s)") % {"prefix": self.prefix,
                                                  "user": self.user.username}

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
