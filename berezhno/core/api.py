"""Shared API plumbing: pagination, the one error body and its place in the schema, the
router that routes only documented methods, the serializer base and the version field
(decision 0020), the access-logging viewset mixin."""

import copy

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, pagination, permissions, routers, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import access, audit
from .dates import BoundedDatesSerializer
from .errors import ConflictError, DomainError
from .models import AccessKind

METHOD_ACTIONS = {"GET": access.VIEW, "HEAD": access.VIEW, "OPTIONS": access.VIEW,
                  "POST": access.ADD, "PUT": access.CHANGE, "PATCH": access.CHANGE,
                  "DELETE": access.DELETE}


class CanManage(permissions.BasePermission):
    """Reference data: reading needs the role's "view" of the view's ``permission_kind``,
    creating its "add", changing its "change"; anything else is 403."""

    def has_permission(self, request, view):
        if not request.user.is_authenticated:
            return False
        action = METHOD_ACTIONS.get(request.method)
        return action is not None and access.can(request.user, view.permission_kind, action)


class LoggedReads:
    """A viewset whose answers log the personal data they show (152-ФЗ): every record it
    serializes — a list page, a record, an action's records — goes to ``audit.log_reads``
    (one insert for the whole page at the end of the request). Every viewset of a personal
    record kind has it (a test walks the routes)."""

    access_log_kind = AccessKind.API_READ

    def shown(self, objects) -> None:
        """Records the answer shows that it serialized without ``get_serializer``."""
        audit.log_reads(user=self.request.user, objects=objects,  # type: ignore[attr-defined]
                        kind=self.access_log_kind,
                        detail=self.request.path[:200])  # type: ignore[attr-defined]

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if args and args[0] is not None:
            self.shown(list(args[0]) if kwargs.get("many") else [args[0]])
        return serializer

    def finalize_response(self, request, response, *args, **kwargs):
        """What an action serialized by itself (``Serializer(obj).data`` keeps its
        serializer, a page keeps it in ``results``): created, changed or read."""
        data = getattr(response, "data", None)
        for part in (data, data.get("results") if isinstance(data, dict) else None):
            instance = getattr(getattr(part, "serializer", None), "instance", None)
            if instance is None or not 200 <= response.status_code < 300:
                continue
            if isinstance(instance, Model):
                self.shown([instance])
            elif isinstance(instance, list | tuple | QuerySet):
                self.shown(list(instance))
        return super().finalize_response(
            request, response, *args, **kwargs)


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = "Такой страницы нет."

    def get_page_size(self, request):
        """An unusable ``page_size`` is refused (400), not replaced by the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            message = _("Укажите размер страницы числом от 1 до %(max)s.") % {
                "max": self.max_page_size}
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


# ------------------------------------------------------------------------ errors
#
# Every error of the API has one shape (decision 0020), the ``Error`` component of the
# schema: ``code`` (stable, English), ``detail`` (Russian, for a person), ``fields`` (the
# messages per input field, when the input was refused) and ``details`` (machine-readable
# facts, e.g. the current values of a conflict).

def _flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as ``{"field": [...], "lines.0.service": [...]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field_name, messages in _flatten(value, name).items():
                out.setdefault(field_name, []).extend(messages)
    elif isinstance(errors, list | tuple):
        if all(not isinstance(e, dict | list | tuple) for e in errors):
            out[prefix or "non_field_errors"] = [str(e) for e in errors]
        else:
            for index, value in enumerate(errors):
                if value:
                    out.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or "non_field_errors"] = [str(errors)]
    return out


def _summary(fields: dict[str, list[str]]) -> str:
    messages = list(dict.fromkeys(m for ms in fields.values() for m in ms))
    if not messages:
        return _("Проверьте введённые данные.")
    return " ".join(messages)


def error_body(code, detail, *, fields: dict | None = None, details: dict | None = None
               ) -> dict:
    body: dict = {"code": str(code), "detail": str(detail)}
    if fields:
        body["fields"] = fields
    if details:
        body["details"] = details
    return body


def _django_validation_fields(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {("non_field_errors" if field == "__all__" else field):
                [str(m) for e in errors for m in e.messages]
                for field, errors in error.error_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc, context):
    """Every refusal as the one documented error body, with a Russian message."""
    if isinstance(exc, DomainError):
        fields = {exc.field: [str(exc.message)]} if exc.field else None
        code = status.HTTP_409_CONFLICT if isinstance(exc, ConflictError) else exc.status
        return Response(error_body(exc.code, exc.message, fields=fields,
                                   details=exc.details), status=code)
    if isinstance(exc, DjangoValidationError):
        fields = _django_validation_fields(exc)
        return Response(error_body("invalid", _summary(fields), fields=fields),
                        status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Не найдено."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        codes = {c for cs in _flatten(exc.get_codes()).values() for c in cs}
        code = "required" if codes == {"required"} else "invalid"
        response.data = error_body(code, _summary(fields), fields=fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        if isinstance(detail, dict | list):
            detail = _summary(_flatten(detail))
        response.data = error_body(getattr(exc, "default_code", "error"), detail)
    return response


ERROR_SCHEMA = {
    "type": "object",
    "description": "Ошибка: запрос отклонён, ничего не изменено.",
    "properties": {
        "code": {"type": "string", "description": "Стабильный код ошибки (invalid, required, "
                 "not_found, conflict, not_authenticated, permission_denied, throttled…)."},
        "detail": {"type": "string", "description": "Сообщение для человека, по-русски."},
        "fields": {"type": "object", "description": "Сообщения по полям запроса.",
                   "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "details": {"type": "object", "additionalProperties": True,
                    "description": "Сведения для программы: например, текущая версия и "
                                   "значения записи при конфликте."},
    },
    "required": ["code", "detail"],
}

ERROR_DESCRIPTIONS = {
    400: "Неверный запрос или данные (в том числе фильтр с недоступным идентификатором)",
    401: "Нет ключа API или сеанса, ключ недействителен или истёк",
    403: "Нет права на это действие",
    404: "Не найдено (или вне вашей зоны доступа)",
    405: "Метод не поддерживается",
    409: "Конфликт: запись изменил другой пользователь, или найден возможный дубликат",
    415: "Тело запроса не в поддерживаемом формате",
    429: "Слишком много запросов",
    503: "База данных временно недоступна: повторите запрос через время из заголовка "
         "Retry-After",
}


class ErrorSerializer(serializers.Serializer):
    """Named in ``extend_schema``; the ``Error`` component itself is ``ERROR_SCHEMA``
    (``errors_in_schema`` puts it in every operation)."""

    code = serializers.CharField()
    detail = serializers.CharField()

    class Meta:
        ref_name = "Error"


CLOSED_COMPONENTS: set[str] = set()


def closed_schema(serializer_class):
    """The serializer's component admits no other properties: a record shown in one of two
    shapes (a person's full or minimal data) is then exactly one of them (``oneOf``)."""
    CLOSED_COMPONENTS.add(serializer_class.__name__.removesuffix("Serializer"))
    return serializer_class


def errors_in_schema(result, generator, request, public):
    """Postprocessing hook: every operation answers its errors with the ``Error`` body,
    declared for every status it can give (400, 401 and 403 where it needs a user, 404, 405,
    409 for writes, 415 for those with a body, 429, and 503 during a database outage)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    for name in CLOSED_COMPONENTS & set(components):
        components[name]["additionalProperties"] = False
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            statuses = {400, 404, 405, 429, 503}
            if operation.get("security") != [] and operation.get("security") != [{}]:
                statuses |= {401, 403}
            if method != "get":
                statuses |= {409}
            if "requestBody" in operation:
                statuses |= {415}
            responses = operation.setdefault("responses", {})
            for code in sorted(statuses):
                existing = responses.get(str(code), {})
                responses[str(code)] = {
                    "description": existing.get("description") or ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ref}}}
                if code == 503:
                    responses["503"]["headers"] = {"Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Через сколько секунд повторить запрос."}}
                if code == 401:
                    responses["401"]["headers"] = {"WWW-Authenticate": {
                        "schema": {"type": "string"},
                        "description": "Схема проверки подлинности: Token."}}
    return result


def page_not_found(request, exception):
    """The 404 handler: under /api/ a JSON error like every other API error (a URL that
    matches no route, e.g. a malformed id), elsewhere the site's Russian page (404.html)."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("Не найдено.")), status=404,
                            json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)


# ------------------------------------------------------------------------ routing


class Router(routers.DefaultRouter):
    """Routes exactly the methods a viewset maps (and HEAD, OPTIONS): a method the schema
    does not name answers 405 with an exact ``Allow`` (a viewset's method that happens to
    be named like an HTTP verb — ``delete`` — is never reached by that verb). No root
    view and no format suffixes (``persons.json``): neither is an operation; the
    schema is at ``/api/v1/schema/``."""

    include_root_view = False
    include_format_suffixes = False

    def get_routes(self, viewset):
        routes = []
        for route in super().get_routes(viewset):
            methods = [m for m in self.get_method_map(viewset, route.mapping)
                       if m in viewset.http_method_names]
            if "get" in methods:
                methods.append("head")
            methods.append("options")
            routes.append(route._replace(
                initkwargs={**route.initkwargs, "http_method_names": methods}))
        return routes


# ------------------------------------------------------------------------ schema


_FIELD_PROTOTYPES: dict[type, dict] = {}


class ModelSerializer(BoundedDatesSerializer, serializers.ModelSerializer):
    """A model serializer whose read-only fields say what they return: DRF drops
    ``allow_blank`` from a read-only field, so a blank choice (``Case.outcome`` of an open
    case is "") fell outside the enum the schema gave. Every API model serializer is one of
    these (a test walks them). Its date fields get their spans (``core.dates``)."""

    def get_fields(self):
        """The fields DRF builds from the model, built once per serializer class and copied
        for each instance: building them (the model's introspection, for every field) was a
        third of serializing a page of 50 cases. They depend on the class alone (its
        ``Meta`` and declared fields); what an instance changes, it changes on its copy."""
        prototype = _FIELD_PROTOTYPES.get(type(self))
        if prototype is None:
            prototype = _FIELD_PROTOTYPES[type(self)] = super().get_fields()
        return copy.deepcopy(prototype)

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        keep = {k: kwargs[k] for k in ("allow_blank", "allow_null") if kwargs.get(k)}
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if kwargs.get("read_only"):
            kwargs.update(keep)
        return kwargs


class VersionField(serializers.IntegerField):
    """The version a change is based on (optimistic locking, ``core.services.check_version``):
    required in a PATCH (DRF would skip a missing field of a partial update), optional where
    a record is created."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("help_text", "Версия записи, на которую сделаны правки (из ответа "
                                       "GET); обязательна при изменении; другая версия — "
                                       "конфликт 409.")
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data is serializers.empty and getattr(self.root, "partial", False):
            self.fail("required")
        return super().validate_empty_values(data)
