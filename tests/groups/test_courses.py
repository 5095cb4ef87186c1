"""A course's public page, its term of sessions, and the daily check on its minimum."""

import html
import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.models import Revision

from commons.choices import BookingStatus
from commons.models import Booking
from commons.services import bookings
from groups import rota
from groups.choices import (
    CourseStatus,
    EnrolmentStatus,
    SessionStatus,
    SignupRole,
    SignupStatus,
)
from groups.models import CoursePage, Enrolment, Session, TutorSignup
from tests.factories import (
    LearnerFactory,
    UserFactory,
    at,
    checked_tutor,
    make_course,
    make_group,
    make_session,
    make_space,
)
from tests.learning.builders import make_curriculum

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THREE_UNITS = {
    "Halves and quarters": ["I can cut a pizza into two equal halves."],
    "Doubling a recipe": ["I can double the amounts in a recipe."],
    "Sharing fairly": ["I can share twelve grapes between three people."],
}


def text(response) -> str:
    content = response.content.decode()
    main = content[content.index("<main") :]
    return re.sub(r"\s+", " ", html.unescape(strip_tags(main)))


def next_weekday(weekday: int, after_days: int = 7) -> date:
    day = TODAY + timedelta(days=after_days)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@pytest.fixture
def admin():
    return UserFactory(username="ada", display_name="Ada Admin", email="ada@example.org")


@pytest.fixture
def group(admin):
    return make_group(title="Riverside Home Ed", admins=[admin])


@pytest.fixture
def hall():
    return make_space(title="St Mary's Hall")


@pytest.fixture
def course(group, hall):
    return make_course(
        group=group,
        title="KS2 Maths Club",
        min_age=5,
        max_age=11,
        places=12,
        default_space=hall,
    )


def route(course, name: str, *args) -> str:
    return course.url + course.reverse_subpage(name, args=args or None)


def enrol_learners(course, names, status=EnrolmentStatus.ACTIVE):
    for name in names:
        guardian = UserFactory(email=f"{name.lower()}-family@example.org")
        learner = LearnerFactory(name=name, birth_year=2017, guardians=[guardian])
        Enrolment.objects.create(course=course, learner=learner, status=status)


# The course page


def test_the_course_page_shows_places_left_ratio_and_safeguarding(client, course):
    enrol_learners(course, ["Zebedee", "Xanthe", "Wilf", "Vida", "Ulla", "Tariq", "Suki"])
    enrol_learners(course, ["Rafferty"], status=EnrolmentStatus.WAITLISTED)

    page = text(client.get(course.url))

    assert "5 of 12 places left (1 on the waiting list)" in page
    assert "1 adult for every 6 learners" in page
    assert "All adults are safeguarding-checked." in page
    assert "A course of Riverside Home Ed" in page
    assert "St Mary's Hall" in page


def test_a_full_course_invites_families_to_the_waiting_list(client, course):
    course.places = 2
    course.save()
    enrol_learners(course, ["Zebedee", "Xanthe"])

    assert "Full — join the waiting list" in text(client.get(course.url))


def test_the_course_page_never_names_a_learner(client_for, course, admin, parent, child):
    enrol_learners(course, ["Zebedee", "Xanthe"])
    Enrolment.objects.create(course=course, learner=child, status=EnrolmentStatus.ACTIVE)
    make_session(course=course)

    for user in [None, admin, parent]:
        client_for(user)
        page = text(client_for(user).get(course.url))
        assert "Zebedee" not in page and "Xanthe" not in page and "Maya" not in page


def test_each_session_shows_how_many_adults_it_has_of_those_it_needs(client, course, admin):
    enrol_learners(course, ["Zebedee", "Xanthe", "Wilf", "Vida", "Ulla", "Tariq", "Suki"])
    session = make_session(course=course, start=at(next_weekday(1), 10))
    lead = checked_tutor(group=course.get_parent().specific, admin=admin)
    rota.sign_up(session=session, user=lead, role=SignupRole.LEAD)
    make_session(course=course, start=at(next_weekday(1) - timedelta(days=14), 10))

    page = text(client.get(course.url))

    assert "1 of 2 adults" in page
    assert page.count("of 2 adults") == 1  # The past session is not listed.


def test_the_course_page_shows_the_curriculum_and_its_units(client, course, group):
    curriculum = make_curriculum(group, title="Fractions in the Kitchen")
    units = list(curriculum.get_children().specific())
    course.curriculum = curriculum
    course.units.set(units)
    course.save()

    page = text(client.get(course.url))

    assert "Curriculum Fractions in the Kitchen" in page
    for unit in units:
        assert unit.title in page


def count_queries(client, url) -> int:
    client.get(url)  # refill what a write emptied: the menu, settings, private sections
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_sessions(course, count, tutor):
    first = next_weekday(2)
    for week in range(count):
        session = make_session(course=course, start=at(first + timedelta(weeks=week), 10))
        TutorSignup.objects.create(
            session=session, user=tutor, role=SignupRole.LEAD, status=SignupStatus.CONFIRMED
        )


def test_the_course_page_costs_the_same_queries_for_3_or_20_sessions(client_for, course, admin):
    enrol_learners(course, ["Zebedee", "Xanthe"])
    tutor = checked_tutor(group=course.get_parent().specific, admin=admin)
    client = client_for(admin)
    add_sessions(course, 3, tutor)
    client.get(course.url)  # Warm Wagtail's site caches.

    with_three = count_queries(client, course.url)
    Session.objects.all().delete()
    add_sessions(course, 20, tutor)
    with_twenty = count_queries(client, course.url)

    assert with_three == with_twenty
    assert text(client.get(course.url)).count("1 of 1 adult") == 20


def test_the_group_page_lists_its_running_courses_with_places_left(client, course, group):
    enrol_learners(course, ["Zebedee", "Xanthe"])
    make_course(group=group, title="Forest Friday", status=CourseStatus.CANCELLED)

    page = text(client.get(group.url))

    assert "Courses KS2 Maths Club" in page
    assert "10 of 12 places left" in page
    assert "Forest Friday" not in page
    assert "Zebedee" not in page


def test_the_group_page_costs_the_same_queries_however_many_courses(client, group, hall):
    make_course(group=group, title="KS2 Maths Club")
    client.get(group.url)
    with_one = count_queries(client, group.url)
    for number in range(2, 8):
        course = make_course(group=group, title=f"Course {number}")
        enrol_learners(course, [f"Kid{number}"])

    assert count_queries(client, group.url) == with_one


# Scheduling a term


def term(first: date, **changes) -> dict:
    data = {
        "first_date": first.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "weeks": "4",
        "skip_dates": "",
        "action": "preview",
    }
    return {**data, **changes}


@pytest.fixture
def first():
    return next_weekday(1)


@pytest.fixture
def posted(course, hall, first):
    return term(first, space=str(hall.pk))


def test_the_preview_lists_the_dates_and_saves_nothing(client_for, admin, course, posted):
    response = client_for(admin).post(route(course, "schedule"), posted)

    page = text(response)
    assert response.status_code == 200
    assert "All 4 dates are free." in page
    assert "Schedule all 4 dates" in page
    assert (Session.objects.count(), Booking.objects.count()) == (0, 0)


def test_the_preview_says_which_dates_clash_and_why(client_for, admin, course, hall, posted):
    other = make_group(title="Mill End Maker Club")
    second_week = date.fromisoformat(posted["first_date"]) + timedelta(weeks=1)
    bookings.request_booking(
        space=hall,
        group=other,
        by=admin,
        title="Robots",
        start=at(second_week, 11),
        end=at(second_week, 13),
    )

    page = text(client_for(admin).post(route(course, "schedule"), posted))

    assert "3 of the 4 dates are free." in page
    assert "Not free St Mary's Hall is booked 11:00–13:00" in page
    assert "Schedule the 3 free dates" in page
    assert "Schedule all" not in page
    assert Session.objects.count() == 0


def test_scheduling_the_free_dates_books_each_and_assigns_units_in_order(
    client_for, admin, course, hall, posted, group
):
    units = list(make_curriculum(group, units=THREE_UNITS).get_children().specific())
    course.units.set(units)
    course.save()
    second_week = date.fromisoformat(posted["first_date"]) + timedelta(weeks=1)
    bookings.request_booking(
        space=hall,
        group=make_group(title="Mill End Maker Club"),
        by=admin,
        title="Robots",
        start=at(second_week, 9),
        end=at(second_week, 11),
    )
    chosen = {**posted, "units": [units[2].pk, units[0].pk], "action": "schedule_free"}

    response = client_for(admin).post(route(course, "schedule"), chosen, follow=True)

    assert "Scheduled 3 sessions of KS2 Maths Club." in text(response)
    sessions = list(Session.objects.filter(course=course).select_related("booking"))
    first = date.fromisoformat(posted["first_date"])
    assert [timezone.localdate(s.start) for s in sessions] == [
        first,
        first + timedelta(weeks=2),
        first + timedelta(weeks=3),
    ]
    assert all(s.booking.status == BookingStatus.CONFIRMED for s in sessions)
    assert all((s.booking.space, s.booking.start) == (hall, s.start) for s in sessions)
    assert [s.unit for s in sessions] == [units[0], units[2], None]


def test_scheduling_twice_makes_no_second_set_of_sessions(client_for, admin, course, posted):
    client = client_for(admin)

    client.post(route(course, "schedule"), {**posted, "action": "schedule_all"})
    response = client.post(route(course, "schedule"), {**posted, "action": "schedule_all"})

    assert Session.objects.count() == 4
    assert "Not every date is free any more." in text(response)


def test_skipped_dates_are_left_out(client_for, admin, course, posted, first):
    skip = f"{(first + timedelta(weeks=1)).isoformat()}\n{(first + timedelta(weeks=3)).isoformat()}"

    client_for(admin).post(
        route(course, "schedule"), {**posted, "skip_dates": skip, "action": "schedule_all"}
    )

    starts = [timezone.localdate(s.start) for s in Session.objects.all()]
    assert starts == [first, first + timedelta(weeks=2)]


@pytest.mark.parametrize(
    "skip, message",
    [
        ("next tuesday", "“next tuesday” is not a date. Write each date like 2026-02-17."),
        ("2030-01-01", "is not one of the term’s dates"),
    ],
)
def test_a_wrong_skip_date_is_explained(client_for, admin, course, posted, skip, message):
    response = client_for(admin).post(route(course, "schedule"), {**posted, "skip_dates": skip})

    assert message in text(response)
    assert Session.objects.count() == 0


def test_a_session_that_ends_before_it_starts_is_explained(client_for, admin, course, posted):
    response = client_for(admin).post(route(course, "schedule"), {**posted, "end_time": "09:00"})

    assert "A session must end after it starts." in text(response)


def test_a_refusal_at_booking_time_is_a_form_error_not_a_crash(
    client_for, admin, course, hall, posted
):
    second_week = date.fromisoformat(posted["first_date"]) + timedelta(weeks=1)
    bookings.request_booking(
        space=hall,
        group=make_group(title="Mill End Maker Club"),
        by=admin,
        title="Robots",
        start=at(second_week, 10),
        end=at(second_week, 12),
    )

    # The page offered "all", then someone booked a date before the admin pressed it.
    response = client_for(admin).post(
        route(course, "schedule"), {**posted, "action": "schedule_all"}
    )

    assert response.status_code == 200
    assert "Nothing was scheduled" in text(response)
    assert Session.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "parent", "tutor", "other_admin"])
def test_only_the_groups_admins_manage_its_sessions(client_for, course, admin, parent, who):
    group = course.get_parent().specific
    users = {
        "anonymous": None,
        "parent": parent,
        "tutor": checked_tutor(group=group, admin=admin),
        "other_admin": UserFactory(),
    }
    if who == "other_admin":
        make_group(title="Old Town Free School", admins=[users[who]])
    session = make_session(course=course)
    client = client_for(users[who])

    for url in [
        route(course, "schedule"),
        route(course, "move_session", session.pk),
        route(course, "cancel_session", session.pk),
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "schedule_all"}).status_code == 404
    assert Session.objects.get().status == SessionStatus.SCHEDULED


# Moving and cancelling a session


@pytest.fixture
def booked(client_for, admin, course, posted):
    client_for(admin).post(
        route(course, "schedule"), {**posted, "weeks": "1", "action": "schedule_all"}
    )
    return Session.objects.select_related("booking").get()


def test_moving_a_session_moves_its_booking(client_for, admin, course, booked, first):
    new_day = first + timedelta(days=1)

    response = client_for(admin).post(
        route(course, "move_session", booked.pk),
        {"date": new_day.isoformat(), "start_time": "14:00", "end_time": "15:30"},
        follow=True,
    )

    booked.refresh_from_db()
    booked.booking.refresh_from_db()
    assert (booked.start, booked.end) == (at(new_day, 14), at(new_day, 15, 30))
    assert (booked.booking.start, booked.booking.end) == (at(new_day, 14), at(new_day, 15, 30))
    assert "is now" in text(response)


def test_moving_onto_a_booked_time_is_explained(client_for, admin, course, hall, booked, first):
    new_day = first + timedelta(days=1)
    bookings.request_booking(
        space=hall,
        group=make_group(title="Mill End Maker Club"),
        by=admin,
        title="Robots",
        start=at(new_day, 14),
        end=at(new_day, 16),
    )

    response = client_for(admin).post(
        route(course, "move_session", booked.pk),
        {"date": new_day.isoformat(), "start_time": "14:00", "end_time": "15:00"},
    )

    assert response.status_code == 200
    assert "St Mary's Hall is booked 14:00–16:00" in text(response)
    booked.refresh_from_db()
    assert booked.start == at(first, 10)


def test_cancelling_a_session_frees_its_booking_and_tells_its_people(
    client_for, admin, course, booked, parent, child, django_capture_on_commit_callbacks
):
    Enrolment.objects.create(course=course, learner=child, status=EnrolmentStatus.ACTIVE)
    client = client_for(admin)
    assert "Cancel the session of" in text(client.get(route(course, "cancel_session", booked.pk)))
    assert Session.objects.get().status == SessionStatus.SCHEDULED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(route(course, "cancel_session", booked.pk))

    booked.refresh_from_db()
    booked.booking.refresh_from_db()
    assert booked.status == SessionStatus.CANCELLED
    assert booked.booking.status == BookingStatus.CANCELLED
    assert [parent.email] in [m.to for m in mail.outbox]
    assert client.get(route(course, "cancel_session", booked.pk)).status_code == 404


# The daily check on a course's minimum


def make_term(course, first: date, weeks: int, tutor=None):
    sessions = []
    for week in range(weeks):
        session = make_session(course=course, start=at(first + timedelta(weeks=week), 10))
        if tutor is not None:
            TutorSignup.objects.create(
                session=session, user=tutor, role=SignupRole.LEAD, status=SignupStatus.CONFIRMED
            )
        sessions.append(session)
    return sessions


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run_on(today: date) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("cancel_under_minimum", today=today, stdout=out)
        return out.getvalue()

    return run_on


@pytest.fixture
def under(group, admin, hall):
    """A course two short of its minimum, confirm-by today, with a waiting family."""
    course = make_course(
        group=group, title="Forest Friday", min_learners=3, places=3, confirm_by=TODAY
    )
    enrol_learners(course, ["Zebedee"])
    enrol_learners(course, ["Xanthe"], status=EnrolmentStatus.WAITLISTED)
    tutor = checked_tutor(group=group, admin=admin, email="sam@example.org")
    start = at(next_weekday(4), 10)
    booking = bookings.request_booking(
        space=hall,
        group=group,
        by=admin,
        title="Forest Friday",
        start=start,
        end=start + timedelta(hours=2),
    )
    sessions = make_term(course, next_weekday(4), 3, tutor=tutor)
    Session.objects.filter(pk=sessions[0].pk).update(space=hall, booking=booking)
    return course


def test_a_course_under_its_minimum_is_cancelled_and_everyone_told_once(run, under):
    mail.outbox.clear()

    output = run(TODAY)

    under.refresh_from_db()
    assert under.status == CourseStatus.CANCELLED
    assert set(Session.objects.filter(course=under).values_list("status", flat=True)) == {
        SessionStatus.CANCELLED
    }
    assert Booking.objects.get(title="Forest Friday").status == BookingStatus.CANCELLED
    course_emails = [m for m in mail.outbox if m.subject == "Cancelled: Forest Friday"]
    assert sorted(m.to[0] for m in course_emails) == [
        "sam@example.org",
        "xanthe-family@example.org",
        "zebedee-family@example.org",
    ]
    assert all(len(m.to) == 1 for m in course_emails)
    assert "fewer than 3 learners had enrolled" in course_emails[0].body
    assert "Cancelled Forest Friday: 3 sessions, 3 emails." in output


def test_running_twice_does_nothing_more(run, under):
    run(TODAY)
    mail.outbox.clear()

    output = run(TODAY)

    assert output.strip() == "No course to cancel."
    assert mail.outbox == []


def test_only_courses_past_confirm_by_and_under_their_minimum_are_cancelled(run, group, admin):
    early = make_course(
        group=group, title="Not yet", min_learners=2, confirm_by=TODAY + timedelta(days=1)
    )
    enough = make_course(group=group, title="Enough", min_learners=2, confirm_by=TODAY)
    enrol_learners(enough, ["Zebedee", "Xanthe"])
    no_minimum = make_course(group=group, title="No minimum", confirm_by=TODAY)
    no_date = make_course(group=group, title="No date", min_learners=2)
    ran = make_course(
        group=group, title="Went ahead", min_learners=2, confirm_by=TODAY - timedelta(days=30)
    )
    make_term(ran, TODAY - timedelta(days=21), 6)
    missed = make_course(
        group=group, title="Missed run", min_learners=2, confirm_by=TODAY - timedelta(days=2)
    )

    output = run(TODAY)

    statuses = dict(CoursePage.objects.values_list("title", "status"))
    assert statuses == {
        early.title: CourseStatus.OPEN,
        enough.title: CourseStatus.OPEN,
        no_minimum.title: CourseStatus.OPEN,
        no_date.title: CourseStatus.OPEN,
        ran.title: CourseStatus.OPEN,
        missed.title: CourseStatus.CANCELLED,
    }
    assert "Cancelled 1 course." in output


def test_publishing_an_old_draft_does_not_reopen_a_cancelled_course(run, under):
    draft = under.save_revision()  # Saved by an editor while the course was open.
    run(TODAY)

    Revision.objects.get(pk=draft.pk).publish()

    under.refresh_from_db()
    assert under.status == CourseStatus.CANCELLED
