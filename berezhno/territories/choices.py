from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """The levels of the territory tree, top down (decision 0037).

    The numbers order the levels (``level >= Level.SETTLEMENT`` is "a settlement or a
    district"); they are not the depth of a node: a settlement of an urban okrug sits
    right under the municipality, one of a municipal district under its поселение.
    """

    REGION = 1, _("Регион")
    MUNICIPALITY = 2, _("Муниципальное образование")
    POSELENIE = 3, _("Поселение")
    SETTLEMENT = 4, _("Населённый пункт")
    DISTRICT = 5, _("Социальный участок")


# The levels a node of each level may sit under. A settlement sits under its поселение,
# or right under a municipality that has none (an urban or a municipal okrug; see
# ``municipality_has_poseleniya``).
PARENT_LEVELS = {
    Level.MUNICIPALITY: (Level.REGION,),
    Level.POSELENIE: (Level.MUNICIPALITY,),
    Level.SETTLEMENT: (Level.POSELENIE, Level.MUNICIPALITY),
    Level.DISTRICT: (Level.SETTLEMENT,),
}

# The kinds of a municipality (``Territory.kind``) by the key the bundled data use.
MUNICIPALITY_KINDS = {
    "municipal_district": "муниципальный район", "urban_okrug": "городской округ",
    "city_okrug": "административный округ", "municipal_okrug": "муниципальный округ",
}
# Only a municipal district is made of поселения (131-ФЗ, art. 2); an okrug is not.
MUNICIPAL_DISTRICT = MUNICIPALITY_KINDS["municipal_district"]

# The kinds of a поселение. A former поселение of a municipal okrug (the Vologda districts
# became okrugs in 2022) is kept as a territorial division under the same level.
POSELENIE_KINDS = {
    "rural": "сельское поселение", "urban": "городское поселение",
    "former": "территория бывшего поселения",
}


def municipality_has_poseleniya(kind: str) -> bool:
    """Whether the settlements of a municipality of this kind belong to поселения."""
    return (kind or "").strip().lower() == MUNICIPAL_DISTRICT

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
