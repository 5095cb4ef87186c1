"""A learner's own page: what they are learning, where they are, and saying where they think."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning import tracker
from learning.choices import Level, Source
from learning.models import ProgressEntry
from tests.learning.progress_builders import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(child):
    return make_world(learners=[child])


def page_url(learner):
    return reverse("learning:learner_page", args=[learner.pk])


def unit_url(learner, objective):
    return reverse("learning:learner_unit", args=[learner.pk, objective.page_id])


def assess_url(learner, objective):
    return reverse("learning:self_assess", args=[learner.pk, objective.pk])


def test_the_learner_sees_what_they_are_learning_and_who_can_see_it(
    world, child, child_login, client_for
):
    response = client_for(child_login).get(page_url(child))

    assert response.status_code == 200
    html = response.content.decode()
    assert "What I'm learning" in html
    assert "Your grown-ups" in html and "Pat Parent" in html and "tutors can see this page" in html
    assert "Halves and quarters" in html and "Up next" in html
    assert "no-store" in response["Cache-Control"]

    unit = client_for(child_login).get(unit_url(child, world.objectives()[0]))
    html = unit.content.decode()
    assert world.objectives()[0].statement in html
    for words in ["Not yet", "Getting there", "Got it", "Could teach it"]:
        assert words in html
    assert "no-store" in unit["Cache-Control"]


def test_a_self_assessment_is_recorded_as_the_learners_own(world, child, child_login, client_for):
    objective = world.objectives()[0]
    client = client_for(child_login)

    response = client.post(assess_url(child, objective), {"level": Level.MASTERED})

    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert (entry.source, entry.level, entry.recorded_by) == (
        Source.SELF,
        Level.MASTERED,
        child_login,
    )
    assert "no-store" in response["Cache-Control"]


def test_the_page_shows_the_tutors_level_and_the_learners_own_side_by_side(
    world, child, child_login, client_for
):
    objective = world.objectives()[0]
    tracker.record_entry(
        learner=child,
        objective=objective,
        level=Level.SECURE,
        source=Source.TUTOR,
        by=world.tutor,
    )
    client = client_for(child_login)
    client.post(assess_url(child, objective), {"level": Level.MASTERED})

    html = client.get(unit_url(child, objective)).content.decode()
    block = html.split(f'id="objective-{objective.pk}"')[1].split("</dl>")[0]
    assert "Got it" in block and "Could teach it" in block
    summary = client.get(page_url(child)).content.decode()
    assert "Tutors and grown-ups say you've got 1 of 3; you say 1." in summary


def test_a_guardian_sees_the_page_but_cannot_self_assess(world, child, parent, client_for):
    objective = world.objectives()[0]
    client = client_for(parent)

    assert client.get(page_url(child)).status_code == 200
    assert client.post(assess_url(child, objective), {"level": 1}).status_code == 404
    assert not ProgressEntry.objects.exists()


def test_anyone_else_gets_404(world, child, stranger, sibling, client_for):
    client = client_for(stranger)
    assert client.get(page_url(child)).status_code == 404
    assert client.post(assess_url(child, world.objectives()[0]), {"level": 1}).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(world, child, client):
    response = client.get(page_url(child))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_no_answer_chosen_says_so(world, child, child_login, client_for):
    client = client_for(child_login)
    response = client.post(assess_url(child, world.objectives()[0]), {}, follow=True)
    assert "Pick one of the four answers" in response.content.decode()
    assert not ProgressEntry.objects.exists()


def _bulk_entries(world, child, count):
    objectives = world.objectives()
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            learner=child,
            objective=objectives[n % len(objectives)],
            level=n % 4,
            source=[Source.TUTOR, Source.SELF][n % 2],
            recorded_by=world.tutor,
        )
        for n in range(count)
    )


def _queries(client, url) -> int:
    client.get(url)  # The first request also loads the site and its settings into caches.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_runs_the_same_queries_for_10_or_1000_entries(
    world, child, child_login, client_for
):
    client = client_for(child_login)
    _bulk_entries(world, child, 10)
    few = _queries(client, page_url(child))
    _bulk_entries(world, child, 990)
    assert _queries(client, page_url(child)) == few
