from django.core.management.base import BaseCommand

from cases.access_log.integrity import access_log_anchor, anchor_file


class Command(BaseCommand):
    help = (
        "Schrijft de kop van het toegangslog (aantal regels, laatste regel en hash, ondertekend) als anker "
        "in het ankerbestand en het beveiligingslog. Celery beat doet dit elk uur."
    )

    def handle(self, *args, **options):
        anchor = access_log_anchor()
        last = f"tot en met regel {anchor.last_id}" if anchor.last_id else "(leeg log)"
        self.stdout.write(f"Anker {anchor.seq} geschreven in {anchor_file()}: {anchor.rows} regels {last}.")
