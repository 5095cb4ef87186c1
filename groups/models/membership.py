from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from groups.choices import MembershipStatus, Role


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MembershipStatus.ACTIVE)

    def pending(self):
        return self.filter(status=MembershipStatus.PENDING)

    def admins(self):
        return self.active().filter(role=Role.ADMIN)

    def of_group(self, group):
        return self.filter(group=group)

    def administered_by(self, user):
        """Memberships of the groups this user is an active admin of."""
        return self.filter(group__memberships__in=Membership.objects.admins().filter(user=user))


class Membership(models.Model):
    """A person's place in a group: their role and where their request stands."""

    group = models.ForeignKey(
        "groups.GroupPage",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("group"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=Role.choices,
        default=Role.PARENT,
        help_text=_("What they do in the group."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
        help_text=_("Whether they are a member yet."),
    )
    share_contact = models.BooleanField(
        _("share my contact details with members"),
        default=False,
        help_text=_("Other members of this group see your name and email on its members list."),
    )
    message = models.TextField(
        _("message to the admins"),
        blank=True,
        max_length=1000,
        help_text=_("Sent with a request to join."),
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group__title", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], name="membership_one_per_person_per_group"
            ),
        ]
        indexes = [
            # A group page lists its active tutors and admins: a busy group has a thousand
            # parents, and this reads just the few rows it shows.
            models.Index(fields=["group", "role", "status"], name="groups_memb_group_role_status"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.user} in {self.group} ({self.get_role_display()}, {self.get_status_display()})"
        )

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE
