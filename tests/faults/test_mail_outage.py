"""The mail server is down: bookings and sign-ups still succeed, and every email they
promise reaches the server exactly once after `manage.py send_outbox` retries it."""

import email
import subprocess
import sys
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from commons.choices import BookingStatus
from commons.models import Booking, OutboxEmail
from groups.choices import SignupStatus
from groups.models import TutorSignup
from tests.factories import (
    UserFactory,
    checked_tutor,
    make_course,
    make_group,
    make_session,
    make_space,
)
from tests.gunicorn_server import ROOT, database_url

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEXT_WEEK = timezone.localdate() + timedelta(days=7)


class Inbox:
    """An SMTP server's handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content)
        self.messages.append((envelope.rcpt_tos, message["Subject"]))
        return "250 Message accepted for delivery"


def smtp_settings(smtp_port: int):
    """This test process's email settings, made the same as the workers'."""
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=smtp_port,
        EMAIL_USE_TLS=False,
    )


def send_outbox(smtp_port: int) -> subprocess.Popen:
    """Start `manage.py send_outbox` as cron would, against the running mail setup."""
    env = {
        "DJANGO_SETTINGS_MODULE": "commons.settings.test",
        "DATABASE_URL": database_url(),
        "FAULT_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "PATH": "/usr/bin:/bin",
    }
    return subprocess.Popen(  # noqa: S603 - the venv's own python
        [sys.executable, "manage.py", "send_outbox"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_with_the_mail_server_down_writes_succeed_and_their_emails_go_once_later(site, smtp_port):
    manager = UserFactory(email="graham@example.org")
    admin = UserFactory(email="ada@example.org")
    group = make_group(title="Riverside Home Ed", admins=[admin])
    library = make_space(title="Old Library", requires_approval=True, managers=[manager])
    session = make_session(course=make_course(group=group, title="Pond Life"))
    their_admin = UserFactory()
    elsewhere = make_group(title="Hilltop Co-op", admins=[their_admin])
    visitor = checked_tutor(group=elsewhere, admin=their_admin, display_name="Priya")

    # The mail server is down: nothing listens on its port.
    path = reverse("groups:booking_request")
    browser = site.browser(admin)
    booking = {
        **browser.form(path),
        "group": group.pk,
        "space": library.pk,
        "title": "Maths club",
        "date": NEXT_WEEK.isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "repeat": "none",
    }
    assert browser.post(path, booking).status_code == 302
    assert Booking.objects.get().status == BookingStatus.REQUESTED
    path = reverse("groups:session_detail", args=[session.pk])
    tutor = site.browser(visitor)
    assert tutor.post(path, {**tutor.form(path), "action": "offer"}).status_code == 302
    assert TutorSignup.objects.get().status == SignupStatus.OFFERED

    kept = list(OutboxEmail.objects.order_by("pk"))
    assert [e.to for e in kept] == [["graham@example.org"], ["ada@example.org"]]
    assert all(e.attempts == 1 and "Connection refused" in e.last_error for e in kept)

    with smtp_settings(smtp_port), pytest.raises(CommandError, match="2 email"):
        call_command("send_outbox")
    assert [e.attempts for e in OutboxEmail.objects.all()] == [2, 2]

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    server.start()
    try:
        # Two retries at once, as two overlapping cron runs would, then one more.
        together = [send_outbox(smtp_port), send_outbox(smtp_port)]
        assert [run.wait(timeout=60) for run in together] == [0, 0]
        with smtp_settings(smtp_port):
            call_command("send_outbox")
        delivered = sorted(inbox.messages)
    finally:
        server.stop()

    assert [to for to, _subject in delivered] == [["ada@example.org"], ["graham@example.org"]]
    subjects = {to[0]: subject for to, subject in delivered}
    assert subjects["graham@example.org"] == "Booking request for Old Library: Maths club"
    assert subjects["ada@example.org"].startswith("Priya offers to help at Pond Life")
    assert not OutboxEmail.objects.exists()
