"""Writes to the territory tree, districts and their coverage."""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from berezhno.core import audit
from berezhno.core.access import can
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.models import ChangeAction
from berezhno.core.services import apply_fields, check_version, lock, reject_unknown
from berezhno.core.text import normalize_name, normalize_phone

from . import roles
from .choices import MUNICIPALITY_KINDS, PARENT_LEVELS, Level, municipality_has_poseleniya
from .models import District, DistrictCoverage, Street, Territory

if TYPE_CHECKING:  # accounts is a sibling layer: only its types are used here
    from berezhno.accounts.models import Organisation, User


class TerritoryChanges(TypedDict, total=False):
    """The keyword arguments of ``territory_update``; a field left out stays as it is, and
    ``parent``, when given and different, moves the node."""

    name: str
    kind: str
    time_zone: str
    code: str
    latitude: Decimal | None
    longitude: Decimal | None
    population: int | None
    is_remote: bool
    is_active: bool
    source: str
    parent: Territory | None


class DistrictChanges(TypedDict, total=False):
    """The keyword arguments of ``district_update``; a field left out stays as it is."""

    number: str
    specialist: "User | None"
    order_number: str
    order_date: datetime.date | None
    workplace_address: str
    phone: str
    email: str
    reception_schedule: str
    organisation: "Organisation | None"


TERRITORY_FIELDS = tuple(k for k in TerritoryChanges.__annotations__ if k != "parent")
DISTRICT_FIELDS = tuple(DistrictChanges.__annotations__)


def _require(user, kind: str, action: str) -> None:
    if not can(user, kind, action):
        raise DomainError(_("Недостаточно прав для этого действия."), code=ErrorCode.FORBIDDEN)


def validate_placement(*, level: int, parent: Territory | None, name: str,
                       territory: Territory | None = None, placing: bool = True) -> None:
    """Where a territory may sit; every problem is reported at once.

    The tree is region → municipality → поселение → settlement → district (decision
    0037): a поселение sits under a municipal district (or, as a former поселение, under a
    municipal okrug), never under an urban okrug; a settlement sits under its поселение,
    or right under a municipality that has no поселения (an okrug) — never right under a
    municipal district; a district under a settlement. A region has no parent, a node
    never goes under itself or its own descendant, and its name is unique among the
    parent's children of its level. ``placing`` is false for a rename in place: then only
    the name is checked, so a settlement that the data migration could not place into a
    поселение can still be renamed before it is moved.
    """
    errors: dict[str, list[str]] = {}
    if territory is not None and parent is not None and (
            parent.pk == territory.pk or parent.path.startswith(territory.path)):
        errors["parent"] = [
            _("Нельзя перенести территорию «%(name)s» в «%(parent)s»: это она сама или её "
              "подчинённая территория, получился бы замкнутый круг.")
            % {"name": territory.name, "parent": parent.name}]
    elif placing:
        problem = parent_problem(level, parent)
        if problem:
            errors["parent"] = [problem]
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Укажите наименование.")]
    else:
        siblings = Territory.objects.filter(parent=parent, name=name, level=level)
        if territory is not None:
            siblings = siblings.exclude(pk=territory.pk)
        if siblings.exists():
            errors["name"] = [_("Такая территория уже есть на этом уровне.")]
    if errors:
        raise ValidationError(errors)


def parent_problem(level: int, parent: Territory | None) -> str:
    """Why ``parent`` cannot hold a node of ``level`` (Russian), or "" when it can."""
    if level == Level.REGION:
        return _("У региона не бывает вышестоящей территории.") if parent is not None else ""
    allowed = PARENT_LEVELS[Level(level)]
    if parent is None or parent.level not in allowed:
        if len(allowed) == 1:
            return (_("Вышестоящей территорией для уровня «%(level)s» должен быть уровень "
                      "«%(parent)s».")
                    % {"level": Level(level).label, "parent": Level(allowed[0]).label})
        return (_("Вышестоящей территорией для уровня «%(level)s» должен быть уровень "
                  "«%(first)s» или «%(second)s».")
                % {"level": Level(level).label, "first": Level(allowed[0]).label,
                   "second": Level(allowed[1]).label})
    kind = (parent.kind or "").strip().lower()
    if level == Level.POSELENIE and kind == MUNICIPALITY_KINDS["urban_okrug"]:
        return _("В городском округе нет поселений: населённые пункты городского округа "
                 "входят в него напрямую.")
    if (level == Level.SETTLEMENT and parent.level == Level.MUNICIPALITY
            and municipality_has_poseleniya(kind)):
        return _("Населённый пункт муниципального района входит в городское или сельское "
                 "поселение: выберите поселение вышестоящей территорией.")
    return ""


def _lock_nodes(*pks: int | None) -> dict[int, Territory]:
    """Lock the given nodes in primary-key order (no deadlock between two moves)."""
    wanted = sorted({pk for pk in pks if pk is not None})
    return {t.pk: t for t in Territory.objects.select_for_update().filter(pk__in=wanted)
            .order_by("pk")}


def _repath_subtree(old_prefix: str, new_prefix: str) -> int:
    """Replace the path prefix of every node below a moved one in a single UPDATE."""
    return Territory.objects.filter(path__startswith=old_prefix).update(path=Concat(
        models.Value(new_prefix), Substr("path", len(old_prefix) + 1),
        output_field=models.CharField()))


@transaction.atomic
def territory_create(*, user, level: int, parent: Territory | None, name: str, kind: str = "",
                     time_zone: str | None = None, code: str = "",
                     latitude: Decimal | None = None, longitude: Decimal | None = None,
                     population: int | None = None, is_remote: bool = False,
                     is_active: bool = True, source: str = "") -> Territory:
    """Create a node under ``parent`` (a region has none); ``time_zone`` defaults to the
    parent's (a region's to Moscow time)."""
    _require(user, roles.TERRITORY, roles.ADD)
    name = (name or "").strip()
    validate_placement(level=level, parent=parent, name=name)
    territory = Territory(level=level, parent=parent, path="", name=name, kind=kind,
                          code=code, latitude=latitude, longitude=longitude,
                          population=population, is_remote=is_remote, is_active=is_active,
                          source=source)
    # Without a zone of its own a node takes its parent's; a region, the model's default.
    if time_zone is None and parent is not None:
        time_zone = parent.time_zone
    if time_zone is not None:
        territory.time_zone = time_zone
    territory.save()
    territory.path = f"{parent.path if parent else ''}{territory.pk}."
    territory.save(update_fields=["path"])
    if level == Level.DISTRICT:
        District.objects.create(territory=territory)
    audit.record(user=user, obj=territory, action=ChangeAction.CREATE,
                 event_type="territory.created", summary=territory.name)
    return territory


@transaction.atomic
def territory_update(*, user, territory: Territory, expected_version: int | None,
                     **changes: Unpack[TerritoryChanges]) -> Territory:
    """Change the given fields of a territory (those left out stay as they are);
    ``parent``, when given and different, moves it with its whole subtree (see
    ``territory_move``)."""
    reject_unknown(changes, TerritoryChanges.__annotations__, "territory_update")
    _require(user, roles.TERRITORY, roles.CHANGE)
    new_parent = changes.get("parent")
    locked = _lock_nodes(territory.pk, new_parent.pk if new_parent is not None else None)
    territory = locked[territory.pk]
    before = audit.snapshot(territory)
    check_version(territory, expected_version, TERRITORY_FIELDS, before)
    fields: dict[str, Any] = {k: v for k, v in changes.items() if k in TERRITORY_FIELDS}
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
    moving = "parent" in changes and (
        new_parent.pk if new_parent else None) != territory.parent_id
    parent = territory.parent
    if moving:
        parent = locked[new_parent.pk] if new_parent is not None else None
    if moving or "name" in fields:
        validate_placement(level=territory.level, parent=parent, territory=territory,
                           name=fields.get("name", territory.name), placing=moving)
    changed = apply_fields(territory, fields)
    if not (changed or moving):
        return territory
    old_parent, old_path = territory.parent, territory.path
    if moving:
        territory.parent = parent
        territory.path = f"{parent.path if parent else ''}{territory.pk}."
    territory.version += 1
    territory.save()
    summary, event_type = territory.name, "territory.changed"
    if moving:
        _repath_subtree(old_path, territory.path)
        summary, event_type = _("%(name)s: из «%(old)s» в «%(new)s»") % {
            "name": territory.name, "old": old_parent.name if old_parent else "—",
            "new": parent.name if parent else "—"}, "territory.moved"
    audit.record(user=user, obj=territory, action=ChangeAction.UPDATE, before=before,
                 event_type=event_type, summary=summary)
    return territory


def territory_move(*, user, territory: Territory, new_parent: Territory | None,
                   expected_version: int | None) -> Territory:
    """Move a territory and everything below it under another parent, in one transaction.

    The node must fit under its new parent (``validate_placement``) and cannot go under
    itself or its own descendant. The rows are locked, the version checked, the paths of the whole
    subtree re-written in one UPDATE; access follows at once, since scopes are path
    prefixes: people of a moved district are seen by the users of the new parent and no
    longer by those of the old one.
    """
    return territory_update(user=user, territory=territory, parent=new_parent,
                            expected_version=expected_version)


@transaction.atomic
def district_update(*, user, district: District, expected_version: int | None,
                    **changes: Unpack[DistrictChanges]) -> District:
    """Save the given public and assignment details of a district (those left out stay as
    they are)."""
    reject_unknown(changes, DISTRICT_FIELDS, "district_update")
    _require(user, roles.DISTRICT, roles.CHANGE)
    district = lock(District, district.pk)
    before = audit.snapshot(district)
    check_version(district, expected_version, DISTRICT_FIELDS, before)
    fields: dict[str, Any] = dict(changes)
    errors = {}
    if fields.get("phone"):
        try:
            fields["phone"] = normalize_phone(fields["phone"])
        except ValidationError as exc:
            errors["phone"] = exc.messages
    specialist = fields.get("specialist", district.specialist)
    order_number = fields.get("order_number", district.order_number)
    order_date = fields.get("order_date", district.order_date)
    if specialist is not None and not (order_number and order_date):
        errors["order_number"] = [_("Для закрепления специалиста укажите номер и дату "
                                    "приказа.")]
    if errors:
        raise ValidationError(errors)
    old_specialist = district.specialist_id
    if apply_fields(district, fields):
        district.version += 1
        district.save()
        audit.record(user=user, obj=district, action=ChangeAction.UPDATE, before=before,
                     event_type=("district.specialist_assigned"
                                 if district.specialist_id != old_specialist
                                 else "district.saved"),
                     summary=str(district))
    return district


@transaction.atomic
def street_add(*, user, settlement: Territory, name: str) -> Street:
    _require(user, roles.TERRITORY, roles.CHANGE)
    name = (name or "").strip()
    if settlement.level != Level.SETTLEMENT:
        raise ValidationError({"settlement": [_("Улицы добавляются к населённому пункту.")]})
    if not name:
        raise ValidationError({"name": [_("Укажите название улицы.")]})
    street, _created = Street.objects.get_or_create(
        settlement=settlement, name=name, defaults={"search_name": normalize_name(name)})
    return street


@transaction.atomic
def coverage_set(*, user, district: District, settlement: Territory,
                 street: Street | None = None) -> DistrictCoverage:
    _require(user, roles.DISTRICT, roles.CHANGE)
    if settlement.level != Level.SETTLEMENT:
        raise ValidationError({"settlement": [_("Выберите населённый пункт.")]})
    if street is not None and street.settlement_id != settlement.pk:
        raise ValidationError({"street": [_("Улица не относится к этому населённому пункту.")]})
    coverage, _created = DistrictCoverage.objects.get_or_create(
        district=district, settlement=settlement, street=street)
    audit.record(user=user, obj=district, action=ChangeAction.UPDATE,
                 event_type="district.saved", summary=str(coverage))
    return coverage
