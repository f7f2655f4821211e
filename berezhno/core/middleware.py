"""Middleware: request context for audit, idle session expiry."""

import time

from django.conf import settings
from django.contrib.auth import logout

from . import context


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
            response = self.get_response(request)
        finally:
            context.reset_context(token)
        response["X-Request-ID"] = ctx.request_id
        return response


class IdleSessionMiddleware:
    """Log out a browser session that has been idle longer than SESSION_IDLE_SECONDS."""

    key = "_last_seen"

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
            else:
                request.session[self.key] = now
        return self.get_response(request)
