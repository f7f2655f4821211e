from django.db import models
from django.utils.translation import gettext_lazy as _


class UrgentService(models.TextChoices):
    """Typical urgent social services (442-ФЗ ст. 21)."""

    FOOD = "food", _("обеспечение бесплатным горячим питанием или наборами продуктов")
    CLOTHING = "clothing", _("обеспечение одеждой, обувью и другими предметами первой "
                             "необходимости")
    CASH = "cash", _("содействие в получении единовременной материальной помощи")
    HOUSING = "housing", _("содействие в получении временного жилого помещения")
    LEGAL = "legal", _("содействие в получении юридической помощи")
    PSYCHOLOGICAL = "psychological", _("экстренная психологическая помощь")
    OTHER = "other", _("иные срочные социальные услуги")
