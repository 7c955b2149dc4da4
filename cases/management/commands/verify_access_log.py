from django.core.management.base import BaseCommand, CommandError

from cases.access_log.services import access_log_rows, access_log_verify


class Command(BaseCommand):
    help = "Controleert de hashketen van het toegangslog en meldt de eerste gebroken schakel."

    def handle(self, *args, **options):
        broken = access_log_verify()
        if broken is not None:
            # CommandError: a message on stderr and a non-zero exit code, so cron and monitoring notice.
            raise CommandError(f"Toegangslog gebroken bij regel {broken.entry_id}: {broken.reason}")
        self.stdout.write(f"Toegangslog intact ({access_log_rows().count()} regels).")
