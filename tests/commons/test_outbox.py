"""Emails are kept until the mail server takes them, and sent once: never lost, never twice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from commons.models import OutboxEmail
from commons.services import mail as outbox
from commons.services.mail import deliver, send_mail_after_commit

pytestmark = pytest.mark.django_db


def promise(to="ada@example.org"):
    send_mail_after_commit(
        subject="Your booking",
        template="commons/emails/booking_requested.txt",
        context={"booking": None, "when": "soon", "review_url": "/"},
        to=[to],
    )


@pytest.fixture
def server_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(outbox, "send_mail", refuse)


def test_an_email_goes_once_its_transaction_commits_and_is_not_kept(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        promise()
        assert OutboxEmail.objects.count() == 1
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert not OutboxEmail.objects.exists()


def test_an_email_the_server_refuses_is_kept_with_the_reason(
    server_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        promise()
    kept = OutboxEmail.objects.get()
    assert (kept.attempts, kept.held_until) == (1, None)
    assert "mail server down" in kept.last_error
    assert "Could not send" in caplog.text


def test_send_outbox_sends_kept_emails_once_and_says_when_some_still_wait(
    server_down, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        promise("ada@example.org")
        promise("graham@example.org")
    with pytest.raises(CommandError, match="2 email"):
        call_command("send_outbox")
    assert OutboxEmail.objects.get(to=["ada@example.org"]).attempts == 2

    monkeypatch.undo()
    call_command("send_outbox")
    call_command("send_outbox")
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "graham@example.org"]
    assert not OutboxEmail.objects.exists()


def test_an_email_another_sender_holds_is_left_to_it_until_its_hold_lapses():
    email = OutboxEmail.objects.create(
        subject="Held",
        body="…",
        to=["ada@example.org"],
        held_until=timezone.now() + timedelta(minutes=1),
    )
    assert deliver(email.pk) is False
    assert mail.outbox == []
    OutboxEmail.objects.filter(pk=email.pk).update(held_until=timezone.now() - timedelta(seconds=1))
    assert deliver(email.pk) is True
    assert len(mail.outbox) == 1
