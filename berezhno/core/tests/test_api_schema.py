"""The REST API against its own OpenAPI schema, fuzzed with schemathesis.

The schema is loaded the way a client gets it, from ``/api/v1/schema/`` of the WSGI
application (once per process), and every request goes through that application
(middleware included) as an authenticated district specialist (token authentication). Each
generated request runs inside a savepoint that is rolled back, so every example starts
from the same records.

Checked for every GET operation: no 5xx, the response conforms to the schema (status
codes the schema declares, content type, body), schema-violating query or path values are
refused with a 4xx carrying a JSON error; and for POST/PATCH on persons and contacts, that
fuzzed bodies never cause a 5xx.
"""

import copy
import datetime
import json

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
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
)

from berezhno.accounts import services as accounts
from berezhno.accounts.models import Agreement
from berezhno.core.context import acting_as
from berezhno.people import services as people
from berezhno.people.models import Consent
from berezhno.testing.fixtures import CONSENT

SCHEMA_URL = "/api/v1/schema/?format=json"
FUZZ = settings(max_examples=12, derandomize=True, database=None, deadline=None,
                suppress_health_check=list(HealthCheck))
# Rendering a PDF per example is slow and adds nothing after the first few.
SLOW_OPERATIONS = {"GET /api/v1/consents/{id}/pdf/": 3}


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every operation, from the generator behind the schema view."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted((method.upper(), path) for path, item in schema["paths"].items()
                  for method in item)


OPERATIONS = _operations()
GET_OPERATIONS = [f"{m} {p}" for m, p in OPERATIONS if m == "GET"]
WRITE_OPERATIONS = [f"{m} {p}" for m, p in OPERATIONS
                    if m in ("POST", "PATCH")
                    and p in ("/api/v1/persons/", "/api/v1/persons/{id}/",
                              "/api/v1/contacts/")]


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
    """One record of every kind the API serves, in the specialist's district (d1)."""
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
    consent = Consent.objects.filter(person=p1, purpose="social_service").get()
    return {
        "persons": p1.pk, "categories": category.pk, "consents": consent.pk,
        "contacts": contact.pk, "documents": document.pk, "households": household.pk,
        "territories": world.d1.pk, "districts": world.d1.pk,
        "organisations": world.provider.pk, "agreements": agreement.pk,
        # Out of the specialist's reach: these must answer 404, never 5xx.
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


@pytest.fixture
def api(world, records, wsgi_app):
    _token, key = accounts.api_token_issue(user=world.user("specialist"),
                                           second_factor_verified=False)
    schema = _served_schema(wsgi_app)
    # The WSGI test client does not decode gzip (GZipMiddleware); a real client would.
    headers = {"Authorization": f"Token {key}", "Accept-Encoding": "identity"}
    return {"schema": schema, "headers": headers, "records": records}


def _resource(path: str) -> str:
    return path.removeprefix("/api/v1/").split("/{", 1)[0].strip("/")


def _strategies(operation, records, modes):
    """Generated cases; for an operation on one record, half of them on a real one."""
    has_id = "{id}" in operation.path
    real = records.get(_resource(operation.path))
    options = []
    for mode in modes:
        if not _has_inputs(operation, mode):
            continue
        options.append(operation.as_strategy(mode))
        if has_id and real is not None:
            options.append(operation.as_strategy(mode, path_parameters={"id": real}))
    if not options:
        options.append(operation.as_strategy(GenerationMode.POSITIVE))
    return st.one_of(options)


def _has_inputs(operation, mode) -> bool:
    """Negative cases need something to break: a parameter or a body."""
    if mode is GenerationMode.POSITIVE:
        return True
    return bool(list(operation.iter_parameters())) or bool(operation.body)


def _negated_parameters(case) -> set[str]:
    """Names of the parameters a negative case made invalid, as schemathesis recorded them."""
    data = case.meta.phase.data if case.meta is not None else None
    if data is None:
        return set()
    if getattr(data, "parameter", None):
        return {data.parameter}
    return {m.parameter for m in getattr(data, "mutations", ()) if m.parameter}


def _lenient_parameters(operation) -> set[str]:
    """Query parameters the server reads leniently by design rather than rejecting: DRF
    falls back to the default page size for an unusable ``page_size``, and django-filter
    reads a boolean it does not recognise as "not set"."""
    names = {"page_size"}
    for parameter in operation.query:
        if parameter.definition.get("schema", {}).get("type") == "boolean":
            names.add(parameter.name)
    return names


def invalid_values_rejected(ctx, response, case):
    """``negative_data_rejection``, except for cases that only broke lenient parameters."""
    negated = _negated_parameters(case)
    # An empty filter value means "not set", as an HTML form submits it.
    empty = {name for name, value in (case.query or {}).items() if value in ("", None)}
    if negated and negated <= _lenient_parameters(case.operation) | empty:
        return None
    return negative_data_rejection(ctx, response, case)


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
    body = json.loads(response.content)
    assert isinstance(body, dict) and "code" in body, f"{where}: error body {body!r}"


def test_schema_is_served_and_matches_the_generator(client, world):
    client.force_login(world.user("specialist"))
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    served = json.loads(response.content)
    served_ops = sorted((m.upper(), p) for p, item in served["paths"].items() for m in item)
    assert served_ops == OPERATIONS
    assert len(GET_OPERATIONS) >= 25
    assert len(WRITE_OPERATIONS) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("label", GET_OPERATIONS)
def test_get_operation_conforms_to_schema(api, label):
    operation = api["schema"].find_operation_by_label(label)
    assert operation is not None, label
    strategy = _strategies(operation, api["records"],
                           [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance,
              invalid_values_rejected]

    @settings(FUZZ, max_examples=SLOW_OPERATIONS.get(label, FUZZ.max_examples))
    @given(case=strategy)
    def run(case):
        response = _send(case, api["headers"])
        case.validate_response(response, checks=checks, headers=api["headers"])
        _assert_json_error(case, response)

    run()


@pytest.mark.django_db
@pytest.mark.parametrize("label", WRITE_OPERATIONS)
def test_write_operation_never_fails_on_fuzzed_bodies(api, label):
    operation = api["schema"].find_operation_by_label(label)
    assert operation is not None, label
    strategy = _strategies(operation, api["records"],
                           [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])

    @settings(FUZZ, max_examples=40)
    @given(case=strategy)
    def run(case):
        response = _send(case, api["headers"])
        case.validate_response(response, checks=[not_a_server_error],
                               headers=api["headers"])
        _assert_json_error(case, response)

    run()
