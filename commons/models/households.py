import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LearnerQuerySet(models.QuerySet):
    def guarded_by(self, user):
        return self.filter(guardians=user)


class Learner(models.Model):
    """A child (or adult learner) in a household: a first name only, never shown publicly."""

    name = models.CharField(
        _("first name or nickname"),
        max_length=40,
        help_text=_("A first name or nickname only: no surname."),
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("Optional. Helps tutors pitch sessions at the right level."),
    )
    guardians = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="guarded_learners",
        verbose_name=_("guardians"),
        help_text=_("The adults who look after this learner on the site."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="learner_profile",
        verbose_name=_("own login"),
        help_text=_("The learner's own login, if their guardian made one."),
    )
    medical_notes = models.TextField(
        _("medical notes"),
        blank=True,
        help_text=_("Allergies, conditions or medicines a session leader must know about."),
    )
    emergency_contact = models.CharField(
        _("emergency contact"),
        max_length=200,
        blank=True,
        help_text=_("Who to call in an emergency, and their phone number."),
    )
    photo_consent = models.BooleanField(
        _("photos allowed"),
        default=False,
        help_text=_("May tutors photograph this learner's work with the learner in view?"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set from the "add a learner" form, so a resubmitted form finds the learner it made.
    creation_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = LearnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_year__isnull=True)
                | models.Q(birth_year__gte=1900, birth_year__lte=2100),
                name="learner_birth_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def age(self) -> int | None:
        """Return the age this learner turns this year, if their birth year is known."""
        return timezone.localdate().year - self.birth_year if self.birth_year else None


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class GuardianInvitationQuerySet(models.QuerySet):
    def open(self):
        cutoff = timezone.now() - timedelta(days=settings.GUARDIAN_INVITATION_DAYS)
        return self.filter(accepted_at__isnull=True, created_at__gte=cutoff)


class GuardianInvitation(models.Model):
    """An emailed link that makes whoever accepts it a guardian of one learner."""

    learner = models.ForeignKey(
        Learner, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("learner")
    )
    email = models.EmailField(_("email address"), help_text=_("Where the invitation is sent."))
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = GuardianInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("guardian invitation")
        verbose_name_plural = _("guardian invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.learner}"

    @property
    def expires_at(self):
        return self.created_at + timedelta(days=settings.GUARDIAN_INVITATION_DAYS)
