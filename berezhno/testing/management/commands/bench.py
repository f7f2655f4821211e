"""Measure the registry's pages and API on generated data beside the bare SQL."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from berezhno.testing.bench import Bench, markdown


class Command(BaseCommand):
    help = ("Benchmark person search, card, lists and the worklist (UI and API) against "
            "the bare SQL answering the same question. Run after generate_data.")

    def add_arguments(self, parser):
        parser.add_argument("--iterations", type=int, default=30)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--only", default="",
                            help="measure only the operations whose name contains this")

    def handle(self, *args, **options):
        if options["iterations"] < 1:
            raise CommandError("--iterations must be at least 1")
        bench = Bench(options["iterations"], seed=options["seed"], log=self.stdout.write,
                      only=options["only"])
        try:
            results = bench.run()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        persons = _count("people_person")
        self.stdout.write("")
        self.stdout.write(f"Database: {connection.vendor}, persons: {persons}, "
                          f"iterations: {options['iterations']}, "
                          f"CPU reference: {cpu_reference():.2f} s")
        self.stdout.write(markdown(results))


def cpu_reference() -> float:
    """Seconds for a fixed pure-Python loop (the best of three): machines of one kind differ
    by twice in speed, and the page figures scale with it, so a figure is read beside it."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(5_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return best


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return cursor.fetchone()[0]
