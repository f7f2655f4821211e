"""Smoke checks of a database: after a restore, an upgrade or on a new server
(docs/operations/backup-restore.md).

Passes when every migration is applied, every model's table answers a count, the
reference rows of the data migrations are there (production calendar, problem catalogue,
questionnaires, deadline rules), the cache table exists where the database cache is
configured, and the public pages answer 200 through the whole stack. Prints the counts;
exits non-zero with the reasons otherwise. Reads only.
"""

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

REFERENCE = ("core.CalendarDay", "cases.Problem", "assessments.Questionnaire")
PAGES = ("/find-specialist/", "/accounts/login/")


class Command(BaseCommand):
    help = "Check that a database (a restored dump, a new server) is whole and usable."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--no-pages", action="store_true",
                            help="skip the page requests (e.g. before collectstatic)")

    def handle(self, *args, **options):
        alias = options["database"]
        connection = connections[alias]
        problems: list[str] = []

        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            problems.append(f"{len(pending)} migrations not applied "
                            f"(first: {pending[0][0].app_label}.{pending[0][0].name})")

        counts: dict[str, int] = {}
        for model in apps.get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            label = model._meta.label
            try:
                counts[label] = model._base_manager.using(alias).count()
            except Exception as exc:  # any database error is the finding
                problems.append(f"{label}: {type(exc).__name__}: {exc}".splitlines()[0])
        for label in REFERENCE:
            if label in counts and counts[label] == 0:
                problems.append(f"{label}: no reference rows (data migrations missing)")

        cache = settings.CACHES.get("default", {})
        if cache.get("BACKEND", "").endswith("DatabaseCache"):
            table = cache["LOCATION"]
            if table not in connection.introspection.table_names():
                problems.append(f"cache table {table} missing: run createcachetable")

        if not options["no_pages"] and alias == DEFAULT_DB_ALIAS:
            client = Client(raise_request_exception=False,
                            HTTP_HOST=(settings.ALLOWED_HOSTS or ["127.0.0.1"])[0]
                            .lstrip(".") or "127.0.0.1")
            for page in PAGES:
                status = client.get(page, secure=True).status_code
                if status != 200:
                    problems.append(f"GET {page}: {status}")

        for label, n in sorted(counts.items()):
            if n:
                self.stdout.write(f"{label}: {n}")
        if problems:
            raise CommandError("Smoke checks failed:\n  " + "\n  ".join(problems))
        self.stdout.write(self.style.SUCCESS(
            f"Smoke checks passed: {len(counts)} tables, {sum(counts.values())} rows."))
