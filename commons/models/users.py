from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with a login: an adult, or a learner whose guardian made them one."""

    email = models.EmailField(
        _("email address"),
        blank=True,
        help_text=_("Used for password resets and notices. Optional for learner logins."),
    )
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("How other people on the site see you, for example “Sam P.”"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
                violation_error_message=_("An account with this email address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_display_name()

    def get_display_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_learner_login(self) -> bool:
        """Say whether this login belongs to a learner (made by their guardian)."""
        return hasattr(self, "learner_profile")
