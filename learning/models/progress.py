from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from learning.choices import Level, Source


class ProgressEntry(models.Model):
    """One observation of a learner against an objective. Append-only: never edited."""

    learner = models.ForeignKey(
        "commons.Learner",
        on_delete=models.CASCADE,
        related_name="progress_entries",
        verbose_name=_("learner"),
    )
    objective = models.ForeignKey(
        "learning.LearningObjective",
        # History outlives edits to the curriculum: an objective with progress is retired,
        # never deleted (see UnitPageForm).
        on_delete=models.PROTECT,
        related_name="progress_entries",
        verbose_name=_("objective"),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    source = models.CharField(_("recorded as"), max_length=10, choices=Source.choices)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["learner", "objective", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.learner} · {self.objective} · {self.get_level_display()}"
