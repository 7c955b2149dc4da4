import logging
import os
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.demo import DEFAULT_DEMO_CASES, seed_cases
from partners.demo import demo_usernames, seed_region
from safetyteams.demo import demo_banner
from security.demo import seed_demo_devices
from workflows.deadlines.services import deadlines_from_timeline

DEADLINES_FROM_TIMELINE_MAX = 1000


class Command(BaseCommand):
    help = "Bouwt de fictieve demoregio West-Brabant West (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=None, help="Aantal fictieve casussen.")

    def handle(self, *args, **options):
        with quiet_security_log():
            counts = self.seed(options)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(demo_banner(f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/"))

    def seed(self, options) -> dict[str, int]:
        counts = seed_region(password=settings.DEMO_PASSWORD)
        # Demo users need a second factor to log in; the secret is public (README), like the password.
        counts["second_factors"] = seed_demo_devices(usernames=demo_usernames())
        wanted = options["cases"] if options["cases"] is not None else DEFAULT_DEMO_CASES
        # A demo of a few hundred cases gets its deadlines from its timeline, as live work would;
        # the benchmark's 100k are seeded for speed and get theirs in bulk (benchmarks/dataset.py).
        on_batch = deadlines_from_timeline if wanted <= DEADLINES_FROM_TIMELINE_MAX else None
        counts.update(seed_cases(count=wanted, on_batch=on_batch))
        return counts


@contextmanager
def quiet_security_log():
    """Seeding records every membership and device in the security log (kept in the database); its
    JSON lines on the console would bury the banner, so the console hears only warnings meanwhile."""
    logger = logging.getLogger("security")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
