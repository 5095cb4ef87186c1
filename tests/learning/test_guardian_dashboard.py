"""A guardian's dashboard per child: progress per unit, recent changes, the child's own
view, a chart over time, home observations and following curricula."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning import tracker
from learning.choices import Level, Source
from learning.models import Evidence, ProgressEntry
from tests.factories import LearnerFactory, UserFactory
from tests.learning.builders import make_curriculum
from tests.learning.progress_builders import PNG, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(child):
    return make_world(learners=[child])


def dashboard_url(learner):
    return reverse("learning:guardian_dashboard", args=[learner.pk])


def test_the_dashboard_shows_progress_per_unit_in_words_and_the_childs_own_view(
    world, child, child_login, parent, client_for
):
    first = world.objectives()[0]
    tracker.record_entry(
        learner=child, objective=first, level=Level.SECURE, source=Source.TUTOR, by=world.tutor
    )
    tracker.record_entry(
        learner=child, objective=first, level=Level.MASTERED, source=Source.SELF, by=child_login
    )

    response = client_for(parent).get(dashboard_url(child))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "1 of 3 achieved; Maya says 1" in html and "1 of 6 achieved" in html
    assert "<svg" in html and "Objectives achieved each week" in html
    assert "The chart as a table" in html
    assert "Tom Tutor" in html
    unit = reverse("learning:learner_unit", args=[child.pk, first.page_id])
    assert f'href="{unit}"' in html

    html = client_for(parent).get(unit).content.decode()
    block = html.split(f'id="objective-{first.pk}"')[1].split("</dl>")[0]
    assert "Secure" in block and "achieved" in block and "Could teach it" in block


def test_a_guardian_adds_a_home_observation_with_evidence(world, child, parent, client_for):
    objective = world.objectives()[1]
    response = client_for(parent).post(
        reverse("learning:guardian_observe", args=[child.pk]),
        {
            "objective": objective.pk,
            "level": Level.SECURE,
            "note": "Shared biscuits fairly",
            "evidence": SimpleUploadedFile("biscuits.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert (entry.source, entry.note, entry.recorded_by) == (
        Source.GUARDIAN,
        "Shared biscuits fairly",
        parent,
    )
    evidence = entry.evidence.get()
    assert evidence.content_type == "image/png"

    # The dashboard's recent changes list it: what, who, the note and the file.
    html = client_for(parent).get(dashboard_url(child)).content.decode()
    recent = html.split('class="tracker-recent"')[1].split("</ol>")[0]
    download = reverse("learning:evidence_download", args=[evidence.pk])
    assert f"<strong>{objective.statement}</strong>: Secure" in recent
    assert f"({parent.get_display_name()})" in recent
    assert "Shared biscuits fairly" in recent
    assert f'<a href="{download}">Download biscuits.png</a>' in recent


def test_a_refused_file_says_why_and_saves_nothing(world, child, parent, client_for):
    response = client_for(parent).post(
        reverse("learning:guardian_observe", args=[child.pk]),
        {
            "objective": world.objectives()[0].pk,
            "level": Level.SECURE,
            "evidence": SimpleUploadedFile("notes.txt", b"hello", content_type="image/png"),
        },
    )
    assert response.status_code == 400
    assert "Only photos (JPEG, PNG, WebP) and PDFs can be attached." in response.content.decode()
    assert not ProgressEntry.objects.exists()
    assert not Evidence.objects.exists()


def test_a_guardian_follows_and_unfollows_from_the_library(world, child, parent, client_for):
    other = make_curriculum(world.group, title="Knots and Nets")
    client = client_for(parent)

    client.post(reverse("learning:guardian_follow", args=[child.pk]), {"curriculum": other.pk})
    assert (
        "Knots and Nets"
        in client.get(dashboard_url(child))
        .content.decode()
        .split("Objectives achieved over time")[0]
    )

    client.post(reverse("learning:guardian_unfollow", args=[child.pk, other.pk]))
    assert other not in tracker.followed_curricula(child)


@pytest.mark.parametrize("who", ["stranger", "learner", "tutor", "other_parent"])
def test_only_guardians_see_the_dashboard(world, child, child_login, stranger, client_for, who):
    other_parent = UserFactory()
    LearnerFactory(guardians=[other_parent])
    user = {
        "stranger": stranger,
        "learner": child_login,
        "tutor": world.tutor,
        "other_parent": other_parent,
    }[who]
    client = client_for(user)
    assert client.get(dashboard_url(child)).status_code == 404
    observe = reverse("learning:guardian_observe", args=[child.pk])
    assert client.post(observe, {"objective": 1, "level": 2}).status_code == 404


def _bulk_entries(world, child, count):
    objectives = world.objectives()
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            learner=child,
            objective=objectives[n % len(objectives)],
            level=n % 4,
            source=[Source.TUTOR, Source.GUARDIAN, Source.SELF][n % 3],
            recorded_by=world.tutor,
            note=f"Entry {n}",
        )
        for n in range(count)
    )


def _queries(client, url) -> int:
    client.get(url)  # The first request also loads the site and its settings into caches.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_dashboard_runs_the_same_queries_for_10_or_1000_entries(
    world, child, parent, client_for
):
    client = client_for(parent)
    _bulk_entries(world, child, 10)
    few = _queries(client, dashboard_url(child))
    _bulk_entries(world, child, 990)
    assert _queries(client, dashboard_url(child)) == few
