"""Generate a realistic dataset of any size (see berezhno.testing.generate)."""

from django.core.management.base import BaseCommand, CommandError

from berezhno.testing.generate import GENERATED_PASSWORD, Generator


class Command(BaseCommand):
    help = ("Generate persons in households, districts and staff in every role on the seed "
            "regions' real territories. PostgreSQL: COPY; SQLite: batched inserts.")

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=10_000)
        parser.add_argument("--contacts-per-person", type=float, default=5.0,
                            help="Average contacts per person (QUALITY.md: 5).")
        parser.add_argument("--consent-share", type=float, default=0.9,
                            help="Share of households that gave consent (0–1).")
        parser.add_argument("--cases-per-person", type=float, default=0.2,
                            help="Support cases per person (QUALITY.md: 200 000 for a "
                                 "million), with about 5 activities each.")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        if options["persons"] < 1:
            raise CommandError("--persons must be at least 1")
        if not 0 <= options["consent_share"] <= 1:
            raise CommandError("--consent-share must be between 0 and 1")
        if not 0 <= options["cases_per_person"] <= 1:
            raise CommandError("--cases-per-person must be between 0 and 1")
        generator = Generator(
            options["persons"], seed=options["seed"],
            contacts_per_person=options["contacts_per_person"],
            consent_share=options["consent_share"],
            cases_per_person=options["cases_per_person"], log=self.stdout.write)
        s = generator.run()
        self.stdout.write(
            f"persons {s.persons}, households {s.households} ({s.members} members), "
            f"consents {s.consents}, categories {s.categories}, contacts {s.contacts}, "
            f"districts {s.districts}, new staff {s.staff} (password {GENERATED_PASSWORD}); "
            f"cases {s.cases}, plans {s.plans}, activities {s.activities}, "
            f"referrals {s.referrals}")
        self.stdout.write("seconds: " + ", ".join(f"{k} {v}" for k, v in s.seconds.items()))
