"""Send the emails the mail server could not take when they were written.

Run it every few minutes from cron or a scheduler; it is safe to run at any time and
twice at once: each email is sent at most once and deleted once the server takes it.
"""

from django.core.management.base import BaseCommand, CommandError

from commons.services.mail import send_outbox


class Command(BaseCommand):
    help = "Retry the emails kept in the outbox because the mail server could not take them."

    def handle(self, *args, **options):
        sent, left = send_outbox()
        self.stdout.write(f"Sent {sent} kept email(s); {left} still waiting.")
        if left:
            # A non-zero exit, so cron or the scheduler tells someone the server is down.
            raise CommandError(f"{left} email(s) could not be sent yet: see the log for why.")
