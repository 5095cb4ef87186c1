"""Helpers needed: the town's sessions short of adults, the home page's list and the alert."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commons.models import Learner
from groups import rota, selectors
from groups.choices import EnrolmentStatus, SignupRole
from groups.models import Enrolment, Session
from tests.factories import (
    LearnerFactory,
    NeighbourhoodFactory,
    UserFactory,
    at,
    checked_tutor,
    make_course,
    make_group,
    make_session,
    make_space,
)

pytestmark = pytest.mark.django_db

URL = reverse("groups:helpers_needed")
NEXT_WEEK = timezone.localdate() + timedelta(days=7)


@pytest.fixture
def admin():
    return UserFactory(username="gina", display_name="Gina Admin")


@pytest.fixture
def group(admin):
    return make_group(title="Riverside Home Ed", admins=[admin])


@pytest.fixture
def course(group):
    # Ages 5 to 7: one adult for every 6 learners.
    return make_course(group=group, title="Story Club", min_age=5, max_age=7, places=30)


@pytest.fixture
def session(course, group, admin):
    session = make_session(course=course)
    lead = checked_tutor(group=group, admin=admin, display_name="Lee Lead")
    rota.sign_up(session=session, user=lead, role=SignupRole.LEAD)
    return session


def child(birth_year=2020):
    guardian = UserFactory()
    return LearnerFactory(birth_year=birth_year, guardians=[guardian]), guardian


def enrol(course, count) -> list[Enrolment]:
    enrolments = []
    for _ in range(count):
        learner, guardian = child()
        enrolments.append(rota.enrol(course=course, learner=learner, by=guardian))
    return enrolments


def listed(client) -> dict[int, int]:
    """Session id → how many more adults it needs, as the page lists them."""
    response = client.get(URL)
    assert response.status_code == 200
    return {s.pk: s.adults_short for s in response.context["sessions"]}


def test_helpers_needed_follows_the_ratio_as_learners_enrol_and_withdraw(client, course, session):
    assert listed(client) == {}  # no learners: the lead is enough

    enrolments = enrol(course, 7)  # 7 learners at 1:6 need 2 adults
    assert listed(client) == {session.pk: 1}
    html = client.get(URL).content.decode()
    assert "1 more adult needed" in html
    assert "Story Club" in html and "Riverside Home Ed" in html
    assert "Checked adults only" in html

    enrolments += enrol(course, 6)  # 13 need 3
    assert listed(client) == {session.pk: 2}

    for enrolment in enrolments[:7]:  # 6 left need only the lead
        guardian = enrolment.learner.guardians.get()
        rota.withdraw(enrolment=enrolment, by=guardian)
    assert listed(client) == {}


def test_a_helper_signing_up_takes_the_session_off_the_list(client, course, session, group, admin):
    enrol(course, 7)
    helper = checked_tutor(group=group, admin=admin)

    rota.sign_up(session=session, user=helper, role=SignupRole.HELPER)

    assert listed(client) == {}


@pytest.mark.parametrize(
    ("min_age", "own_ratio", "learners"),
    [(3, None, 0), (3, None, 5), (4, 2, 5), (6, None, 6), (6, None, 13), (9, None, 17), (9, 5, 11)],
)
def test_adults_needed_in_sql_agrees_with_the_course(group, min_age, own_ratio, learners):
    course = make_course(
        group=group, min_age=min_age, max_age=16, learners_per_adult=own_ratio, places=40
    )
    learner_list = Learner.objects.bulk_create(Learner(name="L") for _ in range(learners))
    Enrolment.objects.bulk_create(
        Enrolment(course=course, learner=learner, status=EnrolmentStatus.ACTIVE)
        for learner in learner_list
    )
    session = make_session(course=course)

    annotated = selectors.with_adults_needed(Session.objects.filter(pk=session.pk)).get()

    assert annotated.adults_needed == course.adults_needed(learners)


def test_soonest_first_and_only_upcoming_scheduled_sessions_of_live_courses(client, group, course):
    enrol(course, 1)  # one learner: every session without a lead is short
    later = make_session(course=course, start=at(NEXT_WEEK + timedelta(days=7), 10))
    sooner = make_session(course=course, start=at(NEXT_WEEK, 10))
    past = make_session(course=course, start=timezone.now() - timedelta(days=1))
    cancelled = make_session(course=course, start=at(NEXT_WEEK, 14))
    cancelled.status = "cancelled"
    cancelled.save()
    hidden = make_course(group=group, title="Draft Course")
    enrol(hidden, 1)
    make_session(course=hidden)
    hidden.unpublish()

    assert list(listed(client)) == [sooner.pk, later.pk]
    assert past.pk not in listed(client)


def test_filters_by_group_and_neighbourhood(client, course, group, admin):
    riverside = NeighbourhoodFactory(name="Riverside")
    hall = make_space(title="River Hall", neighbourhood=riverside)
    other = make_group(title="Hillside Co-op", admins=[admin])
    other_course = make_course(group=other, title="Forest Friday")
    enrol(course, 1)
    enrol(other_course, 1)
    ours = make_session(course=course)
    ours.space = hall
    ours.save()
    theirs = make_session(course=other_course)

    assert list(client.get(URL, {"group": other.pk}).context["sessions"]) == [theirs]
    assert list(client.get(URL, {"area": "riverside"}).context["sessions"]) == [ours]
    assert "River Hall, Riverside" in client.get(URL).content.decode()


def test_the_list_is_paginated(client, course):
    enrol(course, 1)
    for day in range(22):
        make_session(course=course, start=at(NEXT_WEEK + timedelta(days=day), 10))

    assert len(client.get(URL).context["sessions"]) == 20
    assert len(client.get(URL, {"page": 2}).context["sessions"]) == 2


def test_the_list_costs_the_same_queries_for_3_or_30_sessions(client, course, group, admin):
    enrol(course, 1)
    other = make_group(title="Hillside Co-op", admins=[admin])
    other_course = make_course(group=other, title="Forest Friday")
    enrol(other_course, 2)
    for day in range(3):
        make_session(course=course, start=at(NEXT_WEEK + timedelta(days=day), 10))
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)

    space = make_space(title="Old Library", neighbourhood=NeighbourhoodFactory(name="Old Town"))
    for day in range(27):
        session = make_session(
            course=other_course if day % 2 else course,
            start=at(NEXT_WEEK + timedelta(days=day), 14),
        )
        session.space = space
        session.save()
    client.get(URL)  # refill what the writes emptied in the cache
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)

    assert len(response.context["sessions"]) == 20
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_home_page_shows_the_next_three_sessions_needing_helpers(client, course):
    enrol(course, 1)
    sessions = [
        make_session(course=course, start=at(NEXT_WEEK + timedelta(days=d), 10)) for d in range(4)
    ]

    html = client.get("/").content.decode()

    assert "Helpers needed" in html
    for session in sessions[:3]:
        assert reverse("groups:session_detail", args=[session.pk]) in html
    assert reverse("groups:session_detail", args=[sessions[3].pk]) not in html
    assert f'href="{URL}"' in html


# The daily alert to group admins


def run(*args, capture):
    with capture(execute=True):
        call_command("alert_short_sessions", *args, stdout=StringIO())


def test_sessions_short_within_48_hours_alert_the_group_admins_once(
    course, admin, session, django_capture_on_commit_callbacks
):
    enrol(course, 7)
    tomorrow = make_session(course=course, start=timezone.now() + timedelta(hours=30))
    in_three_days = make_session(course=course, start=timezone.now() + timedelta(days=3))

    run(capture=django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "Story Club" in mail.outbox[0].subject
    assert "needs 2 adults and has 0" in mail.outbox[0].body
    assert reverse("groups:session_detail", args=[tomorrow.pk]) in mail.outbox[0].body
    tomorrow.refresh_from_db()
    in_three_days.refresh_from_db()
    assert tomorrow.short_alert_sent_at is not None
    assert in_three_days.short_alert_sent_at is None

    run(capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_the_alert_takes_a_now_for_testing(course, admin, django_capture_on_commit_callbacks):
    enrol(course, 1)
    session = make_session(course=course, start=at(NEXT_WEEK, 10))

    run(
        "--now",
        at(NEXT_WEEK - timedelta(days=1), 9).isoformat(),
        capture=django_capture_on_commit_callbacks,
    )

    session.refresh_from_db()
    assert session.short_alert_sent_at is not None
    assert len(mail.outbox) == 1
