"""Turn off two-step login for someone who has lost both their phone and backup codes.

Check who is asking first (in person, or through their group): whoever runs this lets the
account log in with its password alone.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from commons.services import two_factor
from commons.two_factor import has_two_factor


class Command(BaseCommand):
    help = "Turn off two-step login for a username: their login asks for the password only."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no account with the username {username!r}.")
        if not has_two_factor(user):
            self.stdout.write(f"Two-step login was already off for {username}.")
            return
        two_factor.turn_off(user=user)
        self.stdout.write(f"Two-step login is off for {username}: they log in with a password.")
