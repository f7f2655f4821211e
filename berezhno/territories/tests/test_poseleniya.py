"""The поселение level (decision 0037): where nodes may sit, the bundled поселения of the
seed municipalities, and the data migration that brought them in."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from berezhno.core.context import acting_as
from berezhno.territories import services
from berezhno.territories.choices import Level
from berezhno.territories.loader import load_regions, load_territories
from berezhno.territories.models import Territory

migration = importlib.import_module("berezhno.territories.migrations.0002_poseleniya")

SEED_004 = ["Путиловское", "Лорис-Меликовское", "Князевское", "Черемновское", "Мангутское",
            "Налимовское", "Утинское", "Большепесчанское", "Кисляковское", "Искровское",
            "Жирновское"]
# The settlements of the bundled data whose поселение no source found (decision 0037).
UNPLACED = {"Называевский муниципальный район": {"Путь Социализма", "Лески", "Кабаново",
                                                  "Лебяжье", "Дурбет"}}


def _create(root, level, parent, name, kind=""):
    return services.territory_create(user=root, level=level, parent=parent, name=name,
                                     kind=kind)


@pytest.fixture
def tree(world):
    root = world.user("root")
    with acting_as("test"):
        district = _create(root, Level.MUNICIPALITY, world.region, "Крутинский район",
                           "муниципальный район")
        okrug = _create(root, Level.MUNICIPALITY, world.region, "Город Омск",
                        "городской округ")
        pos = _create(root, Level.POSELENIE, district, "Зиминское сельское поселение",
                      "сельское поселение")
    return root, district, okrug, pos


@pytest.mark.django_db
def test_a_settlement_of_a_municipal_district_sits_in_its_poselenie(tree):
    root, district, _okrug, pos = tree
    with acting_as("test"):
        village = _create(root, Level.SETTLEMENT, pos, "Зимино", "село")
    assert village.path == f"{pos.path}{village.pk}." and village.ancestor_ids()[1] == district.pk
    with pytest.raises(ValidationError) as exc:
        _create(root, Level.SETTLEMENT, district, "Шипуново", "село")
    assert "выберите поселение" in exc.value.message_dict["parent"][0]
    # nor can an existing one be moved out of its поселение to the district itself
    with pytest.raises(ValidationError):
        services.territory_move(user=root, territory=village, new_parent=district,
                                expected_version=village.version)


@pytest.mark.django_db
def test_an_urban_okrug_holds_settlements_and_no_poseleniya(tree):
    root, _district, okrug, _pos = tree
    with acting_as("test"):
        town = _create(root, Level.SETTLEMENT, okrug, "Омск", "город")
    assert town.parent == okrug
    with pytest.raises(ValidationError) as exc:
        _create(root, Level.POSELENIE, okrug, "Омское городское поселение")
    assert "В городском округе нет поселений" in exc.value.message_dict["parent"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("level,parent,expected", [
    (Level.POSELENIE, "region", "«Муниципальное образование»"),
    (Level.POSELENIE, "pos", "«Муниципальное образование»"),
    (Level.SETTLEMENT, "region", "«Поселение» или «Муниципальное образование»"),
    (Level.DISTRICT, "pos", "«Населённый пункт»"),
    (Level.MUNICIPALITY, "pos", "«Регион»"),
])
def test_every_level_has_its_parents(world, tree, level, parent, expected):
    root, *_rest, pos = tree
    node = pos if parent == "pos" else world.region
    with pytest.raises(ValidationError) as exc:
        _create(root, level, node, "Новая территория")
    assert expected in exc.value.message_dict["parent"][0]


@pytest.mark.django_db
def test_a_settlement_left_under_its_district_can_be_renamed_in_place(tree):
    """What the data migration could not place stays under the municipal district; it can
    still be renamed (the rule applies to placing a node, not to a rename)."""
    root, district, _okrug, _pos = tree
    legacy = Territory.objects.create(level=Level.SETTLEMENT, parent=district, name="Старое",
                                      path="")
    legacy.path = f"{district.path}{legacy.pk}."
    legacy.save(update_fields=["path"])
    with acting_as("test"):
        renamed = services.territory_update(user=root, territory=legacy, name="Новое",
                                            expected_version=legacy.version)
    assert renamed.name == "Новое" and renamed.parent == district


# --------------------------------------------------------------------------- bundled data


@pytest.mark.django_db
def test_the_bundled_poseleniya_of_the_seed_municipalities():
    load_territories()
    nazyv = Territory.objects.get(level=Level.MUNICIPALITY,
                                  name="Называевский муниципальный район")
    poseleniya = Territory.objects.filter(parent=nazyv, level=Level.POSELENIE)
    rural = {p.name for p in poseleniya if p.kind == "сельское поселение"}
    urban = [p for p in poseleniya if p.kind == "городское поселение"]
    assert len(rural) == 15 and len(urban) == 1
    assert {f"{name} сельское поселение" for name in SEED_004} <= rural
    assert urban[0].name == "Называевское городское поселение"
    assert urban[0].children.get().name == "Называевск"
    assert all(p.source for p in poseleniya)  # every one names where it comes from
    mangut = Territory.objects.get(parent=nazyv, level=Level.POSELENIE,
                                   name="Мангутское сельское поселение")
    assert {s.name for s in mangut.children.all()} == {"Мангут", "Котино", "Бузан",
                                                       "Мариинка", "Бостандык"}
    yugorsk = Territory.objects.get(level=Level.MUNICIPALITY, name="Город Югорск")
    assert yugorsk.kind == "городской округ"
    assert not yugorsk.children.filter(level=Level.POSELENIE).exists()
    assert yugorsk.children.get(level=Level.SETTLEMENT).name == "Югорск"
    belozersk = Territory.objects.get(level=Level.MUNICIPALITY,
                                      name="Белозерский муниципальный округ")
    former = belozersk.children.filter(level=Level.POSELENIE)
    assert former.count() == 6 and {p.kind for p in former} == {"территория бывшего поселения"}
    # Every path is the chain of ids, the поселение's included.
    for node in Territory.objects.filter(path__startswith=nazyv.path):
        chain = [node]
        while chain[-1].parent_id:
            chain.append(chain[-1].parent)
        assert node.path == "".join(f"{t.pk}." for t in reversed(chain))


def test_the_bundled_data_place_every_settlement_of_a_municipal_district():
    """A settlement of a municipal district is in a поселение, unless it is one of those
    decision 0037 lists as not placed; the seed districts are checked, the others carry no
    поселения yet."""
    for region in load_regions():
        for mun in region["municipalities"]:
            if not mun.get("poseleniya"):
                continue
            direct = {s["name"] for s in mun["settlements"]}
            if mun["kind"] == "municipal_district":
                assert direct == UNPLACED.get(mun["name"], set()), mun["name"]
            names = [p["name"] for p in mun["poseleniya"]]
            assert len(names) == len(set(names)) and all(p["source"] for p in
                                                          mun["poseleniya"])


# --------------------------------------------------------------------------- the migration


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_settlements_without_losing_anything():
    executor = MigrationExecutor(connection)
    before, after = [("territories", "0001_initial")], [("territories", "0002_poseleniya")]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("territories", "Territory")

        def node(level, parent, name, kind=""):
            t = old.objects.create(level=level, parent=parent, name=name, kind=kind, path="")
            t.path = f"{parent.path if parent else ''}{t.pk}."
            t.save()
            return t

        region = node(1, None, "Омская область")
        mun = node(2, region, "Называевский муниципальный район", "муниципальный район")
        village = node(3, mun, "Кисляки", "село")
        unplaced = node(3, mun, "Дурбет", "деревня")
        district = node(4, village, "Участок Кисляки")
        okrug = node(2, region, "Город Омск", "городской округ")
        city = node(3, okrug, "Омск", "город")
        ids = {t.pk for t in (region, mun, village, unplaced, district, okrug, city)}

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        new = {t.pk: t for t in Territory.objects.all()}
        assert ids <= set(new)  # nothing lost, every id kept
        pos = new[new[village.pk].parent_id]
        assert (pos.level, pos.name, pos.parent_id) == (
            Level.POSELENIE, "Кисляковское сельское поселение", mun.pk)
        assert pos.source.startswith("seed 004")
        assert new[village.pk].level == Level.SETTLEMENT and new[village.pk].version == 2
        assert new[district.pk].level == Level.DISTRICT
        assert new[district.pk].path == f"{region.pk}.{mun.pk}.{pos.pk}.{village.pk}.{district.pk}."
        # the municipality's prefix is unchanged, so a scope on it covers the same nodes
        assert new[district.pk].path.startswith(new[mun.pk].path)
        assert (new[unplaced.pk].parent_id, new[unplaced.pk].level) == (mun.pk, Level.SETTLEMENT)
        assert (new[city.pk].parent_id, new[city.pk].level) == (okrug.pk, Level.SETTLEMENT)
        assert Territory.objects.filter(parent_id=mun.pk, level=Level.POSELENIE).count() == 16
    finally:
        # A failure above must not leave this database on 0001 for the next tests.
        MigrationExecutor(connection).migrate(after)


@pytest.mark.django_db
def test_the_frozen_plan_matches_the_bundled_data():
    """The migration's plan was taken from regions.json; the two name the same поселения
    and settlements (a later change of the data would need a migration of its own)."""
    bundled = {(r["name"], m["name"]): [(p["name"], [s["name"] for s in p["settlements"]])
                                        for p in m["poseleniya"]]
               for r in load_regions() for m in r["municipalities"] if m.get("poseleniya")}
    frozen = {(r, m): [(name, settlements) for name, _k, _c, _s, settlements in poseleniya]
              for r, m, poseleniya in migration.PLAN}
    assert frozen == bundled


# --------------------------------------------------------------------------- API, directory


@pytest.mark.django_db
def test_the_api_creates_a_poselenie_and_checks_the_parent(client, world, tree):
    _root, district, okrug, _pos = tree
    client.force_login(world.user("admin"))
    url = reverse("territory-list")
    r = client.post(url, {"level": Level.POSELENIE, "parent": district.pk,
                          "name": "Новое сельское поселение", "kind": "сельское поселение",
                          "source": "Закон субъекта о границах"},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    assert (r.json()["level"], r.json()["parent"]) == (3, district.pk)
    assert r.json()["source"] == "Закон субъекта о границах"
    r = client.post(url, {"level": Level.SETTLEMENT, "parent": district.pk, "name": "Выселки"},
                    content_type="application/json")
    assert r.status_code == 400 and "выберите поселение" in r.json()["fields"]["parent"][0]
    r = client.post(url, {"level": Level.POSELENIE, "parent": okrug.pk, "name": "Омское"},
                    content_type="application/json")
    assert r.status_code == 400 and "нет поселений" in r.json()["fields"]["parent"][0]
    r = client.get(url, {"level": Level.POSELENIE, "parent": world.mun.pk})
    assert {t["id"] for t in r.json()["results"]} == {world.pos_town.pk, world.pos_village.pk}


@pytest.mark.django_db
def test_the_directory_names_the_poselenie_and_the_municipality(client, world):
    r = client.get(reverse("api-directory"), {"settlement": world.village.pk})
    (hit,) = r.json()
    assert (hit["settlement"], hit["poselenie"], hit["municipality"]) == (
        "Кисляки", "Кисляковское сельское поселение", "Называевский район")
    page = client.get(reverse("territories:directory"), {"settlement": world.village.pk})
    assert "(Кисляковское сельское поселение, Называевский район)" in page.content.decode()
