"""Writes to the territory tree, districts and their coverage."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from berezhno.accounts import roles
from berezhno.accounts.permissions import can
from berezhno.core import audit
from berezhno.core.errors import DomainError, ErrorCode
from berezhno.core.models import ChangeAction
from berezhno.core.services import apply_fields, check_version, lock
from berezhno.core.text import normalize_name, normalize_phone

from .choices import PARENT_LEVEL, Level
from .models import District, DistrictCoverage, Street, Territory

TERRITORY_FIELDS = ("name", "kind", "time_zone", "code", "latitude", "longitude",
                    "population", "is_remote", "is_active")
DISTRICT_FIELDS = ("number", "specialist", "order_number", "order_date", "workplace_address",
                   "phone", "email", "reception_schedule", "organisation")


def _require(user, kind: str, action: str) -> None:
    if not can(user, kind, action):
        raise DomainError(_("Недостаточно прав для этого действия."), code=ErrorCode.FORBIDDEN)


def _validate_parent(level: int, parent: Territory | None) -> None:
    if level == Level.REGION:
        if parent is not None:
            raise ValidationError({"parent": [_("У региона не бывает вышестоящей территории.")]})
        return
    if parent is None or parent.level != PARENT_LEVEL[Level(level)]:
        raise ValidationError({"parent": [
            _("Вышестоящей территорией для уровня «%(level)s» должен быть уровень «%(parent)s».")
            % {"level": Level(level).label, "parent": PARENT_LEVEL[Level(level)].label}]})


@transaction.atomic
def territory_create(*, user, level: int, parent: Territory | None, data: dict) -> Territory:
    _require(user, roles.TERRITORY, roles.ADD)
    _validate_parent(level, parent)
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": [_("Укажите наименование.")]})
    if Territory.objects.filter(parent=parent, name=name, level=level).exists():
        raise ValidationError({"name": [_("Такая территория уже есть на этом уровне.")]})
    fields = {k: v for k, v in data.items() if k in TERRITORY_FIELDS}
    fields["name"] = name
    if parent is not None and "time_zone" not in data:
        fields["time_zone"] = parent.time_zone
    territory = Territory(level=level, parent=parent, path="", **fields)
    territory.save()
    territory.path = f"{parent.path if parent else ''}{territory.pk}."
    territory.save(update_fields=["path"])
    if level == Level.DISTRICT:
        District.objects.create(territory=territory)
    audit.record(user=user, obj=territory, action=ChangeAction.CREATE,
                 event_type="territory.created", summary=territory.name)
    return territory


@transaction.atomic
def territory_update(*, user, territory: Territory, data: dict,
                     expected_version: int | None) -> Territory:
    _require(user, roles.TERRITORY, roles.CHANGE)
    territory = lock(Territory, territory.pk)
    before = audit.snapshot(territory)
    check_version(territory, expected_version, TERRITORY_FIELDS, before)
    fields = {k: v for k, v in data.items() if k in TERRITORY_FIELDS}
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise ValidationError({"name": [_("Укажите наименование.")]})
        if Territory.objects.filter(parent=territory.parent, name=fields["name"],
                                    level=territory.level).exclude(pk=territory.pk).exists():
            raise ValidationError({"name": [_("Такая территория уже есть на этом уровне.")]})
    if apply_fields(territory, fields):
        territory.version += 1
        territory.save()
        audit.record(user=user, obj=territory, action=ChangeAction.UPDATE, before=before,
                     event_type="territory.changed", summary=territory.name)
    return territory


@transaction.atomic
def district_update(*, user, district: District, data: dict,
                    expected_version: int | None) -> District:
    """Save the public and assignment details of a district."""
    _require(user, roles.DISTRICT, roles.CHANGE)
    district = lock(District, district.pk)
    before = audit.snapshot(district)
    check_version(district, expected_version, DISTRICT_FIELDS, before)
    fields = {k: v for k, v in data.items() if k in DISTRICT_FIELDS}
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
