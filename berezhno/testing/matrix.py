"""The permission matrix: every page and API endpoint against every kind of user.

A ``Case`` names a URL (a route name, or a path for the few unnamed admin routes), a
method, the records of the scene it acts on and, per actor, the expected outcome.
``run_case`` sends the request as each actor in turn, each inside a transaction that is
rolled back afterwards, and checks:

* the status, and for ``LOGIN``/``ADMIN_LOGIN`` that it is a redirect to that login page;
  an anonymous API request expected to be refused (403 in the rows) must get 401 with
  ``WWW-Authenticate`` (``API_UNAUTHENTICATED``);
* a refused write (login, 400, 403, 404, 405) changed nothing: every row of the registry,
  accounts, territories and audit tables and every stored file is as before;
* an allowed write changed something and, when audited, added an ``ObjectChange``;
* no response shows the text of records the actor may not see (``Scene.secrets``).

``urls_to_cover`` walks the URL resolver (with the methods of each DRF endpoint), so a
test can fail when a route has no case.
"""

import datetime
import functools
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from berezhno.accounts.models import Agreement, RoleAssignment
from berezhno.core import files
from berezhno.core.context import acting_as
from berezhno.core.models import AccessKind, AccessLog, ObjectChange
from berezhno.people import services as people
from berezhno.people.models import Person, PersonShareRequest, SensitiveInfo
from berezhno.testing.factories import CONSENT

# ------------------------------------------------------------------------ actors

ANON = "anonymous"
NO_ROLE = "no_role"
IN = "specialist"  # district specialist of district 1, where p1 lives
OUT = "specialist_other"  # district specialist of district 2, same town
# District specialist of district 1 for another practice (yard management): sees the
# registry like IN, and no record of another practice (Family Dispatch cases, СОП).
PRACTICE = "specialist_yard"
AGENT = "agent"  # social agent with p1 assigned by work
PARTNER = "partner"
HEAD = "head"  # head of the municipality of districts 1 and 2
ADMIN = "admin"  # the administrator role: reference data and users, no personal data
ANALYST = "analyst"
PSY = "specialist_psy"  # psychologist ("specialist" role): reads people, adds contacts
ROOT = "root"  # superuser, used for the Django admin rows only
ACTORS = (ANON, NO_ROLE, IN, OUT, PRACTICE, AGENT, PARTNER, HEAD, ADMIN, ANALYST, PSY)
SIGNED_IN = frozenset(ACTORS) - {ANON}

# ------------------------------------------------------------------------ outcomes

LOGIN = "redirect to login"
ADMIN_LOGIN = "redirect to admin login"
# An API request without credentials (decision 0015): 401 with WWW-Authenticate.
API_UNAUTHENTICATED = "401 with WWW-Authenticate"
DENIED = frozenset({LOGIN, ADMIN_LOGIN, API_UNAUTHENTICATED, 400, 401, 403, 404, 405})
SUCCESS = frozenset({200, 201, 204, 302})


def outcomes(allowed: Iterable[str], ok, *, denied=404, anon=LOGIN,
             extra: dict | None = None, actors: Iterable[str] = ACTORS,
             practice_bound: bool = False) -> dict:
    """Expected outcome per actor: ``ok`` for the allowed, ``denied`` for the rest.

    The other-practice actor (``PRACTICE``), unless named, gets what IN gets — or, for a
    record that belongs to a practice (``practice_bound``), what OUT gets: a practice
    limits scope the way a territory does.
    """
    allowed = set(allowed)
    result = {a: (ok if a in allowed else denied) for a in actors}
    if ANON in result:
        result[ANON] = anon
    extra = extra or {}
    result.update(extra)
    if PRACTICE in result and PRACTICE not in allowed and PRACTICE not in extra:
        mirror = OUT if practice_bound else IN
        if mirror in result:
            result[PRACTICE] = result[mirror]
    return result


# ------------------------------------------------------------------------ the scene


def pdf_upload(name: str = "scan.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@dataclass
class Scene:
    """The test world plus one of every registry record in district 1 (p1's district)."""

    world: object
    objects: dict
    secrets: list[tuple[str, frozenset[str]]] = field(default_factory=list)
    # secret text → (the person it is about, whether it is special-category data): a
    # response that shows it must have written an access-log row for that person (and a
    # ``view_sensitive`` row for health data) in the same request.
    subjects: dict[str, tuple[int, bool]] = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    @property
    def users(self) -> dict:
        return self.world.users

    def pk(self, key: str):
        return self.objects[key].pk

    def version(self, key: str) -> int:
        """The version in the database now (inside the actor's transaction)."""
        obj = self.objects[key]
        return type(obj)._default_manager.values_list("version", flat=True).get(pk=obj.pk)


def build_scene(world) -> Scene:
    spec = world.user(IN)
    with acting_as("test"):
        p1 = world.p1
        people.consent_record(user=spec, person=p1, **dict(
            CONSENT, purpose="special_category", data_list="сведения о состоянии здоровья"))
        people.sensitive_update(user=spec, person=p1, expected_version=None,
                                disability_group="2",
                                health_notes="Сахарный диабет второго типа")
        category = people.category_add(user=spec, person=p1, category="low_income",
                                       start_date=datetime.date(2025, 1, 10))
        document = people.document_attach(user=spec, person=p1, upload=pdf_upload(),
                                           doc_type="application", title="Заявление о помощи")
        sensitive_doc = people.document_attach(user=spec, person=p1, upload=pdf_upload(),
                                               doc_type="medical",
                                               title="Выписка из больницы")
        contact = people.contact_log(user=spec, person=p1, channel="visit",
                                     purpose="patronage", notes="Проверены условия")

        def register(surname, name, consent=True, **extra):
            return people.person_register(
                user=spec, consent=dict(CONSENT) if consent else None,
                confirm_not_duplicate=True, surname=surname, name=name, territory=world.d1,
                **extra)

        child = register("Ветров", "Кирилл", sex="m", birth_date=datetime.date(2015, 6, 1))
        household = people.household_create(user=spec, head=p1,
                                            name="Домохозяйство Яблоковых",
                                            address="г. Называевск, ул. Ленина, 5")
        member = people.household_add_member(user=spec, household=household, person=child,
                                             relation="child")
        free = register("Громова", "Ольга")
        duplicate = register("Крылова", "Нина", consent=False)
        merged = register("Орлова", "Вера", consent=False)
        merge = people.person_merge(user=spec, source=merged, target=p1, reason="дубль")
        gone = register("Зуева", "Инна", consent=False)
        people.person_set_status(user=spec, person=gone, status="moved_out", date=None,
                                 reason="переезд", expected_version=gone.version)
        # District 2 tried to register p1 (her СНИЛС, the name typed without «ё»): a
        # request to share her record, which district 1 holds (decision 0019).
        try:
            people.person_register(
                user=world.user(OUT), consent=dict(CONSENT), surname="Семенова",
                name="Алена", snils="112-233-445 95", territory=world.d2)
        except people.SnilsElsewhereError as exc:
            share = PersonShareRequest.objects.get(pk=exc.details["share_request"])
        # The scene starts with an empty access log (its tests count what a request adds);
        # the match's own row is tested in people/tests/test_identity.py.
        AccessLog.objects.filter(kind=AccessKind.SNILS_MATCH).delete()
        agreement = Agreement.objects.create(
            organisation=world.partner_org, provider=world.provider, number="7-С",
            date=datetime.date(2025, 3, 1), subject="Обмен сведениями о семьях")
    objects = {
        "p1": Person.objects.get(pk=p1.pk), "p2": world.p2, "p3": world.p3,
        "category": category, "document": document, "sensitive_doc": sensitive_doc,
        "contact": contact, "consent": p1.consents.get(purpose="social_service"),
        "sensitive": SensitiveInfo.objects.get(person=p1), "child": child,
        "household": household, "member": member, "free": free, "duplicate": duplicate,
        "merge": merge, "gone": gone, "agreement": agreement, "share": share,
        "town": world.town, "mun": world.mun, "d1": world.d1, "district": world.d1.district,
        "partner_org": world.partner_org, "provider": world.provider,
        "spec_user": world.user(IN), "no_role_user": world.user(NO_ROLE),
        "root_user": world.user(ROOT),
        "spec_assignment": RoleAssignment.objects.get(user=world.user(IN)),
        "far_assignment": RoleAssignment.objects.get(user__username="spec3"),
        "street": world.town.streets.get(),
    }
    card = {IN, PRACTICE, HEAD, PSY, AGENT, ROOT}  # who sees p1 at all (agent minimally)
    full = {IN, PRACTICE, HEAD, PSY, ROOT}  # who sees p1's full record and household
    health = {IN, PRACTICE, HEAD, ROOT}  # special-category data
    secrets = [
        ("Семёнова", frozenset(card)),  # p1's surname
        ("112-233-445 95", frozenset(full)), ("11223344595", frozenset(full)),  # p1's СНИЛС
        ("Яблоковых", frozenset(full)),  # p1's household
        ("Сахарный диабет", frozenset(health)), ("Выписка из больницы", frozenset(health)),
        ("Кузнецов", frozenset({OUT, HEAD, PSY, ROOT})),  # p2, district 2
        ("Далёкий", frozenset({ROOT})),  # p3, another municipality
    ]
    subjects = {"Семёнова": (p1.pk, False), "112-233-445 95": (p1.pk, False),
                "11223344595": (p1.pk, False), "Яблоковых": (p1.pk, False),
                "Сахарный диабет": (p1.pk, True), "Выписка из больницы": (p1.pk, True),
                "Кузнецов": (world.p2.pk, False), "Далёкий": (world.p3.pk, False)}
    return Scene(world=world, objects=objects, secrets=secrets, subjects=subjects)


# ------------------------------------------------------------------------ cases


@dataclass(frozen=True)
class Case:
    """One request and what each actor gets from it."""

    name: str  # route name (reverse), or the route itself for an unnamed admin route
    expect: dict
    method: str = "get"
    args: tuple = ()  # scene keys, or callables of the scene
    data: object = None  # a dict, or a callable of the scene returning one
    body: str = "form"  # "form" (multipart), "json"
    query: dict | None = None
    path: Callable | None = None  # builds the URL from the scene instead of reverse()
    label: str = ""  # tells apart several cases of one route and method
    writes: bool | None = None  # default: every method but GET
    audited: bool = True  # an allowed write must add an ObjectChange

    @property
    def id(self) -> str:
        return f"{self.name}:{self.method.upper()}{':' + self.label if self.label else ''}"

    @property
    def key(self) -> tuple[str, str]:
        return self.name, self.method.upper()

    @property
    def is_write(self) -> bool:
        return self.method != "get" if self.writes is None else self.writes

    def url(self, scene: Scene) -> str:
        if self.path is not None:
            return self.path(scene)
        args = [a(scene) if callable(a) else scene.pk(a) for a in self.args]
        return reverse(self.name, args=args)


# Not the login throttles' tables: axes counts failed passwords and django-otp's devices
# count failed codes on purpose, on refused requests too (decision 0015).
FINGERPRINT_APPS = {"accounts", "territories", "people", "cases", "core", "auth"}


@functools.cache
def _fingerprint_queries(vendor: str) -> tuple[tuple[str, str], ...]:
    """(model label, SQL reading its table) for every fingerprinted model.

    Plain SQL built once: the fingerprint is taken twice per actor of every write case, and
    compiling sixty ORM queries each time cost more than reading the small tables. Each
    table's own columns (``last_login`` aside, which any login moves), ordered by the key.
    """
    qn = connection.ops.quote_name
    queries = []
    for model in apps.get_models():
        opts = model._meta
        if opts.app_label not in FINGERPRINT_APPS or model is AccessLog or opts.proxy:
            continue
        columns = [qn(f.column) for f in opts.local_concrete_fields if f.name != "last_login"]
        # Quoted names of the project's own tables, no user input: S608 does not apply.
        sql = (f"SELECT {', '.join(columns)} FROM {qn(opts.db_table)} "  # noqa: S608
               f"ORDER BY {qn(opts.pk.column)}")
        queries.append((opts.label, sql))
    return tuple(queries)


def fingerprint() -> dict:
    """Every row that a write could touch (reads' AccessLog aside) and every stored file."""
    state = {}
    with connection.cursor() as cursor:
        for label, sql in _fingerprint_queries(connection.vendor):
            cursor.execute(sql)
            state[label] = cursor.fetchall()
    # Files of earlier rolled-back examples whose deletion failed go first (core.files),
    # or a request's own retry of them would look like a change made by the request.
    files.discard_rolled_back()
    media = Path(settings.MEDIA_ROOT)
    state["files"] = sorted(str(p) for p in media.rglob("*")) if media.exists() else []
    return state


def _send(client: Client, case: Case, scene: Scene):
    url = case.url(scene)
    data = case.data(scene) if callable(case.data) else case.data
    if case.method == "get":
        return client.get(url, case.query or data or {})
    if case.body == "json":
        return getattr(client, case.method)(url, data or {}, content_type="application/json")
    if case.method == "post":
        return client.post(url, data or {})
    return getattr(client, case.method)(url, data or {}, content_type="application/json")


def _api_anonymous(case: Case, scene: Scene, actor: str, expected):
    """The API refuses a request without credentials with 401 and ``WWW-Authenticate``
    (decision 0015). Rows say 403 for the anonymous actor, the answer before the token
    scheme came first; they are checked as 401 with the header."""
    if actor == ANON and expected == 403 and case.url(scene).startswith("/api/"):
        return API_UNAUTHENTICATED
    return expected


def _check_outcome(response, expected) -> str | None:
    status = response.status_code
    if expected == API_UNAUTHENTICATED:
        if status != 401 or not response.get("WWW-Authenticate", "").startswith("Token"):
            return (f"expected {expected}, got {status} "
                    f"{response.get('WWW-Authenticate', '')!r}").strip()
        return None
    if expected in (LOGIN, ADMIN_LOGIN):
        login = reverse("accounts:login" if expected == LOGIN else "admin:login")
        location = response.get("Location", "")
        if status != 302 or not location.startswith(login):
            return f"expected {expected}, got {status} {location}".strip()
        return None
    if status != expected:
        return f"expected {expected}, got {status}"
    if status == 302 and response["Location"].startswith(reverse("accounts:login")):
        return "expected a redirect after success, got the login page"
    return None


def _body(response) -> str:
    if response.streaming:
        return ""
    content_type = response.get("Content-Type", "")
    if not (content_type.startswith("text/") or "json" in content_type):
        return ""
    return response.content.decode("utf-8", errors="replace")


def _leaks(response, actor: str, scene: Scene) -> list[str]:
    body = _body(response)
    return [text for text, allowed in scene.secrets if actor not in allowed and text in body]


def _unlogged(response, actor: str, scene: Scene, logged: set[tuple[int, str]]) -> list[str]:
    """The secrets the response shows with no access-log row of their person (152-ФЗ)."""
    body = _body(response)
    missing = []
    for text, allowed in scene.secrets:
        if actor not in allowed or text not in body or text not in scene.subjects:
            continue
        person_id, sensitive = scene.subjects[text]
        if sensitive and (person_id, AccessKind.VIEW_SENSITIVE) not in logged:
            missing.append(f"{text!r} (special category) with no view_sensitive row")
        elif not any(pid == person_id for pid, _kind in logged):
            missing.append(f"{text!r} with no access-log row")
    return missing


def run_case(case: Case, scene: Scene) -> list[str]:
    """Send the case as every actor of its table; return what went wrong, per actor."""
    failures = []
    for actor, expected in case.expect.items():
        expected = _api_anonymous(case, scene, actor, expected)
        with transaction.atomic():
            client = Client()
            if actor != ANON:
                client.force_login(scene.users[actor])
            before = fingerprint() if case.is_write else None
            changes_before = ObjectChange.objects.count()
            last_read = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first()
            try:
                response = _send(client, case, scene)
            except Exception as exc:  # a 500: the test client re-raises it
                failures.append(f"{actor}: expected {expected}, raised {exc!r}")
                transaction.set_rollback(True)
                continue
            problem = _check_outcome(response, expected)
            if problem:
                body = b"" if response.streaming else response.content[:300]
                failures.append(f"{actor}: {problem} {body!r}")
            for text in _leaks(response, actor, scene):
                failures.append(f"{actor}: the response shows {text!r}")
            if actor != ANON:
                logged = set(AccessLog.objects.filter(pk__gt=last_read or 0).values_list(
                    "person_id", "kind"))
                for problem in _unlogged(response, actor, scene, logged):
                    failures.append(f"{actor}: the response shows {problem}")
            if case.is_write:
                changed = fingerprint() != before
                if expected in DENIED and changed:
                    failures.append(f"{actor}: refused ({expected}) but data changed")
                if expected in SUCCESS and not changed:
                    failures.append(f"{actor}: allowed ({expected}) but nothing changed")
                if (expected in SUCCESS and case.audited
                        and ObjectChange.objects.count() <= changes_before):
                    failures.append(f"{actor}: allowed write left no ObjectChange")
            transaction.set_rollback(True)
    return failures


def assert_case(case: Case, scene: Scene) -> None:
    failures = run_case(case, scene)
    assert not failures, f"{case.id}\n" + "\n".join(failures)


# ------------------------------------------------------------------------ coverage


def _methods(callback) -> set[str]:
    """The HTTP methods a DRF endpoint answers (other than HEAD and OPTIONS)."""
    cls = getattr(callback, "cls", None)
    if cls is None:
        return set()
    allowed = {m for m in cls.http_method_names if m not in ("head", "options")}
    actions = getattr(callback, "actions", None)
    if actions is not None:  # a viewset route: the router's mapping
        return {m.upper() for m in actions if m in allowed}
    return {m.upper() for m in allowed if hasattr(cls, m)}


def urls_to_cover() -> set[tuple[str, str | None]]:
    """(route name or unnamed route, method): the method for DRF endpoints, else None."""
    found: set[tuple[str, str | None]] = set()

    def walk(patterns, prefix: str, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace
                full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(p.url_patterns, prefix + str(p.pattern), full)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace and p.name else p.name
                key = name or prefix + str(p.pattern)
                methods = _methods(p.callback)
                if methods:
                    found.update((key, m) for m in methods)
                else:
                    found.add((key, None))

    walk(get_resolver().url_patterns, "", None)
    return found


def discover_cases() -> list[Case]:
    """Every matrix row of every installed app, found by convention, not by a central list:
    the module-level lists named ``*_CASES`` of the modules ``<app>/tests/test_*matrix*.py``.
    A new app's matrix counts as soon as its tests follow that naming."""
    found: list[Case] = []
    for module in _matrix_modules():
        for name, value in vars(module).items():
            if name.endswith("_CASES") and isinstance(value, list):
                found.extend(c for c in value if isinstance(c, Case))
    return found


def _matrix_modules():
    """The modules ``<app>/tests/test_*matrix*.py`` of the project's apps."""
    for config in apps.get_app_configs():
        if not config.name.startswith("berezhno."):
            continue
        tests_dir = Path(config.path) / "tests"
        for module_path in sorted(tests_dir.glob("test_*matrix*.py")):
            yield importlib.import_module(f"{config.name}.tests.{module_path.stem}")


def uncovered(cases: Iterable[Case]) -> list[str]:
    covered = {c.key for c in cases} | {(c.name, None) for c in cases}
    return sorted(f"{name} {method or ''}".strip() for name, method in urls_to_cover()
                  if (name, method) not in covered)


def today() -> str:
    return timezone.localdate().isoformat()


def discover_scene_extensions() -> list[Callable[[Scene], Scene]]:
    """The ``extend_scene(scene)`` functions of the matrix modules (found like the cases):
    each adds its module's records to the scene; its module's fixture calls it."""
    return [module.extend_scene for module in _matrix_modules()
            if callable(getattr(module, "extend_scene", None))]
