"""Shared API plumbing: pagination, error format, scoped viewset base."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, pagination, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import access, audit
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


def _validation_payload(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages]
                for field, errors in error.error_dict.items()}
    return {"detail": [str(m) for m in error.messages]}


def exception_handler(exc, context):
    """Domain and model errors become 4xx with a Russian message and a stable code."""
    if isinstance(exc, DomainError):
        body = {"code": str(exc.code), "detail": str(exc.message)}
        if exc.field:
            body["field"] = exc.field
            body[exc.field] = [str(exc.message)]
        if exc.details:
            body["details"] = exc.details
        code = status.HTTP_409_CONFLICT if isinstance(exc, ConflictError) else exc.status
        return Response(body, status=code)
    if isinstance(exc, DjangoValidationError):
        body = _validation_payload(exc)
        body["code"] = "invalid"
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response({"code": "not_found", "detail": _("Не найдено.")},
                        status=status.HTTP_404_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        if isinstance(response.data, dict):
            response.data.setdefault("code", "invalid")
        else:
            response.data = {"code": "invalid", "detail": response.data}
    elif response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data["code"] = getattr(exc, "default_code", "error")
    return response


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


def page_not_found(request, exception):
    """The 404 handler: under /api/ a JSON error like every other API error (a URL that
    matches no route, e.g. a malformed id), elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": _("Не найдено.")}, status=404,
                            json_dumps_params={"ensure_ascii": False})
    return defaults.page_not_found(request, exception)
