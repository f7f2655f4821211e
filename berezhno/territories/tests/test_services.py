"""Moving a territory: the level rule, no cycles, the subtree re-pathed in one UPDATE, access
following the move, audit rows; the same service behind the admin and the API."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from berezhno.accounts.models import User
from berezhno.core.context import acting_as
from berezhno.core.errors import ConflictError, DomainError
from berezhno.core.models import DomainEvent, ObjectChange
from berezhno.people.models import Person
from berezhno.territories import services
from berezhno.territories.choices import Level
from berezhno.territories.models import Territory
from berezhno.testing.fixtures import make_user


def tree() -> dict[int, tuple[int | None, str, int]]:
    return {t.pk: (t.parent_id, t.path, t.version) for t in Territory.objects.all()}


def audit_counts() -> tuple[int, int]:
    return ObjectChange.objects.count(), DomainEvent.objects.count()


def fresh(user: User) -> User:
    """The user as a new request loads them (scopes are cached per user object)."""
    return User.objects.get(pk=user.pk)


def visible(user: User) -> set[int]:
    return set(Person.objects.restrict(fresh(user), "view").values_list("pk", flat=True))


@pytest.fixture
def region2(world):
    with acting_as("test"):
        return services.territory_create(user=world.user("root"), level=Level.REGION,
                                         parent=None, name="Тюменская область")


@pytest.mark.django_db
def test_move_municipality_repaths_whole_subtree(world, region2):
    root = world.user("root")
    subtree = list(Territory.objects.filter(path__startswith=world.mun.path))
    assert len(subtree) == 7  # the municipality, two поселения, two settlements, two districts
    others = {t.pk: t.path for t in Territory.objects.exclude(path__startswith=world.mun.path)}
    moved = services.territory_move(user=root, territory=world.mun, new_parent=region2,
                                    expected_version=world.mun.version)
    assert moved.parent == region2 and moved.path == f"{region2.path}{world.mun.pk}."
    assert moved.version == world.mun.version + 1
    for node in subtree:
        node_now = Territory.objects.get(pk=node.pk)
        assert node_now.path == moved.path + node.path[len(world.mun.path):]
        assert node_now.path.startswith(region2.path)
        assert node_now.ancestor_ids()[:2] == [region2.pk, world.mun.pk]
    # nothing outside the subtree moved, the other municipality included
    assert {t.pk: t.path for t in Territory.objects.exclude(pk__in=[n.pk for n in subtree])
            } == others
    change = ObjectChange.objects.filter(object_id=world.mun.pk).latest("id")
    assert change.before["parent_id"] == world.region.pk
    assert change.after["parent_id"] == region2.pk and change.after["path"] == moved.path
    event = DomainEvent.objects.get(change=change)
    assert event.event_type == "territory.moved" and event.actor == root
    assert "Омская область" in event.summary and "Тюменская область" in event.summary


@pytest.mark.django_db
def test_moved_people_follow_their_territory(world, region2):
    """A head of the old region loses the people of the moved districts, a head of the new
    region gains them, the municipality's own head keeps them."""
    old_head = make_user("oldhead", "head", world.region, world.provider)
    new_head = make_user("newhead", "head", region2, world.provider)
    moved_people = {world.p1.pk, world.p2.pk}
    assert visible(old_head) == moved_people | {world.p3.pk}
    assert visible(new_head) == set()
    services.territory_move(user=world.user("root"), territory=world.mun, new_parent=region2,
                            expected_version=world.mun.version)
    assert visible(old_head) == {world.p3.pk}
    assert visible(new_head) == moved_people
    assert visible(world.user("head")) == moved_people
    assert visible(world.user("specialist")) == {world.p1.pk}


@pytest.mark.django_db
def test_subtree_is_repathed_in_one_update_whatever_its_size(world):
    root = world.user("root")
    with acting_as("test"):
        for i in range(20):
            services.territory_create(user=root, level=Level.DISTRICT, parent=world.village,
                                      name=f"Участок {i + 10}")
    with CaptureQueriesContext(connection) as ctx:
        services.territory_move(user=root, territory=world.village, new_parent=world.mun2,
                                expected_version=world.village.version)
    updates = [q["sql"] for q in ctx.captured_queries
               if q["sql"].startswith("UPDATE") and "territories_territory" in q["sql"]]
    assert len(updates) == 2  # the node itself, then all of its 20 districts at once
    assert Territory.objects.filter(path__startswith=f"{world.mun2.path}{world.village.pk}."
                                    ).count() == 21


@pytest.mark.django_db
@pytest.mark.parametrize("node,target", [("mun", "d1"), ("mun", "town"), ("town", "town"),
                                         ("town", "d1")])
def test_move_under_itself_or_a_descendant_is_refused(world, node, target):
    territory, parent = getattr(world, node), getattr(world, target)
    before, counts = tree(), audit_counts()
    with pytest.raises(ValidationError) as exc:
        services.territory_move(user=world.user("root"), territory=territory,
                                new_parent=parent, expected_version=territory.version)
    message = exc.value.message_dict["parent"][0]
    assert "подчинённая территория" in message and "замкнутый круг" in message
    assert tree() == before and audit_counts() == counts


@pytest.mark.django_db
@pytest.mark.parametrize("node,target,expected", [
    ("town", "region", "«Поселение» или «Муниципальное образование»"),  # under a region
    ("d1", "mun2", "«Населённый пункт»"),  # a district under a municipality
    ("mun", "other_town", "«Регион»"),  # a settlement of the other municipality
    ("mun", None, "«Регион»"),
    ("region", "region2", "У региона не бывает"),
])
def test_move_to_a_wrong_level_is_refused(world, region2, node, target, expected):
    territory = getattr(world, node)
    parent = region2 if target == "region2" else getattr(world, target) if target else None
    before, counts = tree(), audit_counts()
    with pytest.raises(ValidationError) as exc:
        services.territory_move(user=world.user("root"), territory=territory,
                                new_parent=parent, expected_version=territory.version)
    assert expected in exc.value.message_dict["parent"][0]
    assert tree() == before and audit_counts() == counts


@pytest.mark.django_db
def test_move_refused_for_a_stale_version_a_name_clash_or_without_the_right(world, region2):
    root = world.user("root")
    before, counts = tree(), audit_counts()
    with pytest.raises(ConflictError):
        services.territory_move(user=root, territory=world.mun, new_parent=region2,
                                expected_version=world.mun.version - 1 or 99)
    with acting_as("test"):
        services.territory_create(user=root, level=Level.SETTLEMENT, parent=world.mun2,
                                  name="Называевск")
    before, counts = tree(), audit_counts()
    with pytest.raises(ValidationError) as exc:
        services.territory_move(user=root, territory=world.town, new_parent=world.mun2,
                                expected_version=world.town.version)
    assert "уже есть" in exc.value.message_dict["name"][0]
    with pytest.raises(DomainError) as denied:
        services.territory_move(user=world.user("head"), territory=world.town,
                                new_parent=world.mun2, expected_version=world.town.version)
    assert denied.value.status == 403
    assert tree() == before and audit_counts() == counts


@pytest.mark.django_db
def test_update_without_moving_keeps_paths(world):
    before = tree()
    services.territory_update(user=world.user("root"), territory=world.town,
                              parent=world.pos_town, population=11000,
                              expected_version=world.town.version)
    after = tree()
    assert {pk: p for pk, (_, p, _) in after.items()} == {pk: p for pk, (_, p, _) in
                                                         before.items()}
    assert DomainEvent.objects.latest("id").event_type == "territory.changed"


# --------------------------------------------------------------------------- API and admin


@pytest.mark.django_db
def test_api_patch_parent_moves_through_the_service(client, world, region2):
    client.force_login(world.user("admin"))
    url = reverse("territory-detail", args=[world.mun.pk])
    r = client.patch(url, {"parent": world.town.pk, "version": world.mun.version},
                     content_type="application/json")
    assert r.status_code == 400 and "замкнутый круг" in r.json()["fields"]["parent"][0]
    r = client.patch(url, {"parent": world.mun2.pk, "version": world.mun.version},
                     content_type="application/json")
    assert r.status_code == 400 and "«Регион»" in r.json()["fields"]["parent"][0]
    assert Territory.objects.get(pk=world.d1.pk).path == world.d1.path
    r = client.patch(url, {"parent": region2.pk, "version": world.mun.version},
                     content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["path"] == f"{region2.path}{world.mun.pk}."
    assert Territory.objects.get(pk=world.d1.pk).path.startswith(r.json()["path"])
    assert DomainEvent.objects.latest("id").event_type == "territory.moved"
    r = client.patch(url, {"parent": world.region.pk, "version": world.mun.version},
                     content_type="application/json")
    assert r.status_code == 409  # the version moved on
    client.force_login(world.user("head"))
    r = client.patch(url, {"parent": world.region.pk, "version": world.mun.version + 1},
                     content_type="application/json")
    assert r.status_code == 403


def _admin_form(territory, **changes):
    data = {"name": territory.name, "kind": territory.kind, "time_zone": territory.time_zone,
            "code": territory.code, "parent": territory.parent_id or "",
            "is_active": "on" if territory.is_active else "",
            "loaded_version": territory.version}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_admin_moves_through_the_service(client, world, region2):
    client.force_login(world.user("admin"))
    url = reverse("admin:territories_territory_change", args=[world.mun.pk])
    before, counts = tree(), audit_counts()
    r = client.post(url, _admin_form(world.mun, parent=world.d1.pk))
    assert r.status_code == 200 and "замкнутый круг" in r.content.decode()
    r = client.post(url, _admin_form(world.mun, parent=world.town.pk))
    assert r.status_code == 200 and "замкнутый круг" in r.content.decode()
    r = client.post(url, _admin_form(world.mun, parent=region2.pk, loaded_version=99))
    assert r.status_code == 200 and "другой пользователь" in r.content.decode()
    assert tree() == before and audit_counts() == counts
    r = client.post(url, _admin_form(world.mun, parent=region2.pk))
    assert r.status_code == 302
    assert Territory.objects.get(pk=world.d1.pk).path == (
        f"{region2.path}{world.mun.pk}.{world.pos_town.pk}.{world.town.pk}.{world.d1.pk}.")
    change = ObjectChange.objects.filter(object_id=world.mun.pk).latest("id")
    assert change.actor == world.user("admin") and change.after["parent_id"] == region2.pk
    assert DomainEvent.objects.get(change=change).event_type == "territory.moved"


@pytest.mark.django_db
def test_admin_creates_through_the_service(client, world):
    client.force_login(world.user("admin"))
    url = reverse("admin:territories_territory_add")
    form = {"level": Level.DISTRICT, "parent": world.mun.pk, "name": "Участок 9",
            "time_zone": "Asia/Omsk", "is_active": "on"}
    r = client.post(url, form)
    assert r.status_code == 200 and "«Населённый пункт»" in r.content.decode()
    r = client.post(url, dict(form, parent=world.village.pk))
    assert r.status_code == 302
    created = Territory.objects.get(name="Участок 9")
    assert created.path == f"{world.village.path}{created.pk}."
    assert created.district is not None  # a district node gets its district record
    assert DomainEvent.objects.latest("id").event_type == "territory.created"
