from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken

from partners.models import User


class Command(BaseCommand):
    help = "Geeft een nieuw API-token uit voor een gebruiker (alleen de hash wordt bewaard)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"Onbekende of inactieve gebruiker: {username}") from exc
        _instance, token = AuthToken.objects.create(user=user)
        self.stdout.write(token)
