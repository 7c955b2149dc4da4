from django.conf import settings
from django.core.management.base import BaseCommand

from cases.demo import DEFAULT_DEMO_CASES, seed_cases
from partners.demo import demo_usernames, seed_region
from security.demo import seed_demo_devices
from workflows.deadlines.services import deadlines_from_timeline

DEADLINES_FROM_TIMELINE_MAX = 1000


class Command(BaseCommand):
    help = "Bouwt de fictieve demoregio West-Brabant West (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=None, help="Aantal fictieve casussen.")

    def handle(self, *args, **options):
        counts = seed_region(password=settings.DEMO_PASSWORD)
        # Demo users need a second factor to log in; the secret is public (README), like the password.
        counts["second_factors"] = seed_demo_devices(usernames=demo_usernames())
        wanted = options["cases"] if options["cases"] is not None else DEFAULT_DEMO_CASES
        # A demo of a few hundred cases gets its deadlines from its timeline, as live work would;
        # the benchmark's 100k are seeded for speed and get theirs in bulk (benchmarks/dataset.py).
        on_batch = deadlines_from_timeline if wanted <= DEADLINES_FROM_TIMELINE_MAX else None
        counts.update(seed_cases(count=wanted, on_batch=on_batch))
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
