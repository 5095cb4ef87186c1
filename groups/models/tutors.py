from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.choices import CheckLevel


def renewal_after(certificate_date: date) -> date:
    """Return when a check made on this date is due for renewal (SAFEGUARDING_RENEWAL_YEARS)."""
    years = settings.SAFEGUARDING_RENEWAL_YEARS
    try:
        return certificate_date.replace(year=certificate_date.year + years)
    except ValueError:  # 29 February
        return certificate_date.replace(year=certificate_date.year + years, day=28)


class TutorProfileQuerySet(models.QuerySet):
    def with_current_check(self):
        return self.select_related(
            "user", "current_check__verified_by", "current_check__verified_by_group"
        )


class TutorProfile(models.Model):
    """A member who tutors: what they offer, and their safeguarding check, shared by every group."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="tutor_profile",
        verbose_name=_("person"),
    )
    bio = models.TextField(
        _("about me"),
        max_length=2000,
        blank=True,
        help_text=_("Your experience and what you enjoy teaching."),
    )
    subjects = models.ManyToManyField(
        "learning.Subject",
        blank=True,
        related_name="tutors",
        verbose_name=_("subjects"),
        help_text=_("What you can help with."),
    )
    availability = models.CharField(
        _("availability"),
        max_length=200,
        blank=True,
        help_text=_("When you can usually help, for example “weekday mornings”."),
    )
    # The latest check recorded for this person: what the badge and the rota go by.
    current_check = models.OneToOneField(
        "groups.SafeguardingCheck",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TutorProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("tutor profile")
        verbose_name_plural = _("tutor profiles")
        ordering = ["user__display_name", "user__username"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_checked(self) -> bool:
        """Say whether this tutor has a safeguarding check that has not lapsed."""
        return self.current_check is not None and self.current_check.is_current


class SafeguardingCheckQuerySet(models.QuerySet):
    def current(self, today: date | None = None):
        return self.filter(renewal_date__gte=today or timezone.localdate())

    def renewing_between(self, start: date, end: date):
        return self.filter(renewal_date__gte=start, renewal_date__lte=end)


class SafeguardingCheck(models.Model):
    """A DBS check a group admin has seen and recorded. No certificate image or number is kept."""

    tutor = models.ForeignKey(
        TutorProfile, on_delete=models.CASCADE, related_name="checks", verbose_name=_("tutor")
    )
    level = models.CharField(
        _("level"),
        max_length=20,
        choices=CheckLevel.choices,
        help_text=_("The level of the DBS check."),
    )
    certificate_date = models.DateField(
        _("certificate date"), help_text=_("The date printed on the certificate.")
    )
    on_update_service = models.BooleanField(
        _("on the DBS update service"),
        default=False,
        help_text=_("The tutor subscribes to the update service."),
    )
    renewal_date = models.DateField(
        _("renew by"), help_text=_("After this date the check no longer counts.")
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_by_group = models.ForeignKey(
        "groups.GroupPage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("for group"),
    )
    verified_at = models.DateTimeField(_("verified"), default=timezone.now)

    objects = SafeguardingCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("safeguarding check")
        verbose_name_plural = _("safeguarding checks")
        ordering = ["-verified_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(renewal_date__gt=models.F("certificate_date")),
                name="check_renewal_after_certificate",
                violation_error_message=_("The renewal date must be after the certificate date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} for {self.tutor}, {self.certificate_date:%d %b %Y}"

    @property
    def is_current(self) -> bool:
        return self.renewal_date >= timezone.localdate()


class CheckReminder(models.Model):
    """That a renewal reminder was sent, so the daily command sends each one once."""

    check_record = models.ForeignKey(
        SafeguardingCheck, on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check reminder")
        verbose_name_plural = _("check reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_record", "days_before"], name="check_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.days_before} days before {self.check_record}"
