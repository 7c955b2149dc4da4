"""`manage.py export_metrics --from YYYY-MM-DD --to YYYY-MM-DD --format csv|xlsx|json --out FILE
[--kind events|aggregates]`: the evaluators' exports for scripted use; logged like the web exports."""

from __future__ import annotations

import getpass
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cases.access_log.services import Actor
from metrics.definitions import GRANULARITIES, MONTH, Filters, filters_problem
from metrics.formats import FORMATS
from metrics.models import ExportKind
from metrics.services import export_synchronous


class Command(BaseCommand):
    help = "Export pseudonymised events or suppressed aggregate tables (logged in the access log)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, type=date.fromisoformat)
        parser.add_argument("--to", dest="date_to", required=True, type=date.fromisoformat)
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="csv")
        parser.add_argument("--out", required=True)
        parser.add_argument("--kind", choices=ExportKind.values, default=ExportKind.EVENTS)
        parser.add_argument("--granularity", choices=list(GRANULARITIES), default=MONTH)

    def handle(self, *args, date_from, date_to, fmt, out, kind, granularity, **options):
        if date_to < date_from:
            raise CommandError("--to lies before --from")
        filters = Filters(date_from, date_to, granularity)
        # Whole periods only (as on the pages): the tables carry suppression, the extract whole months.
        problem = filters_problem(filters)
        if problem:
            raise CommandError(problem)
        try:
            who = getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name in some containers; the log still says where from
            who = "unknown"
        actor = Actor(user_id=None, username=f"manage.py export_metrics ({who})"[:150])
        rows = export_synchronous(out, kind=kind, fmt=fmt, filters=filters, actor=actor)
        self.stdout.write(f"{rows} rows written to {out}")
