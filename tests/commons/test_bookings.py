"""The booking rules, each refused with a message that names it; series; clock changes."""

from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commons.choices import BookingStatus
from commons.models import Booking, BookingSeries, Closure
from commons.services import bookings
from tests.factories import UserFactory, at, make_group, make_space

pytestmark = pytest.mark.django_db

NEXT_WEEK = timezone.localdate() + timedelta(days=7)


@pytest.fixture
def admin(db):
    return UserFactory(username="gina", display_name="Gina")


@pytest.fixture
def group(admin):
    return make_group(title="Riverside Home Ed", admins=[admin])


@pytest.fixture
def hall(db):
    return make_space(title="St Mary's Hall")


def book(space, group, by, start, end, **extra):
    return bookings.request_booking(
        space=space, group=group, by=by, title="Maths club", start=start, end=end, **extra
    )


def refusal(space, group, by, start, end) -> str:
    with pytest.raises(ValidationError) as caught:
        book(space, group, by, start, end)
    return " ".join(caught.value.messages)


def test_back_to_back_bookings_both_succeed(hall, group, admin):
    book(hall, group, admin, at(NEXT_WEEK, 9), at(NEXT_WEEK, 10))
    book(hall, group, admin, at(NEXT_WEEK, 10), at(NEXT_WEEK, 11))
    assert Booking.objects.confirmed().count() == 2


def test_a_changeover_buffer_refuses_the_back_to_back_booking(group, admin):
    hall = make_space(title="Scout Hut", buffer_minutes=15)
    book(hall, group, admin, at(NEXT_WEEK, 9), at(NEXT_WEEK, 10))
    message = refusal(hall, group, admin, at(NEXT_WEEK, 10), at(NEXT_WEEK, 11))
    assert "Scout Hut is booked 09:00–10:00 on" in message
    # The buffer protects the booking before it too.
    assert "is booked" in refusal(hall, group, admin, at(NEXT_WEEK, 8), at(NEXT_WEEK, 8, 50))


def test_an_overlapping_booking_is_refused_naming_the_clash(hall, group, admin):
    book(hall, group, admin, at(NEXT_WEEK, 10), at(NEXT_WEEK, 11))
    message = refusal(hall, group, admin, at(NEXT_WEEK, 10, 30), at(NEXT_WEEK, 12))
    day = NEXT_WEEK.strftime("%a %-d %B %Y")
    assert message == f"St Mary's Hall is booked 10:00–11:00 on {day}."


@pytest.mark.parametrize(
    ("rules", "start", "end", "expected"),
    [
        ({}, (11, 0), (10, 0), "must end after it starts"),
        ({"min_booking_minutes": 60}, (10, 0), (10, 30), "at least 1 hour long"),
        ({"max_booking_minutes": 120}, (9, 0), (12, 0), "at most 2 hours long"),
        (
            {"opening": [(d, time(9), time(12)) for d in range(7)]},
            (11, 0),
            (13, 0),
            "open 09:00–12:00",
        ),
    ],
)
def test_each_rule_is_refused_with_its_message(group, admin, rules, start, end, expected):
    hall = make_space(title="Library Room", **rules)
    assert expected in refusal(hall, group, admin, at(NEXT_WEEK, *start), at(NEXT_WEEK, *end))
    assert not Booking.objects.exists()


def test_notice_and_how_far_ahead_are_enforced(group, admin):
    hall = make_space(title="Old Library", min_notice_hours=48, max_days_ahead=30)
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert "need 48 hours' notice" in refusal(
        hall, group, admin, at(tomorrow, 10), at(tomorrow, 11)
    )
    far = timezone.localdate() + timedelta(days=60)
    assert "up to 30 days ahead" in refusal(hall, group, admin, at(far, 10), at(far, 11))


def test_a_day_with_no_opening_hours_says_the_space_is_closed(group, admin):
    monday = NEXT_WEEK - timedelta(days=NEXT_WEEK.weekday())
    hall = make_space(title="Chapel", opening=[(1, time(9), time(17))])
    message = refusal(hall, group, admin, at(monday, 10), at(monday, 11))
    assert message == "Chapel is closed on Mondays."


def test_two_periods_a_day_are_both_bookable_but_not_the_gap(group, admin):
    hall = make_space(
        title="Chapel",
        opening=[(d, time(9), time(12)) for d in range(7)]
        + [(d, time(13), time(17)) for d in range(7)],
    )
    book(hall, group, admin, at(NEXT_WEEK, 13), at(NEXT_WEEK, 14))
    assert "open 09:00–12:00 and 13:00–17:00" in refusal(
        hall, group, admin, at(NEXT_WEEK, 11), at(NEXT_WEEK, 14)
    )


def test_a_closure_is_refused_with_its_reason(hall, group, admin):
    Closure.objects.create(
        page=hall, start_date=NEXT_WEEK, end_date=NEXT_WEEK, reason="Polling station"
    )
    message = refusal(hall, group, admin, at(NEXT_WEEK, 10), at(NEXT_WEEK, 11))
    assert "closed on" in message and "(Polling station)" in message


def test_the_weekly_quota_counts_the_groups_hours_that_week(group, admin):
    hall = make_space(title="Community Centre", weekly_quota_hours=2)
    monday = NEXT_WEEK - timedelta(days=NEXT_WEEK.weekday())
    book(hall, group, admin, at(monday, 10), at(monday, 12))
    message = refusal(
        hall, group, admin, at(monday + timedelta(days=2), 10), at(monday + timedelta(days=2), 11)
    )
    assert (
        message
        == "Riverside Home Ed has used 2 hours of its 2 hours at Community Centre that week."
    )
    # The next week starts afresh.
    book(hall, group, admin, at(monday + timedelta(days=7), 10), at(monday + timedelta(days=7), 11))


def test_a_space_needing_approval_waits_for_a_manager_who_is_emailed(
    group, admin, django_capture_on_commit_callbacks
):
    manager = UserFactory(username="graham", email="graham@example.org")
    hall = make_space(title="St Mary's Hall", requires_approval=True, managers=[manager])
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(hall, group, admin, at(NEXT_WEEK, 10), at(NEXT_WEEK, 11))
    assert booking.status == BookingStatus.REQUESTED
    assert mail.outbox[0].to == ["graham@example.org"]
    assert f"/spaces/bookings/{booking.pk}/review/" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        bookings.decide_booking(booking=booking, approve=True, by=manager)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert mail.outbox[-1].to == [admin.email]


def test_only_a_manager_may_decide_and_a_decline_needs_a_reason(group, admin):
    manager = UserFactory()
    hall = make_space(title="St Mary's Hall", requires_approval=True, managers=[manager])
    booking = book(hall, group, admin, at(NEXT_WEEK, 10), at(NEXT_WEEK, 11))
    with pytest.raises(ValidationError, match="Only the managers"):
        bookings.decide_booking(booking=booking, approve=True, by=admin)
    with pytest.raises(ValidationError, match="reason"):
        bookings.decide_booking(booking=booking, approve=False, by=manager, reason=" ")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_a_series_with_a_clash_is_refused_whole_unless_free_dates_only(hall, group, admin):
    clash_day = NEXT_WEEK + timedelta(weeks=2)
    book(hall, group, admin, at(clash_day, 10), at(clash_day, 11))
    series = {
        "space": hall,
        "group": group,
        "by": admin,
        "title": "Science",
        "start": at(NEXT_WEEK, 10),
        "end": at(NEXT_WEEK, 11),
        "interval_weeks": 1,
        "until": NEXT_WEEK + timedelta(weeks=5),
    }
    with pytest.raises(ValidationError) as caught:
        bookings.request_series(**series)
    assert "is booked 10:00–11:00" in caught.value.messages[0]
    assert Booking.objects.filter(title="Science").count() == 0
    assert not BookingSeries.objects.exists()

    made, skipped = bookings.request_series(**series, free_only=True)
    assert len(made) == 5 and len(skipped) == 1
    assert skipped[0].start == at(clash_day, 10)


def test_cancelling_this_and_following_dates_keeps_the_earlier_ones(hall, group, admin):
    made, _ = bookings.request_series(
        space=hall,
        group=group,
        by=admin,
        title="Art",
        start=at(NEXT_WEEK, 14),
        end=at(NEXT_WEEK, 15),
        interval_weeks=2,
        until=NEXT_WEEK + timedelta(weeks=8),
    )
    assert len(made) == 5
    assert bookings.cancel_booking(booking=made[2], by=admin, scope="following") == 3
    statuses = [b.status for b in Booking.objects.filter(title="Art").order_by("start")]
    assert statuses == ["confirmed"] * 2 + ["cancelled"] * 3
    # The freed slot can be booked again.
    book(hall, group, admin, made[3].start, made[3].end)


def test_moving_a_confirmed_booking_that_needs_approval_sends_it_back(group, admin):
    manager = UserFactory()
    hall = make_space(title="St Mary's Hall", requires_approval=True, managers=[manager])
    booking = book(hall, group, admin, at(NEXT_WEEK, 10), at(NEXT_WEEK, 11))
    bookings.decide_booking(booking=booking, approve=True, by=manager)
    booking.refresh_from_db()
    [moved] = bookings.move_booking(
        booking=booking, start=at(NEXT_WEEK, 12), end=at(NEXT_WEEK, 13), by=admin
    )
    assert moved.status == BookingStatus.REQUESTED
    assert (moved.start, moved.blocked_until) == (at(NEXT_WEEK, 12), at(NEXT_WEEK, 13))


def first_sunday_in(year: int, month: int, last: bool) -> date:
    days = [date(year, month, d) for d in range(1, 32) if _valid(year, month, d)]
    sundays = [d for d in days if d.weekday() == 6]
    return sundays[-1] if last else sundays[0]


def _valid(year, month, day) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    weekday=st.integers(min_value=0, max_value=6),
    hour=st.integers(min_value=8, max_value=20),
    weeks=st.integers(min_value=3, max_value=12),
    interval=st.sampled_from([1, 2]),
)
def test_a_weekly_series_keeps_its_local_time_across_clock_changes(weekday, hour, weeks, interval):
    # Start a few weeks before the October clock change of next year.
    change = first_sunday_in(timezone.localdate().year + 1, 10, last=True)
    first = change - timedelta(weeks=2) + timedelta(days=(weekday - change.weekday()) % 7)
    spans = bookings.occurrences(
        start=at(first, hour),
        end=at(first, hour + 1),
        interval_weeks=interval,
        until=first + timedelta(weeks=weeks),
    )
    assert len(spans) == weeks // interval + 1
    for start, end in spans:
        local_start, local_end = timezone.localtime(start), timezone.localtime(end)
        assert (local_start.hour, local_start.minute) == (hour, 0)
        assert (local_end - local_start) == timedelta(hours=1)
        assert local_start.weekday() == first.weekday()
    offsets = {timezone.localtime(s).utcoffset() for s, _ in spans}
    assert len(offsets) == (2 if weeks >= 3 else 1)


SLOTS = st.tuples(
    st.integers(min_value=0, max_value=3),  # day
    st.integers(min_value=0, max_value=20),  # start, in quarter hours after 08:00
    st.integers(min_value=2, max_value=8),  # length, in quarter hours (30 minutes at least)
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(requests=st.lists(SLOTS, min_size=1, max_size=12), buffer=st.sampled_from([0, 15]))
def test_accepted_bookings_match_a_simple_model_of_the_calendar(requests, buffer):
    Booking.objects.all().delete()
    admin = UserFactory(username="prop-admin")
    group = make_group(title="Prop Group", admins=[admin]) if not _group() else _group()
    hall = _hall(buffer)
    model: list[tuple] = []
    for day, quarter, length in requests:
        start = at(NEXT_WEEK + timedelta(days=day), 8) + timedelta(minutes=15 * quarter)
        end = start + timedelta(minutes=15 * length)
        expected_free = all(
            not (
                start < other_end + timedelta(minutes=buffer)
                and other_start < end + timedelta(minutes=buffer)
            )
            for other_start, other_end in model
        )
        try:
            book(hall, group, admin, start, end)
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted == expected_free, (start, end, model)
        if accepted:
            model.append((start, end))
    stored = sorted((b.start, b.end) for b in Booking.objects.confirmed().for_space(hall))
    assert stored == sorted(model)


def _group():
    from groups.models import GroupPage

    return GroupPage.objects.filter(slug="prop-group").first()


def _hall(buffer):
    from commons.models import SpacePage

    hall = SpacePage.objects.filter(slug=f"prop-hall-{buffer}").first()
    return hall or make_space(title=f"Prop Hall {buffer}", buffer_minutes=buffer)
