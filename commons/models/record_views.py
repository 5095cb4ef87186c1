from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from commons.choices import RecordPage, ViewerRole
from commons.models.households import Learner


class LearnerRecordViewQuerySet(models.QuerySet):
    def of(self, learner: Learner):
        """The views of one learner's record, newest first."""
        return self.filter(learner=learner).order_by("-at", "-pk")


class LearnerRecordView(models.Model):
    """Someone outside a learner's family (a tutor, a group admin) saw their record.

    Who, in which role, on which page and when: never what the page showed. Append-only;
    the rows go with the learner when their guardians erase them. Their guardians see the
    log on the learner's household page; nobody else does.
    """

    learner = models.ForeignKey(
        Learner,
        on_delete=models.CASCADE,
        related_name="record_views",
        verbose_name=_("learner"),
        help_text=_("Whose record was seen."),
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("viewer"),
        help_text=_("Who saw it; empty once their account is deleted."),
    )
    viewer_name = models.CharField(
        _("viewer's name"),
        max_length=150,
        help_text=_("Their display name then, kept when their account goes."),
    )
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=ViewerRole.choices,
        help_text=_("Why they could see the record."),
    )
    group_name = models.CharField(
        _("group"),
        max_length=255,
        blank=True,
        help_text=_("The group they saw it through, as it was named then."),
    )
    page = models.CharField(
        _("page"),
        max_length=60,
        choices=RecordPage.choices,
        help_text=_("The page, by URL name: never what it showed."),
    )
    about = models.CharField(
        _("about"),
        max_length=255,
        blank=True,
        help_text=_("The course the page was about, if any."),
    )
    at = models.DateTimeField(_("when"), help_text=_("When they opened the page."))
    # The ten-minute slot `at` falls in: one row per viewer, page and learner a slot, so a
    # tutor refreshing the register does not bury the rest of the log.
    slot = models.PositiveIntegerField(editable=False)

    objects = LearnerRecordViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("view of a learner's record")
        verbose_name_plural = _("views of learners' records")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["learner", "-at"], name="learner_record_view_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "viewer", "page", "about", "slot"],
                name="learner_record_view_one_a_slot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_name} saw {self.learner} ({self.page}, {self.at:%Y-%m-%d %H:%M})"

    @property
    def role_words(self) -> str:
        """The viewer's role as a guardian reads it: "tutor at Riverside Home Ed"."""
        if self.role == ViewerRole.TUTOR and self.group_name:
            return _("tutor at %(group)s") % {"group": self.group_name}
        if self.role == ViewerRole.GROUP_ADMIN and self.group_name:
            return _("admin of %(group)s") % {"group": self.group_name}
        return self.get_role_display()
