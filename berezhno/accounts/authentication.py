"""API token authentication (decision 0015): ``Authorization: Token <key>``.

Only the SHA-256 of a key is stored (``ApiToken.digest``); a key that is unknown, revoked,
expired or belongs to a disabled user is refused with 401 and ``WWW-Authenticate: Token``.
The time of last use is written at most once a minute, so a busy integration does not
write a row per request.
"""

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

KEY_PREFIX = "brz_"
LAST_USED_RESOLUTION = timedelta(minutes=1)


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Неверный заголовок Authorization: нужен «Token <ключ>» без пробелов в "
                  "ключе."))
        try:
            key = parts[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                _("Ключ API содержит недопустимые символы.")) from None
        return self._check(key)

    def _check(self, key: str):
        from .models import ApiToken

        token = (ApiToken.objects.select_related("user")
                 .filter(digest=key_digest(key)).first())
        now = timezone.now()
        if token is None or token.revoked_at is not None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Ключ API недействителен или отозван."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                _("Срок действия ключа API истёк: выпустите новый в профиле."))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token scheme in the OpenAPI description."""

    target_class = "berezhno.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": 'Ключ API из профиля: "Token <ключ>". Срок действия '
                               "ограничен, ключ можно отозвать."}
