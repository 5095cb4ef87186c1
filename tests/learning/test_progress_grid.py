"""The session progress grid: one form records only what changed, for the session's adults."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.choices import Presence
from groups.models import Attendance
from learning.choices import Level, Source
from learning.models import ProgressEntry
from tests.factories import LearnerFactory, UserFactory
from tests.learning.conftest import enrol


def grid_url(tracked) -> str:
    return reverse("learning:session_progress", args=[tracked.session.pk])


def cell(learner, objective) -> str:
    return f"level_{learner.pk}_{objective.pk}"


def mark(session, learner, presence, by):
    Attendance.objects.create(session=session, learner=learner, presence=presence, recorded_by=by)


def test_the_lead_sees_every_enrolled_learner_with_a_notice_before_the_register(
    tracked, sibling, client_for
):
    enrol(tracked.course, sibling)
    response = client_for(tracked.lead).get(grid_url(tracked))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "No register has been taken" in html
    assert "Maya" in html and "Leo" in html
    for objective in tracked.objectives:
        assert objective.statement in html


def test_only_learners_marked_present_or_late_are_listed(tracked, sibling, client_for):
    third = LearnerFactory(name="Zara", guardians=[UserFactory()])
    enrol(tracked.course, sibling, third)
    mark(tracked.session, tracked.child, Presence.ABSENT, tracked.lead)
    mark(tracked.session, tracked.child, Presence.LATE, tracked.lead)  # the latest mark counts
    mark(tracked.session, sibling, Presence.PRESENT, tracked.lead)
    mark(tracked.session, third, Presence.PRESENT, tracked.lead)
    mark(tracked.session, third, Presence.ABSENT, tracked.lead)
    form = client_for(tracked.lead).get(grid_url(tracked)).context["form"]
    assert [learner.name for learner in form.learners] == ["Leo", "Maya"]


def test_one_post_records_only_changed_cells_and_a_repeat_adds_nothing(tracked, client_for):
    first, second, third = tracked.objectives
    ProgressEntry.objects.create(
        learner=tracked.child, objective=first, level=Level.WORKING_TOWARDS, source="guardian"
    )
    client = client_for(tracked.lead)
    data = {
        cell(tracked.child, first): Level.WORKING_TOWARDS,  # unchanged
        cell(tracked.child, second): Level.SECURE,
        cell(tracked.child, third): "",  # left unrecorded
        f"note_{tracked.child.pk}": "Shared the biscuits fairly.",
    }
    response = client.post(grid_url(tracked), data)
    assert response.status_code == 302
    added = ProgressEntry.objects.filter(source=Source.TUTOR)
    assert [(e.objective_id, e.level, e.note, e.recorded_by) for e in added] == [
        (second.pk, Level.SECURE, "Shared the biscuits fairly.", tracked.lead)
    ]
    client.post(grid_url(tracked), data)
    assert ProgressEntry.objects.count() == 2

    form = client.get(grid_url(tracked)).context["form"]
    assert form[cell(tracked.child, second)].value() == Level.SECURE
    assert form[cell(tracked.child, first)].value() == Level.WORKING_TOWARDS


def test_a_self_assessment_does_not_count_as_the_current_level(tracked, client_for):
    objective = tracked.objectives[0]
    ProgressEntry.objects.create(
        learner=tracked.child, objective=objective, level=Level.MASTERED, source=Source.SELF
    )
    client = client_for(tracked.lead)
    form = client.get(grid_url(tracked)).context["form"]
    assert form[cell(tracked.child, objective)].value() is None
    client.post(grid_url(tracked), {cell(tracked.child, objective): Level.MASTERED})
    assert ProgressEntry.objects.filter(source=Source.TUTOR).count() == 1


def test_a_learner_not_on_the_course_cannot_be_posted(tracked, client_for):
    stranger_child = LearnerFactory(name="Quentin", guardians=[UserFactory()])
    client_for(tracked.lead).post(
        grid_url(tracked), {cell(stranger_child, tracked.objectives[0]): Level.MASTERED}
    )
    assert not ProgressEntry.objects.filter(learner=stranger_child).exists()


def test_the_group_admin_reads_but_cannot_record(tracked, client_for):
    client = client_for(tracked.admin)
    response = client.get(grid_url(tracked))
    assert response.status_code == 200
    assert not response.context["may_record"]
    data = {cell(tracked.child, tracked.objectives[0]): Level.SECURE}
    assert client.post(grid_url(tracked), data).status_code == 404
    assert not ProgressEntry.objects.exists()


@pytest.mark.parametrize("who", ["parent", "stranger", "tutor_elsewhere", "learner"])
def test_anyone_else_gets_404(tracked, client_for, who, stranger, child_login):
    users = {
        "parent": tracked.parent,
        "stranger": stranger,
        "tutor_elsewhere": UserFactory(username="tess"),
        "learner": child_login,
    }
    client = client_for(users[who])
    assert client.get(grid_url(tracked)).status_code == 404
    data = {cell(tracked.child, tracked.objectives[0]): Level.SECURE}
    assert client.post(grid_url(tracked), data).status_code == 404
    assert not ProgressEntry.objects.exists()


def count_queries(client, url) -> int:
    client.get(url)  # refill what a write emptied: the menu, settings, private sections
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_history(tracked, learners, per_learner: int) -> None:
    entries = [
        ProgressEntry(
            learner=learner,
            objective=tracked.objectives[n % len(tracked.objectives)],
            level=n % 4,
            source=[Source.TUTOR, Source.GUARDIAN, Source.SELF][n % 3],
            note=f"Entry {n}",
        )
        for learner in learners
        for n in range(per_learner)
    ]
    ProgressEntry.objects.bulk_create(entries)


def test_the_grid_costs_the_same_queries_for_10_or_1000_entries(tracked, sibling, client_for):
    enrol(tracked.course, sibling)
    client = client_for(tracked.lead)
    client.get(grid_url(tracked))  # warm caches
    add_history(tracked, [tracked.child, sibling], 5)
    with_ten = count_queries(client, grid_url(tracked))
    add_history(tracked, [tracked.child, sibling], 495)
    assert ProgressEntry.objects.count() == 1000
    assert count_queries(client, grid_url(tracked)) == with_ten
