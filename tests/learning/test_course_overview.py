"""The course overview: learners × objectives, colour plus words, achieved counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning.choices import Level, Source
from learning.models import ProgressEntry
from tests.factories import LearnerFactory, UserFactory, make_course, make_session
from tests.learning.conftest import enrol, sign_up


def overview_url(tracked) -> str:
    return reverse("learning:course_overview", args=[tracked.course.pk])


def record(learner, objective, level, source=Source.TUTOR):
    return ProgressEntry.objects.create(
        learner=learner, objective=objective, level=level, source=source
    )


def test_cells_show_the_current_level_in_words_and_count_who_achieved(tracked, sibling, client_for):
    enrol(tracked.course, sibling)
    first, second = tracked.objectives[:2]
    record(tracked.child, first, Level.WORKING_TOWARDS)
    record(tracked.child, first, Level.SECURE, Source.GUARDIAN)  # latest counts
    record(sibling, first, Level.MASTERED)
    record(sibling, second, Level.MASTERED, Source.SELF)  # never replaces the adults' level
    response = client_for(tracked.admin).get(overview_url(tracked))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    rows = {row["objective"].pk: row for row in response.context["rows"]}
    assert rows[first.pk]["achieved"] == 2
    assert rows[second.pk]["achieved"] == 0
    labels = [(c["learner"].name, c["label"]) for c in rows[first.pk]["cells"]]
    assert labels == [("Leo", "Mastered"), ("Maya", "Secure")]
    html = response.content.decode()
    assert '<span class="level level--2">Secure</span>' in html
    assert '<span class="level level--none">Not recorded</span>' in html
    assert "2 of 2" in html
    # Objectives of every unit of the curriculum, as the course covers no units of its own.
    statements = [row["objective"].statement for row in response.context["rows"]]
    assert len(statements) == 6


def test_the_curriculums_achieved_level_decides_what_counts(tracked, client_for):
    tracked.curriculum.achieved_level = Level.MASTERED
    tracked.curriculum.save(update_fields=["achieved_level"])
    record(tracked.child, tracked.objectives[0], Level.SECURE)
    response = client_for(tracked.lead).get(overview_url(tracked))
    assert response.context["rows"][0]["achieved"] == 0


def test_the_courses_own_units_narrow_the_objectives(tracked, client_for):
    tracked.course.units = [tracked.units[1]]
    tracked.course.save()
    response = client_for(tracked.lead).get(overview_url(tracked))
    pages = {row["objective"].page_id for row in response.context["rows"]}
    assert pages == {tracked.units[1].pk}


def test_withdrawn_learners_are_not_listed(tracked, sibling, client_for):
    enrol(tracked.course, sibling)
    tracked.course.enrolments.filter(learner=sibling).update(status="withdrawn")
    response = client_for(tracked.admin).get(overview_url(tracked))
    assert [learner.name for learner in response.context["learners"]] == ["Maya"]


@pytest.mark.parametrize("who", ["parent", "stranger", "other_course_tutor", "learner"])
def test_anyone_but_its_admins_and_session_adults_gets_404(
    tracked, client_for, who, stranger, child_login
):
    other = make_session(course=make_course(group=tracked.group, title="Pottery"))
    tess = UserFactory(username="tess")
    sign_up(other, tess)
    users = {
        "parent": tracked.parent,
        "stranger": stranger,
        "other_course_tutor": tess,
        "learner": child_login,
    }
    assert client_for(users[who]).get(overview_url(tracked)).status_code == 404


def count_queries(client, url) -> int:
    client.get(url)  # refill what a write emptied: the menu, settings, private sections
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_overview_costs_the_same_queries_for_10_or_1000_entries(tracked, client_for):
    learners = [LearnerFactory(name=f"L{n}", guardians=[UserFactory()]) for n in range(2)]
    enrol(tracked.course, *learners)
    objectives = tracked.objectives

    def add(per_learner):
        ProgressEntry.objects.bulk_create(
            ProgressEntry(
                learner=learner,
                objective=objectives[n % len(objectives)],
                level=n % 4,
                source=[Source.TUTOR, Source.GUARDIAN, Source.SELF][n % 3],
            )
            for learner in learners
            for n in range(per_learner)
        )

    client = client_for(tracked.admin)
    client.get(overview_url(tracked))
    add(5)
    with_ten = count_queries(client, overview_url(tracked))
    add(495)
    assert ProgressEntry.objects.count() == 1000
    with_thousand = count_queries(client, overview_url(tracked))
    assert with_thousand == with_ten, (with_ten, with_thousand)
