"""Settings for the test suite; the database is chosen by BEREZHNO_DB like everywhere."""

from .base import *  # noqa: F403
from .base import API_THROTTLE_RATES, DATABASES, REST_FRAMEWORK
from .env import BASE_DIR, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "berezhno.core.files.TransactionalFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["NAME"] = env("PGDATABASE", "test")
    DATABASES["default"]["TEST"] = {"NAME": env("PG_TEST_DATABASE", "test_berezhno")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A commit need not wait for the WAL to reach the disk: nothing of a test run has to
    # survive a crash, and the migrations and the transactional tests commit often.
    DATABASES["default"]["OPTIONS"] = {
        "options": DATABASES["default"]["OPTIONS"]["options"] + " -c synchronous_commit=off"}
else:
    # SQLITE_TEST_PATH lets two suites run side by side without sharing one file.
    DATABASES["default"]["TEST"] = {
        "NAME": env("SQLITE_TEST_PATH", str(BASE_DIR / "var" / "test.sqlite3"))
    }

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# No outside requests from tests: maps draw without tiles (the map's browser test points the
# tiles at a closed local port on purpose).
BEREZHNO_MAP_TILES_URL = ""

# The permission matrix and most tests sign heads and administrators in with force_login:
# the two-factor rule is tested on its own with the production default (override_settings
# in accounts/tests/test_two_factor.py), and the per-user API rate, which the fuzzer and the
# matrix would exceed, in accounts/tests/test_api_tokens.py.
BEREZHNO_2FA_REQUIRED_ROLES = []
REST_FRAMEWORK = {**REST_FRAMEWORK,
                  "DEFAULT_THROTTLE_RATES": {**API_THROTTLE_RATES, "user": None}}
