"""Hostile input to the progress tracker's forms, evidence uploads included.

Each test builds one world, then posts many generated examples through the real view as
someone allowed to use it: never a server error, and a refused post records nothing.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from learning.models import Evidence, FollowedCurriculum, ProgressEntry
from tests.strategies import (
    HOSTILE,
    PNG_HEAD,
    XSS,
    assert_no_500,
    assert_saved_nothing_unless_done,
    hostile_text,
    number_text,
    row_counts,
    uploads,
)

pytestmark = pytest.mark.django_db

PROGRESS_ROWS = (ProgressEntry, Evidence)
LEVELS = st.one_of(st.sampled_from(["0", "1", "2", "3", "4", "-1", ""]), number_text())


def _evidence_files_are_safe() -> None:
    for evidence in Evidence.objects.all():
        assert ".." not in evidence.file.name and "\x00" not in evidence.file.name
        assert evidence.content_type in {"image/jpeg", "image/png", "image/webp", "application/pdf"}


# A small limit, so "too big" is tested without posting megabytes in every example.
@override_settings(EVIDENCE_MAX_BYTES=4096)
@given(
    objective=st.one_of(st.just("first"), number_text()),
    level=LEVELS,
    note=hostile_text(300),
    upload=st.one_of(st.none(), uploads(huge_bytes=5000)),
)
@HOSTILE
def test_an_observation_never_crashes_and_a_refusal_records_nothing(
    client_for, tracked, objective, level, note, upload
):
    data = {
        "objective": tracked.objectives[0].pk if objective == "first" else objective,
        "level": level,
        "note": note,
    }
    if upload is not None:
        data["evidence"] = upload
    before = row_counts(*PROGRESS_ROWS)
    response = client_for(tracked.parent).post(
        reverse("learning:guardian_observe", args=[tracked.child.pk]), data
    )
    assert_saved_nothing_unless_done(response, before, row_counts(*PROGRESS_ROWS))
    if response.status_code == 302 and upload is not None:
        assert row_counts(Evidence) != before  # an entry with its file, never one without
    _evidence_files_are_safe()


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("../../etc/passwd", PNG_HEAD),
        ("<script>alert(1)</script>.png", PNG_HEAD),
        ("evil\x00.png", PNG_HEAD),
        ("a" * 300 + ".png", PNG_HEAD),
    ],
)
def test_evidence_with_a_hostile_name_is_stored_under_a_safe_one_and_downloads(
    client_for, tracked, name, body
):
    client = client_for(tracked.parent)
    response = client.post(
        reverse("learning:guardian_observe", args=[tracked.child.pk]),
        {
            "objective": tracked.objectives[0].pk,
            "level": "1",
            "note": "",
            "evidence": SimpleUploadedFile(name, body, content_type="image/png"),
        },
    )
    assert_no_500(response)
    if response.status_code != 302:
        assert row_counts(*PROGRESS_ROWS) == {"learning.ProgressEntry": 0, "learning.Evidence": 0}
        return
    evidence = Evidence.objects.get()
    _evidence_files_are_safe()
    download = client.get(reverse("learning:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    disposition = download["Content-Disposition"]
    assert "/" not in disposition.split("filename", 1)[1]
    assert "<" not in disposition and "\x00" not in disposition


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "image/png"),
        (b"<svg onload=alert(1)>", "image/png"),
        (b"<html><script>alert(1)</script>", "application/pdf"),
        (b"MZ\x90\x00", "image/jpeg"),
    ],
)
def test_evidence_that_is_not_a_photo_or_pdf_is_refused_with_a_reason(
    client_for, tracked, body, content_type
):
    response = client_for(tracked.parent).post(
        reverse("learning:guardian_observe", args=[tracked.child.pk]),
        {
            "objective": tracked.objectives[0].pk,
            "level": "2",
            "note": "Cut a pizza in halves",
            "evidence": SimpleUploadedFile("work.png", body, content_type=content_type),
        },
    )
    assert response.status_code == 400
    assert row_counts(*PROGRESS_ROWS) == {"learning.ProgressEntry": 0, "learning.Evidence": 0}


@given(level=LEVELS, which=st.sampled_from(["first", "999999", "0"]))
@HOSTILE
def test_a_self_assessment_never_crashes_and_a_refusal_records_nothing(
    client_for, tracked, child_login, level, which
):
    objective = tracked.objectives[0].pk if which == "first" else int(which)
    before = row_counts(ProgressEntry)
    response = client_for(child_login).post(
        reverse("learning:self_assess", args=[tracked.child.pk, objective]), {"level": level}
    )
    assert_no_500(response)
    if level not in {"0", "1", "2", "3"} or which != "first":
        assert row_counts(ProgressEntry) == before


@given(curriculum=number_text())
@HOSTILE
def test_following_any_posted_curriculum_never_crashes(client_for, tracked, curriculum):
    before = row_counts(FollowedCurriculum)
    response = client_for(tracked.parent).post(
        reverse("learning:guardian_follow", args=[tracked.child.pk]), {"curriculum": curriculum}
    )
    assert_saved_nothing_unless_done(response, before, row_counts(FollowedCurriculum))


@given(cells=st.lists(LEVELS, min_size=3, max_size=3), note=hostile_text(300))
@HOSTILE
def test_the_progress_grid_never_crashes_and_a_refusal_records_nothing(
    client_for, tracked, cells, note
):
    child = tracked.child
    data = {
        f"level_{child.pk}_{objective.pk}": level
        for objective, level in zip(tracked.objectives, cells, strict=False)
    }
    data[f"note_{child.pk}"] = note
    data["level_0_0"] = XSS
    before = row_counts(ProgressEntry)
    response = client_for(tracked.lead).post(
        reverse("learning:session_progress", args=[tracked.session.pk]), data
    )
    assert_saved_nothing_unless_done(response, before, row_counts(ProgressEntry))


@given(name=hostile_text(60))
@HOSTILE
def test_confirming_an_erasure_with_any_name_never_crashes(client_for, tracked, name):
    response = client_for(tracked.parent).post(
        reverse("learning:learner_erase", args=[tracked.child.pk]), {"name": name}
    )
    assert_no_500(response)
    if name.strip().casefold() != tracked.child.name.casefold():
        assert response.status_code == 400


@given(
    params=st.dictionaries(
        st.sampled_from(["q", "subject", "age", "group", "licence", "sort", "page"]),
        st.one_of(hostile_text(30), number_text()),
        max_size=4,
    )
)
@HOSTILE
def test_the_library_reads_any_query(client, library, tracked, params):
    assert_no_500(client.get(library.url, params))


def test_unfollowing_a_curriculum_id_too_big_for_the_database_is_not_found(client_for, tracked):
    response = client_for(tracked.parent).post(
        reverse("learning:guardian_unfollow", args=[tracked.child.pk, 2**64])
    )
    assert response.status_code == 404
