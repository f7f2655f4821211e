"""Russian names for generated data: correct gender forms of surnames and patronymics."""

import json
import random
from functools import cache
from pathlib import Path

from berezhno.core.text import snils_checksum

DATA_FILE = Path(__file__).parent / "data" / "names.json"


@cache
def _data() -> dict:
    with DATA_FILE.open(encoding="utf-8") as fh:
        data = json.load(fh)
    for key in ("male_names", "female_names", "surnames"):
        data[f"{key}_weights"] = [item.get("weight", 1) for item in data[key]]
    return data


def random_person_name(rng: random.Random, sex: str, surname_item: dict | None = None,
                       father: dict | None = None) -> tuple[str, str, str, dict, dict]:
    """(surname, name, patronymic, surname item, father's name item) for sex 'm' or 'f'."""
    d = _data()
    surname_item = surname_item or rng.choices(d["surnames"], d["surnames_weights"])[0]
    father = father or rng.choices(d["male_names"], d["male_names_weights"])[0]
    if sex == "m":
        first = rng.choices(d["male_names"], d["male_names_weights"])[0]["name"]
        patronymic = father["patronymic_m"]
        surname = surname_item["m"]
    else:
        first = rng.choices(d["female_names"], d["female_names_weights"])[0]["name"]
        patronymic = father["patronymic_f"]
        surname = surname_item["f"]
    return surname, first, patronymic, surname_item, father


def random_male_name_item(rng: random.Random) -> dict:
    d = _data()
    return rng.choices(d["male_names"], d["male_names_weights"])[0]


def random_snils(rng: random.Random, used: set[str] | None = None) -> str:
    """A valid random СНИЛС; with ``used``, one not in it (added to it): a СНИЛС is held by
    one record region-wide (decision 0019), and a million random numbers of nine digits
    would repeat some hundreds of times."""
    while True:
        number = f"{rng.randint(2_000_000, 999_999_999):09d}"
        snils = f"{number}{snils_checksum(number):02d}"
        if used is None:
            return snils
        if snils not in used:
            used.add(snils)
            return snils
