from django.core.management.base import BaseCommand, CommandError

from cases.access_log.integrity import access_log_verify, anchor_file

# More is in the service's result; a screenful says where to start.
SHOWN = 20


class Command(BaseCommand):
    help = (
        "Controleert het toegangslog: de hashketen met sleutel, de ankers in het ankerbestand en in het "
        "beveiligingslog. Meldt elke bevinding met de regel of ankerregel; niet nul als er iets mis is."
    )

    def handle(self, *args, **options):
        result = access_log_verify()
        if not result.intact:
            lines = [f"- {finding}" for finding in result.findings[:SHOWN]]
            if len(result.findings) > SHOWN:
                lines.append(f"- … en nog {len(result.findings) - SHOWN} bevindingen")
            # CommandError: a message on stderr and a non-zero exit code, so cron and monitoring notice.
            raise CommandError(
                f"Toegangslog niet in orde ({len(result.findings)} bevindingen, {result.rows} regels):\n"
                + "\n".join(lines)
            )
        anchor = result.newest_anchor
        if anchor is None:
            self.stdout.write(
                f"Toegangslog intact ({result.rows} regels). Nog geen anker in {anchor_file()}: verwijderde "
                "nieuwste regels zijn pas te zien na `manage.py anchor_access_log` (Celery beat: elk uur)."
            )
        else:
            anchors = f"{result.anchors} anker" + ("s" if result.anchors != 1 else "")
            self.stdout.write(
                f"Toegangslog intact ({result.rows} regels, {anchors}; het nieuwste, ankerregel {anchor.seq} "
                f"van {anchor.at}, legde {anchor.rows} regels vast)."
            )
