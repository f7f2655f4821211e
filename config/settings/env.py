"""The one place that reads the process environment for settings."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list (spaces and empty items dropped)."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PG_OPTIONS = "-c jit=off"


def database_from_env(default_sqlite: Path) -> dict:
    """Build the default database from DATABASE_URL-like variables.

    ``BEREZHNO_DB=postgres`` switches to PostgreSQL with the PG* variables
    (host, port, user, database); anything else uses the embedded SQLite file.
    """
    engine = env("BEREZHNO_DB", "sqlite")
    if engine not in {"postgres", "postgresql"}:
        # A fresh clone has no var/ yet (it is git-ignored): SQLite cannot create
        # its file in a missing directory, so make it here for every command.
        default_sqlite.parent.mkdir(parents=True, exist_ok=True)
    if engine in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env("PGDATABASE", "berezhno"),
            "USER": env("PGUSER", "postgres"),
            "PASSWORD": env("PGPASSWORD", ""),
            "HOST": env("PGHOST", "127.0.0.1"),
            "PORT": env("PGPORT", "5432"),
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            # A persistent connection is checked before its first use in a request: after
            # a PostgreSQL restart while the process was idle, the next request reconnects
            # instead of failing on the dead connection (decision 0028).
            "CONN_HEALTH_CHECKS": True,
            "ATOMIC_REQUESTS": False,
            # Server settings for the application's sessions (decision 0014): no JIT — on
            # the region's report queries PostgreSQL spent more compiling them than running
            # them (0.64 of 0.74 s). PG_OPTIONS replaces the whole string.
            "OPTIONS": {"options": env("PG_OPTIONS", PG_OPTIONS)},
        }
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env("SQLITE_PATH", str(default_sqlite)),
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mailers_from_env(default_backend: str) -> dict:
    """Django's ``MAILERS`` from the environment: ``BEREZHNO_MAIL_BACKEND`` (or the given
    default) and, for SMTP, ``EMAIL_HOST``, ``EMAIL_PORT``, ``EMAIL_HOST_USER``,
    ``EMAIL_HOST_PASSWORD``, ``EMAIL_USE_TLS``, ``EMAIL_USE_SSL``, ``EMAIL_TIMEOUT``
    (seconds). Other backends take no options (Django refuses unknown ones)."""
    backend = env("BEREZHNO_MAIL_BACKEND", default_backend)
    options: dict = {}
    if backend == SMTP_BACKEND:
        options = {
            "host": env("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env("EMAIL_HOST_USER", ""),
            "password": env("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
            "timeout": env_int("EMAIL_TIMEOUT", 20),
        }
    return {"default": {"BACKEND": backend, "OPTIONS": options}}
