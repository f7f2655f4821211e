"""The registries the apps contribute to: pages, API routes, menu entries, home panels,
record kinds and roles — and what each role gets from them."""

import pytest
from django.urls import reverse

from berezhno.accounts.models import RoleAssignment
from berezhno.core import access, registry
from berezhno.core.access import RegistryError


def _menu_codes(user) -> list[str]:
    return [item["code"] for item in registry.menu_for(user)]


@pytest.mark.django_db
def test_each_role_gets_the_menu_of_its_rights(world):
    assert _menu_codes(world.user("specialist")) == [
        "people", "add_person", "unidentified", "households", "share_requests", "cases", "worklist",
        "referrals", "board", "rights", "outbox", "sop", "district_bank", "indicators",
        "directory"]
    # The API's page is in the administrators' menu; the others find it in the profile.
    assert _menu_codes(world.user("partner")) == ["referrals", "directory"]
    assert _menu_codes(world.user("analyst")) == ["indicators", "directory"]
    assert _menu_codes(world.user("admin")) == ["indicators", "audit", "admin", "directory",
                                                "api"]
    assert "audit" in _menu_codes(world.user("head"))
    assert {"rights", "incidents"} <= set(_menu_codes(world.user("head")))
    assert "incidents" not in _menu_codes(world.user("specialist"))
    # The yard-only district specialist has no Family Dispatch board.
    assert "board" not in _menu_codes(world.user("specialist_yard"))
    assert "cases" in _menu_codes(world.user("specialist_yard"))
    # Nor the District service's special-attention bank.
    assert "district_bank" not in _menu_codes(world.user("specialist_yard"))


@pytest.mark.django_db
def test_the_page_shows_the_registered_menu(client, world):
    client.force_login(world.user("partner"))
    body = client.get(reverse("core:home")).content.decode()
    assert reverse("referrals:inbox") in body
    assert f'href="{reverse("people:list")}"' not in body
    assert f'href="{reverse("cases:list")}"' not in body


@pytest.mark.django_db
def test_home_panels_per_role(client, world):
    client.force_login(world.user("specialist_yard"))
    body = client.get(reverse("core:home")).content.decode()
    assert "Мои роли" in body and "Дворовый социальный менеджмент" in body
    assert "Найти гражданина" in body  # the registry's search panel
    client.force_login(world.user("analyst"))
    body = client.get(reverse("core:home")).content.decode()
    assert "Найти гражданина" not in body and "Мои роли" in body


@pytest.mark.django_db
def test_profile_lists_the_practices_of_each_role(client, world):
    client.force_login(world.user("specialist_yard"))
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "Дворовый социальный менеджмент" in body
    client.force_login(world.user("head"))
    assert "все практики" in client.get(reverse("accounts:profile")).content.decode()


@pytest.mark.django_db
def test_admin_assigns_a_role_for_practices(client, world):
    client.force_login(world.user("admin"))
    target = world.user("no_role")
    page = client.get(reverse("admin:accounts_roleassignment_add")).content.decode()
    assert "Семейная диспетчерская" in page and "Социальный патруль" in page
    r = client.post(reverse("admin:accounts_roleassignment_add"), {
        "user": target.pk, "role": "district_specialist", "territory": world.d1.pk,
        "include_subtree": "on", "is_active": "on", "practices": ["patrol", "yard"]})
    assert r.status_code == 302, r.content.decode()[:500]
    assert RoleAssignment.objects.get(user=target).practices == ["patrol", "yard"]
    r = client.post(reverse("admin:accounts_roleassignment_add"), {
        "user": target.pk, "role": "district_specialist", "territory": world.d1.pk,
        "is_active": "on", "practices": ["fishing"]})
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    assert RoleAssignment.objects.filter(user=target).count() == 1


def test_registries_refuse_contradicting_contributions():
    with pytest.raises(RegistryError):
        access.register_kind("person", "другое")
    with pytest.raises(RegistryError):
        access.register_role("head", "Другой руководитель")
    with pytest.raises(RegistryError):
        access.grant("head", person="fly")
    with pytest.raises(RegistryError):
        registry.register_pages("cases/", "berezhno.people.urls")
    # The same contribution again is harmless (an app may register a known practice).
    access.register_practice("yard", access._practices["yard"].label,
                             order=access._practices["yard"].order)


def test_every_scoped_model_has_a_registered_kind():
    known = set(access.kinds())
    for rule in access.scoped_models():
        assert rule.kind in known, rule.model
        if rule.practice is not None:
            assert rule.territory is not None, rule.model


@pytest.mark.django_db
def test_per_request_values_are_kept_on_the_lazy_request_user(world):
    """``request.user`` is a lazy proxy: what the engine keeps on it (the grants, whether
    persons are assigned by work) is read once per request, and dropped on demand."""
    from django.utils.functional import SimpleLazyObject

    from berezhno.accounts.models import User

    user = SimpleLazyObject(lambda: User.objects.get(pk=world.user("specialist").pk))
    calls = []

    def compute():
        calls.append(1)
        return 5

    assert access.memo(user, "probe", compute) == 5
    assert access.memo(user, "probe", compute) == 5
    assert calls == [1]
    access.forget_grants(user)
    assert access.memo(user, "probe", compute) == 5
    assert calls == [1, 1]


@pytest.mark.django_db
def test_person_list_api_reads_the_scope_once(client, world, django_assert_num_queries):
    """Session, user, assignments, the work-assignment check, count, page, ids, and the
    access log's one insert for the page: 8."""
    client.force_login(world.user("specialist"))
    client.get(reverse("person-list"))  # content types and the like cached
    with django_assert_num_queries(8):
        assert client.get(reverse("person-list")).status_code == 200


@pytest.mark.django_db
def test_home_panel_declares_whom_it_is_for(world):
    """Decision 0031: roles, the right and the practice of one of the user's own
    assignments; a right alone is enough only for a panel that names no role."""
    def panel(**who):
        return registry.HomePanel("x", registry.HOME_CARD, lambda request: None, **who)

    spec, yard, head = (world.user(k) for k in ("specialist", "specialist_yard", "head"))
    mine = panel(roles=("district_specialist",))
    assert mine.is_for(spec) and mine.is_for(yard) and not mine.is_for(head)
    by_right = panel(requires=("contact", "view"))
    assert by_right.is_for(head) and not by_right.is_for(world.user("partner"))
    in_practice = panel(roles=("district_specialist",), practice="family_dispatch")
    assert in_practice.is_for(spec) and not in_practice.is_for(yard)
    assert panel().is_for(world.user("no_role"))
    assert panel(roles=("admin",)).is_for(world.user("root"))
    assert not panel(roles=("head",)).is_for(world.user("root"))
