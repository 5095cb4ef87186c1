from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxEmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Emails no sender holds now: never tried, failed, or held by a sender that died."""
        now = now or timezone.now()
        return self.filter(models.Q(held_until__isnull=True) | models.Q(held_until__lt=now))


class OutboxEmail(models.Model):
    """An email the site has promised to send, kept until the mail server has taken it.

    It is saved in the transaction of the write it tells about, so the email exists
    exactly when that write does; it is sent once that transaction commits, and deleted
    as soon as the mail server accepts it. One the server refused stays here for
    `manage.py send_outbox` to retry.
    """

    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("body"))
    to = models.JSONField(_("recipients"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # A sender holds an email while it talks to the mail server, so two senders (the
    # request's and send_outbox) never both send it; a hold outlives a sender that died.
    held_until = models.DateTimeField(_("held until"), null=True, blank=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("unsent email")
        verbose_name_plural = _("unsent emails")

    def __str__(self):
        return self.subject
