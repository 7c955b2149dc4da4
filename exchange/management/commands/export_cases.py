"""manage.py export_cases --case REF --as USERNAME [--out FILE]"""

import json

from django.core.management.base import BaseCommand, CommandError

from exchange.exporter import ExportRefused, export_case
from partners.models import User


class Command(BaseCommand):
    help = (
        "Exporteert casussen in het uitwisselformaat (JSON Lines, case-v1) als de genoemde gebruiker: "
        "alleen wat die mag zien, en de export staat in het toegangslog."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--case", dest="cases", action="append", required=True, help="zaaknummer of extern kenmerk; mag vaker"
        )
        parser.add_argument("--as", dest="as_user", required=True, help="gebruiker namens wie wordt geëxporteerd")
        parser.add_argument("--out", help="bestand (standaard: stdout)")

    def handle(self, *args, cases, as_user, out, **options):
        user = User.objects.filter(username=as_user, is_active=True).first()
        if user is None:
            raise CommandError(f"Onbekende of niet-actieve gebruiker: {as_user}")
        lines = []
        for reference in cases:
            try:
                lines.append(json.dumps(export_case(user, reference), ensure_ascii=False, sort_keys=True))
            except ExportRefused as exc:
                raise CommandError(str(exc)) from exc
        text = "".join(line + "\n" for line in lines)
        if out:
            with open(out, "w", encoding="utf-8") as stream:
                stream.write(text)
        else:
            self.stdout.write(text, ending="")
