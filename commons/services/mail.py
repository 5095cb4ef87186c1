"""Email that is kept until the mail server takes it: never lost, never sent twice.

An email is saved in the outbox (commons.models.OutboxEmail) inside the transaction of
the write it tells about, and sent once that transaction commits. A mail server that is
down loses neither the write nor the email (DESIGN.md, invariant 5): the email stays in
the outbox and `manage.py send_outbox` sends it later.
"""

import logging
from datetime import timedelta
from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from commons.models import OutboxEmail

logger = logging.getLogger(__name__)

# Longer than any one try takes (EMAIL_TIMEOUT is 10 seconds), so a hold only lapses
# when its sender has died.
HOLD = timedelta(minutes=5)


def send_mail_after_commit(*, subject: str, template: str, context: dict, to: list[str]) -> None:
    """Keep an email in the outbox now and send it once the surrounding transaction commits.

    The write that caused the email is already safe when it is sent, so a failure to
    send is logged and left for send_outbox, never raised.
    """
    if not to:
        return
    email = OutboxEmail.objects.create(
        subject=str(subject), body=render_to_string(template, context), to=list(to)
    )
    transaction.on_commit(partial(deliver, email.pk), robust=True)


def deliver(pk: int) -> bool:
    """Send one kept email unless it has gone or another sender holds it; say if it went."""
    now = timezone.now()
    # A conditional UPDATE takes the email: of two senders at once only one gets it.
    taken = OutboxEmail.objects.due(now).filter(pk=pk).update(held_until=now + HOLD)
    if not taken:
        return False
    email = OutboxEmail.objects.get(pk=pk)
    try:
        send_mail(
            subject=email.subject, message=email.body, from_email=None, recipient_list=email.to
        )
    except Exception as error:
        logger.exception("Could not send %r to %s; kept for send_outbox", email.subject, email.to)
        OutboxEmail.objects.filter(pk=pk).update(
            attempts=email.attempts + 1, last_error=repr(error)[:1000], held_until=None
        )
        return False
    # Sent: the body may name children, so nothing of it is kept.
    OutboxEmail.objects.filter(pk=pk).delete()
    return True


def send_outbox() -> tuple[int, int]:
    """Try every kept email once, oldest first; return how many went and how many still wait.

    Emails another sender holds at the end are on their way, so they do not count as waiting.
    """
    sent = sum(deliver(pk) for pk in OutboxEmail.objects.due().values_list("pk", flat=True))
    return sent, OutboxEmail.objects.due().count()
