"""Administration cannot escalate (decision 0016): the grant matrix in the API, the admin
and the services; the accounts of personal-data role holders closed to the administrator;
audit rows shown by record kind, denied by default. Real HTTP requests through the test
client; every refusal is checked to have changed nothing."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from berezhno.accounts import services
from berezhno.accounts.models import RoleAssignment, User
from berezhno.core import access, audit
from berezhno.core.context import acting_as
from berezhno.core.models import ChangeAction, DomainEvent, ObjectChange
from berezhno.people import services as people
from berezhno.testing.factories.accounts import PASSWORD
from berezhno.testing.fixtures import make_user
from berezhno.testing.matrix import ADMIN, HEAD, ROOT

pytestmark = pytest.mark.django_db


def _state():
    return (list(RoleAssignment.objects.order_by("pk").values_list(
                "pk", "user_id", "role", "territory_id", "include_subtree", "is_active")),
            ObjectChange.objects.count(), DomainEvent.objects.count())


def _grant_api(client, **data):
    return client.post(reverse("role-assignment-list"), data, content_type="application/json")


def _grant_admin(client, **data):
    return client.post(reverse("admin:accounts_roleassignment_add"),
                       {"include_subtree": "on", "is_active": "on", **data})


def _errors(response) -> str:
    return " ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>',
                               response.content.decode(), re.S))


# ------------------------------------------------------------------------ the grant matrix


def test_nobody_grants_a_role_to_themselves(client, world):
    """The administrator giving itself "head" on the region — the escalation the outside
    review found — is refused in the API and in the admin, with a Russian message."""
    admin_user = world.user(ADMIN)
    client.force_login(admin_user)
    before = _state()
    r = _grant_api(client, user=admin_user.pk, role="head", territory=world.region.pk)
    assert r.status_code == 400
    assert "самому себе" in r.json()["fields"]["user"][0]
    r = _grant_admin(client, user=admin_user.pk, role="head", territory=world.region.pk)
    assert r.status_code == 200
    assert "Выберите корректный вариант" in _errors(r)  # not even offered: see the form test
    assert _state() == before
    # Not even the superuser, and not as a harmless role either.
    client.force_login(world.user(ROOT))
    root = world.user(ROOT)
    r = _grant_api(client, user=root.pk, role="analyst", territory=world.region.pk)
    assert r.status_code == 400 and "самому себе" in r.json()["fields"]["user"][0]
    assert _state() == before


def test_own_assignments_are_read_only_in_the_user_page(client, world):
    """On one's own user page the role inline offers nothing, and a crafted inline row is
    not saved (the inline has no add permission for one's own account)."""
    admin_user = world.user(ADMIN)
    client.force_login(admin_user)
    page = client.get(reverse("admin:accounts_user_change", args=[admin_user.pk]))
    assert page.status_code == 200
    assert 'name="role_assignments-__prefix__-role"' not in page.content.decode()
    before = _state()
    r = client.post(reverse("admin:accounts_user_change", args=[admin_user.pk]), {
        "username": admin_user.username, "last_name": "Соколова", "first_name": "Ирина",
        "is_active": "on", "role_assignments-TOTAL_FORMS": "1",
        "role_assignments-INITIAL_FORMS": "0", "role_assignments-0-role": "head",
        "role_assignments-0-territory": world.region.pk,
        "role_assignments-0-include_subtree": "on", "role_assignments-0-is_active": "on"})
    assert r.status_code in (200, 302)
    assert not RoleAssignment.objects.filter(user=admin_user, role="head").exists()
    assert _state()[0] == before[0]


def test_a_role_outside_the_matrix_is_refused(client, world):
    """The administrator appoints no administrator; a head gives no analyst role."""
    client.force_login(world.user(ADMIN))
    target = world.user("no_role")
    before = _state()
    r = _grant_api(client, user=target.pk, role="admin", territory=world.region.pk)
    assert r.status_code == 400
    message = r.json()["fields"]["role"][0]
    assert "«Администратор системы» вы назначать не можете" in message
    assert "суперпользователь" in message
    r = _grant_admin(client, user=target.pk, role="admin", territory=world.region.pk)
    assert r.status_code == 200 and "вы назначать не можете" in _errors(r)
    client.force_login(world.user(HEAD))
    r = _grant_api(client, user=target.pk, role="analyst", territory=world.mun.pk)
    assert r.status_code == 400
    assert "Её назначают: Администратор системы" in r.json()["fields"]["role"][0]
    assert _state() == before


def test_a_role_outside_the_granters_subtree_is_refused(client, world):
    """The head of one municipality staffs it, not the next one; an assignment without
    its subtree gives only node-only roles at that node."""
    head, target = world.user(HEAD), world.user("no_role")
    client.force_login(head)
    before = _state()
    r = _grant_api(client, user=target.pk, role="district_specialist", territory=world.d3.pk)
    assert r.status_code == 400 and "вне вашей зоны доступа" in r.json()["fields"]["territory"][0]
    r = _grant_api(client, user=target.pk, role="district_specialist",
                   territory=world.region.pk)
    assert r.status_code == 400 and "вне вашей зоны доступа" in r.json()["fields"]["territory"][0]
    assert _state() == before
    node_head = make_user("nodehead", "head", world.town, world.provider)
    RoleAssignment.objects.filter(user=node_head).update(include_subtree=False)
    access.forget_grants(node_head)
    client.force_login(node_head)
    before = _state()
    r = _grant_api(client, user=target.pk, role="district_specialist", territory=world.d1.pk)
    assert r.status_code == 400 and "вне вашей зоны доступа" in r.json()["fields"]["territory"][0]
    r = _grant_api(client, user=target.pk, role="district_specialist",
                   territory=world.town.pk)
    assert r.status_code == 400 and "без нижестоящих" in r.json()["fields"]["territory"][0]
    assert _state() == before
    r = _grant_api(client, user=target.pk, role="district_specialist",
                   territory=world.town.pk, include_subtree=False)
    assert r.status_code == 201, r.content


def test_a_practice_outside_the_granters_is_refused(client, world):
    """The patrol's HQ gives patrol roles for the patrol only."""
    hq = make_user("hq", "patrol_hq", world.mun, world.provider)
    client.force_login(hq)
    target = world.user("no_role")
    before = _state()
    r = _grant_api(client, user=target.pk, role="patrol_member", territory=world.d1.pk,
                   practices=["family_dispatch"])
    assert r.status_code == 400
    assert "практиках вашего назначения" in r.json()["fields"]["territory"][0]
    r = _grant_api(client, user=target.pk, role="district_specialist", territory=world.d1.pk)
    assert r.status_code == 400 and "вы назначать не можете" in r.json()["fields"]["role"][0]
    assert _state() == before
    r = _grant_api(client, user=target.pk, role="patrol_member", territory=world.d1.pk)
    assert r.status_code == 201, r.content
    assert ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(RoleAssignment),
        object_id=r.json()["id"], actor=hq, action="create").exists()


def test_a_head_staffs_the_subtree(client, world):
    head, target = world.user(HEAD), world.user("no_role")
    client.force_login(head)
    r = _grant_api(client, user=target.pk, role="district_specialist", territory=world.d1.pk)
    assert r.status_code == 201, r.content
    assigned = RoleAssignment.objects.get(pk=r.json()["id"])
    assert (assigned.user, assigned.role, assigned.territory) == (target, "district_specialist",
                                                                   world.d1)
    # Roles without a row in the matrix for the head's role stay out (no user: add needed).
    assert client.post(reverse("user-list"), {"username": "x", "password": "y"},
                       content_type="application/json").status_code == 403


def test_users_without_grant_rights_get_403(client, world):
    client.force_login(world.user("specialist"))
    before = _state()
    r = _grant_api(client, user=world.user("no_role").pk, role="specialist",
                   territory=world.d1.pk)
    assert r.status_code == 403
    assert _state() == before


def test_whoever_set_the_password_gives_no_personal_data_role(client, world):
    """The administrator creates an account (so knows its password): it cannot then make
    that account a district specialist and log in as it; another administrator can."""
    client.force_login(world.user(ADMIN))
    r = client.post(reverse("user-list"), {
        "username": "puppet", "password": "Длинный-пароль-2026", "last_name": "Кукла",
        "first_name": "Ян"}, content_type="application/json")
    assert r.status_code == 201
    puppet = User.objects.get(username="puppet")
    before = _state()
    r = _grant_api(client, user=puppet.pk, role="district_specialist", territory=world.d1.pk)
    assert r.status_code == 400 and "задавали пароль" in r.json()["fields"]["user"][0]
    r = _grant_admin(client, user=puppet.pk, role="district_specialist",
                     territory=world.d1.pk)
    assert r.status_code == 200 and "задавали пароль" in _errors(r)
    assert _state() == before
    # A role without personal data is fine; and another administrator may staff it.
    assert _grant_api(client, user=puppet.pk, role="analyst",
                      territory=world.region.pk).status_code == 201
    other = make_user("admin2", "admin", world.region, world.provider)
    client.force_login(other)
    r = _grant_api(client, user=puppet.pk, role="district_specialist", territory=world.d1.pk)
    assert r.status_code == 201, r.content


def test_the_new_account_page_gives_no_personal_data_role(client, world):
    """Creating an account in the admin with a specialist's role in the same form: the
    creator sets the password, so the row is refused and nothing is created."""
    client.force_login(world.user(ADMIN))
    before = (User.objects.count(), _state())
    r = client.post(reverse("admin:accounts_user_add"), {
        "username": "newbie", "password1": "Длинный-пароль-2026",
        "password2": "Длинный-пароль-2026", "usable_password": "true",
        "role_assignments-TOTAL_FORMS": "1", "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-0-role": "district_specialist",
        "role_assignments-0-territory": world.d1.pk,
        "role_assignments-0-include_subtree": "on", "role_assignments-0-is_active": "on"})
    assert r.status_code == 200
    assert "задавали пароль" in r.content.decode()
    assert (User.objects.count(), _state()) == before


def test_the_admin_form_offers_only_grantable_roles_and_territories(client, world):
    local_admin = make_user("madmin", "admin", world.mun, world.provider)
    client.force_login(local_admin)
    body = client.get(reverse("admin:accounts_roleassignment_add")).content.decode()
    role_select = re.search(r'<select name="role"[^>]*>(.*?)</select>', body, re.S).group(1)
    assert 'value="district_specialist"' in role_select and 'value="head"' in role_select
    assert 'value="admin"' not in role_select
    found = client.post(reverse("admin:autocomplete"), {
        "app_label": "accounts", "model_name": "roleassignment", "field_name": "territory",
        "term": ""}).json()["results"]
    names = {row["text"] for row in found}
    assert "Называевский район" in names and "Участок 1" in names
    assert not names & {"Тарский район", "Тара — участок 1", "Омская область"}
    users = client.post(reverse("admin:autocomplete"), {
        "app_label": "accounts", "model_name": "roleassignment", "field_name": "user",
        "term": "madmin"}).json()["results"]
    assert users == []  # not oneself
    # A crafted territory out of the list is refused with the field's message.
    before = _state()
    r = _grant_admin(client, user=world.user("no_role").pk, role="specialist",
                     territory=world.d3.pk)
    assert r.status_code == 200 and "Выберите корректный вариант" in _errors(r)
    assert _state() == before


def test_an_assignment_outside_ones_rights_is_read_only(client, world):
    """Another administrator's assignment: the administrator appoints no administrator, so
    may neither change nor remove it (403, nothing changed); its own rights it manages."""
    other = make_user("admin3", "admin", world.mun, world.provider)
    theirs = RoleAssignment.objects.get(user=other)
    client.force_login(world.user(ADMIN))
    page = client.get(reverse("admin:accounts_roleassignment_change", args=[theirs.pk]))
    assert page.status_code == 200 and 'name="role"' not in page.content.decode()
    before = _state()
    r = client.post(reverse("admin:accounts_roleassignment_change", args=[theirs.pk]), {
        "role": "head", "territory": world.mun.pk, "include_subtree": "on",
        "is_active": "on"})
    assert r.status_code == 403
    r = client.post(reverse("admin:accounts_roleassignment_delete", args=[theirs.pk]),
                    {"post": "yes"})
    assert r.status_code == 403
    assert _state() == before
    # A specialist's assignment is the administrator's to change (through the service).
    spec = RoleAssignment.objects.get(user=world.user("specialist"))
    r = client.post(reverse("admin:accounts_roleassignment_change", args=[spec.pk]), {
        "role": "district_specialist", "territory": world.d2.pk, "include_subtree": "on",
        "is_active": "on", "loaded_version": spec.version})
    assert r.status_code == 302, _errors(r)
    spec.refresh_from_db()
    assert spec.territory == world.d2 and spec.version == 2
    change = ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(RoleAssignment), object_id=spec.pk,
        action="update").get()
    assert change.before["territory_id"] == world.d1.pk
    assert change.after["territory_id"] == world.d2.pk


def test_services_refuse_the_same(world):
    """The services are the one place: a call from code is checked like a request."""
    from django.core.exceptions import ValidationError

    admin_user = world.user(ADMIN)
    with acting_as("test"), pytest.raises(ValidationError) as exc:
        services.role_assign(user=admin_user, target=admin_user, role="head",
                             territory=world.region)
    assert set(exc.value.message_dict) == {"user"}
    theirs = make_user("admin4", "admin", world.mun, world.provider).role_assignments.get()
    with acting_as("test"), pytest.raises(ValidationError):
        services.role_assignment_delete(user=admin_user, assignment=theirs)
    assert RoleAssignment.objects.filter(pk=theirs.pk).exists()


# ------------------------------------------------------------------------ accounts


def test_the_administrator_cannot_take_over_a_head(client, world):
    """No password reset, no new login or e-mail, no deactivation or deletion of a holder
    of a personal-data role; the page is there to read."""
    head = world.user(HEAD)
    password = User.objects.get(pk=head.pk).password
    client.force_login(world.user(ADMIN))
    before = (_state(), list(User.objects.filter(pk=head.pk).values()))
    url = reverse("admin:auth_user_password_change", args=[head.pk])
    assert client.get(url).status_code == 403
    r = client.post(url, {"password1": "Захват-аккаунта-2026", "password2":
                          "Захват-аккаунта-2026", "usable_password": "true"})
    assert r.status_code == 403
    page = client.get(reverse("admin:accounts_user_change", args=[head.pk]))
    assert page.status_code == 200 and 'name="email"' not in page.content.decode()
    r = client.post(reverse("admin:accounts_user_change", args=[head.pk]), {
        "username": "head", "email": "attacker@example.org", "last_name": "Маркова",
        "is_active": "on", "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "0"})
    assert r.status_code == 403
    assert client.post(reverse("admin:accounts_user_delete", args=[head.pk]),
                       {"post": "yes"}).status_code == 403
    assert (_state(), list(User.objects.filter(pk=head.pk).values())) == before
    assert User.objects.get(pk=head.pk).password == password
    assert User.objects.get(pk=head.pk).check_password(PASSWORD)


def test_the_administrator_resets_the_password_of_a_manageable_account(client, world):
    """An account without personal-data roles: the reset works and is audited, so that
    the administrator may then not give that account a personal-data role."""
    target = world.user("no_role")
    client.force_login(world.user(ADMIN))
    r = client.post(reverse("admin:auth_user_password_change", args=[target.pk]), {
        "password1": "Новый-длинный-пароль-2026", "password2": "Новый-длинный-пароль-2026",
        "usable_password": "true", "set-password": "1"})
    assert r.status_code == 302
    assert User.objects.get(pk=target.pk).check_password("Новый-длинный-пароль-2026")
    event = DomainEvent.objects.get(event_type="user.password_set", object_id=target.pk)
    assert event.actor == world.user(ADMIN)
    assert "password" not in (event.change.after or {})
    r = _grant_api(client, user=target.pk, role="head", territory=world.mun.pk)
    assert r.status_code == 400 and "задавали пароль" in r.json()["fields"]["user"][0]


# ------------------------------------------------------------------------ audit rows


def _changes(client, **query):
    return client.get(reverse("change-log-list"), {"page_size": 200, **query}).json()["results"]


def test_the_administrator_sees_no_audit_row_of_personal_kinds(client, world):
    """Every change of a household, a person, a contact... is hidden from the
    administrator, also when the row names no person (a household without a head)."""
    spec = world.user("specialist")
    with acting_as("test"):
        household = people.household_create(user=spec, head=world.p1,
                                            name="Домохозяйство Головиных")
        audit.record(user=spec, obj=household, action=ChangeAction.UPDATE,
                     event_type="household.changed", person_id=None,
                     summary="без главы")
    headless = ObjectChange.objects.filter(person_id__isnull=True, content_type=(
        ContentType.objects.get_for_model(type(household)))).get()
    client.force_login(world.user(ADMIN))
    rows = _changes(client)
    personal = {f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.filter(
        app_label="people")}
    assert rows
    assert not {r["content_type"] for r in rows} & {p.split(".")[1] for p in personal}
    assert headless.pk not in {r["id"] for r in rows}
    page = client.get(reverse("core:audit"), {"view": "changes"}).content.decode()
    assert "Головиных" not in page and "Семёнова" not in page
    assert "Называевск" in page  # its territories' changes it does see
    # The head of the household's municipality sees both.
    client.force_login(world.user(HEAD))
    ids = {r["id"] for r in _changes(client)}
    assert headless.pk in ids
    assert ObjectChange.objects.filter(person_id=world.p1.pk).first().pk in ids


def test_rows_of_a_model_without_a_kind_are_the_superusers_only(client, world):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Операторы")
    with acting_as("test"):
        row = audit.record(user=world.user(ROOT), obj=group, action=ChangeAction.CREATE,
                           event_type="record.saved", summary="группа")
    assert access.kind_of(Group) is None
    for role in (ADMIN, HEAD):
        client.force_login(world.user(role))
        assert row.pk not in {r["id"] for r in _changes(client)}, role
    client.force_login(world.user(ROOT))
    assert row.pk in {r["id"] for r in _changes(client)}


def test_rows_follow_the_territory_of_their_record(client, world):
    """A head sees the changes of role assignments in the municipality, not of the next
    one, and keeps seeing a deleted one's rows (the snapshot's territory); the journal's
    filters still apply."""
    admin_user, head = world.user(ADMIN), world.user(HEAD)
    with acting_as("test"):
        near = services.role_assign(user=admin_user, target=world.user("no_role"),
                                    role="specialist", territory=world.d1)
        far = services.role_assign(user=admin_user, target=world.user("no_role"),
                                   role="specialist", territory=world.d3)
        services.role_assignment_delete(user=admin_user, assignment=near)
    ct = ContentType.objects.get_for_model(RoleAssignment)
    near_rows = set(ObjectChange.objects.filter(content_type=ct, object_id=near.pk)
                    .values_list("pk", flat=True))
    far_rows = set(ObjectChange.objects.filter(content_type=ct, object_id=far.pk)
                   .values_list("pk", flat=True))
    assert len(near_rows) == 2 and len(far_rows) == 1
    client.force_login(head)
    seen = {r["id"] for r in _changes(client)}
    assert near_rows <= seen and not far_rows & seen
    client.force_login(admin_user)
    seen = {r["id"] for r in _changes(client, user=admin_user.pk)}
    assert near_rows | far_rows <= seen
    assert {r["actor"] for r in _changes(client, user=admin_user.pk)} == {admin_user.pk}
    assert _changes(client, date_to="2000-01-01") == []
    client.force_login(head)
    rows = _changes(client, person=world.p1.pk)
    assert rows and {r["person_id"] for r in rows} == {world.p1.pk}


# ------------------------------------------------------------------------ the documents


def test_the_architecture_page_shows_the_grant_matrix():
    """docs/architecture.md carries the matrix as the registry has it; when this fails,
    paste the table below into the page."""
    from pathlib import Path

    from django.conf import settings

    table = grant_matrix_table()
    text = (Path(settings.BASE_DIR) / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert table in text, "docs/architecture.md must contain:\n" + table


def grant_matrix_table() -> str:
    """The grant matrix as the Markdown table of docs/architecture.md."""
    known = access.roles()
    lines = ["| role | reads personal data | may give (at its own node and below, within "
             "its practices) |", "|---|---|---|"]
    for code, given in access.grant_matrix().items():
        names = ", ".join(f"`{r}`" for r in known if r in given) or "—"
        personal = "yes" if access.role_sees_personal_data(known[code]) else "no"
        lines.append(f"| `{code}` | {personal} | {names} |")
    return "\n".join(lines)


def test_a_matrix_row_naming_an_undeclared_role_is_a_start_up_error():
    from berezhno.core.checks import registries_check

    access.allow_grant("head", "no_such_role")
    try:
        with pytest.raises(access.RegistryError):
            access.grant_matrix()
        assert [e.id for e in registries_check(None)] == ["berezhno.E004"]
    finally:
        access._grant_rights["head"].discard("no_such_role")
    assert "no_such_role" not in access.grant_matrix()["head"]
