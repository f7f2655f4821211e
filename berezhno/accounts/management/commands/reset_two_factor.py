"""Remove a user's authenticator and recovery codes (a lost phone), recorded in the journal.

Run by the server's operator, who identifies the user outside the system first; the user
sets two factors up again at the next sign-in when their role requires them.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from berezhno.accounts import services
from berezhno.accounts.models import User
from berezhno.core.context import acting_as
from berezhno.core.errors import DomainError


class Command(BaseCommand):
    help = "Remove a user's two-factor devices (authenticator and recovery codes)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", required=True,
                            help="the grounds, recorded in the journal (e.g. a request number)")

    def handle(self, *args, username, reason, **options):
        target = User.objects.filter(username=username).first()
        if target is None:
            raise CommandError(f"no user {username!r}")
        try:
            with acting_as("reset_two_factor"):
                services.two_factor_reset(user=None, target=target, reason=reason)
        except (ValidationError, DomainError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(f"two factors removed for {username}")
