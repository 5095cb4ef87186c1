"""Id sweep of groups' routes: each id in a URL or query string that names another group's,
another family's or a private object answers 404 and shows nothing of theirs.

Every case has a control (`own`) asking the same route for an object the user may touch,
so a 404 here means "not yours", never "wrong URL". The POST-data sweep is in
tests/commons/test_post_id_sweep.py; the check that no id-taking route is left out of
these tables is in tests/commons/test_id_sweep.py.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from wagtail.models import PageViewRestriction

from tests.commons.id_world import Case, build_world, own, route, sweep
from tests.factories import UserFactory, make_course, make_group, make_session

pytestmark = pytest.mark.django_db


def url(name, *args):
    return lambda w: reverse(name, args=[arg(w) if callable(arg) else arg for arg in args])


def pk(attribute):
    return lambda w: getattr(w, attribute).pk


def with_query(name, **params):
    """A route with a query string whose values are read from the world."""
    return lambda w: f"{reverse(name)}?{urlencode({k: v(w) for k, v in params.items()})}"


# Routes with an id in the URL: (route, {who asks: [ids they must not reach]}, controls)
URL_CASES = [
    # A tutor sees only their own profile; the group admins of the town share the pool.
    Case(
        "a tutor opens another tutor's profile",
        "groups:tutor_detail",
        "tom",
        url("groups:tutor_detail", pk("ben_profile")),
    ),
    Case(
        "a parent opens a tutor's profile",
        "groups:tutor_detail",
        "pat",
        url("groups:tutor_detail", pk("tom_profile")),
    ),
    Case(
        "a tutor who runs no group records a check",
        "groups:check_record",
        "tom",
        url("groups:check_record", pk("ben_profile")),
    ),
    Case(
        "a parent records a check",
        "groups:check_record",
        "pat",
        url("groups:check_record", pk("ben_profile")),
    ),
    Case(
        "an admin cancels another group's booking",
        "groups:booking_cancel",
        "ada",
        url("groups:booking_cancel", pk("their_booking")),
    ),
    Case(
        "a tutor of a group that books only through its admins cancels its booking",
        "groups:booking_cancel",
        "tom",
        url("groups:booking_cancel", pk("our_booking")),
        hidden=lambda w: [],
    ),
    Case(
        "an admin moves another group's booking",
        "groups:booking_move",
        "ada",
        url("groups:booking_move", pk("their_booking")),
    ),
    Case(
        "a visitor opens a session of a private group's course",
        "groups:session_detail",
        None,
        url("groups:session_detail", pk("private_session")),
    ),
    Case(
        "a visitor opens a session of an unpublished course",
        "groups:session_detail",
        None,
        url("groups:session_detail", pk("draft_session")),
    ),
    Case(
        "a signed-in tutor opens a session of a private group's course",
        "groups:session_detail",
        "tom",
        url("groups:session_detail", pk("private_session")),
    ),
    Case(
        "a tutor opens another group's register",
        "groups:session_register",
        "tom",
        url("groups:session_register", pk("their_session")),
    ),
    Case(
        "an admin opens another group's register",
        "groups:session_register",
        "ada",
        url("groups:session_register", pk("their_session")),
    ),
    Case(
        "a parent opens their child's register",
        "groups:session_register",
        "pat",
        url("groups:session_register", pk("our_session")),
        hidden=lambda w: ["Maya"],
    ),
    Case(
        "a learner opens their own session's register",
        "groups:session_register",
        "maya_login",
        url("groups:session_register", pk("our_session")),
    ),
    Case(
        "anyone guesses a calendar token",
        "groups:personal_feed",
        None,
        url("groups:personal_feed", "not-a-real-token-at-all"),
    ),
    Case(
        "a calendar token one character off",
        "groups:personal_feed",
        None,
        lambda w: reverse("groups:personal_feed", args=[w.our_token.token + "x"]),
    ),
    Case(
        "a visitor subscribes to a private group's sessions",
        "groups:group_sessions_feed",
        None,
        url("groups:group_sessions_feed", pk("private_group")),
    ),
    Case(
        "a visitor subscribes to an unpublished group's sessions",
        "groups:group_sessions_feed",
        None,
        url("groups:group_sessions_feed", pk("hidden_group")),
    ),
    # A course page's own routes: the session must be this course's, the user its admin.
    Case(
        "an admin moves another group's session through their own course",
        "CoursePage.move_session",
        "ada",
        lambda w: route(w.our_course, "move_session", w.their_session.pk),
    ),
    Case(
        "an admin of another group moves our session",
        "CoursePage.move_session",
        "bea",
        lambda w: route(w.our_course, "move_session", w.our_later.pk),
        hidden=lambda w: [],
    ),
    Case(
        "an admin cancels another group's session through their own course",
        "CoursePage.cancel_session",
        "ada",
        lambda w: route(w.our_course, "cancel_session", w.their_session.pk),
    ),
    Case(
        "an admin of another group cancels our session",
        "CoursePage.cancel_session",
        "bea",
        lambda w: route(w.our_course, "cancel_session", w.our_later.pk),
        hidden=lambda w: [],
    ),
]

URL_CONTROLS = [
    own(
        "a tutor opens their own profile",
        "groups:tutor_detail",
        "tom",
        url("groups:tutor_detail", pk("tom_profile")),
    ),
    own(
        "an admin opens a tutor of the town's pool",
        "groups:tutor_detail",
        "ada",
        url("groups:tutor_detail", pk("ben_profile")),
    ),
    own(
        "an admin records a pool tutor's check",
        "groups:check_record",
        "ada",
        url("groups:check_record", pk("ben_profile")),
    ),
    own(
        "an admin cancels their group's booking",
        "groups:booking_cancel",
        "ada",
        url("groups:booking_cancel", pk("our_booking")),
    ),
    own(
        "an admin moves their group's booking",
        "groups:booking_move",
        "ada",
        url("groups:booking_move", pk("our_booking")),
    ),
    own(
        "a visitor opens a public session",
        "groups:session_detail",
        None,
        url("groups:session_detail", pk("our_session")),
    ),
    own(
        "the private group's admin opens its session",
        "groups:session_detail",
        "bea",
        url("groups:session_detail", pk("private_session")),
    ),
    own(
        "the lead opens the register",
        "groups:session_register",
        "tom",
        url("groups:session_register", pk("our_session")),
    ),
    own(
        "the admin opens the register",
        "groups:session_register",
        "ada",
        url("groups:session_register", pk("our_session")),
    ),
    own(
        "a calendar app with the secret address",
        "groups:personal_feed",
        None,
        lambda w: reverse("groups:personal_feed", args=[w.our_token.token]),
    ),
    own(
        "a visitor subscribes to a public group's sessions",
        "groups:group_sessions_feed",
        None,
        url("groups:group_sessions_feed", pk("ours")),
    ),
    own(
        "an admin moves a session of their course",
        "CoursePage.move_session",
        "ada",
        lambda w: route(w.our_course, "move_session", w.our_later.pk),
    ),
    own(
        "an admin cancels a session of their course",
        "CoursePage.cancel_session",
        "ada",
        lambda w: route(w.our_course, "cancel_session", w.our_later.pk),
    ),
]


def _not_picked(attribute):
    """The group or space is not chosen on the page: no selected option has its id."""
    return lambda w: [f'value="{getattr(w, attribute).pk}" selected']


# Ids in the query string of routes that take none in the path.
QUERY_CASES = [
    Case(
        "an admin lists another group's bookings",
        "groups:group_bookings",
        "ada",
        with_query("groups:group_bookings", group=lambda w: w.theirs.pk),
    ),
    Case(
        "an admin reads another group's volunteer hours",
        "groups:volunteer_hours",
        "ada",
        with_query("groups:volunteer_hours", group=lambda w: w.theirs.pk),
    ),
    Case(
        "a tutor reads their group's volunteer hours",
        "groups:volunteer_hours",
        "tom",
        with_query("groups:volunteer_hours", group=lambda w: w.ours.pk),
        hidden=lambda w: [],
    ),
    Case(
        "the booking form preselects another group",
        "groups:booking_request",
        "ada",
        with_query("groups:booking_request", group=lambda w: w.theirs.pk),
        status=200,
        hidden=lambda w: [w.theirs.title],
    ),
    Case(
        "the booking form preselects a private space",
        "groups:booking_request",
        "ada",
        with_query("groups:booking_request", space=lambda w: w.private_space.pk),
        status=200,
        hidden=lambda w: [w.private_space.title, w.hidden_space.title],
    ),
    Case(
        "helpers needed filtered by a private group",
        "groups:helpers_needed",
        None,
        with_query("groups:helpers_needed", group=lambda w: w.private_group.pk),
        status=200,
        hidden=lambda w: [w.private_group.title, w.private_course.title],
    ),
    Case(
        "helpers needed, the whole town",
        "groups:helpers_needed",
        None,
        lambda w: reverse("groups:helpers_needed"),
        status=200,
        hidden=lambda w: [w.private_course.title, w.draft_course.title],
    ),
    Case(
        "the tutor pool filtered by an unknown subject",
        "groups:tutor_pool",
        "ada",
        with_query("groups:tutor_pool", subject=lambda w: "no-such-subject"),
        status=200,
        hidden=lambda w: [],
    ),
]

QUERY_CONTROLS = [
    own(
        "an admin lists their group's bookings",
        "groups:group_bookings",
        "ada",
        with_query("groups:group_bookings", group=lambda w: w.ours.pk),
    ),
    own(
        "an admin reads their group's volunteer hours",
        "groups:volunteer_hours",
        "ada",
        with_query("groups:volunteer_hours", group=lambda w: w.ours.pk),
    ),
]

# Every table of this file, for the completeness check.
TABLES = [URL_CASES, URL_CONTROLS, QUERY_CASES, QUERY_CONTROLS]


@pytest.fixture
def world():
    return build_world()


def test_no_route_of_groups_reaches_what_is_not_yours(client, world, subtests):
    sweep(client, world, URL_CASES, subtests)


def test_every_swept_route_answers_its_own_user(client, world, subtests):
    sweep(client, world, URL_CONTROLS + QUERY_CONTROLS, subtests)


def test_no_id_in_a_query_string_reaches_what_is_not_yours(client, world, subtests):
    sweep(client, world, QUERY_CASES, subtests)


def test_a_private_courses_session_opens_to_whom_its_restriction_lets_in(client, client_for):
    group = make_group(title="Members Only Co-op")
    PageViewRestriction.objects.create(page=group, restriction_type=PageViewRestriction.LOGIN)
    session = make_session(course=make_course(group=group, title="Quiet Reading"))
    page = reverse("groups:session_detail", args=[session.pk])

    assert client.get(page).status_code == 404
    response = client_for(UserFactory(username="anyone")).get(page)
    assert response.status_code == 200
    assert "Quiet Reading" in response.content.decode()


def test_a_private_courses_short_session_alerts_its_admins_but_is_never_listed(
    client, django_capture_on_commit_callbacks
):
    admin = UserFactory(username="gina", display_name="Gina Admin")
    group = make_group(title="Hushed Co-op", admins=[admin])
    PageViewRestriction.objects.create(
        page=group, restriction_type=PageViewRestriction.PASSWORD, password="hush"
    )
    course = make_course(group=group, title="Hushed Knitting")
    make_session(course=course, start=timezone.now() + timedelta(hours=30))

    for address in [reverse("groups:helpers_needed"), "/"]:
        assert "Hushed" not in client.get(address).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("alert_short_sessions", stdout=StringIO())
    assert [message.to for message in mail.outbox] == [[admin.email]]
    assert "Hushed Knitting" in mail.outbox[0].subject
