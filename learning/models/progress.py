import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import storages
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from learning.choices import Level, Source


class AppendOnlyError(Exception):
    """Raised when code tries to rewrite or remove progress history (DESIGN.md, invariant 3)."""


class ProgressEntryQuerySet(models.QuerySet):
    """Entries can be added and read; only `erase_for` removes them, and nothing updates them.

    A learner's deletion still cascades: Django's collector reaches entries through the
    base manager (a plain QuerySet), not through this one.
    """

    def update(self, **kwargs):
        raise AppendOnlyError("Progress entries are never updated: record a new entry.")

    def delete(self):
        raise AppendOnlyError("Progress entries are never deleted, except by erase_for().")

    def erase_for(self, learner) -> int:
        """Remove every entry of the learner and its evidence, rows and files: erasure only.

        Files go once the transaction commits, so a rolled-back erasure keeps them.
        Returns how many entries were removed.
        """
        entries = models.QuerySet(self.model, using=self.db).filter(learner=learner)
        evidence = Evidence.objects.using(self.db).filter(entry__learner=learner)
        names = [name for name in evidence.values_list("file", flat=True) if name]
        with transaction.atomic(using=self.db):
            count = entries.count()
            evidence.delete()
            entries.delete()
            transaction.on_commit(lambda: _delete_files(names), using=self.db)
        return count


def _delete_files(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        storage.delete(name)


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

    objects = ProgressEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["-recorded_at", "-pk"]
        indexes = [
            models.Index(fields=["learner", "objective", "-recorded_at"]),
            # A learner's history in time order, read either way: the dashboard's latest
            # entries and the summaries' walk through it. Without it PostgreSQL read the
            # whole city's entries backwards by time to find one learner's latest ten.
            models.Index(fields=["learner", "recorded_at", "id"], name="progress_learner_time"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.objective} · {self.get_level_display()}"

    def save(self, *args, **kwargs):
        """Insert a new entry; an entry already saved is history and is never rewritten."""
        if not self._state.adding:
            raise AppendOnlyError("Progress entries are never updated: record a new entry.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Progress entries are never deleted, except by erase_for().")


def private_storage():
    """Learners' evidence lives outside the public media, served only by a checking view."""
    return storages["private"]


def evidence_path(instance, filename: str) -> str:
    # A random name: the original filename may hold a child's name, and ids are guessable.
    suffix = Path(filename).suffix.lower()[:8]
    return f"evidence/{instance.entry.learner_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A photo or PDF of a learner's work attached to a progress entry. Never public."""

    entry = models.ForeignKey(
        ProgressEntry, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("entry")
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=evidence_path)
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name


class FollowedCurriculum(models.Model):
    """A curriculum a guardian added to a learner's tracker (home education).

    Removing it sets removed_at and keeps the row, so the learner's history stays.
    Curricula of courses the learner is enrolled on are followed without a row here.
    """

    learner = models.ForeignKey(
        "commons.Learner", on_delete=models.CASCADE, related_name="followed_curricula"
    )
    curriculum = models.ForeignKey(
        "learning.CurriculumPage", on_delete=models.CASCADE, related_name="followers"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("followed curriculum")
        verbose_name_plural = _("followed curricula")
        ordering = ["-added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "curriculum"], name="followed_curriculum_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner} follows {self.curriculum}"
