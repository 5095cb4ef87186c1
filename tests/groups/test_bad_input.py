"""Hostile input to every groups form that takes dates, times, numbers or repeats.

Each test builds one world, then posts many generated examples into it through the real
view as someone allowed to use it: never a server error, and a refused post saves nothing.
"""

from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from commons.models import Booking, BookingSeries
from groups.choices import Role
from groups.models import (
    AdultAttendance,
    Attendance,
    Enrolment,
    SafeguardingCheck,
    Session,
    TutorProfile,
    TutorSignup,
)
from groups.services import add_member
from tests.factories import (
    LearnerFactory,
    TutorProfileFactory,
    UserFactory,
    make_course,
    make_group,
    make_session,
    make_space,
)
from tests.strategies import (
    HOSTILE,
    assert_no_500,
    assert_saved_nothing_unless_done,
    date_text,
    hostile_text,
    number_text,
    row_counts,
    time_text,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
BOOKING_ROWS = (Booking, BookingSeries, Session)


@pytest.fixture
def admin():
    return UserFactory(username="gina", display_name="Gina Admin")


@pytest.fixture
def group(admin):
    return make_group(title="Riverside Home Ed", admins=[admin])


@pytest.fixture
def hall():
    # Bookable far ahead, so far-future dates reach the rules rather than stop at the first.
    return make_space(title="St Mary's Hall", max_days_ahead=30000)


@pytest.fixture
def course(group, hall):
    return make_course(group=group, title="KS2 Maths Club", places=12, default_space=hall)


def route(course, name: str, *args) -> str:
    return course.url + course.reverse_subpage(name, args=args or None)


# Space bookings: one date, a series, moving and cancelling


@given(
    day=date_text(near=TODAY),
    start=time_text(),
    end=time_text(),
    repeat=st.sampled_from(["none", "weekly", "fortnightly", "daily", "", "1"]),
    until=date_text(near=TODAY),
    title=hostile_text(),
    action=st.sampled_from(["", "preview", "book_all", "book_free", "back"]),
)
@HOSTILE
def test_a_booking_request_never_crashes_and_a_refusal_books_nothing(
    client_for, admin, group, hall, day, start, end, repeat, until, title, action
):
    data = {
        "group": group.pk,
        "space": hall.pk,
        "title": title,
        "note": title,
        "date": day,
        "start_time": start,
        "end_time": end,
        "repeat": repeat,
        "until": until,
        "action": action,
    }
    before = row_counts(*BOOKING_ROWS)
    response = client_for(admin).post(reverse("groups:booking_request"), data)
    after = row_counts(*BOOKING_ROWS)
    assert_saved_nothing_unless_done(response, before, after)
    assert not Booking.objects.exclude(end__gt=F("start")).exists()


@pytest.mark.parametrize(("start", "end"), [("01:30", "03:00"), ("00:30", "01:30")])
def test_a_time_the_clocks_skip_is_explained(client_for, admin, group, hall, start, end):
    response = client_for(admin).post(
        reverse("groups:booking_request"),
        {
            "group": group.pk,
            "space": hall.pk,
            "title": "Maths club",
            "date": "2027-03-28",
            "start_time": start,
            "end_time": end,
            "repeat": "none",
        },
    )
    assert response.status_code == 200
    assert "the clocks go forward an hour" in response.content.decode()
    assert Booking.objects.count() == 0


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        ("2027-03-28", "01:30", "02:00"),  # the spring gap: 01:30 never happens
        ("2027-03-28", "00:30", "01:30"),
        ("2027-10-31", "01:00", "01:45"),  # the autumn overlap: 01:00–02:00 happens twice
        ("0001-01-01", "10:00", "11:00"),
        ("9999-12-31", "22:00", "23:59"),
    ],
)
def test_a_booking_at_a_clock_change_or_the_ends_of_time_is_refused_or_sane(
    client_for, admin, group, hall, day, start, end
):
    data = {
        "group": group.pk,
        "space": hall.pk,
        "title": "Maths club",
        "date": day,
        "start_time": start,
        "end_time": end,
        "repeat": "none",
    }
    response = client_for(admin).post(reverse("groups:booking_request"), data)
    assert_no_500(response)
    for booking in Booking.objects.all():
        assert booking.end > booking.start


@given(
    weeks=st.integers(0, 400),
    repeat=st.sampled_from(["weekly", "fortnightly"]),
    action=st.sampled_from(["book_all", "book_free"]),
)
@HOSTILE
def test_a_series_is_booked_whole_or_not_at_all(
    client_for, admin, group, hall, weeks, repeat, action
):
    first = TODAY + timedelta(days=3)
    data = {
        "group": group.pk,
        "space": hall.pk,
        "title": "Weekly club",
        "date": first.isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "repeat": repeat,
        "until": (first + timedelta(weeks=weeks)).isoformat(),
        "action": action,
    }
    Booking.objects.all().delete()
    BookingSeries.objects.all().delete()
    response = client_for(admin).post(reverse("groups:booking_request"), data)
    assert_no_500(response)
    if response.status_code == 302:
        step = 2 if repeat == "fortnightly" else 1
        expected = weeks // step + 1
        assert Booking.objects.count() == expected
        assert BookingSeries.objects.count() == 1
    else:
        assert Booking.objects.count() == BookingSeries.objects.count() == 0


@pytest.fixture
def series(client_for, admin, group, hall):
    first = TODAY + timedelta(days=3)
    client_for(admin).post(
        reverse("groups:booking_request"),
        {
            "group": group.pk,
            "space": hall.pk,
            "title": "Weekly club",
            "date": first.isoformat(),
            "start_time": "10:00",
            "end_time": "11:00",
            "repeat": "weekly",
            "until": (first + timedelta(weeks=3)).isoformat(),
            "action": "book_all",
        },
    )
    return list(Booking.objects.order_by("start"))


@given(
    day=date_text(near=TODAY),
    start=time_text(),
    end=time_text(),
    scope=st.sampled_from(["one", "following", "all", "none", ""]),
)
@HOSTILE
def test_moving_a_booking_never_crashes_and_a_refusal_moves_nothing(
    client_for, admin, series, day, start, end, scope
):
    booking = series[1]
    before = list(Booking.objects.order_by("pk").values_list("start", "end", "status"))
    response = client_for(admin).post(
        reverse("groups:booking_move", args=[booking.pk]),
        {"date": day, "start_time": start, "end_time": end, "scope": scope},
    )
    assert_no_500(response)
    after = list(Booking.objects.order_by("pk").values_list("start", "end", "status"))
    if response.status_code != 302:
        assert after == before
    assert all(end > start for start, end, _status in after)


@given(
    scope=st.one_of(st.sampled_from(["one", "following", "all", "", "\x00"]), st.text(max_size=10))
)
@HOSTILE
def test_cancelling_with_any_scope_never_crashes(client_for, admin, series, scope):
    before = row_counts(Booking)
    statuses = list(Booking.objects.order_by("pk").values_list("status", flat=True))
    response = client_for(admin).post(
        reverse("groups:booking_cancel", args=[series[2].pk]), {"scope": scope}
    )
    assert_no_500(response)
    assert row_counts(Booking) == before
    if response.status_code != 302:
        assert list(Booking.objects.order_by("pk").values_list("status", flat=True)) == statuses


# Safeguarding checks and tutor profiles


@pytest.fixture
def tutor_profile(group):
    tutor = UserFactory(username="toby", display_name="Toby Tutor")
    add_member(group=group, user=tutor, role=Role.TUTOR)
    return TutorProfileFactory(user=tutor)


@given(
    certificate=date_text(near=TODAY),
    renewal=st.one_of(st.just(""), date_text(near=TODAY)),
    level=st.one_of(
        st.sampled_from(["enhanced_barred", "enhanced", "basic", ""]), hostile_text(10)
    ),
    update=st.sampled_from(["", "on", "1", "\x00"]),
)
@HOSTILE
def test_recording_a_check_never_crashes_and_a_refusal_records_nothing(
    client_for, admin, group, tutor_profile, certificate, renewal, level, update
):
    data = {
        "group": group.pk,
        "level": level,
        "certificate_date": certificate,
        "renewal_date": renewal,
        "on_update_service": update,
    }
    before = row_counts(SafeguardingCheck)
    current = TutorProfile.objects.get(pk=tutor_profile.pk).current_check_id
    response = client_for(admin).post(reverse("groups:check_record", args=[tutor_profile.pk]), data)
    assert_saved_nothing_unless_done(response, before, row_counts(SafeguardingCheck))
    if response.status_code != 302:
        assert TutorProfile.objects.get(pk=tutor_profile.pk).current_check_id == current
    for check in SafeguardingCheck.objects.all():
        assert check.renewal_date > check.certificate_date


@pytest.mark.parametrize(
    ("certificate", "renewal"),
    [("9999-12-31", ""), ("9998-02-29", ""), ("0001-01-01", ""), ("2026-01-10", "2025-01-10")],
)
def test_a_check_dated_at_the_ends_of_time_is_explained(
    client_for, admin, tutor_profile, group, certificate, renewal
):
    response = client_for(admin).post(
        reverse("groups:check_record", args=[tutor_profile.pk]),
        {
            "group": group.pk,
            "level": "enhanced_barred",
            "certificate_date": certificate,
            "renewal_date": renewal,
        },
    )
    assert response.status_code == 200
    assert SafeguardingCheck.objects.count() == 0
    assert response.context["form"].errors


@given(
    bio=hostile_text(300), availability=hostile_text(), subjects=st.lists(number_text(), max_size=3)
)
@HOSTILE
def test_a_tutor_profile_never_crashes_on_odd_text(client_for, bio, availability, subjects):
    tutor = UserFactory(username="tess")
    before = row_counts(TutorProfile)
    response = client_for(tutor).post(
        reverse("groups:tutor_profile_edit"),
        {"bio": bio, "availability": availability, "subjects": subjects},
    )
    assert_saved_nothing_unless_done(response, before, row_counts(TutorProfile))


# A term of sessions and moving one session


@given(
    first=date_text(near=TODAY),
    start=time_text(),
    end=time_text(),
    weeks=number_text(),
    skip=st.one_of(st.just(""), date_text(near=TODAY), hostile_text(40)),
    action=st.sampled_from(["preview", "schedule_all", "schedule_free", "back", ""]),
)
@HOSTILE
def test_scheduling_a_term_never_crashes_and_a_refusal_schedules_nothing(
    client_for, admin, course, hall, first, start, end, weeks, skip, action
):
    data = {
        "first_date": first,
        "start_time": start,
        "end_time": end,
        "weeks": weeks,
        "skip_dates": skip,
        "space": hall.pk,
        "action": action,
    }
    before = row_counts(*BOOKING_ROWS)
    response = client_for(admin).post(route(course, "schedule"), data)
    assert_saved_nothing_unless_done(response, before, row_counts(*BOOKING_ROWS))
    assert not Session.objects.exclude(end__gt=F("start")).exists()


@pytest.mark.parametrize(
    ("first", "weeks"),
    [("9999-12-25", "52"), ("9999-06-01", "52"), ("0001-01-01", "4"), ("2027-03-28", "2")],
)
def test_a_term_at_the_ends_of_time_is_explained(client_for, admin, course, hall, first, weeks):
    data = {
        "first_date": first,
        "start_time": "01:30",
        "end_time": "02:15",
        "weeks": weeks,
        "skip_dates": "",
        "space": hall.pk,
        "action": "schedule_all",
    }
    response = client_for(admin).post(route(course, "schedule"), data)
    assert response.status_code == 200
    assert Session.objects.count() == Booking.objects.count() == 0


@pytest.fixture
def session(course):
    return make_session(course=course, start=timezone.now() + timedelta(days=10))


@given(day=date_text(near=TODAY), start=time_text(), end=time_text())
@HOSTILE
def test_moving_a_session_never_crashes_and_a_refusal_moves_nothing(
    client_for, admin, course, session, day, start, end
):
    before = Session.objects.values_list("start", "end").get(pk=session.pk)
    response = client_for(admin).post(
        route(course, "move_session", session.pk),
        {"date": day, "start_time": start, "end_time": end},
    )
    assert_no_500(response)
    after = Session.objects.values_list("start", "end").get(pk=session.pk)
    if response.status_code != 302:
        assert after == before
    assert after[1] > after[0]


# Numbers in hidden fields: enrolment, the rota, the register


@given(learner=number_text(), action=st.sampled_from(["enrol", "withdraw"]))
@HOSTILE
def test_enrolling_any_posted_child_never_crashes(
    client_for, course, parent, child, learner, action
):
    before = row_counts(Enrolment)
    response = client_for(parent).post(route(course, action), {"learner": learner, "confirm": "1"})
    assert_no_500(response)
    if learner.strip() not in {str(child.pk), f"{child.pk}"}:
        assert row_counts(Enrolment) == before


@given(
    action=st.one_of(
        st.sampled_from(["lead", "help", "offer", "cancel", "cover", "take", "accept"]),
        hostile_text(10),
    ),
    signup=number_text(),
)
@HOSTILE
def test_any_rota_button_never_crashes(client_for, group, session, action, signup):
    tutor = UserFactory(username="rita")
    add_member(group=group, user=tutor, role=Role.TUTOR)
    response = client_for(tutor).post(
        reverse("groups:session_detail", args=[session.pk]), {"action": action, "signup": signup}
    )
    assert_no_500(response)
    assert TutorSignup.objects.filter(user=tutor).count() <= 1


@given(mark=st.one_of(st.sampled_from(["present", "absent", "late", ""]), hostile_text(10)))
@HOSTILE
def test_any_register_mark_never_crashes_and_a_refusal_records_nothing(
    client_for, admin, course, session, mark
):
    learner = LearnerFactory(name="Maya")
    Enrolment.objects.get_or_create(course=course, learner=learner)
    before = row_counts(Attendance, AdultAttendance)
    response = client_for(admin).post(
        reverse("groups:session_register", args=[session.pk]),
        {f"learner-{learner.pk}": mark, "learner-0": mark, "adult-x": mark},
    )
    assert_saved_nothing_unless_done(response, before, row_counts(Attendance, AdultAttendance))


# Query strings: the directory, helpers needed, the tutor pool, bookings list


@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "q",
                "kind",
                "neighbourhood",
                "age",
                "subject",
                "day",
                "accepting",
                "page",
                "group",
                "area",
                "checked",
            ]
        ),
        st.one_of(hostile_text(20), number_text(), date_text()),
        max_size=4,
    )
)
@HOSTILE
def test_query_strings_never_crash_group_pages(client_for, admin, group, params):
    client = client_for(admin)
    for url in (
        group.get_parent().url,
        reverse("groups:helpers_needed"),
        reverse("groups:tutor_pool"),
        reverse("groups:group_bookings"),
        reverse("groups:booking_request"),
    ):
        assert_no_500(client.get(url, params))


@pytest.mark.parametrize("huge", ["9223372036854775808", "9" * 30])
def test_a_page_id_too_big_for_the_database_is_no_such_page(client_for, admin, group, hall, huge):
    """Every page type's id is a link to its Page row; SQLite used to overflow on these."""
    client = client_for(admin)
    assert client.get(reverse("groups:helpers_needed"), {"group": huge}).status_code == 200
    response = client.post(
        reverse("groups:booking_request"),
        {
            "group": huge,
            "space": huge,
            "title": "Club",
            "date": TODAY.isoformat(),
            "start_time": "10:00",
            "end_time": "11:00",
            "repeat": "none",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"group", "space"}
    assert Booking.objects.count() == 0
    assert client.get(reverse("commons:space_bookings_feed", args=[int(huge)])).status_code == 404
    assert client.get(reverse("groups:group_sessions_feed", args=[int(huge)])).status_code == 404


def test_a_term_whose_time_the_clocks_skip_names_the_week(client_for, admin, course, hall):
    data = {
        "first_date": "2027-03-14",
        "start_time": "01:30",
        "end_time": "02:15",
        "weeks": "4",
        "skip_dates": "",
        "space": hall.pk,
        "action": "schedule_all",
    }
    response = client_for(admin).post(route(course, "schedule"), data)

    assert response.status_code == 200
    assert "01:30 does not happen on 28 March 2027" in response.content.decode()
    assert Session.objects.count() == Booking.objects.count() == 0

    # Skipping that week leaves no clock change to explain (the hall is shut at 01:30,
    # which is a different refusal).
    data["skip_dates"] = "2027-03-28"
    response = client_for(admin).post(route(course, "schedule"), data)

    assert "the clocks go forward" not in response.content.decode()
