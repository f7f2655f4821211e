from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    PROVIDER = "provider", _("Поставщик социальных услуг")
    PARTNER = "partner", _("Организация-партнёр")


class PartnerKind(models.TextChoices):
    POLICE = "police", _("Полиция (МВД)")
    HEALTH = "health", _("Здравоохранение")
    EDUCATION = "education", _("Образование")
    EMPLOYMENT = "employment", _("Центр занятости")
    GUARDIANSHIP = "guardianship", _("Органы опеки и попечительства")
    KDN = "kdn", _("КДН и ЗП")
    LOCAL_GOVERNMENT = "local_gov", _("Органы местного самоуправления")
    NGO = "ngo", _("НКО")
    CHURCH = "church", _("Религиозная организация")
    BUSINESS = "business", _("Бизнес")
    MEDIA = "media", _("СМИ")
    CULTURE = "culture", _("Культура")
    SPORT = "sport", _("Спорт")
    MFC = "mfc", _("МФЦ")
    OTHER = "other", _("Другое")
