"""The progress services: who may record what, current levels, evidence checks."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learning import tracker
from learning.choices import Level, Source
from learning.models import Evidence, FollowedCurriculum, ProgressEntry
from tests.factories import UserFactory
from tests.learning.builders import make_curriculum
from tests.learning.progress_builders import PDF, PNG, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(child):
    return make_world(learners=[child])


@pytest.fixture
def objective(world):
    return world.objectives()[0]


def record(child, objective, by, source, level=Level.SECURE, **extra):
    return tracker.record_entry(
        learner=child, objective=objective, level=level, source=source, by=by, **extra
    )


def private_files() -> list[str]:
    """Every evidence file in the private storage (kept in memory across tests)."""
    storage = storages["private"]
    try:
        folders, _ = storage.listdir("evidence")
    except FileNotFoundError:
        return []
    return [name for folder in folders for name in storage.listdir(f"evidence/{folder}")[1]]


# What a learner follows


def test_a_learner_follows_the_curricula_of_their_courses(world, child):
    assert list(tracker.followed_curricula(child)) == [world.curriculum]


def test_a_guardian_can_follow_and_unfollow_and_the_row_stays(world, child, parent):
    other = make_curriculum(world.group, title="Knots and Nets")

    tracker.follow(learner=child, curriculum=other, by=parent)
    assert other in tracker.followed_curricula(child)

    tracker.unfollow(learner=child, curriculum=other, by=parent)
    assert other not in tracker.followed_curricula(child)
    assert FollowedCurriculum.objects.get(learner=child, curriculum=other).removed_at is not None

    tracker.follow(learner=child, curriculum=other, by=parent)
    assert other in tracker.followed_curricula(child)


def test_only_a_guardian_may_follow(world, child, child_login, stranger):
    other = make_curriculum(world.group, title="Knots and Nets")
    for user in [child_login, stranger, world.tutor]:
        with pytest.raises(ValidationError):
            tracker.follow(learner=child, curriculum=other, by=user)


# Who may record which source


def test_who_may_record_which_source(world, child, child_login, parent, objective, stranger):
    allowed = [
        (world.tutor, Source.TUTOR),
        (world.admin, Source.TUTOR),
        (parent, Source.GUARDIAN),
        (child_login, Source.SELF),
    ]
    for level, (user, source) in enumerate(allowed):
        assert record(child, objective, user, source, level=level).source == source

    refused = [
        (parent, Source.TUTOR),
        (parent, Source.SELF),
        (world.tutor, Source.GUARDIAN),
        (world.tutor, Source.SELF),
        (child_login, Source.TUTOR),
        (child_login, Source.GUARDIAN),
        (stranger, Source.TUTOR),
        (stranger, Source.GUARDIAN),
    ]
    for user, source in refused:
        with pytest.raises(ValidationError):
            record(child, objective, user, source)
    assert ProgressEntry.objects.count() == len(allowed)


def test_a_tutor_of_another_group_may_not_record(child, objective):
    elsewhere = make_world(title="Hilltop Co-op")
    with pytest.raises(ValidationError):
        record(child, objective, elsewhere.tutor, Source.TUTOR)


def test_levels_outside_the_four_are_refused(child, parent, objective):
    with pytest.raises(ValidationError, match="four levels"):
        record(child, objective, parent, Source.GUARDIAN, level=7)


def test_a_retired_objective_is_refused(child, parent, objective):
    objective.retired = True
    objective.save()
    with pytest.raises(ValidationError, match="retired"):
        record(child, objective, parent, Source.GUARDIAN)


def test_an_objective_the_learner_does_not_follow_is_refused(world, child, parent):
    elsewhere = make_world(title="Hilltop Co-op")
    with pytest.raises(ValidationError, match="not in anything Maya is following"):
        record(child, elsewhere.objectives()[0], parent, Source.GUARDIAN)


def test_a_repeated_submission_records_once(child, parent, objective):
    first = record(child, objective, parent, Source.GUARDIAN, note="Cut the pizza")
    again = record(child, objective, parent, Source.GUARDIAN, note="Cut the pizza")
    assert again.pk == first.pk
    assert ProgressEntry.objects.count() == 1


# Current levels


def test_self_assessment_sits_beside_the_current_level_and_never_replaces_it(
    world, child, child_login, objective
):
    record(child, objective, world.tutor, Source.TUTOR, level=Level.SECURE)
    record(child, objective, child_login, Source.SELF, level=Level.MASTERED)

    status = tracker.current_levels(child, [objective])[objective.pk]

    assert status.current.level == Level.SECURE
    assert status.current.source == Source.TUTOR
    assert status.own.level == Level.MASTERED


def test_the_latest_adult_entry_is_current(world, child, parent, objective):
    record(child, objective, world.tutor, Source.TUTOR, level=Level.WORKING_TOWARDS)
    record(child, objective, parent, Source.GUARDIAN, level=Level.SECURE)
    assert tracker.current_levels(child, [objective])[objective.pk].level == Level.SECURE


def test_current_levels_is_one_query(world, child, parent):
    objectives = world.objectives()
    for objective in objectives:
        record(child, objective, parent, Source.GUARDIAN)
    with CaptureQueriesContext(connection) as queries:
        statuses = tracker.current_levels(child, objectives)
    assert len(queries) == 1
    assert all(status.current for status in statuses.values())


def test_progress_counts_achieved_at_the_curriculums_level(world, child, parent):
    first, second = world.objectives()[:2]
    record(child, first, parent, Source.GUARDIAN, level=Level.SECURE)
    record(child, second, parent, Source.GUARDIAN, level=Level.WORKING_TOWARDS)

    [progress] = tracker.progress_summary(child).curricula

    assert (progress.achieved, progress.total) == (1, 6)
    assert [(u.achieved, u.total) for u in progress.units] == [(1, 3), (0, 3)]
    assert progress.next_unit == progress.units[0]


# Evidence


def test_evidence_is_stored_privately_with_its_sniffed_type(child, parent, objective):
    upload = SimpleUploadedFile("maya-pizza.png", PNG, content_type="application/octet-stream")
    entry = record(child, objective, parent, Source.GUARDIAN, evidence_file=upload)

    evidence = entry.evidence.get()
    assert (evidence.content_type, evidence.size) == ("image/png", len(PNG))
    assert evidence.original_name == "maya-pizza.png"
    assert "maya" not in evidence.file.name
    assert storages["private"].exists(evidence.file.name)


def test_a_pdf_is_accepted(child, parent, objective):
    upload = SimpleUploadedFile("worksheet.pdf", PDF, content_type="application/pdf")
    entry = record(child, objective, parent, Source.GUARDIAN, evidence_file=upload)
    assert entry.evidence.get().content_type == "application/pdf"


def test_too_big_a_file_is_refused_and_nothing_is_saved(child, parent, objective):
    before = private_files()
    upload = SimpleUploadedFile("big.png", PNG + b"\x00" * (12 * 1024 * 1024 - len(PNG)))
    with pytest.raises(ValidationError) as refused:
        record(child, objective, parent, Source.GUARDIAN, evidence_file=upload)
    assert refused.value.messages == ["That file is 12 MB; the limit is 8 MB."]
    assert not ProgressEntry.objects.exists()
    assert not Evidence.objects.exists()
    assert private_files() == before


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_whatever_it_claims(child, parent, objective):
    before = private_files()
    upload = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    with pytest.raises(ValidationError) as refused:
        record(child, objective, parent, Source.GUARDIAN, evidence_file=upload)
    assert refused.value.messages == ["Only photos (JPEG, PNG, WebP) and PDFs can be attached."]
    assert not ProgressEntry.objects.exists()
    assert private_files() == before


def test_an_unrelated_user_cannot_attach_evidence(child, objective):
    before = private_files()
    upload = SimpleUploadedFile("x.png", PNG)
    with pytest.raises(ValidationError):
        record(child, objective, UserFactory(), Source.GUARDIAN, evidence_file=upload)
    assert private_files() == before
