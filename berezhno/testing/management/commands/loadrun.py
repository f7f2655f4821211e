"""The HTTP load run (``berezhno.testing.loadrun``): a fixed page mix against a server on
this machine, requests per second and p95."""

from django.core.management.base import BaseCommand, CommandError

from berezhno.testing.loadrun import LoadRunError, report, run


class Command(BaseCommand):
    help = ("Load a running Berezhno server on this machine with a fixed mix of search, "
            "person card, worklist, case list and indicators; print requests/s and p95. "
            "Run with the settings of the database the server serves.")

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--connections", type=int, default=20)
        parser.add_argument("--seconds", type=float, default=30)
        parser.add_argument("--max-requests", type=int, default=5000)
        parser.add_argument("--password", default=None,
                            help="the specialist's password (default: the generator's)")

    def handle(self, *args, **options):
        extra = {"password": options["password"]} if options["password"] else {}
        try:
            result = run(options["url"], connections=options["connections"],
                         seconds=options["seconds"], max_requests=options["max_requests"],
                         log=self.stdout.write, **extra)
        except LoadRunError as exc:
            raise CommandError(str(exc)) from exc
        for line in report(result):
            self.stdout.write(line)
