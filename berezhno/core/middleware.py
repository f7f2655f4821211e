"""Middleware: request context for audit, idle session expiry, unusable query strings."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from . import audit, context, files


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ctx = context.RequestContext(request_id=context.new_request_id(), ip=client_ip(request))
        request.request_id = ctx.request_id
        token = context.set_context(ctx)
        try:
            # The request's reads of personal data: one insert at its end.
            with audit.collecting_reads(lambda: getattr(request, "user", None)):
                response = self.get_response(request)
        finally:
            context.reset_context(token)
            # A rolled-back write's file goes at the rollback (core.files); a deletion
            # that failed then is retried here.
            files.discard_rolled_back()
        response["X-Request-ID"] = ctx.request_id
        return response


def stamp_login(sender, request, user, **kwargs) -> None:
    """A new session starts stamped (``user_logged_in``), so its first pages are reads too."""
    if request is not None and hasattr(request, "session"):
        request.session[IdleSessionMiddleware.key] = int(time.time())


class IdleSessionMiddleware:
    """Log out a browser session that has been idle longer than SESSION_IDLE_SECONDS.

    The time of the last request is written at most once a minute: writing it on every
    request made every page, even a read, save the session (a database write and a commit).
    """

    key = "_last_seen"
    resolution = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(self.key)
            if last is not None and now - int(last) > settings.SESSION_IDLE_SECONDS:
                logout(request)
                request.session["idle_expired"] = True
            elif last is None or now - int(last) >= self.resolution:
                request.session[self.key] = now
        return self.get_response(request)


class NulCharacterMiddleware:
    """Refuse a query string carrying NUL characters before any view reads it.

    Forms and serializers already reject NUL in submitted fields, but views read search
    parameters directly, and PostgreSQL cannot store or compare text containing NUL: the
    request is answered 400 with a Russian message instead of failing deep in the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in v for v in values)
               for key, values in request.GET.lists()):
            message = _("Запрос содержит недопустимый символ (NUL). Уберите его и повторите.")
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid", "detail": message}, status=400,
                                    json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
