from django.core.management.base import BaseCommand, CommandError

from partners.models import User
from security.services import api_tokens_revoke


class Command(BaseCommand):
    help = "Trekt alle API-tokens van een gebruiker in (gelogd in het beveiligingslog)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"Onbekende gebruiker: {username}") from exc
        count = api_tokens_revoke(user=user)
        self.stdout.write(f"{count} token(s) ingetrokken voor {username}")
