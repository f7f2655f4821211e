"""The API description is exact (issue 9, point 6; decision 0020): what every serializer
field returns is what the schema says, only the documented methods are routed, every
refusal has the documented error body, request bodies are JSON (multipart for uploads
only), and a list filter treats an id out of scope like one that does not exist."""

import contextlib
import importlib
import json

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers


def _api_serializers() -> list[type[serializers.Serializer]]:
    for app in apps.get_app_configs():
        if not app.name.startswith("berezhno."):
            continue
        for name in ("api", "audit_api"):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{app.name}.{name}")
    found, todo = [], [serializers.Serializer]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("berezhno.") and ".tests" not in cls.__module__:
            found.append(cls)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _chain_nullable(model, path: list[str]) -> bool | None:
    """Whether following ``path`` from ``model`` can meet a null; None when a step is not a
    model field (a property: not judged here)."""
    nullable = False
    for step in path:
        try:
            field = model._meta.get_field(step)
        except FieldDoesNotExist:
            return None if step == path[-1] else nullable or None
        nullable = nullable or getattr(field, "null", False)
        if field.is_relation and step != path[-1]:
            model = field.related_model
    return nullable


SERIALIZERS = _api_serializers()


@pytest.mark.parametrize("cls", SERIALIZERS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_serializer_fields_say_what_they_return(cls):
    """A field whose value can be null allows null (so the schema says nullable), a choice
    whose model field may be blank allows "" (so the enum has it)."""
    model = getattr(getattr(cls, "Meta", None), "model", None)
    if model is None:
        return
    try:
        fields = cls(context={}).fields
    except Exception as exc:
        pytest.fail(f"{cls.__name__} cannot be built without a request: {exc!r}")
    wrong = []
    for name, field in fields.items():
        if isinstance(field, serializers.SerializerMethodField | serializers.HiddenField):
            continue
        if field.source == "*" or isinstance(field, serializers.BaseSerializer):
            continue
        if isinstance(field, serializers.ManyRelatedField):
            continue
        nullable = _chain_nullable(model, field.source.split("."))
        if nullable and not field.allow_null:
            wrong.append(f"{name}: the value can be null, the field does not allow null")
        if "." in field.source:
            continue
        try:
            model_field = model._meta.get_field(field.source)
        except FieldDoesNotExist:
            continue
        if (isinstance(field, serializers.ChoiceField) and model_field.blank
                and getattr(model_field, "choices", None)
                and not field.allow_blank and not field.write_only):
            wrong.append(f"{name}: the model allows a blank choice, the field does not")
    assert not wrong, f"{cls.__module__}.{cls.__name__}: " + "; ".join(wrong)


def test_every_api_model_serializer_keeps_blank_and_null():
    from berezhno.core.api import ModelSerializer

    plain = [f"{c.__module__}.{c.__name__}" for c in SERIALIZERS
             if issubclass(c, serializers.ModelSerializer) and not issubclass(c, ModelSerializer)]
    assert not plain, f"not built on core.api.ModelSerializer: {plain}"



# ------------------------------------------------------------------------ routes and methods

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _api_views(patterns=None, prefix=""):
    """(route, view callback) of every API route."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            yield from _api_views(p.url_patterns, route)
        elif isinstance(p, URLPattern) and route.startswith("api/v1/"):
            yield route, p.callback


def _routed_methods(callback) -> set[str]:
    cls = callback.cls
    names = callback.initkwargs.get("http_method_names", cls.http_method_names)
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return {m for m in actions if m in names and m in HTTP_METHODS}
    return {m for m in names if m in HTTP_METHODS and hasattr(cls, m)}


def _as_schema_path(route: str) -> str:
    import re

    path = "/" + route.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "{%s}" % ("id" if m[1] == "pk" else m[1]),
                  path)
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)


def test_routed_methods_are_the_documented_ones():
    """Every API route answers exactly the methods its schema names (HEAD and OPTIONS
    aside): ``DELETE /documents/{id}/`` is not routed to the documents' ``delete`` action,
    ``PUT /persons/{id}/`` is not routed at all."""
    documented = {path: {m for m in item if m in HTTP_METHODS}
                  for path, item in _schema()["paths"].items()}
    wrong = []
    seen = set()
    for route, callback in _api_views():
        if not hasattr(callback, "cls") or route.startswith(("api/v1/schema", "api/v1/docs")):
            continue
        path = _as_schema_path(route)
        seen.add(path)
        if _routed_methods(callback) != documented.get(path, set()):
            wrong.append(f"{path}: routed {sorted(_routed_methods(callback))}, "
                         f"documented {sorted(documented.get(path, set()))}")
    assert not wrong, "\n".join(wrong)
    assert set(documented) <= seen, sorted(set(documented) - seen)


@pytest.mark.django_db
def test_undocumented_methods_answer_405_with_the_exact_allow(client, world):
    from berezhno.core.context import acting_as
    from berezhno.people import services as people
    from berezhno.testing.matrix import pdf_upload

    spec = world.user("specialist")
    with acting_as("test"):
        doc = people.document_attach(user=spec, person=world.p1, upload=pdf_upload(),
                                     doc_type="application", title="Заявление")
    client.force_login(spec)
    for url in (f"/api/v1/documents/{doc.pk}/", f"/api/v1/documents/{doc.pk}/download/"):
        r = client.delete(url)
        assert r.status_code == 405, (url, r.status_code)
        assert r.json()["code"] == "method_not_allowed" and r.json()["detail"]
    doc.refresh_from_db()
    assert not doc.is_deleted
    r = client.options(f"/api/v1/persons/{world.p1.pk}/")
    assert set(r["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH", "HEAD", "OPTIONS"}
    assert client.put(f"/api/v1/persons/{world.p1.pk}/", {},
                      content_type="application/json").status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/persons/1/nothing/",
                                  "/api/v1/persons.json", "/api/v1/"])
def test_an_unmatched_api_address_answers_the_json_404(client, world, path):
    client.force_login(world.user("specialist"))
    r = client.get(path)
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")
    assert r.json() == {"code": "not_found", "detail": "Не найдено."}


def test_request_bodies_are_json_and_multipart_only_for_uploads():
    uploads = {("/api/v1/documents/", "post"), ("/api/v1/agreements/{id}/file/", "post")}
    wrong = []
    for path, item in _schema()["paths"].items():
        for method, operation in item.items():
            if "requestBody" not in operation:
                continue
            types = set(operation["requestBody"]["content"])
            expected = ({"multipart/form-data"} if (path, method) in uploads
                        else {"application/json"})
            if types != expected:
                wrong.append(f"{method.upper()} {path}: {sorted(types)}")
    assert not wrong, wrong


def test_every_operation_documents_its_errors_with_the_error_body():
    schema = _schema()
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail"]
    wrong = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            needed = {"400", "404", "405", "429", "503"}
            if operation.get("security") != [{}] and path != "/api/v1/directory/":
                needed |= {"401", "403"}
            if method != "get":
                needed |= {"409"}
            for code in needed:
                body = operation["responses"].get(code, {}).get("content", {})
                if body.get("application/json", {}).get("schema") != {
                        "$ref": "#/components/schemas/Error"}:
                    wrong.append(f"{method.upper()} {path}: {code}")
    assert not wrong, wrong[:20]


def test_required_fields_are_shown_as_required():
    schemas = _schema()["components"]["schemas"]
    assert "head" in schemas["HouseholdCreateRequest"]["required"]
    patched = [name for name, s in schemas.items()
               if name.startswith("Patched") and "version" in s.get("properties", {})
               and not s["properties"]["version"].get("readOnly")]
    assert patched
    for name in patched:
        assert "version" in schemas[name].get("required", []), name


# ------------------------------------------------------------------------ the error body


@pytest.mark.django_db
def test_validation_errors_have_the_documented_body(client, world):
    client.force_login(world.user("specialist"))
    r = client.post("/api/v1/households/", {"name": "Без главы"},
                    content_type="application/json")
    assert r.status_code == 400
    body = r.json()
    assert set(body) == {"code", "detail", "fields"}
    assert body["code"] == "required" and body["detail"]
    assert list(body["fields"]) == ["head"]
    r = client.patch(f"/api/v1/persons/{world.p1.pk}/", {"phone": "+79130000000"},
                     content_type="application/json")
    assert r.status_code == 400 and "version" in r.json()["fields"], r.json()
    r = client.post("/api/v1/households/", "{not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "parse_error"
    r = client.post("/api/v1/households/", {"name": "x"})  # multipart: not offered
    assert r.status_code == 415 and r.json()["code"] == "unsupported_media_type"


@pytest.mark.django_db
def test_a_missing_or_bad_token_answers_401_with_a_challenge_everywhere(client, world):
    """Every operation that needs a user (all but the public directory)."""
    wrong = []
    for path, item in _schema()["paths"].items():
        if path == "/api/v1/directory/":
            continue
        url = path.replace("{id}", "1")
        for method in item:
            for headers in ({}, {"HTTP_AUTHORIZATION": "Token brz_not-a-key"}):
                r = getattr(client, method)(url, **headers)
                if (r.status_code != 401 or not r.get("WWW-Authenticate")
                        or set(r.json()) != {"code", "detail"}):
                    wrong.append(f"{method.upper()} {path} {headers}: {r.status_code}")
    assert not wrong, wrong[:20]


# ------------------------------------------------------------------------ list filters


def _list_views():
    for route, callback in _api_views():
        actions = getattr(callback, "actions", None) or {}
        if actions.get("get") == "list":
            yield _as_schema_path(route), callback


def _record_filters(callback, user):
    """(name, model) of every filter of the list that names a record by its id."""
    from django.test import RequestFactory
    from django_filters.rest_framework import DjangoFilterBackend
    from rest_framework.request import Request

    request = Request(RequestFactory().get("/"))
    request.user = user
    view = callback.cls(**callback.initkwargs)
    view.action, view.request, view.format_kwarg, view.kwargs = "list", request, None, {}
    filtersets = []
    if not hasattr(view, "get_queryset"):  # a plain ViewSet reading its own FilterSet
        if getattr(view, "filterset_class", None) is not None:
            filtersets.append(view.filterset_class(request=request))
    else:
        queryset = view.get_queryset()
        for backend in view.filter_backends:
            if issubclass(backend, DjangoFilterBackend):
                filtersets.append(backend().get_filterset(request, queryset, view))
    for filterset in filtersets:
        if filterset is None:
            continue
        for name, f in filterset.filters.items():
            if hasattr(f, "get_queryset") and f.queryset is not None:
                yield name, f.get_queryset(request).model


@pytest.mark.django_db
def test_a_filter_id_out_of_scope_is_answered_like_a_missing_one(client, world):
    """Every list filter that takes a record's id (``?person=``, ``?case=``, ``?plan=``…),
    walked from the routes: for the district specialist, a record of another municipality
    and an id that exists nowhere get the same 400 with the same message."""
    from berezhno.cases import services as case_services
    from berezhno.cases.choices import Decision
    from berezhno.core.context import acting_as
    from berezhno.testing.factories import PlanFactory, SupportCaseFactory

    root = world.user("root")
    with acting_as("test"):
        far_case = SupportCaseFactory(user=root, person=world.p3)
        far_case = case_services.case_decide(user=root, case=far_case,
                                             decision=Decision.NEED_RECOGNISED)
        far_plan = PlanFactory(user=root, case=far_case)
    out_of_scope = {"Person": world.p3.pk, "SupportCase": far_case.pk, "Plan": far_plan.pk}
    user = world.user("specialist")
    client.force_login(user)
    checked, wrong = [], []
    for path, callback in _list_views():
        for name, model in _record_filters(callback, user):
            every = model._default_manager.all()
            if not hasattr(every, "restrict") or (
                    every.restrict(user, "view").count() == every.count()):
                continue  # reference data the user reads whole (problems, organisations…)
            assert model.__name__ in out_of_scope, f"{path}?{name}=: no record of {model}"
            answers = []
            for value in (out_of_scope[model.__name__], 10**9):
                r = client.get(path, {name: value})
                body = r.json()
                message = json.dumps(body.get("fields", body), ensure_ascii=False)
                answers.append((r.status_code, body.get("code"), message))
            checked.append(f"{path}?{name}=")
            if answers[0] != answers[1] or answers[0][0] != 400:
                wrong.append(f"{path}?{name}=: out of scope {answers[0]}, missing {answers[1]}")
    assert not wrong, "\n".join(wrong)
    # The thirteen of the issue, at least.
    assert len(checked) >= 13, checked


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/persons/999999999/"])
def test_with_debug_on_the_api_still_answers_the_json_404(client, world, path, settings):
    """``make run`` has DEBUG on: Django's English technical page is replaced there too."""
    settings.DEBUG = True
    client.force_login(world.user("specialist"))
    r = client.get(path)
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")
    assert r.json()["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_page_answers_in_russian(client, world, debug, settings):
    settings.DEBUG = debug
    client.force_login(world.user("specialist"))
    r = client.get("/no-such-page/")
    assert r.status_code == 404
    text = r.content.decode()
    assert "Страница не найдена" in text and "Page not found" not in text
    assert "Выйти" in text  # the site's frame, with its menu


@pytest.mark.django_db
def test_the_slash_is_still_appended_with_debug_on(client, world, settings):
    settings.DEBUG = True
    client.force_login(world.user("specialist"))
    assert client.get("/api/v1/persons").status_code == 301


@pytest.mark.django_db
def test_the_api_page_is_light_russian_and_in_the_menu_of_administrators_only(client, world):
    client.force_login(world.user("specialist"))
    page = client.get("/api/v1/docs/").content.decode()
    assert "Программный интерфейс (API)" in page and "Authorization: Token" in page
    assert "swagger-ui" not in page.lower().replace("/docs/swagger/", "")
    assert len(page.encode()) < 20_000
    assert 'href="/api/v1/docs/"' not in client.get("/").content.decode()
    assert client.get("/api/v1/docs/swagger/").status_code == 200
    client.force_login(world.user("admin"))
    assert 'href="/api/v1/docs/"' in client.get("/").content.decode()
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["info"]["title"] == "API системы «Бережно»"
