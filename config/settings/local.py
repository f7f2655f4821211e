"""Settings for a developer's machine and the embedded first run (SQLite, demo data)."""

from .base import *  # noqa: F403
from .env import env_int, env_list, mailers_from_env

DEBUG = True
INTERNAL_IPS = ["127.0.0.1"]
# Django's English technical 404 page instead of the site's (berezhno/core/not_found.py).
BEREZHNO_TECHNICAL_404 = env_int("BEREZHNO_TECHNICAL_404", 0) == 1

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The demo's heads and administrators sign in with the password alone (README): two factors
# stay optional for everyone; BEREZHNO_2FA_REQUIRED_ROLES=head,patrol_hq,admin tries the rule.
BEREZHNO_2FA_REQUIRED_ROLES = env_list("BEREZHNO_2FA_REQUIRED_ROLES", "")

# The outbox's e-mail (reminders, messages to people) is printed by the worker's console
# on a developer's machine; BEREZHNO_MAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# with EMAIL_HOST sends it.
MAILERS = mailers_from_env("django.core.mail.backends.console.EmailBackend")
