"""Settings shared by every environment."""

from datetime import timedelta

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .env import BASE_DIR, database_from_env, env, env_int, env_list, mailers_from_env

SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "berezhno.core.admin_site.AdminConfig",  # django.contrib.admin with the role-aware site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "berezhno.core",
    "berezhno.accounts",
    "berezhno.territories",
    "berezhno.people",
    "berezhno.notifications",
    "berezhno.cases",
    "berezhno.assessments",
    "berezhno.referrals",
    "berezhno.sop",
    "berezhno.urgent",
    "berezhno.rights",
    "berezhno.district",  # the District social service practice (issue 12)
    "berezhno.indicators",
    "berezhno.testing",  # demo data, generator, benchmarks (management commands)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "berezhno.core.outage.DatabaseOutageMiddleware",  # 503 on a database outage (0028)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "berezhno.core.not_found.NotFoundMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "berezhno.core.middleware.RequestContextMiddleware",
    "berezhno.core.middleware.NulCharacterMiddleware",
    "berezhno.core.middleware.IdleSessionMiddleware",
    "berezhno.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "berezhno.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_from_env(BASE_DIR / "var" / "berezhno.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling: five failures for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Idle sessions end after BEREZHNO_IDLE_MINUTES without a request.
SESSION_IDLE_SECONDS = env_int("BEREZHNO_IDLE_MINUTES", 30) * 60
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True

# Two-factor authentication (decision 0015): optional TOTP for everyone, required for the
# roles listed here (comma-separated role codes; empty: nobody is required). A superuser
# counts as holding "admin". Failed codes count towards the AXES_* lockout like failed
# passwords; each device also backs off exponentially (django-otp's throttling).
BEREZHNO_2FA_REQUIRED_ROLES = env_list("BEREZHNO_2FA_REQUIRED_ROLES", "head,patrol_hq,admin")
OTP_TOTP_ISSUER = "Бережно"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# API tokens (decision 0015): stored as SHA-256, valid for BEREZHNO_API_TOKEN_DAYS.
BEREZHNO_API_TOKEN_LIFETIME = timedelta(days=env_int("BEREZHNO_API_TOKEN_DAYS", 90))
# Filter choices that are costly to read (the case list's responsible users) are kept this
# many seconds in the default cache, keyed by the user and their grants; 0 turns it off.
BEREZHNO_CHOICES_CACHE_SECONDS = env_int("BEREZHNO_CHOICES_CACHE_SECONDS", 300)
# A report's indicator figures (aggregates of a territory, the same for every reader) are
# kept this many seconds; the page says when they were computed and recomputes on request
# (decision 0039); 0 turns it off.
BEREZHNO_REPORT_CACHE_SECONDS = env_int("BEREZHNO_REPORT_CACHE_SECONDS", 600)
# After its first request a process freezes its long-lived objects for the garbage
# collector (berezhno/core/memory.py); 0 turns it off.
BEREZHNO_GC_FREEZE = env_int("BEREZHNO_GC_FREEZE", 1) == 1
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# The map's tiles (core.maps, decision 0032): a URL template with {z}/{x}/{y} (and {s} for
# subdomains) and its attribution. Empty = no tiles: markers drawn on a plain background.
# The tile server sees which map squares a user opens; a region may run its own.
BEREZHNO_MAP_TILES_URL = env("BEREZHNO_MAP_TILES_URL",
                             "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
BEREZHNO_MAP_ATTRIBUTION = env("BEREZHNO_MAP_ATTRIBUTION",
                               "© участники OpenStreetMap (openstreetmap.org/copyright)")


def tiles_origin(url: str) -> str | None:
    """The CSP source of a tile URL template: its scheme and host ({s}. → *.)."""
    scheme, _sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}.", "*.")
    return f"{scheme}://{host}" if scheme in ("http", "https") and host else None


SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:",
                *filter(None, [tiles_origin(BEREZHNO_MAP_TILES_URL)])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Русский")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = BASE_DIR / "var" / "media"
STORAGES = {
    "default": {"BACKEND": "berezhno.core.files.TransactionalFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail (the outbox's e-mail gateway, reminders): Django 6.1's MAILERS, configured from
# the environment. SMTP by default; BEREZHNO_MAIL_BACKEND picks another backend (the
# console on a developer's machine, config/settings/local.py).
MAILERS = mailers_from_env("django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "berezhno@localhost")
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
BEREZHNO_MAX_UPLOAD_BYTES = env_int("BEREZHNO_MAX_UPLOAD_MB", 15) * 1024 * 1024

# The empty choice of a list's filter reads «все» (django-filter's default is «---------»).
FILTERS_EMPTY_CHOICE_LABEL = _("все")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Signed-in clients (session or token) are throttled per user, anonymous ones per address;
# the public directory keeps its own "anon" rate.
API_THROTTLE_RATES = {"anon": "120/minute", "user": env("BEREZHNO_API_USER_RATE", "600/minute")}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token class first: DRF takes the WWW-Authenticate header of the first class,
        # so a request without valid credentials is answered 401, not 403.
        "berezhno.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON in and out (decision 0020); uploads name their multipart parser themselves.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "berezhno.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["berezhno.core.api_filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "berezhno.core.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "berezhno.core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["berezhno.accounts.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": API_THROTTLE_RATES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API системы «Бережно»",
    "DESCRIPTION": ("Программный интерфейс «Бережно» — информационной системы территориальных "
                    "социальных служб: реестр граждан и семей, согласия, случаи "
                    "сопровождения, направления, показатели. Доступ по ключу API из "
                    "профиля пользователя (заголовок «Authorization: Token <ключ>»), "
                    "в пределах прав и территории его ролей; каждое чтение персональных "
                    "данных записывается в журнал доступа."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    # Every operation's error statuses with the one error body (decision 0020).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "berezhno.core.api.errors_in_schema"],
    "ENUM_NAME_OVERRIDES": {
        "IntakeChannelEnum": "berezhno.cases.choices.IntakeChannel",
        "ContactChannelEnum": "berezhno.people.choices.ContactChannel",
        "ShareKindEnum": "berezhno.people.choices.ShareKind",
        "ShareStatusEnum": "berezhno.people.choices.ShareStatus",
        "SubjectRequestKindEnum": "berezhno.rights.choices.RequestKind",
        "SubjectRequestStatusEnum": "berezhno.rights.choices.RequestStatus",
        "SubjectRequestChannelEnum": "berezhno.rights.choices.RequestChannel",
        "IncidentStatusEnum": "berezhno.rights.choices.IncidentStatus",
    },
}

# A search term (name, СНИЛС, phone) never reaches a log line: the filter removes personal
# query parameters from every record the handlers write, access logs included (the
# development server's ``django.server``, a WSGI server's ``gunicorn.access`` or ``waitress``;
# decision 0017).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_terms": {"()": "berezhno.core.logsafe.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
                   "server": {"format": "%(asctime)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain",
                    "filters": ["no_personal_terms"]},
        "server": {"class": "logging.StreamHandler", "formatter": "server",
                   "filters": ["no_personal_terms"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "berezhno": {"level": "INFO"},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False,
                          "filters": ["no_personal_terms"]},
        "django.request": {"level": "WARNING", "filters": ["no_personal_terms"]},
        "gunicorn.access": {"handlers": ["server"], "level": "INFO", "propagate": False,
                            "filters": ["no_personal_terms"]},
        "waitress": {"level": "INFO", "filters": ["no_personal_terms"]},
    },
}

# Operator of personal data printed on consents when the taking organisation has no address.
BEREZHNO_OPERATOR_NAME = env("BEREZHNO_OPERATOR_NAME", "")
