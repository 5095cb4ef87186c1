import logging

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def send_mail_after_commit(*, subject: str, template: str, context: dict, to: list[str]) -> None:
    """Send an email once the surrounding transaction commits; log, never raise, on failure.

    The write that caused the email is already safe when it is sent, so a mail server
    that is down loses an email, never the booking or sign-up (DESIGN.md, invariant 5).
    """
    if not to:
        return

    def send():
        try:
            send_mail(
                subject=str(subject),
                message=render_to_string(template, context),
                from_email=None,
                recipient_list=to,
            )
        except Exception:
            logger.exception("Could not send %r to %s", str(subject), ", ".join(to))

    transaction.on_commit(send)
