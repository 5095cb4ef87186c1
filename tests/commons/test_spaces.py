"""The space directory and its filters, a space's page, and its week of busy times."""

import html
import re
from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from commons.choices import BookingStatus
from commons.models import Booking, Closure, Facility, SpacePage, SpacePhoto
from commons.selectors import monday_of
from tests.factories import (
    NeighbourhoodFactory,
    UserFactory,
    at,
    make_group,
    make_space,
)

pytestmark = pytest.mark.django_db

DIRECTORY = "/spaces/"
WEEKDAYS = range(5)


def text(response) -> str:
    """The main content's words, as a reader sees them: each tag counts as a space."""
    content = response.content.decode()
    main = content[content.index("<main") :]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]*>", " ", main)))


def titles(response) -> list[str]:
    return [space.title for space in response.context["results"]]


def book(space, group, start, end, *, status=BookingStatus.CONFIRMED, by=None, note=""):
    """A booking straight into the database: these tests are about reading, not the rules."""
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


def future_weekday(weekday: int, *, weeks_ahead: int = 2) -> date:
    """A date some weeks ahead that falls on the given weekday (0 is Monday)."""
    monday = monday_of(timezone.localdate()) + timedelta(weeks=weeks_ahead)
    return monday + timedelta(days=weekday)


def last_sunday(year: int, month: int) -> date:
    """The last Sunday of a month: the UK's clocks change on it in March and October."""
    day = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def facility(name: str) -> Facility:
    return Facility.objects.get_or_create(name=name, slug=name.lower())[0]


@pytest.fixture
def town():
    """Three spaces that differ in every way the directory filters by."""
    riverside = NeighbourhoodFactory(name="Riverside", slug="riverside")
    hilltop = NeighbourhoodFactory(name="Hilltop", slug="hilltop")
    kitchen, piano, projector = facility("Kitchen"), facility("Piano"), facility("Projector")
    hall = make_space(
        title="St Mary's Hall",
        neighbourhood=riverside,
        capacity=60,
        step_free=True,
        accessible_toilet=True,
        buffer_minutes=15,
        opening=[(day, time(9), time(17)) for day in range(7)],
    )
    hall.facilities.set([kitchen, piano])
    hall.save()
    library = make_space(
        title="Old Library",
        neighbourhood=hilltop,
        capacity=20,
        hearing_loop=True,
        parking=True,
        opening=[(day, time(9), time(12)) for day in WEEKDAYS]
        + [(day, time(13), time(17)) for day in WEEKDAYS],
    )
    library.facilities.set([projector])
    library.save()
    hut = make_space(
        title="Scout Hut",
        neighbourhood=riverside,
        capacity=30,
        baby_change=True,
        step_free=True,
        opening=[(day, time(8), time(20)) for day in range(7)],
    )
    hut.facilities.set([kitchen])
    hut.save()
    return {"hall": hall, "library": library, "hut": hut}


@pytest.fixture
def group():
    return make_group(title="Riverside Home Ed")


# The directory


def test_the_directory_lists_live_public_spaces_with_what_their_cards_show(client, town):
    hidden = make_space(title="Secret Cellar")
    hidden.unpublish()
    private = make_space(title="Members Room")
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    response = client.get(DIRECTORY)

    assert response.status_code == 200
    assert titles(response) == ["Old Library", "Scout Hut", "St Mary's Hall"]
    words = text(response)
    assert "3 spaces" in words
    assert "Riverside" in words and "Holds 60 people" in words
    assert "Kitchen, Piano" in words
    assert "Step-free access" in words and "Hearing loop" in words


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("neighbourhood=riverside", ["Scout Hut", "St Mary's Hall"]),
        ("capacity=30", ["Scout Hut", "St Mary's Hall"]),
        ("capacity=61", []),
        ("facilities=kitchen", ["Scout Hut", "St Mary's Hall"]),
        ("facilities=kitchen&facilities=piano", ["St Mary's Hall"]),
        ("access=step_free", ["Scout Hut", "St Mary's Hall"]),
        ("access=step_free&access=baby_change", ["Scout Hut"]),
        ("access=hearing_loop&access=parking", ["Old Library"]),
        ("neighbourhood=riverside&capacity=40&access=step_free", ["St Mary's Hall"]),
        ("neighbourhood=hilltop&facilities=kitchen", []),
    ],
)
def test_each_filter_narrows_the_directory_and_they_combine(client, town, query, expected):
    response = client.get(f"{DIRECTORY}?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_filters_stay_in_the_query_string_of_the_page_links(client, town):
    for number in range(13):
        make_space(title=f"Room {number:02}", step_free=True)

    response = client.get(f"{DIRECTORY}?access=step_free")

    assert "15 spaces" in text(response)
    assert len(titles(response)) == 12
    assert 'href="?access=step_free&amp;page=2"' in response.content.decode()
    assert len(titles(client.get(f"{DIRECTORY}?access=step_free&page=2"))) == 3


def test_an_empty_result_says_so_and_offers_to_clear_the_filters(client, town):
    words = text(client.get(f"{DIRECTORY}?capacity=500"))
    assert "0 spaces" in words
    assert "No spaces match all of these filters" in words


# Free on a date, from a time to a time


def free_on(day: date, starts: str, ends: str) -> str:
    return f"{DIRECTORY}?free_date={day:%Y-%m-%d}&free_from={starts}&free_to={ends}"


def test_free_on_lists_the_spaces_open_and_unbooked_then(client, town):
    tuesday = future_weekday(1)
    response = client.get(free_on(tuesday, "10:00", "11:00"))
    assert titles(response) == ["Old Library", "Scout Hut", "St Mary's Hall"]
    assert f"3 spaces free 10:00–11:00 on Tuesday {tuesday:%-d %B %Y}" in text(response)


def test_free_on_leaves_out_a_space_with_a_confirmed_booking_then(client, town, group):
    tuesday = future_weekday(1)
    book(town["hut"], group, at(tuesday, 10, 30), at(tuesday, 12))
    assert "Scout Hut" not in titles(client.get(free_on(tuesday, "10:00", "11:00")))
    assert "Scout Hut" in titles(client.get(free_on(tuesday, "12:00", "13:00")))


def test_free_on_counts_the_changeover_after_a_booking(client, town, group):
    tuesday = future_weekday(1)
    book(town["hall"], group, at(tuesday, 9), at(tuesday, 10))  # 15 minutes' changeover
    book(town["hut"], group, at(tuesday, 9), at(tuesday, 10))  # none

    found = titles(client.get(free_on(tuesday, "10:00", "11:00")))

    assert "St Mary's Hall" not in found
    assert "Scout Hut" in found  # back to back is fine without a changeover
    assert "St Mary's Hall" in titles(client.get(free_on(tuesday, "10:15", "11:00")))


def test_free_on_counts_the_changeover_before_the_next_booking(client, town, group):
    tuesday = future_weekday(1)
    book(town["hall"], group, at(tuesday, 11, 10), at(tuesday, 12))

    assert "St Mary's Hall" not in titles(client.get(free_on(tuesday, "10:00", "11:00")))
    assert "St Mary's Hall" in titles(client.get(free_on(tuesday, "10:00", "10:55")))


def test_free_on_ignores_requests_and_cancelled_bookings(client, town, group):
    tuesday = future_weekday(1)
    book(town["hut"], group, at(tuesday, 10), at(tuesday, 11), status=BookingStatus.REQUESTED)
    book(town["hall"], group, at(tuesday, 10), at(tuesday, 11), status=BookingStatus.CANCELLED)
    found = titles(client.get(free_on(tuesday, "10:00", "11:00")))
    assert {"Scout Hut", "St Mary's Hall"} <= set(found)


def test_free_on_leaves_out_a_space_closed_that_day(client, town):
    tuesday = future_weekday(1)
    Closure.objects.create(
        page=town["hut"], start_date=tuesday - timedelta(days=1), end_date=tuesday, reason="Roof"
    )
    assert "Scout Hut" not in titles(client.get(free_on(tuesday, "10:00", "11:00")))
    wednesday = tuesday + timedelta(days=1)
    assert "Scout Hut" in titles(client.get(free_on(wednesday, "10:00", "11:00")))


def test_free_on_leaves_out_a_space_closed_at_that_hour_or_on_that_weekday(client, town):
    tuesday, sunday = future_weekday(1), future_weekday(6)
    over_lunch = titles(client.get(free_on(tuesday, "11:30", "12:30")))
    assert "Old Library" not in over_lunch
    assert "Old Library" in titles(client.get(free_on(tuesday, "13:00", "17:00")))
    assert "St Mary's Hall" not in titles(client.get(free_on(tuesday, "16:00", "18:00")))
    assert "Old Library" not in titles(client.get(free_on(sunday, "10:00", "11:00")))


def test_free_on_counts_a_space_without_opening_hours_as_open_by_arrangement(client, town):
    make_space(title="Quaker Meeting House", opening=[])
    sunday = future_weekday(6)
    assert "Quaker Meeting House" in titles(client.get(free_on(sunday, "06:00", "07:00")))


def test_free_on_combines_with_the_other_filters(client, town, group):
    tuesday = future_weekday(1)
    book(town["hall"], group, at(tuesday, 10), at(tuesday, 11))
    query = free_on(tuesday, "10:00", "11:00") + "&access=step_free&neighbourhood=riverside"
    assert titles(client.get(query)) == ["Scout Hut"]


def test_free_on_reads_the_time_as_london_time_in_summer(client, town, group):
    july = date(timezone.localdate().year + 1, 7, 7)
    book(town["hut"], group, at(july, 10), at(july, 11))
    assert "Scout Hut" not in titles(client.get(free_on(july, "10:00", "11:00")))
    assert "Scout Hut" in titles(client.get(free_on(july, "09:00", "10:00")))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "free_date=2026-02-30&free_from=10:00&free_to=11:00",
            "Enter a real date, for example 3 March 2026.",
        ),
        ("free_date={day}&free_from=11:00&free_to=10:00", "The end time must be after the start"),
        ("free_date={day}&free_from=10:00&free_to=10:00", "The end time must be after the start"),
        ("free_date={day}", "Choose a start time too"),
        ("free_from=10:00", "Choose a date too"),
        ("free_date={day}&free_from=10:00", "Choose an end time too"),
        ("free_date=2001-01-01&free_from=10:00&free_to=11:00", "Choose today or a later date."),
        ("free_date=9999-12-31&free_from=22:00&free_to=23:00", "within the next two years"),
        ("free_date={day}&free_from=25:00&free_to=26:00", "Enter a time such as 10:00."),
        ("neighbourhood=atlantis", "We don’t know that one"),
        ("capacity=lots", "Enter a number of people"),
        ("capacity=-3", "Enter 1 or more people."),
        ("facilities=jacuzzi", "We don’t know that one"),
        ("access=lift", "We don’t know that one"),
    ],
)
def test_a_mistake_in_the_filters_is_explained_not_an_error(client, town, query, message):
    day = future_weekday(1)
    response = client.get(f"{DIRECTORY}?{query.format(day=day)}")

    assert response.status_code == 200
    words = text(response)
    assert "There is a problem" in words or "There are" in words
    assert message in words
    assert 'role="alert"' in response.content.decode()


def test_a_half_given_free_on_leaves_the_other_filters_working(client, town):
    response = client.get(f"{DIRECTORY}?free_date=2026-02-30&access=hearing_loop")
    assert response.status_code == 200
    assert titles(response) == ["Old Library"]


def test_a_page_number_out_of_range_shows_the_last_page(client, town):
    response = client.get(f"{DIRECTORY}?page=99")
    assert response.status_code == 200
    assert len(titles(response)) == 3


# Query counts


def _add_spaces(count: int, *, neighbourhood, kitchen, group) -> None:
    """More spaces, each with opening hours, a facility and a week of bookings."""
    first = SpacePage.objects.count()
    tuesday = future_weekday(1)
    for number in range(first, first + count):
        space = make_space(title=f"Room {number:03}", neighbourhood=neighbourhood, step_free=True)
        space.facilities.set([kitchen])
        space.save()
        for hour in (9, 12, 15):
            book(space, group, at(tuesday, hour), at(tuesday, hour + 1))


def _queries(client, url: str) -> int:
    client.get(url)  # makes the photo's rendition once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_directory_costs_the_same_queries_with_3_spaces_as_with_30(client, group):
    riverside = NeighbourhoodFactory(name="Riverside", slug="riverside")
    kitchen = facility("Kitchen")
    _add_spaces(3, neighbourhood=riverside, kitchen=kitchen, group=group)
    photo = Image.objects.create(title="The hall from the garden", file=get_test_image_file())
    SpacePhoto.objects.create(page=SpacePage.objects.first(), image=photo)
    tuesday = future_weekday(1)
    urls = [
        DIRECTORY,
        DIRECTORY + "?neighbourhood=riverside&capacity=10&facilities=kitchen&access=step_free",
        free_on(tuesday, "10:00", "11:00") + "&access=step_free",
    ]
    with_three = [_queries(client, url) for url in urls]

    _add_spaces(27, neighbourhood=riverside, kitchen=kitchen, group=group)
    assert "30 spaces free" in text(client.get(urls[2]))
    with_thirty = [_queries(client, url) for url in urls]

    assert with_three == with_thirty
    assert max(with_three) <= 20


# A space's page


@pytest.fixture
def hall(town):
    return town["hall"]


def test_a_space_page_says_where_it_is_what_it_has_and_its_rules_in_words(client):
    hall = make_space(
        title="St Mary's Hall",
        address="Church Lane\nAshby Vale",
        neighbourhood=NeighbourhoodFactory(name="Riverside", slug="riverside"),
        capacity=60,
        step_free=True,
        hearing_loop=True,
        min_booking_minutes=30,
        max_booking_minutes=480,
        min_notice_hours=24,
        max_days_ahead=180,
        buffer_minutes=15,
        requires_approval=True,
        weekly_quota_hours=6,
    )
    hall.facilities.set([facility("Kitchen"), facility("Piano")])
    hall.save()

    words = text(client.get(hall.url))

    assert "Church Lane Ashby Vale" in words
    assert "Riverside" in words and "Holds 60 people" in words
    assert "Kitchen, Piano" in words
    assert "Step-free access" in words and "Hearing loop" in words
    for rule in [
        "Bookings of 30 minutes to 8 hours",
        "24 hours' notice",
        "Up to 180 days ahead",
        "15 minutes' changeover",
        "Requests need a manager's approval",
        "Each group may book up to 6 hours a week",
    ]:
        assert rule in words


def test_a_space_that_needs_no_approval_says_free_slots_are_confirmed_at_once(client):
    hall = make_space(requires_approval=False, max_booking_minutes=90, min_notice_hours=1)
    words = text(client.get(hall.url))
    assert "Free slots are confirmed at once" in words
    assert "Bookings of 30 minutes to 1 hour 30 minutes" in words
    assert "1 hour's notice" in words
    assert "changeover" not in words
    assert "a week" not in words


def test_opening_hours_show_each_weekday_with_several_periods_and_closures(client, town):
    library = town["library"]
    closed_from = timezone.localdate() + timedelta(days=10)
    Closure.objects.create(
        page=library,
        start_date=closed_from,
        end_date=closed_from + timedelta(days=2),
        reason="Polling station",
    )
    Closure.objects.create(
        page=library, start_date=date(2020, 1, 1), end_date=date(2020, 1, 2), reason="Long ago"
    )

    words = text(client.get(library.url))

    assert "Monday 09:00–12:00 and 13:00–17:00" in words
    assert "Saturday Closed Sunday Closed" in words
    assert "Polling station" in words
    assert "Long ago" not in words


def test_a_space_page_never_shows_who_booked_or_their_note(client, client_for, hall):
    requester = UserFactory(username="rita", display_name="Rita Requester")
    shown = make_group(title="Riverside Home Ed", admins=[requester])
    hidden = make_group(title="Quiet Co-op", show_name_on_bookings=False)
    day = timezone.localdate()
    book(hall, shown, at(day, 10), at(day, 11), by=requester, note="Spare key under the mat")
    book(hall, hidden, at(day, 12), at(day, 13), by=requester, note="Bring the urn")
    book(
        hall,
        shown,
        at(day, 14),
        at(day, 15),
        by=requester,
        note="Pending note",
        status=BookingStatus.REQUESTED,
    )

    for user in [None, UserFactory()]:
        content = client_for(user).get(hall.url).content.decode()
        for secret in ["Rita", "Requester", "Spare key", "Bring the urn", "Pending note"]:
            assert secret not in content
        words = text(client.get(hall.url))
        assert "10:00–11:00 Riverside Home Ed" in words
        assert "12:00–13:00 Booked" in words
        assert "Quiet Co-op" not in words
        assert "14:00" not in words


@pytest.fixture
def door(hall):
    hall.key_holder = "Mrs Okafor at number 12"
    hall.door_code = "4729"
    hall.save()
    return hall


def test_the_key_holder_shows_only_to_signed_in_people(client, client_for, door):
    assert "Mrs Okafor" not in text(client.get(door.url))
    assert "Log in to see how to get in" in text(client.get(door.url))
    assert "Mrs Okafor at number 12" in text(client_for(UserFactory()).get(door.url))


@pytest.mark.parametrize(
    ("who", "sees_code"),
    [
        ("anonymous", False),
        ("stranger", False),
        ("admin", True),
        ("tutor", True),
        ("parent", False),
        ("admin_of_a_group_with_only_a_request", False),
        ("admin_of_a_group_whose_booking_is_over", False),
        ("admin_of_a_group_booked_elsewhere", False),
    ],
)
def test_the_door_code_shows_only_to_admins_and_tutors_of_a_group_booked_here(
    client_for, door, who, sees_code
):
    people = {name: UserFactory(username=name) for name in ["admin", "tutor", "parent"]}
    booked = make_group(
        title="Booked Group",
        admins=[people["admin"]],
        tutors=[people["tutor"]],
        parents=[people["parent"]],
    )
    soon = timezone.localdate() + timedelta(days=3)
    book(door, booked, at(soon, 10), at(soon, 11))
    people["stranger"] = UserFactory(username="stranger")
    for name, status, when, space in [
        ("admin_of_a_group_with_only_a_request", BookingStatus.REQUESTED, soon, door),
        (
            "admin_of_a_group_whose_booking_is_over",
            BookingStatus.CONFIRMED,
            soon - timedelta(7),
            door,
        ),
        ("admin_of_a_group_booked_elsewhere", BookingStatus.CONFIRMED, soon, make_space()),
    ]:
        people[name] = UserFactory(username=name)
        other = make_group(title=name.replace("_", " ").title(), admins=[people[name]])
        book(space, other, at(when, 12), at(when, 13), status=status)

    words = text(client_for(people.get(who)).get(door.url))

    assert ("4729" in words) is sees_code
    if who != "anonymous":
        assert "Mrs Okafor" in words


def test_the_book_this_space_link_appears_once_the_booking_form_exists(client, hall):
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("groups:booking_request")
    except NoReverseMatch:
        assert "Book this space" not in text(client.get(hall.url))
    else:
        assert f'href="{url}?space={hall.pk}"' in client.get(hall.url).content.decode()


def test_a_space_page_costs_the_same_queries_however_busy_its_week(client, hall, group):
    photo = Image.objects.create(title="The hall", file=get_test_image_file())
    SpacePhoto.objects.create(page=hall, image=photo)
    day = monday_of(timezone.localdate())
    book(hall, group, at(day, 9), at(day, 10))
    quiet = _queries(client, hall.url)
    for offset in range(7):
        for hour in (11, 13, 15):
            busy_day = day + timedelta(days=offset)
            book(hall, group, at(busy_day, hour), at(busy_day, hour + 1))
    assert _queries(client, hall.url) == quiet


# The week view


def week_url(space, day: date) -> str:
    return f"{space.url}week/{day:%Y-%m-%d}/"


def test_the_page_shows_this_week_from_monday_to_sunday(client, hall):
    monday = monday_of(timezone.localdate())
    words = text(client.get(hall.url))
    assert f"Week of Monday {monday:%-d %B %Y}" in words
    assert f"Sunday {monday + timedelta(days=6):%-d %B}" in words
    assert "Today" in words


def test_the_week_view_shows_confirmed_bookings_by_group_name_or_as_booked(client, hall):
    shown = make_group(title="Riverside Home Ed")
    hidden = make_group(title="Quiet Co-op", show_name_on_bookings=False)
    tuesday = future_weekday(1)
    book(hall, shown, at(tuesday, 10), at(tuesday, 11))
    book(hall, hidden, at(tuesday, 12), at(tuesday, 13))
    book(hall, shown, at(tuesday, 14), at(tuesday, 15), status=BookingStatus.REQUESTED)
    book(hall, shown, at(tuesday, 16), at(tuesday, 17), status=BookingStatus.DECLINED)

    response = client.get(week_url(hall, tuesday))

    assert response.status_code == 200
    words = text(response)
    assert "10:00–11:00 Riverside Home Ed then changeover until 11:15" in words
    assert "12:00–13:00 Booked" in words
    assert "Quiet Co-op" not in words
    assert "14:00" not in words and "16:00" not in words
    assert f"Week of Monday {monday_of(tuesday):%-d %B %Y}" in words


def test_the_week_view_shows_opening_hours_and_closures(client, town):
    library = town["library"]
    tuesday = future_weekday(1)
    Closure.objects.create(page=library, start_date=tuesday, end_date=tuesday, reason="Election")
    words = text(client.get(week_url(library, tuesday)))
    assert "Monday" in words and "Open 09:00–12:00 and 13:00–17:00" in words
    assert f"Tuesday {tuesday:%-d %B} Closed: Election" in words
    assert "Saturday" in words and re.search(r"Saturday \d+ \w+ Closed", words)


def test_the_week_view_links_to_the_previous_and_next_weeks(client, hall, group):
    monday = future_weekday(0)
    book(hall, group, at(monday + timedelta(weeks=1), 10), at(monday + timedelta(weeks=1), 11))
    response = client.get(week_url(hall, monday + timedelta(days=3)))
    content = response.content.decode()

    next_url = week_url(hall, monday + timedelta(weeks=1))
    assert f'href="{next_url}"' in content
    assert f'href="{week_url(hall, monday - timedelta(weeks=1))}"' in content
    assert f'href="{hall.url}"' in content  # back to this week

    following = text(client.get(next_url))
    assert f"Week of Monday {monday + timedelta(weeks=1):%-d %B %Y}" in following
    assert "10:00–11:00 Riverside Home Ed" in following


@pytest.mark.parametrize("month", [3, 10], ids=["spring-forward", "fall-back"])
def test_a_week_with_a_clock_change_shows_bookings_at_their_wall_clock_time(
    client, hall, group, month
):
    change = last_sunday(timezone.localdate().year + 1, month)
    monday = monday_of(change)
    for day in (monday, change):
        book(hall, group, at(day, 10), at(day, 11))
    book(hall, group, at(change, 16), at(change, 17))

    words = text(client.get(week_url(hall, change)))

    assert words.count("10:00–11:00 Riverside Home Ed") == 2
    assert "16:00–17:00 Riverside Home Ed" in words
    assert f"Sunday {change:%-d %B}" in words


def test_a_booking_past_midnight_shows_on_both_days(client, group):
    barn = make_space(title="Barn", opening=[])
    friday = future_weekday(4)
    book(barn, group, at(friday, 22), at(friday + timedelta(days=1), 2))
    words = text(client.get(week_url(barn, friday)))
    assert "From 22:00 Riverside Home Ed" in words
    assert "Until 02:00 Riverside Home Ed" in words


@pytest.mark.parametrize("day", ["2026-02-30", "1999-01-04", "2999-01-04"])
def test_a_week_that_is_not_a_date_or_far_away_is_not_found(client, hall, day):
    assert client.get(f"{hall.url}week/{day}/").status_code == 404


def test_the_week_view_costs_the_same_queries_however_many_bookings(client, hall, group):
    monday = future_weekday(0)
    url = week_url(hall, monday)
    book(hall, group, at(monday, 9), at(monday, 10))
    one = _queries(client, url)
    for offset in range(7):
        for hour in (11, 13, 15):
            day = monday + timedelta(days=offset)
            book(hall, group, at(day, hour), at(day, hour + 1))
    assert _queries(client, url) == one
    assert one <= 15
