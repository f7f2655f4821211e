"""API tokens (decision 0015): stored hashed, shown once, expiring, revocable by the owner
and by the administrator, every issue and revocation in the journal; 401 with
``WWW-Authenticate`` for a missing, bad, expired or revoked key; signed-in clients are
throttled per user."""

import datetime
import hashlib
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from berezhno.accounts.models import ApiToken
from berezhno.core.models import DomainEvent, ObjectChange

pytestmark = pytest.mark.django_db
PERSONS = "/api/v1/persons/"


def _auth(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def _issue(client, user) -> tuple[str, ApiToken]:
    """Issue a key on the profile page, as the user does; returns the key shown."""
    client.force_login(user)
    r = client.post(reverse("accounts:profile"))
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    token = ApiToken.objects.get(user=user, revoked_at__isnull=True)
    key = r.context["new_key"]
    assert key in r.content.decode()
    client.logout()
    return key, token


def test_a_key_is_shown_once_and_stored_only_as_its_hash(client, world):
    spec = world.user("specialist")
    key, token = _issue(client, spec)
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in [str(v) for v in ApiToken.objects.values_list(
        "digest", "prefix", "created_at", "expires_at").get()]
    assert token.prefix == key[:8] and len(key) > 40
    client.force_login(spec)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert key not in page and f"{token.prefix}…" in page
    event = DomainEvent.objects.get(event_type="api_token.issued")
    assert event.actor_id == spec.pk and event.object_id == token.pk
    change = ObjectChange.objects.get(pk=event.change_id)
    assert "digest" not in change.after and change.after["prefix"] == token.prefix


def test_the_key_authenticates_and_its_use_is_recorded(client, world):
    key, token = _issue(client, world.user("specialist"))
    assert token.last_used_at is None
    r = client.get(PERSONS, **_auth(key))
    assert r.status_code == 200 and r.json()["results"]
    token.refresh_from_db()
    assert token.last_used_at is not None
    used = token.last_used_at
    client.get(PERSONS, **_auth(key))  # within the minute: not written again
    token.refresh_from_db()
    assert token.last_used_at == used


@pytest.mark.parametrize("header", [None, "Token", "Token nope", "Token a b",
                                    "Token " + "x" * 60])
def test_a_missing_or_bad_key_is_401_with_the_scheme(client, world, header):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    r = client.get(PERSONS, **extra)
    assert r.status_code == 401
    assert r["WWW-Authenticate"] == 'Token realm="api"'
    assert r.json()["code"] in {"not_authenticated", "authentication_failed"}
    assert "Семёнова" not in r.content.decode()


def test_an_expired_revoked_or_disabled_key_is_refused(client, world):
    spec = world.user("specialist")
    key, token = _issue(client, spec)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    r = client.get(PERSONS, **_auth(key))
    assert r.status_code == 401 and "истёк" in r.json()["detail"]
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get(PERSONS, **_auth(key)).status_code == 200
    spec.is_active = False
    spec.save(update_fields=["is_active"])
    assert client.get(PERSONS, **_auth(key)).status_code == 401


@override_settings(BEREZHNO_API_TOKEN_LIFETIME=datetime.timedelta(days=7))
def test_the_lifetime_is_a_setting(client, world):
    _key, token = _issue(client, world.user("specialist"))
    left = token.expires_at - timezone.now()
    assert datetime.timedelta(days=6, hours=23) < left <= datetime.timedelta(days=7)


def test_a_new_key_revokes_the_previous_one(client, world):
    spec = world.user("specialist")
    old_key, old = _issue(client, spec)
    new_key, new = _issue(client, spec)
    assert old.pk != new.pk
    old.refresh_from_db()
    assert old.revoked_at is not None and old.revoked_by == spec
    assert client.get(PERSONS, **_auth(old_key)).status_code == 401
    assert client.get(PERSONS, **_auth(new_key)).status_code == 200
    assert DomainEvent.objects.filter(event_type="api_token.revoked",
                                      object_id=old.pk).count() == 1


def test_the_owner_revokes_a_key(client, world):
    spec = world.user("specialist")
    key, token = _issue(client, spec)
    client.force_login(spec)
    r = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("accounts:profile")
    client.logout()
    assert client.get(PERSONS, **_auth(key)).status_code == 401
    changes = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(token),
                                          object_id=token.pk, action="update")
    change = changes.get()
    assert change.before["revoked_at"] is None and change.after["revoked_at"]
    assert change.actor_id == spec.pk
    client.force_login(spec)  # a second revocation is refused, nothing changes
    r = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "уже отозван" in r.content.decode()
    assert changes.count() == 1


def test_the_administrator_revokes_any_key_without_seeing_it(client, world):
    key, token = _issue(client, world.user("head"))
    admin = world.user("admin")
    client.force_login(admin)
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert f"{token.prefix}…" in page and "head" in page and key not in page
    r = client.post(reverse("accounts:token_revoke", args=[token.pk]), {"back": "tokens"})
    assert r.status_code == 302 and r["Location"] == reverse("accounts:tokens")
    token.refresh_from_db()
    assert token.revoked_by == admin
    assert client.get(reverse("accounts:tokens")).content.decode().count("…") == 0
    client.logout()
    assert client.get(PERSONS, **_auth(key)).status_code == 401


def test_another_user_cannot_revoke_a_key_and_nothing_changes(client, world):
    key, token = _issue(client, world.user("specialist"))
    client.force_login(world.user("head"))
    assert client.get(reverse("accounts:tokens")).status_code == 404
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not DomainEvent.objects.filter(event_type="api_token.revoked").exists()
    client.logout()
    assert client.get(PERSONS, **_auth(key)).status_code == 200


def test_the_schema_describes_the_token_scheme(client, world):
    client.force_login(world.user("head"))
    schema = client.get("/api/v1/schema/?format=json").json()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}


@pytest.fixture
def low_rate(settings):
    rest = {**settings.REST_FRAMEWORK}
    rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], "user": "3/minute"}
    settings.REST_FRAMEWORK = rest
    cache.clear()
    yield
    cache.clear()


def test_a_signed_in_client_is_throttled_per_user(client, world, low_rate):
    key, _token = _issue(client, world.user("specialist"))
    answers = [client.get(PERSONS, **_auth(key)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    r = client.get(PERSONS, **_auth(key))
    assert r.status_code == 429 and int(r["Retry-After"]) > 0 and r.json()["code"] == "throttled"
    # The session of the same user shares the count; another user has their own.
    client.force_login(world.user("specialist"))
    assert client.get(PERSONS).status_code == 429
    client.force_login(world.user("head"))
    assert client.get(PERSONS).status_code == 200


def test_the_default_rate_is_generous_and_configurable():
    from config.settings import base

    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"] == "600/minute"
    assert base.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "berezhno.accounts.throttling.UserThrottle"]
    assert base.BEREZHNO_API_TOKEN_LIFETIME.days == 90


def test_existing_drf_tokens_are_hashed_by_the_migration(client, world):
    """The data migration on a database that still has ``authtoken_token`` rows."""
    migration = importlib.import_module(
        "berezhno.accounts.migrations.0006_api_tokens_from_authtoken")
    spec = world.user("specialist")
    old_key = "0f" * 20
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
                       "created timestamp NOT NULL, user_id bigint NOT NULL)")
        cursor.execute("INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
                       [old_key, timezone.now(), spec.pk])
    # The function reads only the editor's connection; SQLite's real schema editor cannot
    # open inside the test's transaction.
    migration.hash_existing_tokens(apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0  # no plain key is left behind
        cursor.execute("DROP TABLE authtoken_token")
    token = ApiToken.objects.get(user=spec)
    assert token.digest == hashlib.sha256(old_key.encode()).hexdigest()
    assert token.expires_at > timezone.now() + datetime.timedelta(days=89)
    r = client.get(PERSONS, **_auth(old_key))
    assert r.status_code == 200
