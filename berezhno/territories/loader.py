"""Loading the seed regions' real territories from the bundled reference file."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from berezhno.core.text import normalize_name

from .choices import MUNICIPALITY_KINDS, POSELENIE_KINDS, Level
from .models import Street, Territory

DATA_FILE = Path(__file__).parent / "data" / "regions.json"


def load_regions() -> list[dict]:
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(round(float(value), 6)))


@transaction.atomic
def load_territories(regions: list[dict] | None = None) -> dict[str, Territory]:
    """Create (or find) the region → municipality → поселение → settlement tree and streets.

    A municipality's ``poseleniya`` hold their settlements; its own ``settlements`` sit
    right under it: those of an okrug, and those of a municipal district whose поселение
    no source established (decision 0037 lists them). Every node may carry a ``source``.
    Bulk reference load: rows are created directly, like a migration; the tree itself is
    reference data without personal data. Returns settlements by
    "municipality/settlement" name.
    """
    settlements: dict[str, Territory] = {}
    for region in regions or load_regions():
        r = _node(Level.REGION, None, region["name"], "регион", region)
        for mun in region["municipalities"]:
            m = _node(Level.MUNICIPALITY, r, mun["name"],
                      MUNICIPALITY_KINDS.get(mun.get("kind"), ""), mun, tz=r.time_zone)
            places = [(m, st) for st in mun.get("settlements", [])]
            for pos in mun.get("poseleniya", []):
                p = _node(Level.POSELENIE, m, pos["name"],
                          POSELENIE_KINDS.get(pos.get("kind"), ""), pos, tz=r.time_zone)
                places += [(p, st) for st in pos.get("settlements", [])]
            for parent, st in places:
                s = _node(Level.SETTLEMENT, parent, st["name"], st.get("kind", ""), st,
                          tz=r.time_zone)
                settlements[f"{mun['name']}/{st['name']}"] = s
                Street.objects.bulk_create(
                    [Street(settlement=s, name=name, search_name=normalize_name(name))
                     for name in dict.fromkeys(st.get("streets", []))],
                    ignore_conflicts=True)
    return settlements


def _node(level, parent, name, kind, data, tz=None) -> Territory:
    node = Territory.objects.filter(level=level, parent=parent, name=name).first()
    if node is not None:
        return node
    node = Territory.objects.create(
        level=level, parent=parent, name=name, kind=kind, path="",
        time_zone=data.get("time_zone") or tz or "Europe/Moscow",
        latitude=_dec(data.get("lat")), longitude=_dec(data.get("lon")),
        population=data.get("population"), code=data.get("code", ""),
        source=data.get("source", ""),
    )
    node.path = f"{parent.path if parent else ''}{node.pk}."
    node.save(update_fields=["path"])
    return node
