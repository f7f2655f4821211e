"""Reference data and administration against every kind of user: the API of territories,
districts, organisations, agreements, users and role assignments, and every route of the
Django admin (see ``berezhno.testing.matrix`` for what each row checks).

Reference data is not territorial (role assignments are): reading it needs the role's
"view" of the kind, creating its "add", changing its "change" (roles.py); everyone else
gets 403. The admin site is for the administrator role (and superusers), each model per
the role's actions; the other roles are sent to the admin login page.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from berezhno.accounts.models import Agreement, Organisation, RoleAssignment, User
from berezhno.assessments.models import Question, Questionnaire
from berezhno.cases.models import DeadlineRule, Problem, SubsistenceMinimum
from berezhno.core.models import AccessLog as CoreAccessLog
from berezhno.core.models import CalendarDay, DomainEvent, ObjectChange
from berezhno.territories.models import District, Street, Territory
from berezhno.testing.matrix import (
    ACTORS,
    ADMIN,
    ADMIN_LOGIN,
    ANALYST,
    ANON,
    HEAD,
    IN,
    LOGIN,
    OUT,
    PARTNER,
    PSY,
    ROOT,
    Case,
    assert_case,
    outcomes,
    pdf_upload,
)

TERRITORY_READERS = {IN, OUT, HEAD, ADMIN, ANALYST, PSY, PARTNER}  # territory, district
ORGANISATION_READERS = TERRITORY_READERS
AGREEMENT_READERS = {IN, OUT, HEAD, ADMIN, ANALYST, PSY}  # not the partner, not the agent
USER_READERS = {HEAD, ADMIN}
MANAGERS = {ADMIN}
AUDITORS = {HEAD, ADMIN}


def ref(name, allowed, ok=200, **kw) -> Case:
    extra = kw.pop("extra", None)
    return Case(name, outcomes(allowed, ok, denied=403, anon=403, extra=extra), body="json",
                **kw)


REFERENCE_CASES = [
    ref("territory-list", TERRITORY_READERS),
    ref("territory-list", MANAGERS, 201, method="post",
        data=lambda s: {"level": 3, "parent": s.pk("mun"), "name": "Новое село"}),
    ref("territory-detail", TERRITORY_READERS, args=("town",)),
    ref("territory-detail", MANAGERS, method="patch", args=("town",),
        data=lambda s: {"population": 12000, "version": s.version("town")}),
    ref("territory-detail", MANAGERS, method="patch", args=("town",), label="move",
        data=lambda s: {"parent": s.world.mun2.pk, "version": s.version("town")}),
    ref("district-list", TERRITORY_READERS),
    ref("district-detail", TERRITORY_READERS, args=("district",)),
    ref("district-detail", MANAGERS, method="patch", args=("district",),
        data=lambda s: {"phone": "+73816121102", "version": s.version("district")}),
    ref("organisation-list", ORGANISATION_READERS),
    ref("organisation-list", MANAGERS, 201, method="post",
        data={"kind": "partner", "partner_kind": "ngo", "name": "АНО «Опора»"}),
    ref("organisation-detail", ORGANISATION_READERS, args=("partner_org",)),
    ref("organisation-detail", MANAGERS, method="patch", args=("partner_org",),
        data=lambda s: {"phone": "+73816100000", "version": s.version("partner_org")}),
    ref("agreement-list", AGREEMENT_READERS),
    ref("agreement-list", MANAGERS, 201, method="post",
        data=lambda s: {"organisation": s.pk("partner_org"), "number": "8-С",
                        "date": "2026-02-01", "subject": "Совместные рейды"}),
    Case("agreement-upload-file", outcomes(MANAGERS, 200, denied=403, anon=403),
         method="post", args=("agreement",),
         data=lambda s: {"file": pdf_upload("agreement.pdf"),
                         "version": s.version("agreement")}),
    ref("agreement-detail", AGREEMENT_READERS, args=("agreement",)),
    ref("agreement-detail", MANAGERS, method="patch", args=("agreement",),
        data=lambda s: {"subject": "Обмен сведениями о семьях и детях",
                        "version": s.version("agreement")}),
    ref("user-list", USER_READERS),
    ref("user-list", MANAGERS, 201, method="post",
        data={"username": "novikov", "password": "Длинный-пароль-2026", "last_name": "Новиков",
              "first_name": "Ян"}),
    ref("user-detail", USER_READERS, args=("spec_user",)),
    ref("role-assignment-list", USER_READERS),
    # The head may give roles too (the grant matrix), but not the analyst's: 400 with why.
    ref("role-assignment-list", MANAGERS, 201, method="post", extra={HEAD: 400},
        data=lambda s: {"user": s.pk("no_role_user"), "role": "analyst",
                        "territory": s.pk("mun")}),
    ref("role-assignment-detail", USER_READERS, args=("spec_assignment",)),
    # An assignment in the other municipality: out of the head's scope, so missing for him.
    ref("role-assignment-detail", USER_READERS, args=("far_assignment",), label="far",
        extra={HEAD: 404}),
]

# --------------------------------------------------------------------------- the admin

ADMIN_ACTORS = (*ACTORS, ROOT)
SITE = {ADMIN, ROOT}  # who gets into /admin/ at all
# Our admin models and the scene record each one's object pages use.
OURS = {Organisation: "partner_org", Agreement: "agreement", User: "spec_user",
        RoleAssignment: "spec_assignment", Territory: "town", District: "district",
        Street: "street", CalendarDay: "calendar_day", Problem: "problem_fuel",
        DeadlineRule: "deadline_decision", SubsistenceMinimum: "subsistence_min",
        Questionnaire: "questionnaire_fd", Question: "question_fd"}


def site(allowed, ok=200, *, denied=ADMIN_LOGIN, actors=ADMIN_ACTORS, **kw) -> Case:
    """An admin page: outside the site the admin login page; inside, ``ok`` or 403."""
    extra = kw.pop("extra", None)
    table = outcomes(allowed, ok, denied=denied, anon=ADMIN_LOGIN, extra=extra, actors=actors)
    for actor in SITE & set(actors) - set(allowed):
        table.setdefault(actor, 403)
        if table[actor] == ADMIN_LOGIN:
            table[actor] = 403
    return Case(kw.pop("name"), table, **kw)


# The account of a holder of a personal-data role (spec_user, a district specialist): the
# administrator sees it, but neither changes nor deletes it, nor sets its password
# (decision 0016).
PROTECTED = {User}


def _model_cases(model, key: str | None) -> list[Case]:
    opts = model._meta
    base = f"admin:{opts.app_label}_{opts.model_name}"
    ours = model in OURS
    allowed = SITE if ours else {ROOT}
    actors = ADMIN_ACTORS if ours else ACTORS  # third-party pages are Django's business
    obj = (lambda s: s.pk(key)) if key else None
    prefix = f"admin/{opts.app_label}/{opts.model_name}/"
    protected = {ADMIN: 403} if model in PROTECTED else None
    return [
        site(allowed, name=f"{base}_changelist", actors=actors),
        site(allowed, name=f"{base}_add", actors=actors),
        site(allowed, name=f"{base}_change", args=(obj,), actors=actors),
        site(allowed, name=f"{base}_history", args=(obj,), actors=actors),
        site(allowed, name=f"{base}_delete", args=(obj,), actors=actors, extra=protected),
        # the bare object URL redirects to its change page, for anyone inside the site
        site(SITE, 302, name=prefix + "<path:object_id>/", actors=actors,
             path=lambda s, p=prefix: f"/{p}{obj(s)}/"),
    ]


def _admin_object_key(model) -> str:
    return OURS.get(model) or f"third_party:{model._meta.label}"


ADMIN_CASES = [case for model in admin.site._registry
               for case in _model_cases(model, _admin_object_key(model))]
ADMIN_CASES += [
    site(SITE, name="admin:index"),
    site(SITE, 302, name="admin:login", denied=200, extra={ANON: 200}),
    # out of the site the logout goes back to /admin/; inside, to the login (settings)
    site(SITE, LOGIN, name="admin:logout", method="post", denied=302, extra={ANON: 302},
         writes=False),
    site(SITE, name="admin:password_change"),
    site(SITE, name="admin:password_change_done"),
    site(SITE, name="admin:jsi18n"),
    # The typed term travels in the body (decision 0023); a GET carrying one is refused.
    site(SITE, name="admin:autocomplete", method="post", writes=False,
         data={"app_label": "accounts", "model_name": "roleassignment",
               "field_name": "territory", "term": "Наз"}),
    site(SITE, 302, name="admin:view_on_site", args=(
        lambda s: ContentType.objects.get_for_model(RoleAssignment).pk, "spec_assignment")),
    site(SITE, name="admin:app_list", args=(lambda s: "accounts",)),
    site(SITE, name="admin:app_list", args=(lambda s: "territories",), label="territories"),
    site({ROOT}, name="admin:app_list", args=(lambda s: "axes",), label="axes",
         extra={ADMIN: 404}),
    site(SITE, 404, name="admin/(?P<url>.*)$", path=lambda s: "/admin/no-such-page/"),
    site(SITE, name="admin:auth_user_password_change", args=("spec_user",),
         extra={ADMIN: 403}),
    site(SITE, name="admin:auth_user_password_change", args=("no_role_user",),
         label="manageable"),
    site(SITE, 302, name="admin:auth_user_password_change", method="post",
         args=("no_role_user",), label="manageable",
         data={"password1": "Новый-длинный-пароль-2026", "password2": "Новый-длинный-пароль-2026",
               "usable_password": "true", "set-password": "1"}),
    site(SITE, name="admin:accounts_user_delete", args=("no_role_user",), label="manageable"),
    # writes through the admin: audited for the administrator, refused for the rest
    site(SITE, 302, name="admin:accounts_organisation_change", method="post",
         args=("partner_org",), label="save",
         data=lambda s: {"kind": "partner", "partner_kind": "police", "is_active": "on",
                         "name": "ОМВД России по Называевскому району",
                         "loaded_version": s.version("partner_org"),
                         "departments-TOTAL_FORMS": "1", "departments-INITIAL_FORMS": "0",
                         "departments-0-name": "Отдел участковых"}),
    site(SITE, 302, name="admin:accounts_user_change", method="post", args=("spec_user",),
         label="save", extra={ADMIN: 403},
         data=lambda s: {"username": "spec1", "last_name": "Белова", "first_name": "Анна",
                         "patronymic": "Ивановна", "is_active": "on",
                         "role_assignments-TOTAL_FORMS": "1",
                         "role_assignments-INITIAL_FORMS": "0",
                         "role_assignments-0-role": "specialist",
                         "role_assignments-0-territory": s.pk("mun"),
                         "role_assignments-0-include_subtree": "on",
                         "role_assignments-0-is_active": "on"}),
    site(SITE, 302, name="admin:accounts_user_change", method="post",
         args=("no_role_user",), label="manageable",
         data=lambda s: {"username": "norole", "last_name": "Тестова", "first_name": "Анна",
                         "is_active": "on", "role_assignments-TOTAL_FORMS": "1",
                         "role_assignments-INITIAL_FORMS": "0",
                         "role_assignments-0-role": "specialist",
                         "role_assignments-0-territory": s.pk("mun"),
                         "role_assignments-0-include_subtree": "on",
                         "role_assignments-0-is_active": "on"}),
    site(SITE, 302, name="admin:territories_territory_add", method="post", label="save",
         data=lambda s: {"level": 3, "parent": s.pk("mun"), "name": "Новое село",
                         "time_zone": "Asia/Omsk", "is_active": "on"}),
    site(SITE, 302, name="admin:accounts_roleassignment_add", method="post", label="save",
         data=lambda s: {"user": s.pk("no_role_user"), "role": "analyst",
                         "territory": s.pk("mun"), "include_subtree": "on",
                         "is_active": "on"}),
    site(SITE, 302, name="admin:accounts_agreement_add", method="post", label="save",
         data=lambda s: {"organisation": s.pk("partner_org"), "number": "10-С",
                         "date": "2026-02-01", "subject": "Совместные рейды",
                         "is_active": "on", "file": pdf_upload("agreement.pdf")}),
    site(SITE, 302, name="admin:accounts_organisation_delete", method="post",
         args=(lambda s: s.pk("spare_org"),), label="save", data={"post": "yes"}),
]


@pytest.fixture
def admin_scene(scene):
    """Records of the third-party admin models, so their object pages exist."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_tasks_db.models import DBTaskResult

    seen = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "spec1",
            "http_accept": "*/*", "path_info": "/accounts/login/"}
    made = {
        Group: Group.objects.create(name="Операторы"),
        AccessAttempt: AccessAttempt.objects.create(get_data="", post_data="",
                                                    failures_since_start=1, **seen),
        AccessLog: AccessLog.objects.create(**seen),
        AccessFailureLog: AccessFailureLog.objects.create(**seen),
        DBTaskResult: DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}}, task_path="berezhno.tasks.noop",
            backend_name="default", run_after=timezone.now(), exception_class_path="",
            traceback=""),
    }
    for model in admin.site._registry:
        if model in OURS:
            continue
        obj = made.get(model)
        assert obj is not None, f"no record for the admin of {model._meta.label}"
        scene.objects[_admin_object_key(model)] = obj
    scene.objects["spare_org"] = Organisation.objects.create(kind="partner",
                                                             name="Закрытый фонд")
    scene.objects["calendar_day"] = CalendarDay.objects.get(date=datetime.date(2026, 1, 9))
    scene.objects["problem_fuel"] = Problem.objects.get(code="fuel")
    scene.objects["deadline_decision"] = DeadlineRule.objects.get(code="decision")
    scene.objects["subsistence_min"] = SubsistenceMinimum.objects.create(
        region=scene.world.region, year=2026, per_capita=16000)
    scene.objects["questionnaire_fd"] = Questionnaire.objects.get(code="family_diagnostics")
    scene.objects["question_fd"] = scene.objects["questionnaire_fd"].questions.first()
    return scene


@pytest.mark.django_db
@pytest.mark.parametrize("case", REFERENCE_CASES, ids=[c.id for c in REFERENCE_CASES])
def test_reference_api_matrix(scene, case):
    assert_case(case, scene)


@pytest.mark.django_db
@pytest.mark.parametrize("case", ADMIN_CASES, ids=[c.id for c in ADMIN_CASES])
def test_admin_matrix(admin_scene, case):
    assert_case(case, admin_scene)


def test_no_personal_data_in_the_admin():
    """Decision 0004: the registry is never in the admin, so every read is scoped and logged;
    nor is the audit trail that names people (the production calendar of core names no one,
    decision 0005)."""
    labels = {m._meta.app_label for m in admin.site._registry}
    assert "people" not in labels
    core = {m for m in admin.site._registry if m._meta.app_label == "core"}
    assert core == {CalendarDay}
    assert not {ObjectChange, DomainEvent, CoreAccessLog} & core


# --------------------------------------------------------------------------- specifics


@pytest.mark.django_db
def test_role_assignments_are_scoped_for_the_head(client, scene):
    client.force_login(scene.users[HEAD])
    rows = client.get(reverse("role-assignment-list")).json()["results"]
    in_mun = {scene.world.mun.pk, scene.world.d1.pk, scene.world.d2.pk, scene.world.town.pk}
    assert rows and {r["territory"] for r in rows} <= in_mun
    far_user = scene.objects["far_assignment"].user
    data = client.get(reverse("user-detail", args=[far_user.pk])).json()
    assert data["role_assignments"] == []  # the user, yes; his assignment elsewhere, no
    client.force_login(scene.users[ADMIN])
    data = client.get(reverse("user-detail", args=[far_user.pk])).json()
    assert [r["territory"] for r in data["role_assignments"]] == [scene.world.d3.pk]


@pytest.mark.django_db
def test_roles_are_granted_only_within_the_administrators_territory(client, world):
    """An administrator of the municipality cannot give roles in the next one, in the API or
    in the admin; nothing is saved."""
    from berezhno.testing.fixtures import make_user

    local_admin = make_user("madmin", "admin", world.mun, world.provider)
    client.force_login(local_admin)
    count, changes = RoleAssignment.objects.count(), ObjectChange.objects.count()
    r = client.post(reverse("role-assignment-list"), {
        "user": world.user("no_role").pk, "role": "head", "territory": world.mun2.pk},
        content_type="application/json")
    assert r.status_code == 400
    assert "вне вашей зоны доступа" in r.json()["fields"]["territory"][0]
    r = client.post(reverse("admin:accounts_roleassignment_add"), {
        "user": world.user("no_role").pk, "role": "head", "territory": world.mun2.pk,
        "include_subtree": "on", "is_active": "on"})
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    assert (RoleAssignment.objects.count(), ObjectChange.objects.count()) == (count, changes)
    r = client.post(reverse("role-assignment-list"), {
        "user": world.user("no_role").pk, "role": "head", "territory": world.mun.pk},
        content_type="application/json")
    assert r.status_code == 201


@pytest.mark.django_db
def test_administrator_cannot_become_superuser(client, world):
    """The administrator role manages users but not Django's own flags, nor superusers."""
    admin_user, target, root = world.user(ADMIN), world.user("no_role"), world.user(ROOT)
    client.force_login(admin_user)
    r = client.post(reverse("admin:accounts_user_change", args=[admin_user.pk]), {
        "username": "admin", "last_name": "Тестова", "first_name": "Анна", "is_active": "on",
        "is_staff": "on", "is_superuser": "on", "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "1"})
    assert r.status_code in (200, 302)
    admin_user.refresh_from_db()
    assert not admin_user.is_superuser and not admin_user.is_staff
    assert client.get(reverse("admin:accounts_user_change", args=[root.pk])).status_code == 200
    assert client.post(reverse("admin:accounts_user_change", args=[root.pk]), {
        "username": "root", "is_active": "on"}).status_code == 403
    assert client.get(reverse("admin:auth_user_password_change",
                              args=[root.pk])).status_code == 403
    assert client.get(reverse("admin:accounts_user_change",
                              args=[target.pk])).status_code == 200


@pytest.mark.django_db
def test_admin_saves_are_audited_without_password_hashes(client, world):
    """A user saved in the admin (and a role added inline) writes ObjectChange and
    DomainEvent rows; the password hash is never copied into the journal."""
    from berezhno.core.models import DomainEvent

    target = world.user("no_role")
    client.force_login(world.user(ADMIN))
    r = client.post(reverse("admin:accounts_user_change", args=[target.pk]), {
        "username": "norole", "last_name": "Тестова", "first_name": "Анна",
        "position": "специалист", "is_active": "on",
        "role_assignments-TOTAL_FORMS": "1", "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-0-role": "analyst", "role_assignments-0-territory": world.mun.pk,
        "role_assignments-0-include_subtree": "on", "role_assignments-0-is_active": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    user_change = ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=target.pk).get()
    assert user_change.after["position"] == "специалист"
    assert "password" not in user_change.after and "password" not in user_change.before
    assignment = RoleAssignment.objects.get(user=target)
    assert ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(RoleAssignment),
        object_id=assignment.pk, action="create").exists()
    assert set(DomainEvent.objects.filter(actor=world.user(ADMIN)).values_list(
        "event_type", flat=True)) == {"user.changed", "role.assigned"}


@pytest.mark.django_db
def test_admin_nav_link_only_for_those_who_get_in(client, world):
    for role, shown in [(ADMIN, True), (HEAD, False), (IN, False), (ANALYST, False)]:
        client.force_login(world.user(role))
        body = client.get(reverse("core:home")).content.decode()
        assert (reverse("admin:index") in body) == shown, role


# --------------------------------------------------------------------------- agreements

def _upload(name, content, content_type="application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
HTML = b"<html><script>alert(1)</script></html>"


def _stored_files(settings):
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.django_db
@pytest.mark.parametrize("name,content", [("scan.pdf", pdf_upload().read()),
                                          ("scan.png", PNG), ("photo.jpg", JPEG)])
def test_agreement_scan_accepted_by_content(client, world, settings, name, content):
    client.force_login(world.user(ADMIN))
    r = client.post(reverse("admin:accounts_agreement_add"), {
        "organisation": world.partner_org.pk, "number": "1-А", "date": "2026-01-20",
        "subject": "Взаимодействие", "is_active": "on", "file": _upload(name, content)})
    assert r.status_code == 302
    agreement = Agreement.objects.get(number="1-А")
    assert agreement.file.read() == content
    r = client.post(reverse("agreement-list"), {
        "organisation": world.partner_org.pk, "number": "2-А", "date": "2026-01-20",
        "subject": "Взаимодействие"}, content_type="application/json")
    assert r.status_code == 201, r.content
    r = client.post(reverse("agreement-upload-file", args=[r.json()["id"]]),
                    {"file": _upload(name, content), "version": r.json()["version"]})
    assert r.status_code == 200, r.content
    assert Agreement.objects.get(number="2-А").file.read() == content
    assert ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Agreement)).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("name,content,message", [
    ("agreement.pdf", EXE, "Допустимы только PDF и изображения"),  # a program named .pdf
    ("agreement.pdf", HTML, "Допустимы только PDF и изображения"),
    ("agreement.docx", b"PK\x03\x04" + b"\x00" * 40, "Допустимы только PDF и изображения"),
    ("big.pdf", b"%PDF-1.4\n" + b"0" * 3000, "Файл слишком большой"),
])
def test_agreement_scan_refused_and_nothing_saved(client, world, settings, name, content,
                                                  message):
    settings.BEREZHNO_MAX_UPLOAD_BYTES = 2048
    client.force_login(world.user(ADMIN))
    count, changes = Agreement.objects.count(), ObjectChange.objects.count()
    r = client.post(reverse("admin:accounts_agreement_add"), {
        "organisation": world.partner_org.pk, "number": "1-А", "date": "2026-01-20",
        "subject": "Взаимодействие", "is_active": "on", "file": _upload(name, content)})
    assert r.status_code == 200 and message in r.content.decode()
    agreement = Agreement.objects.create(organisation=world.partner_org, number="3-А",
                                         date=datetime.date(2026, 1, 20), subject="Старое")
    r = client.post(reverse("agreement-upload-file", args=[agreement.pk]),
                    _multipart({"file": (name, content)}),
                    content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert r.status_code == 400 and message in r.json()["fields"]["file"][0]
    agreement.refresh_from_db()
    assert not agreement.file
    assert Agreement.objects.count() == count + 1
    assert ObjectChange.objects.count() == changes
    assert _stored_files(settings) == []


BOUNDARY = "BoUnDaRy"


def _multipart(files: dict) -> bytes:
    parts = []
    for field, (filename, content) in files.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            .encode() + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


@pytest.mark.django_db
def test_agreement_dates_checked_in_admin_and_api(client, world):
    client.force_login(world.user(ADMIN))
    r = client.post(reverse("admin:accounts_agreement_add"), {
        "organisation": world.partner_org.pk, "number": "1-А", "date": "2026-01-20",
        "valid_until": "2025-01-01", "subject": "Взаимодействие", "is_active": "on"})
    assert r.status_code == 200 and "Срок действия раньше даты" in r.content.decode()
    agreement = Agreement.objects.create(organisation=world.partner_org, number="3-А",
                                         date=datetime.date(2026, 1, 20), subject="Старое")
    r = client.patch(reverse("agreement-detail", args=[agreement.pk]),
                     {"valid_until": "2025-01-01", "version": agreement.version},
                     content_type="application/json")
    assert r.status_code == 400
    assert "Срок действия раньше даты" in r.json()["fields"]["valid_until"][0]
    assert not Agreement.objects.filter(number="1-А").exists()

