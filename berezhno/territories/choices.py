from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    REGION = 1, _("Регион")
    MUNICIPALITY = 2, _("Муниципальное образование")
    SETTLEMENT = 3, _("Населённый пункт")
    DISTRICT = 4, _("Социальный участок")


PARENT_LEVEL = {Level.MUNICIPALITY: Level.REGION, Level.SETTLEMENT: Level.MUNICIPALITY,
                Level.DISTRICT: Level.SETTLEMENT}

TIME_ZONES = [
    ("Europe/Kaliningrad", _("Калининград (UTC+2)")),
    ("Europe/Moscow", _("Москва (UTC+3)")),
    ("Europe/Samara", _("Самара (UTC+4)")),
    ("Asia/Yekaterinburg", _("Екатеринбург, Югра (UTC+5)")),
    ("Asia/Omsk", _("Омск (UTC+6)")),
    ("Asia/Novosibirsk", _("Новосибирск (UTC+7)")),
    ("Asia/Krasnoyarsk", _("Красноярск (UTC+7)")),
    ("Asia/Irkutsk", _("Иркутск (UTC+8)")),
    ("Asia/Yakutsk", _("Якутск (UTC+9)")),
    ("Asia/Vladivostok", _("Владивосток (UTC+10)")),
    ("Asia/Magadan", _("Магадан (UTC+11)")),
    ("Asia/Kamchatka", _("Камчатка (UTC+12)")),
]
