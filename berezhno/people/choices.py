from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "f", _("женский")
    MALE = "m", _("мужской")
    UNKNOWN = "u", _("не установлен")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("на учёте")
    DECEASED = "deceased", _("умер")
    MOVED_OUT = "moved_out", _("выбыл")
    MERGED = "merged", _("объединён с другой записью")


class LegalBasis(models.TextChoices):
    NONE = "", _("нет")
    URGENT_HELP = "urgent_help", _("срочная социальная помощь (ст. 21 442-ФЗ)")
    SIGNAL = "signal", _("сигнал о гражданине, нуждающемся в помощи")


class Category(models.TextChoices):
    DISABILITY = "disability", _("инвалидность")
    LOW_INCOME = "low_income", _("малоимущий")
    LARGE_FAMILY = "large_family", _("многодетная семья")
    DISABLED_CHILD_FAMILY = "disabled_child_family", _("семья с ребёнком-инвалидом")
    HOMELESS = "homeless", _("без определённого места жительства")
    RELEASED_FROM_PRISON = "released_from_prison", _("освободившийся из мест лишения свободы")
    NON_CUSTODIAL = "non_custodial", _("осуждённый к наказанию без лишения свободы")
    SOP = "sop", _("социально опасное положение (СОП)")
    LONELY = "lonely", _("одиноко проживающий")
    RECENTLY_RETIRED = "recently_retired", _("недавно вышедший на пенсию")
    NEWLY_ARRIVED = "newly_arrived", _("вновь прибывший")


# Derived, never stored: shown and filtered like a category.
SENIOR = "senior"
SENIOR_LABEL = _("55+ (женщины от 55 лет, мужчины от 60 лет)")
SENIOR_AGE = {"f": 55, "m": 60}


class DisabilityGroup(models.TextChoices):
    I = "1", _("I группа")  # noqa: E741
    II = "2", _("II группа")
    III = "3", _("III группа")
    CHILD = "child", _("ребёнок-инвалид")


class Relation(models.TextChoices):
    HEAD = "head", _("глава домохозяйства")
    SPOUSE = "spouse", _("супруг(а)")
    PARTNER = "partner", _("сожитель(ница)")
    CHILD = "child", _("ребёнок")
    STEPCHILD = "stepchild", _("пасынок / падчерица")
    WARD = "ward", _("подопечный")
    PARENT = "parent", _("родитель")
    GRANDPARENT = "grandparent", _("бабушка / дедушка")
    GRANDCHILD = "grandchild", _("внук / внучка")
    SIBLING = "sibling", _("брат / сестра")
    GUARDIAN = "guardian", _("опекун / попечитель")
    OTHER_RELATIVE = "relative", _("другой родственник")
    OTHER = "other", _("не родственник")


class IncomeLevel(models.TextChoices):
    UNKNOWN = "", _("не указан")
    BELOW_MINIMUM = "below_minimum", _("ниже прожиточного минимума")
    BELOW_1_5 = "below_1_5", _("от 1 до 1,5 прожиточного минимума")
    ABOVE_1_5 = "above_1_5", _("выше 1,5 прожиточного минимума")


class HousingConditions(models.TextChoices):
    UNKNOWN = "", _("не указаны")
    GOOD = "good", _("удовлетворительные")
    POOR = "poor", _("неудовлетворительные")
    DILAPIDATED = "dilapidated", _("ветхое или аварийное жильё")
    NO_HOUSING = "none", _("нет жилья")


class ConsentPurpose(models.TextChoices):
    SOCIAL_SERVICE = "social_service", _(
        "Социальное обслуживание и социальное сопровождение (учёт, оценка нуждаемости, "
        "предоставление услуг)"
    )
    PARTNER_TRANSFER = "partner_transfer", _(
        "Передача сведений организациям-партнёрам для межведомственного взаимодействия"
    )
    SPECIAL_CATEGORY = "special_category", _(
        "Обработка сведений о состоянии здоровья (специальные категории персональных данных)"
    )
    NOTIFICATIONS = "notifications", _("Информирование по телефону, в мессенджерах и по почте")
    PHOTO = "photo", _("Фото- и видеофиксация")


# The purpose whose valid consent lets the system hold more than minimal identification.
REGISTRY_PURPOSE = ConsentPurpose.SOCIAL_SERVICE


class ContactChannel(models.TextChoices):
    VISIT = "visit", _("посещение на дому (патронаж)")
    CALL = "call", _("телефонный звонок")
    MESSENGER = "messenger", _("мессенджер")
    OFFICE = "office", _("приём в учреждении")
    DISTANCE = "distance", _("дистанционная консультация (видеосвязь)")
    STREET = "street", _("встреча на улице")
    GROUP_EVENT = "group_event", _("групповое мероприятие")


class NotifyChannel(models.TextChoices):
    """The channels a person may agree to be contacted by (the consent's channel part) and
    the notifications outbox sends over."""

    SMS = "sms", _("SMS")
    EMAIL = "email", _("электронная почта")
    MESSENGER = "messenger", _("мессенджер")
    CALL = "call", _("телефонный звонок")
    LETTER = "letter", _("письмо по почте")


class ContactPurpose(models.TextChoices):
    PATRONAGE = "patronage", _("патронаж, проверка условий жизни")
    INFORMATION = "information", _("информирование")
    PSYCHOLOGICAL = "psychological", _("психологическая поддержка")
    NEEDS = "needs", _("выявление потребностей")
    CONSULTATION = "consultation", _("консультация")
    DOCUMENTS = "documents", _("помощь с документами")
    CONSENT = "consent", _("оформление согласия")
    MONITORING = "monitoring", _("контроль исполнения")
    OTHER = "other", _("другое")


class DocumentType(models.TextChoices):
    PASSPORT = "passport", _("паспорт")
    SNILS = "snils", _("СНИЛС")
    BIRTH_CERTIFICATE = "birth_certificate", _("свидетельство о рождении")
    APPLICATION = "application", _("заявление")
    CONSENT = "consent", _("согласие на обработку персональных данных")
    MSE = "mse", _("справка МСЭ")
    IPRA = "ipra", _("ИПРА")
    MEDICAL = "medical", _("медицинский документ")
    INCOME = "income", _("справка о доходах")
    PHOTO = "photo", _("фотография")
    ACT = "act", _("акт обследования")
    OTHER = "other", _("другой документ")


# Document types that carry health data: special category, own permission, logged reads.
SENSITIVE_DOCUMENT_TYPES = {DocumentType.MSE, DocumentType.IPRA, DocumentType.MEDICAL}


class ShareKind(models.TextChoices):
    """What a territory asks of the one that holds a person's record (decision 0019)."""

    SHARE = "share", _("предоставить доступ")
    TRANSFER = "transfer", _("передать запись")


class ShareStatus(models.TextChoices):
    PENDING = "pending", _("ожидает решения")
    APPROVED = "approved", _("одобрен")
    REFUSED = "refused", _("отклонён")
    REVOKED = "revoked", _("доступ прекращён")
