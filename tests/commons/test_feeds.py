"""Calendar feeds of spaces' and groups' bookings: valid iCalendar, UTC times, nothing private."""

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from wagtail.models import PageViewRestriction

from commons import feeds
from commons.choices import BookingStatus
from commons.feeds import group_feed_url
from commons.models import Booking
from commons.templatetags.commons_tags import group_bookings_feed_url
from tests.factories import UserFactory, at, make_group, make_space

pytestmark = pytest.mark.django_db


def book(space, group, start, end, *, status=BookingStatus.CONFIRMED, by=None, note=""):
    return Booking.objects.create(
        space=space,
        group=group,
        requested_by=by,
        title="Maths club",
        note=note,
        start=start,
        end=end,
        blocked_until=end + space.buffer,
        status=status,
    )


def space_feed(space) -> str:
    return reverse("commons:space_bookings_feed", args=[space.pk])


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events_by_uid(calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def hall():
    return make_space(title="St Mary's Hall", address="Church Lane, Ashby Vale", buffer_minutes=15)


@pytest.fixture
def requester():
    return UserFactory(username="rita", display_name="Rita Requester")


@pytest.fixture
def shown(requester):
    return make_group(title="Riverside Home Ed", admins=[requester])


@pytest.fixture
def hidden():
    return make_group(title="Quiet Co-op", show_name_on_bookings=False)


def next_year(month: int, day: int) -> date:
    return date(timezone.localdate().year + 1, month, day)


def test_a_space_feed_is_a_calendar_to_subscribe_to(client, hall, shown):
    book(hall, shown, at(next_year(7, 7), 10), at(next_year(7, 7), 11))
    response = client.get(space_feed(hall))
    calendar = parse(response)

    assert calendar["VERSION"] == "2.0"
    assert "Commons" in calendar["PRODID"]
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "St Mary's Hall"
    assert calendar.refresh_interval == timedelta(hours=1)
    assert calendar["X-PUBLISHED-TTL"] == "PT1H"
    assert b"\r\n" in response.content and b"\n" not in response.content.replace(b"\r\n", b"")
    assert response.content.startswith(b"BEGIN:VCALENDAR\r\n")
    assert len(calendar.walk("VEVENT")) == 1


def test_a_space_feed_carries_utc_times_in_summer_and_in_winter(client, hall, shown):
    summer = book(hall, shown, at(next_year(7, 7), 10), at(next_year(7, 7), 11, 30))
    winter = book(hall, shown, at(next_year(1, 13), 10), at(next_year(1, 13), 11))

    events = events_by_uid(parse(client.get(space_feed(hall))))

    july = events[f"booking-{summer.pk}@testserver"]
    assert july.start == datetime.combine(next_year(7, 7), datetime.min.time(), UTC).replace(hour=9)
    assert july.end == july.start + timedelta(hours=1, minutes=30)
    assert july["DTSTART"].to_ical() == f"{next_year(7, 7):%Y%m%d}T090000Z".encode()
    january = events[f"booking-{winter.pk}@testserver"]
    assert january["DTSTART"].to_ical() == f"{next_year(1, 13):%Y%m%d}T100000Z".encode()
    assert january["DTEND"].to_ical() == f"{next_year(1, 13):%Y%m%d}T110000Z".encode()


def test_a_space_feed_shows_bookings_as_booked_or_by_group_name_never_who_booked(
    client, hall, shown, hidden, requester
):
    day = next_year(3, 3)
    named = book(hall, shown, at(day, 9), at(day, 10), by=requester, note="Key under the mat")
    anonymous = book(hall, hidden, at(day, 11), at(day, 12), by=requester, note="Bring the urn")
    book(hall, shown, at(day, 14), at(day, 15), status=BookingStatus.REQUESTED, by=requester)
    book(hall, shown, at(day, 16), at(day, 17), status=BookingStatus.CANCELLED, by=requester)
    book(make_space(title="Scout Hut"), shown, at(day, 9), at(day, 10))

    response = client.get(space_feed(hall))
    events = events_by_uid(parse(response))

    assert set(events) == {f"booking-{named.pk}@testserver", f"booking-{anonymous.pk}@testserver"}
    assert events[f"booking-{named.pk}@testserver"]["SUMMARY"] == "Riverside Home Ed"
    assert events[f"booking-{anonymous.pk}@testserver"]["SUMMARY"] == "Booked"
    body = response.content.decode()
    for secret in ["Rita", "Requester", "rita", "Key under", "urn", "Quiet Co-op", "Maths club"]:
        assert secret not in body


def test_a_space_feed_keeps_the_same_uid_for_a_booking_across_fetches(client, hall, shown):
    booking = book(hall, shown, at(next_year(5, 5), 10), at(next_year(5, 5), 11))
    first = events_by_uid(parse(client.get(space_feed(hall))))
    second = events_by_uid(parse(client.get(space_feed(hall))))
    assert set(first) == set(second) == {f"booking-{booking.pk}@testserver"}
    assert parse(client.get(space_feed(hall)))["UID"] == f"space-{hall.pk}@testserver"


def test_a_space_feed_leaves_out_bookings_long_past(client, hall, shown):
    long_ago = timezone.localdate() - timedelta(days=200)
    book(hall, shown, at(long_ago, 10), at(long_ago, 11))
    assert parse(client.get(space_feed(hall))).walk("VEVENT") == []


def test_the_feed_of_an_unpublished_or_private_space_is_not_found(client, hall):
    private = make_space(title="Members Room")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    hall.unpublish()
    assert client.get(space_feed(hall)).status_code == 404
    assert client.get(space_feed(private)).status_code == 404
    assert client.get("/spaces/feeds/space/99999.ics").status_code == 404


def test_a_group_feed_lists_its_bookings_with_space_and_title(client, hall, shown, requester):
    day = next_year(7, 7)
    mine = book(hall, shown, at(day, 10), at(day, 11), by=requester, note="Secret note")
    book(hall, shown, at(day, 12), at(day, 13), status=BookingStatus.REQUESTED)
    book(hall, make_group(title="Hilltop Free School"), at(day, 14), at(day, 15))
    response = client.get(group_feed_url(shown))

    calendar = parse(response)
    events = events_by_uid(calendar)

    assert calendar["X-WR-CALNAME"] == "Riverside Home Ed: space bookings"
    assert set(events) == {f"booking-{mine.pk}@testserver"}
    event = events[f"booking-{mine.pk}@testserver"]
    assert event["SUMMARY"] == "Maths club at St Mary's Hall"
    assert event["LOCATION"] == "St Mary's Hall, Church Lane, Ashby Vale"
    assert event["DTSTART"].to_ical() == f"{day:%Y%m%d}T090000Z".encode()
    for secret in ["Rita", "Requester", "Secret note", "Hilltop"]:
        assert secret not in response.content.decode()


def test_a_group_feed_leaves_out_bookings_of_unpublished_spaces(client, hall, shown):
    day = next_year(7, 7)
    book(hall, shown, at(day, 10), at(day, 11))
    hall.unpublish()
    assert parse(client.get(group_feed_url(shown))).walk("VEVENT") == []


def test_the_feed_of_a_group_that_hides_its_name_needs_its_key(client, rf, hall, hidden):
    book(hall, hidden, at(next_year(7, 7), 10), at(next_year(7, 7), 11))
    bare = reverse("commons:group_bookings_feed", args=[hidden.pk])

    assert client.get(bare).status_code == 404
    assert client.get(bare + "?key=guess").status_code == 404
    keyed = group_feed_url(hidden)
    assert "?key=" in keyed
    assert len(parse(client.get(keyed)).walk("VEVENT")) == 1
    assert group_bookings_feed_url(rf.get("/"), hidden) == f"http://testserver{keyed}"


def test_the_feed_of_a_group_that_shows_its_name_needs_no_key(shown):
    assert group_feed_url(shown) == f"/spaces/feeds/group/{shown.pk}.ics"


def test_the_feed_of_an_unpublished_or_missing_group_is_not_found(client, shown):
    url = group_feed_url(shown)
    shown.unpublish()
    assert client.get(url).status_code == 404
    assert client.get("/spaces/feeds/group/99999.ics").status_code == 404


def test_feeds_cost_the_same_queries_however_many_bookings(
    client, hall, shown, django_assert_max_num_queries
):
    day = next_year(7, 7)
    for offset in range(30):
        start = at(day + timedelta(days=offset), 10)
        book(hall, shown, start, start + timedelta(hours=1))
    with django_assert_max_num_queries(6):
        assert client.get(space_feed(hall)).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(group_feed_url(shown)).status_code == 200


# Made faster, the same calendar; and a 304 for a calendar app that already has it.


def both_ways(*, now: datetime, **event) -> tuple[bytes, bytes]:
    """A calendar with this event written by icalendar itself, and by the feeds."""

    def head():
        return icalendar.Calendar.new(
            prodid="-//Test//EN", name="N" * 90, method="PUBLISH", uid="u"
        )

    theirs = head()
    present = {name: value for name, value in event.items() if value}
    theirs.add_component(icalendar.Event.new(stamp=now, status="CONFIRMED", **present))
    return feeds.calendar_bytes(head(), [feeds.Event(**event)], now=now), theirs.to_ical()


def test_feed_bytes_are_what_icalendar_makes_itself():
    ours, theirs = both_ways(
        now=datetime(2027, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
        start=datetime(2027, 7, 7, 9, tzinfo=UTC),
        end=datetime(2027, 7, 7, 11, 30, tzinfo=UTC),
        uid="booking-12@commons.example.org",
        summary="Łódź; Café, “Crêpes” & \\ 🍓 " * 4,  # folded, escaped, many-byte
        location="St Mary's Hall, Church Lane, Ashby Vale",
        description="You are leading this session.\nEnrolled: Ada and Bea.",
        url="https://commons.example.org/sessions/12/?a=1&b=2",
    )
    assert ours == theirs
    assert max(len(line) for line in ours.split(b"\r\n")) <= 75


@settings(max_examples=200, deadline=None)
@given(
    # Any text, and long ASCII lines with escapes where a fold could split them.
    summary=st.text(min_size=1) | st.text(alphabet="ab ,;\\^\n", min_size=60),
    location=st.none() | st.text() | st.text(alphabet="ab ,;\\^", min_size=60),
    description=st.none() | st.text(),
    start=st.datetimes(min_value=datetime(2000, 1, 1), timezones=st.just(UTC)),
    minutes=st.integers(min_value=1, max_value=10_000),
)
def test_any_event_is_written_as_icalendar_writes_it(
    summary, location, description, start, minutes
):
    ours, theirs = both_ways(
        now=datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC),
        start=start,
        end=start + timedelta(minutes=minutes),
        uid=f"booking-{minutes}@commons",
        summary=summary,
        location=location,
        description=description,
    )
    assert ours == theirs


def test_a_feed_answers_304_until_something_changes(client, hall, shown):
    day = next_year(7, 7)
    book(hall, shown, at(day, 10), at(day, 11))
    urls = [space_feed(hall), group_feed_url(shown)]
    etags = [client.get(url)["ETag"] for url in urls]
    assert all(etag.startswith('W/"') for etag in etags)
    assert len(set(etags)) == 2

    for url, etag in zip(urls, etags, strict=True):
        unchanged = client.get(url, headers={"if-none-match": etag})
        assert unchanged.status_code == 304
        assert unchanged.content == b""
        assert unchanged["ETag"] == etag

    book(hall, shown, at(day, 12), at(day, 13))
    for url, etag in zip(urls, etags, strict=True):
        changed = client.get(url, headers={"if-none-match": etag})
        assert len(parse(changed).walk("VEVENT")) == 2
        assert changed["ETag"] != etag


def test_a_hidden_groups_feed_needs_its_key_even_with_an_etag(client, hall, hidden):
    book(hall, hidden, at(next_year(7, 7), 10), at(next_year(7, 7), 11))
    etag = client.get(group_feed_url(hidden))["ETag"]
    bare = reverse("commons:group_bookings_feed", args=[hidden.pk])
    assert client.get(bare, headers={"if-none-match": etag}).status_code == 404
    assert client.get(bare, headers={"if-none-match": "*"}).status_code == 404
