from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from partners.models import User
from security.services import api_token_issue


class Command(BaseCommand):
    help = "Geeft een nieuw API-token uit voor een gebruiker met tweestapsverificatie (alleen de hash wordt bewaard)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"Onbekende of inactieve gebruiker: {username}") from exc
        try:
            token = api_token_issue(user=user)
        except PermissionDenied as exc:
            raise CommandError(f"Geen token voor {username}: eerst tweestapsverificatie instellen.") from exc
        self.stdout.write(token)
