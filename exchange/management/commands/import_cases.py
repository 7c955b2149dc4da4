"""manage.py import_cases FILE [--dry-run] [--team NAME] [--all-or-nothing] [--as USERNAME] [--lang nl|en]"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from exchange.importer import import_cases, read_lines
from partners.models import User
from partners.selectors import is_functional_admin


class Command(BaseCommand):
    help = "Importeert casussen uit een bestand in het uitwisselformaat (JSON Lines, case-v1)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON Lines (.jsonl) of JSON (.json); '-' leest van stdin")
        parser.add_argument("--dry-run", action="store_true", help="alles controleren, niets opslaan")
        parser.add_argument("--team", help="importeer in dit veiligheidsteam (naam), wat het document ook zegt")
        parser.add_argument("--all-or-nothing", action="store_true", help="bij één fout niets importeren")
        parser.add_argument("--as", dest="as_user", help="functioneel beheerder die de import uitvoert")
        parser.add_argument("--lang", default="nl", choices=["nl", "en"], help="taal van het rapport")

    def handle(self, *args, file, dry_run, team, all_or_nothing, as_user, lang, **options):
        with translation.override(lang):
            imported_by = None
            if as_user:
                imported_by = User.objects.filter(username=as_user, is_active=True).first()
                if imported_by is None or not is_functional_admin(imported_by):
                    raise CommandError(_("%(user)s is geen actieve functioneel beheerder.") % {"user": as_user})
            if file == "-":
                report = import_cases(
                    read_lines(sys.stdin),
                    imported_by=imported_by,
                    team_name=team,
                    dry_run=dry_run,
                    all_or_nothing=all_or_nothing,
                )
            else:
                try:
                    with open(file, encoding="utf-8") as stream:
                        report = import_cases(
                            read_lines(stream, name=file),
                            imported_by=imported_by,
                            team_name=team,
                            dry_run=dry_run,
                            all_or_nothing=all_or_nothing,
                        )
                except OSError as exc:
                    raise CommandError(str(exc)) from exc
            for error in report.errors:
                self.stderr.write(str(error))
            self.stdout.write(summary(report))
            if report.errors:
                raise CommandError(
                    _("%(n)d fout(en) in %(lines)d record(s).")
                    % {"n": len(report.errors), "lines": len(report.failed_lines)}
                )


def summary(report) -> str:
    if report.dry_run:
        prefix = _("Proefimport, niets opgeslagen.")
    elif not report.written:
        prefix = _("Niets geïmporteerd (alles-of-niets).")
    else:
        prefix = _("Import voltooid.")
    return (
        prefix
        + " "
        + _(
            "%(total)d records: %(created)d nieuw, %(updated)d bijgewerkt, %(unchanged)d ongewijzigd, "
            "%(failed)d met fouten."
        )
        % {
            "total": report.total,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "failed": len(report.failed_lines),
        }
    )
