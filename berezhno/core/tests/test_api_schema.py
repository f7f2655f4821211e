"""The REST API against its own OpenAPI schema, fuzzed with schemathesis, as every role.

The schema is loaded the way a client gets it, from ``/api/v1/schema/`` of the WSGI
application (once per process), and every request goes through that application
(middleware included) with a token of the role's user. Each generated request runs inside a
savepoint that is rolled back, so every example starts from the same records.

For every role of the demo (``berezhno.testing.management.commands.load_demo``), every
operation gets generated requests, valid and invalid, checked with ALL of schemathesis's
checks (status codes, content types, headers and bodies as documented, invalid input refused,
valid input accepted, authentication not ignored, no 5xx). The answers that are deliberate
and documented (decision 0020) are named in ``DELIBERATE``; anything else fails the test.
"""

import copy
import datetime
import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from berezhno.accounts import services as accounts
from berezhno.accounts.models import Agreement
from berezhno.cases import services as case_services
from berezhno.cases.choices import Decision
from berezhno.core.context import acting_as
from berezhno.people import services as people
from berezhno.people.models import Consent
from berezhno.testing.factories import ActivityFactory, PlanFactory, SupportCaseFactory
from berezhno.testing.fixtures import CONSENT, make_user

load_all_checks()

SCHEMA_URL = "/api/v1/schema/?format=json"
# Examples per operation and role: enough to meet every check, few enough for CI. The
# district specialist, who reaches the most records, gets the most.
EXAMPLES = 2
ROLE_EXAMPLES = {"district_specialist": 5, "head": 3, "anonymous": 1}
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=list(HealthCheck))
# Rendering a PDF per example is slow and adds nothing after the first.
SLOW_OPERATIONS = {"GET /api/v1/consents/{id}/pdf/": 1}

# The roles of the demo (``load_demo``'s STAFF): the key of the world's user, or
# (role, username) for those the world does not have; "anonymous" sends no credentials,
# "no_role" is a signed-in user without any role.
ROLES = {
    "admin": "admin", "head": "head", "district_specialist": "specialist",
    "dispatcher": "dispatcher", "specialist": "specialist_psy",
    "patrol_member": ("patrol_member", "patrol"), "patrol_hq": ("patrol_hq", "patrolhq"),
    "coordinator": ("coordinator", "coord"), "social_agent": "agent", "partner": "partner",
    "analyst": "analyst", "no_role": "no_role", "anonymous": None,
}

ALL_CHECKS = [check for check in CHECKS.get_all()
              if check not in (negative_data_rejection, positive_data_acceptance)]


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every operation, from the generator behind the schema view."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted((method.upper(), path) for path, item in schema["paths"].items()
                  for method in item)


OPERATIONS = _operations()


@pytest.fixture
def wsgi_app():
    """The real WSGI application, sharing the test's database connection.

    A WSGI server closes stale connections when a request starts and ends; inside the
    test transaction that would break the connection, so the signal handlers are
    detached for the duration, exactly as Django's own test client does.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def records(world):
    """One record of every kind the API serves, in district 1 (p1's), an open case among
    them (its outcome is still blank)."""
    spec = world.user("specialist")
    p1 = world.p1
    pdf = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
           b"trailer\n%%EOF\n")
    with acting_as("test"):
        people.consent_record(user=spec, person=p1, **dict(
            CONSENT, purpose="special_category", data_list="сведения о здоровье"))
        people.sensitive_update(user=spec, person=p1, expected_version=None,
                                disability_group="2", health_notes="Диабет")
        category = people.category_add(user=spec, person=p1, category="low_income",
                                       start_date=datetime.date(2025, 1, 10))
        document = people.document_attach(
            user=spec, person=p1, doc_type="application", title="Заявление",
            upload=SimpleUploadedFile("scan.pdf", pdf, content_type="application/pdf"))
        contact = people.contact_log(user=spec, person=p1, **{
            "channel": "visit", "purpose": "patronage", "notes": "Проверены условия"})
        household = people.household_create(user=spec, head=p1, **{
            "name": "Домохозяйство Семёновых", "address": "г. Называевск, ул. Ленина, 5"})
        agreement = Agreement.objects.create(
            organisation=world.partner_org, provider=world.provider, number="7-С",
            date=datetime.date(2025, 3, 1), subject="Обмен сведениями")
        case = SupportCaseFactory(user=world.user("dispatcher"), person=p1)
        case = case_services.case_decide(user=world.user("dispatcher"), case=case,
                                         decision=Decision.NEED_RECOGNISED)
        plan = PlanFactory(user=world.user("dispatcher"), case=case)
        activity = ActivityFactory(user=world.user("dispatcher"), plan=plan)
        for role, username in [v for v in ROLES.values() if isinstance(v, tuple)]:
            world.users[role] = make_user(username, role, world.region, world.provider)
    consent = Consent.objects.filter(person=p1, purpose="social_service").get()
    return {
        "persons": p1.pk, "categories": category.pk, "consents": consent.pk,
        "contacts": contact.pk, "documents": document.pk, "households": household.pk,
        "territories": world.d1.pk, "districts": world.d1.pk,
        "organisations": world.provider.pk, "agreements": agreement.pk,
        "cases": case.pk, "plans": plan.pk, "activities": activity.pk,
        "users": world.user("head").pk,
        "role-assignments": world.user("head").role_assignments.get().pk,
    }


# The schema as the WSGI application served it, fetched once per process: it depends on
# the code alone, not on the records, and generating it takes longer than most tests.
_SERVED: dict = {}


def _served_schema(wsgi_app):
    if "raw" not in _SERVED:
        _SERVED["raw"] = schemathesis.openapi.from_wsgi(SCHEMA_URL, wsgi_app).raw_schema
    schema = schemathesis.openapi.from_dict(copy.deepcopy(_SERVED["raw"]))
    schema.app = wsgi_app
    schema.location = SCHEMA_URL
    return schema


def _headers(world, role) -> dict:
    # The WSGI test client does not decode gzip (GZipMiddleware); a real client would.
    headers = {"Accept-Encoding": "identity"}
    key = ROLES[role]
    if key is None:
        return headers
    user = world.user(key if isinstance(key, str) else key[0])
    _token, secret = accounts.api_token_issue(user=user, second_factor_verified=False)
    return {**headers, "Authorization": f"Token {secret}"}


def _resource(path: str) -> str:
    return path.removeprefix("/api/v1/").split("/{", 1)[0].strip("/")


def _strategy(operation, records):
    """Valid and invalid cases; for an operation on one record, half of them on a real one."""
    real = records.get(_resource(operation.path))
    options = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        if mode is GenerationMode.NEGATIVE and not _has_inputs(operation):
            continue
        options.append(operation.as_strategy(mode))
        if "{id}" in operation.path and real is not None:
            options.append(operation.as_strategy(mode, path_parameters={"id": real}))
    return st.one_of(options)


def _has_inputs(operation) -> bool:
    """Negative cases need something to break: a parameter or a body."""
    return bool(list(operation.iter_parameters())) or bool(operation.body)


def _negated_parameters(case) -> set[str]:
    """Names of the parameters a negative case made invalid, as schemathesis recorded them."""
    data = case.meta.phase.data if case.meta is not None else None
    if data is None:
        return set()
    location = getattr(data, "location", "") or ""
    where = getattr(data, "parameter_location", None)
    if getattr(where, "value", where) == "body" and location.startswith("/properties/"):
        # A coverage case names the body by its media type and the property by its path.
        return {location.split("/")[2]}
    if getattr(data, "parameter", None):
        return {data.parameter}
    return {m.parameter for m in getattr(data, "mutations", ()) if m.parameter}


def _lenient_parameters(operation) -> set[str]:
    """Query parameters read leniently by design (decision 0020): django-filter reads a
    boolean it does not recognise as "not set"."""
    return {parameter.name for parameter in operation.query
            if parameter.definition.get("schema", {}).get("type") == "boolean"}


def invalid_values_rejected(ctx, response, case):
    """``negative_data_rejection``, except the deliberate leniencies of DELIBERATE."""
    negated = _negated_parameters(case)
    # An empty filter value means "not set", as an HTML form submits it.
    empty = {name for name, value in (case.query or {}).items() if value in ("", None)}
    if negated and negated <= _lenient_parameters(case.operation) | empty:
        return None
    if _only_json_scalars_coerced(case):
        return None
    return negative_data_rejection(ctx, response, case)


BOOLEAN_WORDS = {0, 1, "0", "1", "true", "false", "True", "False", "on", "off", "yes", "no"}


def _coerced(schema: dict, value) -> bool:
    """Whether DRF reads ``value`` as valid for a property of ``schema`` by design: 0/1 and
    "true"/"false" for a boolean, a JSON number for a text or a decimal (its digits)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return False
    if schema.get("type") == "boolean":
        return value in BOOLEAN_WORDS
    if schema.get("type") == "string" and "enum" not in schema:
        return (isinstance(value, (int, float))
                and schema.get("format") in (None, "decimal"))
    return False


def _only_json_scalars_coerced(case) -> bool:
    """A body whose only departures from the schema are values DRF coerces by design
    (``_coerced``) is valid to the server."""
    if not isinstance(case.body, dict):
        return False
    properties = _body_properties(case.operation)
    coerced = {name for name, value in case.body.items()
               if _coerced(properties.get(name, {}), value)}
    if not coerced:
        return False
    negated = _negated_parameters(case)
    return not negated or negated <= coerced


def _body_properties(operation) -> dict:
    raw = _SERVED["raw"]
    body = raw["paths"][operation.path][operation.method.lower()].get("requestBody", {})
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = raw["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema.get("properties", {})


def valid_values_accepted(ctx, response, case):
    """``positive_data_acceptance``, except a documented 400 (the ``Error`` body): a schema
    cannot say which ids exist in the user's scope, nor the services' rules (a date range,
    a state transition), and the schema's 400 says so."""
    if response.status_code == 400 and _is_error_body(response):
        return None
    return positive_data_acceptance(ctx, response, case)


def _is_error_body(response) -> bool:
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return (isinstance(body, dict) and isinstance(body.get("code"), str)
            and isinstance(body.get("detail"), str))


DELIBERATE = (
    "a request whose only invalid values are empty query parameters (\"not set\", as a form "
    "submits them) or unrecognised booleans is read as not filtered; DRF reads 0/1 and "
    "\"true\"/\"false\" as booleans, and a JSON number given for a text or a decimal as its "
    "digits (then validated as that text); valid data may be refused with the documented 400 when "
    "an id is not in the user's scope or a service rule refuses it")


def _send(case, headers):
    """Send the case in a savepoint that is rolled back, so examples do not accumulate."""
    with transaction.atomic():
        response = case.call(headers=headers)
        transaction.set_rollback(True)
    return response


def _assert_json_error(case, response):
    if not 400 <= response.status_code < 500:
        return
    content_type = response.headers.get("content-type", [""])[0]
    where = f"{case.method} {case.formatted_path} {case.query or ''}"
    assert content_type.startswith("application/json"), (
        f"{where}: {response.status_code} answered with {content_type!r}, not a JSON error")
    assert _is_error_body(response), f"{where}: error body {response.content[:300]!r}"
    if response.status_code == 401:
        assert response.headers.get("www-authenticate"), f"{where}: 401 without a challenge"


def test_schema_is_served_and_matches_the_generator(client, world):
    client.force_login(world.user("specialist"))
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    served = json.loads(response.content)
    served_ops = sorted((m.upper(), p) for p, item in served["paths"].items() for m in item)
    assert served_ops == OPERATIONS
    assert len(OPERATIONS) >= 100


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_operation_as_every_role_passes_all_checks(world, records, wsgi_app, role):
    schema = _served_schema(wsgi_app)
    headers = _headers(world, role)
    checks = [*ALL_CHECKS, invalid_values_rejected, valid_values_accepted]
    failures = []
    for method, path in OPERATIONS:
        label = f"{method} {path}"
        operation = schema.find_operation_by_label(label)
        assert operation is not None, label

        @settings(FUZZ, max_examples=SLOW_OPERATIONS.get(label, ROLE_EXAMPLES.get(role, EXAMPLES)))
        @given(case=_strategy(operation, records))
        def run(case):
            response = _send(case, headers)
            case.validate_response(response, checks=checks, headers=headers)
            _assert_json_error(case, response)

        try:
            run()
        except Exception as exc:
            failures.append(f"{label}: {exc}"[:1500])
    assert not failures, f"{role}: {len(failures)} operations\n\n" + "\n\n".join(failures)


# ------------------------------------------------------------------------ a generated client


@pytest.fixture(scope="module")
def generated_client(tmp_path_factory):
    """The Python client openapi-python-client (pinned in the dev group) generates from the
    schema, in a temporary directory; generating needs no network (the proxy given to it
    leads nowhere)."""
    from drf_spectacular.renderers import OpenApiJsonRenderer

    root = tmp_path_factory.mktemp("client")
    schema_file = root / "schema.json"
    schema = SchemaGenerator().get_schema(request=None, public=True)
    schema_file.write_bytes(OpenApiJsonRenderer().render(schema))
    config = root / "config.yaml"
    config.write_text("post_hooks: []\n")
    tool = Path(sys.executable).parent / "openapi-python-client"
    offline = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY":
               "http://127.0.0.1:9", "ALL_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}
    done = subprocess.run(  # noqa: S603 - the pinned tool of the dev group
        [str(tool), "generate", "--path", str(schema_file), "--output-path",
         str(root / "berezhno_client"), "--meta", "none", "--config", str(config)],
        capture_output=True, text=True, env=offline, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(root))
    try:
        package = importlib.import_module("berezhno_client")
        modules, broken = {}, []
        for info in pkgutil.walk_packages(package.__path__, "berezhno_client."):
            try:
                modules[info.name] = importlib.import_module(info.name)
            except Exception as exc:
                broken.append(f"{info.name}: {exc!r}")
        yield {"modules": modules, "broken": broken, "schema": schema}
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.startswith("berezhno_client")]:
            del sys.modules[name]


def test_the_generated_client_imports(generated_client):
    assert not generated_client["broken"], "\n".join(generated_client["broken"])
    assert len(generated_client["modules"]) > 100


@pytest.mark.django_db
def test_the_generated_client_parses_every_response_of_every_role(generated_client, world,
                                                                   records, client):
    """Every GET operation, as every role, on the demo records: each JSON answer (data or
    error) is parsed by the generated client's own code for that operation."""
    import httpx

    client_class = generated_client["modules"]["berezhno_client.client"].Client
    api = {name.rsplit(".", 1)[1]: module for name, module in generated_client["modules"].items()
           if name.startswith("berezhno_client.api.")}
    parsed, wrong = 0, []
    for role in ROLES:
        headers = _headers(world, role)
        for path, item in generated_client["schema"]["paths"].items():
            operation = item.get("get")
            if operation is None or path.endswith(("/pdf/", "/download/")):
                continue
            url = path.replace("{id}", str(records.get(_resource(path), 1)))
            r = client.get(url, headers=headers)
            if not r["Content-Type"].startswith("application/json"):
                wrong.append(f"{role} GET {url}: {r['Content-Type']}")
                continue
            module = api[operation["operationId"]]
            try:
                result = module._parse_response(
                    client=client_class(base_url="http://testserver",
                                      raise_on_unexpected_status=True),
                    response=httpx.Response(r.status_code, content=r.content,
                                            headers={"Content-Type": r["Content-Type"]}))
            except Exception as exc:
                wrong.append(f"{role} GET {url} ({r.status_code}): {exc!r}"[:500])
                continue
            if result is None:
                wrong.append(f"{role} GET {url}: {r.status_code} not parsed")
            parsed += 1
    assert not wrong, "\n".join(wrong[:30])
    assert parsed > 300


# ------------------------------------------------------------------------ the coverage phase
#
# schemathesis's coverage phase: for every operation, the cases that walk its schema — each
# parameter and property missing, at and past its bounds, of every wrong type, every enum
# value, unexpected methods — valid (positive) and invalid (negative): about 7 500 cases.
# Sent all as each of the 13 roles they take over half an hour on two cores, so they are
# dealt out over the roles in turn: each case is sent once, as one role, and each role
# sends its share (about 580) of every operation's cases, a valid one on a real record of
# the test where the operation names one. The run time is in docs/performance.md.

COVERAGE_MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
_COVERAGE: dict[str, list] = {}


def _coverage_cases(schema, label: str) -> list:
    """The coverage phase's cases of one operation, generated once per process."""
    if label not in _COVERAGE:
        operation = schema.find_operation_by_label(label)
        config = schema.config.generation_for(operation=operation, phase="coverage")
        _COVERAGE[label] = list(schema.iter_coverage_cases(
            operation, generation_modes=COVERAGE_MODES, generation_config=config))
    return _COVERAGE[label]


def _is_positive(case) -> bool:
    return case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_coverage_phase_as_every_role_passes_all_checks(world, records, wsgi_app, role):
    schema = _served_schema(wsgi_app)
    headers = _headers(world, role)
    checks = [*ALL_CHECKS, invalid_values_rejected, valid_values_accepted]
    share, roles = list(ROLES).index(role), len(ROLES)
    failures, sent, dealt = [], 0, 0
    for method, path in OPERATIONS:
        label = f"{method} {path}"
        real = records.get(_resource(path))
        for case in _coverage_cases(schema, label):
            dealt += 1
            if dealt % roles != share:
                continue
            original = case.path_parameters
            if _is_positive(case) and "{id}" in path and real is not None and original:
                case.path_parameters = {**original, "id": real}  # a record of this test
            sent += 1
            try:
                response = _send(case, headers)
                case.validate_response(response, checks=checks, headers=headers)
                _assert_json_error(case, response)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{label} {case.method} {case.formatted_path} "
                                f"{case.query or ''} {str(case.body)[:300]}: {exc}"[:1500])
            finally:
                case.path_parameters = original
    assert sent > 100
    assert not failures, f"{role}: {len(failures)} cases\n\n" + "\n\n".join(failures[:40])
