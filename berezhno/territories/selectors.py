"""Reads of the territory tree and the public directory of district specialists."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from berezhno.core.access import user_grants
from berezhno.core.text import normalize_name

from .choices import Level
from .models import District, DistrictCoverage, Street, Territory


def territory_tree() -> QuerySet:
    return Territory.objects.filter(is_active=True).order_by("path")


def settlements_public() -> QuerySet:
    """Settlements that some district serves: the public directory's choices."""
    return (Territory.objects.filter(level=Level.SETTLEMENT, is_active=True,
                                     pk__in=DistrictCoverage.objects.values("settlement_id"))
            .select_related("parent__parent").order_by("name"))


@dataclass
class DirectoryHit:
    settlement: Territory
    street: Street | None
    districts: list[District]

    @property
    def poselenie(self) -> Territory | None:
        """The settlement's поселение; none for a settlement of an okrug."""
        parent = self.settlement.parent
        return parent if parent is not None and parent.level == Level.POSELENIE else None

    @property
    def municipality(self) -> Territory | None:
        parent = self.settlement.parent
        return parent.parent if parent is not None and parent.level == Level.POSELENIE \
            else parent


def directory_lookup(*, settlement_id: int | None = None, query: str = "",
                     limit: int = 20) -> list[DirectoryHit]:
    """Districts serving a settlement or a typed settlement/street name (public, no login)."""
    coverage = DistrictCoverage.objects.select_related(
        "settlement__parent__parent", "street", "district__territory",
        "district__specialist")
    if settlement_id:
        rows = list(coverage.filter(settlement_id=settlement_id))
    else:
        text = normalize_name(query)
        if len(text) < 2:
            return []
        street_ids = Street.objects.filter(search_name__contains=text).values("pk")
        settlement_ids = Territory.objects.filter(level=Level.SETTLEMENT,
                                                  name__icontains=query.strip()).values("pk")
        street_settlements = Street.objects.filter(search_name__contains=text).values(
            "settlement_id")
        rows = list(coverage.filter(
            Q(settlement_id__in=settlement_ids) | Q(street_id__in=street_ids)
            | Q(settlement_id__in=street_settlements, street__isnull=True)
        )[:200])
        if not rows:
            # ё-insensitive settlement match for SQLite, where icontains is ASCII-only.
            matched = [t.pk for t in Territory.objects.filter(level=Level.SETTLEMENT)
                       .only("pk", "name") if text in normalize_name(t.name)][:50]
            rows = list(coverage.filter(settlement_id__in=matched))
    hits: dict[tuple[int, int | None], DirectoryHit] = {}
    for row in rows:
        key = (row.settlement_id, row.street_id)
        hit = hits.setdefault(key, DirectoryHit(row.settlement, row.street, []))
        hit.districts.append(row.district)
    return sorted(hits.values(), key=lambda h: (h.settlement.name,
                                                h.street.name if h.street else ""))[:limit]


@dataclass
class DirectoryPlace:
    """A place of the directory's map: a settlement (or a district with coordinates of its
    own) and the names of the districts serving it."""

    territory: Territory
    districts: list[str]


def directory_places() -> list[DirectoryPlace]:
    """The public directory's map: every served settlement that has coordinates, with its
    districts; a district territory with coordinates of its own is a place too. The
    territory data hold points only (outlines are derived: ``district_areas``, 0038)."""
    places: dict[int, DirectoryPlace] = {}
    rows = (DistrictCoverage.objects.filter(
        settlement__is_active=True, settlement__latitude__isnull=False,
        settlement__longitude__isnull=False)
        .select_related("settlement__parent", "district__territory")
        .order_by("settlement__name", "district__territory__name"))
    for row in rows:
        place = places.setdefault(row.settlement_id, DirectoryPlace(row.settlement, []))
        name = _district_name(row.district)
        if name not in place.districts:
            place.districts.append(name)
    for district in (District.objects.filter(territory__is_active=True,
                                             territory__latitude__isnull=False,
                                             territory__longitude__isnull=False)
                     .select_related("territory__parent")):
        places.setdefault(district.territory_id, DirectoryPlace(
            district.territory, [_district_name(district)]))
    return sorted(places.values(), key=lambda p: p.territory.name)


@dataclass
class DistrictArea:
    """What an approximate outline of a district goes round (decision 0038): the served
    settlements that have coordinates and, when it has one, the district's own point."""

    district: District
    name: str
    places: list[Territory]


def district_areas() -> list[DistrictArea]:
    """Every active district with its placed settlements (and its own point), for the
    directory's outlines. The territory data hold no boundaries: an outline drawn from these
    is the hull of the places, and says so."""
    areas: dict[int, DistrictArea] = {}
    rows = (DistrictCoverage.objects.filter(
        district__territory__is_active=True, settlement__is_active=True,
        settlement__latitude__isnull=False, settlement__longitude__isnull=False)
        .select_related("settlement", "district__territory")
        .order_by("settlement__name"))
    for row in rows:
        area = areas.setdefault(row.district_id, DistrictArea(
            row.district, _district_name(row.district), []))
        if all(p.pk != row.settlement_id for p in area.places):
            area.places.append(row.settlement)
    for area in areas.values():
        own = area.district.territory
        if own.latitude is not None and own.longitude is not None:
            area.places.append(own)
    return sorted(areas.values(), key=lambda a: a.name)


def _district_name(district: District) -> str:
    name = district.territory.name
    if district.number and district.number not in name:
        return f"{name} (№ {district.number})"
    return name


def home_territory(user) -> Territory | None:
    """The territory of the user's first active assignment: whose date and time zone are
    the user's (deadlines, ages and report periods are local dates)."""
    grants = user_grants(user) if getattr(user, "is_authenticated", False) else []
    if not grants:
        return None
    grant = grants[0]
    if grant.time_zone:
        # The grant was read with its territory's zone: a deferred instance as ``only()``
        # would give (other fields load on access), without a query on every page.
        return Territory.from_db(None, ["id", "path", "time_zone"],
                                 [grant.territory_id, grant.path, grant.time_zone])
    return Territory.objects.filter(pk=grant.territory_id).only("pk", "time_zone").first()


def home_point(user) -> tuple[float, float] | None:
    """Where the user works, for a map with nothing on it yet: the coordinates of the
    user's home territory or of its nearest ancestor that has them."""
    home = home_territory(user)
    if home is None:
        return None
    placed = [t for t in Territory.objects.filter(pk__in=home.ancestor_ids(),
                                                  latitude__isnull=False,
                                                  longitude__isnull=False)
              .only("pk", "path", "latitude", "longitude")]
    if not placed:
        return None
    nearest = max(placed, key=lambda t: t.path.count("."))
    return float(nearest.latitude), float(nearest.longitude)  # type: ignore[arg-type]

