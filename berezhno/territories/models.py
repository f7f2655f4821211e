"""The territory tree, social districts and what streets they serve."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berezhno.core.models import VersionedModel
from berezhno.core.querysets import RestrictedQuerySet

from .choices import TIME_ZONES, Level


class Territory(VersionedModel):
    """A node of region → municipality → поселение → settlement → district, with a
    materialised path (decisions 0001, 0037). A settlement of an urban or a municipal
    okrug sits right under the municipality, so ``depth`` is not the level.

    ``path`` is the chain of primary keys from the root, each followed by a dot
    ("12.345.6789."), so "this node and everything below" is a prefix filter.
    """

    level = models.PositiveSmallIntegerField(_("уровень"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("вышестоящая территория"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="children",
    )
    name = models.CharField(_("наименование"), max_length=200)
    kind = models.CharField(
        _("тип"), max_length=60, blank=True,
        help_text=_("Например: муниципальный район, городской округ, сельское поселение, "
                    "село, деревня."),
    )
    path = models.CharField(_("путь"), max_length=255, db_index=True, editable=False)
    time_zone = models.CharField(_("часовой пояс"), max_length=40, choices=TIME_ZONES,
                                 default="Europe/Moscow")
    code = models.CharField(_("код (ОКТМО)"), max_length=20, blank=True)
    latitude = models.DecimalField(_("широта"), max_digits=9, decimal_places=6, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("долгота"), max_digits=9, decimal_places=6, null=True,
                                    blank=True)
    population = models.PositiveIntegerField(_("численность населения"), null=True, blank=True)
    is_remote = models.BooleanField(_("отдалённый"), default=False)
    is_active = models.BooleanField(_("действует"), default=True)
    source = models.TextField(
        _("источник"), blank=True,
        help_text=_("Нормативный акт или документ, по которому заведена территория, например "
                    "закон субъекта о границах муниципальных образований."))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("территория")
        verbose_name_plural = _("территории")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name", "level"],
                                    name="territory_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count(".")

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.split(".") if p]

    def label_with_parent(self) -> str:
        if self.parent is not None and self.level >= Level.SETTLEMENT:
            return f"{self.name} ({self.parent.name})"
        return self.name


class District(VersionedModel):
    """What a social district (a ``Territory`` of level district) publishes and who serves it."""

    territory = models.OneToOneField(
        Territory, verbose_name=_("территория участка"), on_delete=models.PROTECT,
        related_name="district", primary_key=True,
        limit_choices_to={"level": Level.DISTRICT},
    )
    number = models.CharField(_("номер участка"), max_length=20, blank=True)
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("участковый специалист"),
        on_delete=models.SET_NULL, null=True, blank=True, related_name="districts",
    )
    order_number = models.CharField(_("номер приказа о закреплении"), max_length=50, blank=True)
    order_date = models.DateField(_("дата приказа о закреплении"), null=True, blank=True)
    workplace_address = models.CharField(_("адрес рабочего места"), max_length=300, blank=True)
    phone = models.CharField(_("телефон"), max_length=20, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True)
    reception_schedule = models.TextField(_("график приёма граждан"), blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("учреждение"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="districts",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("социальный участок")
        verbose_name_plural = _("социальные участки")
        ordering = ["territory__path"]

    def __str__(self) -> str:
        return str(self.territory)


class Street(models.Model):
    """A street of a settlement, for addresses and the public directory."""

    settlement = models.ForeignKey(
        Territory, verbose_name=_("населённый пункт"), on_delete=models.CASCADE,
        related_name="streets", limit_choices_to={"level": Level.SETTLEMENT},
    )
    name = models.CharField(_("улица"), max_length=200)
    search_name = models.CharField(_("поисковое имя"), max_length=200, db_index=True,
                                   editable=False)

    class Meta:
        verbose_name = _("улица")
        verbose_name_plural = _("улицы")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["settlement", "name"], name="street_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class DistrictCoverage(models.Model):
    """A settlement (or one street of it) served by a district."""

    district = models.ForeignKey(
        District, verbose_name=_("участок"), on_delete=models.CASCADE, related_name="coverage"
    )
    settlement = models.ForeignKey(
        Territory, verbose_name=_("населённый пункт"), on_delete=models.CASCADE,
        related_name="covered_by", limit_choices_to={"level": Level.SETTLEMENT},
    )
    street = models.ForeignKey(
        Street, verbose_name=_("улица"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="covered_by", help_text=_("Пусто — весь населённый пункт."),
    )

    class Meta:
        verbose_name = _("обслуживаемая территория участка")
        verbose_name_plural = _("обслуживаемые территории участка")
        constraints = [
            models.UniqueConstraint(fields=["district", "settlement", "street"],
                                    name="coverage_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.settlement}{', ' + str(self.street) if self.street_id else ''}"
