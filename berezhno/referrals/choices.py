from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("направлено, ожидает ответа")
    ACCEPTED = "accepted", _("принято партнёром")
    REJECTED = "rejected", _("отклонено партнёром")
    DONE = "done", _("исполнено, результат получен")
    WITHDRAWN = "withdrawn", _("отозвано")
