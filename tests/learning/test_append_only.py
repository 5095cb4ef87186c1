"""Progress history is append-only: nothing updates or deletes an entry except erasure."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction

from commons.models import Learner
from learning.choices import Level, Source
from learning.models import Evidence, ProgressEntry
from learning.models.progress import AppendOnlyError


@pytest.fixture
def entry(tracked):
    return ProgressEntry.objects.create(
        learner=tracked.child,
        objective=tracked.objectives[0],
        level=Level.WORKING_TOWARDS,
        source=Source.TUTOR,
        note="Cut the pizza nearly in half.",
        recorded_by=tracked.lead,
    )


def add_evidence(entry) -> Evidence:
    evidence = Evidence(entry=entry, original_name="pizza.png", content_type="image/png", size=4)
    evidence.file.save("pizza.png", ContentFile(b"\x89PNG"), save=False)
    evidence.save()
    return evidence


def test_a_saved_entry_cannot_be_saved_again(entry):
    entry.level = Level.MASTERED
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert ProgressEntry.objects.get(pk=entry.pk).level == Level.WORKING_TOWARDS


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert ProgressEntry.objects.filter(pk=entry.pk).exists()


def test_querysets_refuse_update_delete_and_bulk_update(entry):
    with pytest.raises(AppendOnlyError):
        ProgressEntry.objects.filter(pk=entry.pk).update(level=Level.MASTERED)
    with pytest.raises(AppendOnlyError):
        ProgressEntry.objects.all().delete()
    entry.note = "Rewritten"
    with pytest.raises(AppendOnlyError), transaction.atomic():
        ProgressEntry.objects.bulk_update([entry], ["note"])
    with pytest.raises(AppendOnlyError), transaction.atomic():
        ProgressEntry.objects.update_or_create(pk=entry.pk, defaults={"level": Level.MASTERED})
    stored = ProgressEntry.objects.get(pk=entry.pk)
    assert (stored.level, stored.note) == (Level.WORKING_TOWARDS, "Cut the pizza nearly in half.")


def test_an_entry_with_an_existing_id_is_not_overwritten(entry):
    copy = ProgressEntry(
        pk=entry.pk,
        learner=entry.learner,
        objective=entry.objective,
        level=Level.MASTERED,
        source=Source.TUTOR,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert ProgressEntry.objects.get(pk=entry.pk).level == Level.WORKING_TOWARDS


def test_new_entries_are_added_beside_the_old_ones(entry):
    ProgressEntry.objects.create(
        learner=entry.learner, objective=entry.objective, level=Level.SECURE, source=Source.TUTOR
    )
    ProgressEntry.objects.bulk_create(
        [ProgressEntry(learner=entry.learner, objective=entry.objective, level=3, source="self")]
    )
    assert ProgressEntry.objects.filter(learner=entry.learner).count() == 3


def test_erase_for_removes_the_learners_entries_evidence_and_files_only(
    entry, tracked, sibling, django_capture_on_commit_callbacks
):
    evidence = add_evidence(entry)
    other = ProgressEntry.objects.create(
        learner=sibling, objective=entry.objective, level=Level.SECURE, source=Source.GUARDIAN
    )
    with django_capture_on_commit_callbacks(execute=True):
        removed = ProgressEntry.objects.erase_for(tracked.child)
    assert removed == 1
    assert not ProgressEntry.objects.filter(learner=tracked.child).exists()
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not storages["private"].exists(evidence.file.name)
    assert ProgressEntry.objects.filter(pk=other.pk).exists()


def test_deleting_a_learner_still_cascades_to_their_entries(entry, tracked):
    add_evidence(entry)
    Learner.objects.filter(pk=tracked.child.pk).delete()
    assert not ProgressEntry._base_manager.filter(pk=entry.pk).exists()
    assert not Evidence.objects.filter(entry_id=entry.pk).exists()


def test_deleting_the_recording_adult_keeps_the_entry(entry, tracked):
    tracked.lead.delete()
    stored = ProgressEntry.objects.get(pk=entry.pk)
    assert stored.recorded_by is None
    assert stored.note == "Cut the pizza nearly in half."
