"""What's on: the public calendar of sessions and space bookings, its filters and its feed."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from commons.choices import BookingStatus
from commons.filters import WhatsOnFilter
from commons.models import Booking
from commons.selectors import monday_of
from commons.views import whats_on
from groups.choices import CourseStatus, EnrolmentStatus, SessionStatus, SignupRole, SignupStatus
from groups.models import Enrolment, Session, TutorSignup
from groups.selectors import public_sessions
from tests.factories import (
    LearnerFactory,
    NeighbourhoodFactory,
    SubjectFactory,
    UserFactory,
    at,
    make_course,
    make_group,
    make_space,
)
from tests.learning.builders import make_curriculum

pytestmark = pytest.mark.django_db

PAGE = reverse("commons:whats_on")
FEED = reverse("commons:whats_on_feed")
EVENT = re.compile(r'data-event="((?:session|booking)-\d+)"')


def next_monday():
    return monday_of(timezone.localdate()) + timedelta(weeks=1)


def day(n: int):
    """A day of next week: 0 is Monday. Next week is wholly to come, whatever today is."""
    return next_monday() + timedelta(days=n)


def session_at(course, start, *, space=None, booking=None, unit=None, hours=2) -> Session:
    end = start + timedelta(hours=hours)
    return Session.objects.create(
        course=course, start=start, end=end, space=space, booking=booking, unit=unit
    )


def book(space, group, start, *, hours=2, status=BookingStatus.CONFIRMED) -> Booking:
    end = start + timedelta(hours=hours)
    return Booking.objects.create(
        space=space,
        group=group,
        requested_by=UserFactory(display_name="Rita Requester"),
        title="Secret planning meeting",
        note="The key is under the mat",
        start=start,
        end=end,
        blocked_until=end + space.buffer,
        status=status,
    )


def enrol(course, *names, guardian=None):
    for name in names:
        learner = LearnerFactory(
            name=name,
            birth_year=timezone.localdate().year - course.min_age - 1,
            medical_notes="Anaphylaxis: carries an EpiPen",
            emergency_contact="Granny Weatherwax 07700 900123",
            guardians=[guardian or UserFactory()],
        )
        Enrolment.objects.create(course=course, learner=learner, status=EnrolmentStatus.ACTIVE)


def lead(session, user=None):
    TutorSignup.objects.create(
        session=session,
        user=user or UserFactory(),
        role=SignupRole.LEAD,
        status=SignupStatus.CONFIRMED,
    )


def keys(response) -> list[str]:
    assert response.status_code == 200
    return EVENT.findall(response.text)


def listed(response) -> list[str]:
    """The page's items, or on a month the links to its days that have something on."""
    day_links = re.findall(r'class="whats-on__cell-link" href="([^"]+)"', response.text)
    return keys(response) or day_links


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def feed_keys(calendar) -> list[str]:
    return [str(event["UID"]).split("@")[0] for event in calendar.walk("VEVENT")]


@dataclass
class Town:
    """Next week: two sessions and two bookings that differ in one way each."""

    maths: Session  # Riverside's, Tuesday at the hall: ages 7–11, full, short of adults
    music: Session  # Quiet Co-op's, Wednesday at the hut: ages 3–5, places, has its lead
    shown: Booking  # Riverside's, Thursday at the hall: shows the group's name
    hidden: Booking  # Quiet Co-op's, Friday at the hut: "Booked"
    used: Booking  # the booking the maths session runs in

    def __getitem__(self, name: str) -> str:
        thing = getattr(self, name)
        return f"{'session' if isinstance(thing, Session) else 'booking'}-{thing.pk}"


@pytest.fixture
def town():
    riverside, northfields = (
        NeighbourhoodFactory(name="Riverside"),
        NeighbourhoodFactory(name="Northfields"),
    )
    hall = make_space(title="St Mary's Hall", neighbourhood=riverside)
    hut = make_space(title="Scout Hut", neighbourhood=northfields)
    maths, music = SubjectFactory(name="Maths"), SubjectFactory(name="Music")
    home_ed = make_group(title="Riverside Home Ed", neighbourhood=riverside)
    quiet = make_group(title="Quiet Co-op", show_name_on_bookings=False, min_age=3)
    quiet.subjects.set([music])
    quiet.save()
    curriculum = make_curriculum(home_ed, subjects=[maths])
    club = make_course(
        group=home_ed, title="KS2 Maths Club", curriculum=curriculum, min_age=7, places=2
    )
    singers = make_course(group=quiet, title="Little Songbirds", min_age=3, max_age=5)
    used = book(hall, home_ed, at(day(1), 10))
    maths_session = session_at(
        club,
        at(day(1), 10),
        space=hall,
        booking=used,
        unit=curriculum.get_children().live().first().specific,
    )
    enrol(club, "Zebedee Quillfeather", "Hermione Pockleton")
    music_session = session_at(singers, at(day(2), 10), space=hut)
    lead(music_session)
    return Town(
        maths=maths_session,
        music=music_session,
        shown=book(hall, home_ed, at(day(3), 14)),
        hidden=book(hut, quiet, at(day(4), 9)),
        used=used,
    )


def week(client, **params):
    return client.get(PAGE, {"week": next_monday().isoformat(), **params})


def test_a_week_lists_sessions_and_bookings_in_time_order(client, town):
    response = week(client)

    assert keys(response) == [town["maths"], town["music"], town["shown"], town["hidden"]]
    assert "KS2 Maths Club: Halves and quarters" in response.text
    assert "Riverside Home Ed" in response.text
    assert "St Mary&#x27;s Hall</a>, Riverside" in response.text
    assert "Ages 7 to 11" in response.text
    assert "Full" in response.text
    assert "Needs 1 helper" in response.text
    assert "12 places left" in response.text
    assert response.text.count("<h1") == 1
    assert f'<h3 class="whats-on__date">{day(1):%A} {day(1).day} {day(1):%B}' in response.text


def test_a_change_shows_on_the_next_visit_though_the_week_is_remembered(client, town):
    assert "2 sessions and 2 space bookings" in week(client).text
    town.music.status = SessionStatus.CANCELLED
    town.music.save()
    late = book(town.shown.space, town.shown.group, at(day(5), 9))

    response = week(client)
    assert keys(response) == [town["maths"], town["shown"], town["hidden"], f"booking-{late.pk}"]
    assert "1 session and 3 space bookings" in response.text


def test_a_booking_a_session_runs_in_is_listed_once_as_the_session(client, town):
    listed = keys(week(client))

    assert town["maths"] in listed
    assert town["used"] not in listed


def test_a_hidden_groups_bookings_say_booked_and_never_its_name(client, town):
    response = week(client)
    hidden = response.text.split(f'id="{town["hidden"]}"')[1].split("</li>")[0]

    assert "Booked" in hidden
    assert "Quiet Co-op" not in hidden
    assert keys(week(client, group="quiet-co-op")) == [town["music"]]
    calendar = parse(client.get(FEED, {"group": "quiet-co-op"}))
    assert feed_keys(calendar) == [town["music"]]
    everything = parse(client.get(FEED))
    summaries = {str(e["UID"]).split("@")[0]: str(e["SUMMARY"]) for e in everything.walk("VEVENT")}
    assert summaries[town["hidden"]] == "Booked at Scout Hut"
    assert summaries[town["shown"]] == "Riverside Home Ed at St Mary's Hall"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["maths", "music", "shown", "hidden"]),
        ({"group": "riverside-home-ed"}, ["maths", "shown"]),
        ({"group": "quiet-co-op"}, ["music"]),
        ({"subject": "maths"}, ["maths"]),
        ({"subject": "music"}, ["music"]),
        ({"age": "4"}, ["music"]),
        ({"age": "8"}, ["maths"]),
        ({"age": "20"}, []),
        ({"neighbourhood": "riverside"}, ["maths", "shown"]),
        ({"neighbourhood": "northfields"}, ["music", "hidden"]),
        ({"space": "st-marys-hall"}, ["maths", "shown"]),
        ({"space": "scout-hut"}, ["music", "hidden"]),
        ({"has_places": "on"}, ["music"]),
        ({"needs_helpers": "on"}, ["maths"]),
        ({"subject": "maths", "age": "8", "needs_helpers": "on"}, ["maths"]),
        ({"group": "riverside-home-ed", "space": "scout-hut"}, []),
    ],
    ids=lambda value: (
        "&".join(f"{k}={v}" for k, v in value.items()) or "none"
        if isinstance(value, dict)
        else None
    ),
)
def test_each_filter_narrows_the_page_and_its_feed_alike(client, town, params, expected):
    listed = keys(week(client, **params))
    calendar = parse(client.get(FEED, params))

    assert listed == [town[name] for name in expected]
    assert feed_keys(calendar) == listed


def test_a_course_without_a_curriculum_is_about_its_groups_subjects(client, town):
    group = make_group(title="Maths Circle")
    group.subjects.set([town.maths.course.curriculum.subjects.get()])
    group.save()
    circle = session_at(make_course(group=group, title="Puzzle Circle"), at(day(5), 16))

    assert keys(week(client, subject="maths")) == [town["maths"], f"session-{circle.pk}"]


def test_places_and_helpers_count_only_for_sessions_to_come(client, town):
    started = session_at(town.music.course, timezone.now() - timedelta(minutes=5))
    its_week = monday_of(timezone.localtime(started.start).date()).isoformat()

    response = client.get(PAGE, {"week": its_week})
    assert f"session-{started.pk}" in keys(response)
    assert "Under way" in response.text
    with_places = client.get(PAGE, {"week": its_week, "has_places": "on"})
    assert f"session-{started.pk}" not in keys(with_places)


def test_private_draft_and_cancelled_courses_and_sessions_are_never_listed(client, town):
    group = make_group(title="Hidden Away")
    private = make_course(group=group, title="Private Pottery")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    draft = make_course(group=group, title="Draft Drama")
    draft.unpublish()
    cancelled = make_course(group=group, title="Cancelled Chess", status=CourseStatus.CANCELLED)
    gone = make_course(group=group, title="Gone Gardening")
    for course in (private, draft, cancelled, gone):
        session_at(course, at(day(0), 9))
    Session.objects.filter(course=gone).update(status=SessionStatus.CANCELLED)
    secret = make_group(title="Secret Society")
    PageViewRestriction.objects.create(page=secret, restriction_type="login")
    session_at(make_course(group=secret, title="Secret Sewing"), at(day(0), 11))

    page = week(client).text
    feed = client.get(FEED).content.decode()
    for title in ("Private Pottery", "Draft Drama", "Cancelled Chess", "Gone Gardening"):
        assert title not in page
        assert title not in feed
    assert "Secret" not in page
    assert "Secret" not in feed
    assert keys(week(client)) == [town["maths"], town["music"], town["shown"], town["hidden"]]


def test_draft_spaces_and_units_are_not_named(client, town):
    town.maths.unit.unpublish()
    town.music.space.unpublish()

    response = week(client)
    feed = client.get(FEED).content.decode()

    assert "Halves and quarters" not in response.text
    assert "Halves and quarters" not in feed
    assert "Scout Hut" not in response.text
    assert "Scout Hut" not in feed
    assert town["hidden"] not in keys(response)


def test_no_learner_name_or_private_detail_on_the_page_or_the_feed(client, client_for, town):
    guardian = UserFactory(display_name="Gina Guardian")
    enrol(town.music.course, "Bartholomew Wigglesworth", guardian=guardian)
    private = [
        "Zebedee",
        "Quillfeather",
        "Hermione",
        "Bartholomew",
        "Wigglesworth",
        "Anaphylaxis",
        "EpiPen",
        "Weatherwax",
        "Rita Requester",
        "Secret planning meeting",
        "under the mat",
    ]
    responses = [
        week(client),
        client.get(PAGE, {"view": "month", "month": f"{day(0):%Y-%m}"}),
        client.get(FEED),
        week(client_for(guardian)),
    ]
    for response in responses:
        assert response.status_code == 200
        text = response.content.decode()
        for words in private:
            assert words not in text


def test_the_feed_is_a_calendar_of_the_pages_events(client, town):
    calendar = parse(client.get(FEED, {"neighbourhood": "riverside"}))
    events = {str(event["UID"]).split("@")[0]: event for event in calendar.walk("VEVENT")}

    assert calendar["X-WR-CALNAME"] == "What’s on: Riverside"
    assert calendar["METHOD"] == "PUBLISH"
    maths = events[town["maths"]]
    assert str(maths["UID"]) == f"{town['maths']}@testserver"
    assert maths.decoded("DTSTART") == town.maths.start.astimezone(UTC)
    assert maths["DTSTART"].to_ical().endswith(b"Z")
    assert str(maths["SUMMARY"]) == "KS2 Maths Club: Halves and quarters"
    assert str(maths["URL"]) == f"http://testserver/sessions/{town.maths.pk}/"
    assert "Riverside Home Ed" in str(maths["DESCRIPTION"])
    assert "Needs 1 helper" in str(maths["DESCRIPTION"])
    assert str(maths["LOCATION"]).startswith("St Mary's Hall, 1 High Street")
    again = parse(client.get(FEED, {"neighbourhood": "riverside"}))
    assert feed_keys(again) == feed_keys(calendar)


def test_the_feed_keeps_a_fortnight_and_looks_half_a_year_ahead(client, town):
    course = town.music.course
    now = timezone.now()
    kept = session_at(course, now - timedelta(days=13))
    dropped = session_at(course, now - timedelta(days=15))
    ahead = session_at(course, now + timedelta(weeks=25))
    beyond = session_at(course, now + timedelta(weeks=27))

    listed = feed_keys(parse(client.get(FEED)))

    assert f"session-{kept.pk}" in listed
    assert f"session-{ahead.pk}" in listed
    assert f"session-{dropped.pk}" not in listed
    assert f"session-{beyond.pk}" not in listed


def test_the_page_links_the_feed_for_its_filters(client, town):
    response = week(client, subject="maths", age="8")

    assert 'href="webcal://testserver/whats-on/feed.ics?subject=maths&amp;age=8"' in response.text
    assert 'href="http://testserver/whats-on/feed.ics?subject=maths&amp;age=8"' in response.text
    assert "Subscribe in your calendar app" in response.text


def test_week_links_keep_the_filters(client, town):
    response = week(client, subject="maths")
    following = (next_monday() + timedelta(weeks=1)).isoformat()
    month = {} if day(0).month == timezone.localdate().month else {"month": f"{day(0):%Y-%m}"}
    month_query = "&amp;".join(f"{k}={v}" for k, v in {"view": "month", **month}.items())

    assert f'href="{PAGE}?week={following}&amp;subject=maths"' in response.text
    assert f'href="{PAGE}?subject=maths">This week' in response.text
    assert f'href="{PAGE}?{month_query}&amp;subject=maths">Month' in response.text
    hidden = f'<input type="hidden" name="week" value="{next_monday().isoformat()}">'
    assert hidden in response.text


def test_a_month_is_a_table_of_its_days_counted_and_linked_to_each_day(client, town):
    # Deliberately changed (issue 9): a city's month holds thousands of things, so each day
    # shows how much is on and links to that day's list, instead of listing every item.
    response = client.get(PAGE, {"view": "month", "month": f"{day(1):%Y-%m}", "age": "8"})
    everything = client.get(PAGE, {"view": "month", "month": f"{day(1):%Y-%m}"}).text

    assert f'<caption class="whats-on__caption">What’s on in {day(1):%B %Y}' in response.text
    assert response.text.count('<th scope="col">') == 7
    assert keys(response) == []
    tuesday = f'href="{PAGE}?day={day(1).isoformat()}&amp;age=8" rel="nofollow">1 session<'
    assert tuesday in response.text
    # The session's booking is the session: counted once, as the session.
    assert f'href="{PAGE}?day={day(1).isoformat()}" rel="nofollow">1 session<' in everything
    assert f'href="{PAGE}?day={day(3).isoformat()}" rel="nofollow">1 booking<' in everything
    assert '<input type="hidden" name="view" value="month">' in response.text


def test_a_day_of_the_week_lists_only_that_day_and_the_picker_counts_each_day(client, town):
    response = client.get(PAGE, {"day": day(1).isoformat(), "subject": "maths"})
    week_page = week(client).text

    assert keys(response) == [town["maths"]]
    assert "1 session and 0 space bookings on" in response.text
    assert f'<input type="hidden" name="day" value="{day(1).isoformat()}">' in response.text
    chosen = f'href="{PAGE}?day={day(1).isoformat()}&amp;subject=maths" rel="nofollow" aria-current'
    assert chosen in response.text
    assert f'href="{PAGE}?week={next_monday().isoformat()}&amp;subject=maths"' in response.text
    counts = re.findall(r'whats-on__pick-count">(\d+)<', week_page)
    assert counts == ["0", "1", "1", "1", "1", "0", "0"]
    assert 'aria-current="page">Whole week' in week_page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("banana", "We couldn’t read “banana” as a date, so here is this week."),
        ("9999-12-31", "two years back and ahead from today, so here is this week."),
    ],
)
def test_a_day_it_cannot_show_answers_this_week_with_a_message(client, town, value, message):
    response = client.get(PAGE, {"day": value})

    assert response.status_code == 200
    assert message.replace("’", "&#x27;") in response.text or message in response.text


def test_a_busy_week_is_listed_a_page_at_a_time_in_order_filters_kept(client, town):
    per_page = whats_on.PER_PAGE
    course = town.music.course
    extra = [session_at(course, at(day(5), 8) + timedelta(minutes=n)) for n in range(per_page)]
    everything = [town["maths"], town["music"], town["shown"], town["hidden"]]
    everything += [f"session-{session.pk}" for session in extra]

    first = week(client, subject="music")
    second = week(client, subject="music", page="2")
    beyond = week(client, subject="music", page="99")

    assert keys(first) == [town["music"]] + everything[4 : 4 + per_page - 1]
    assert keys(second) == everything[4 + per_page - 1 :]
    assert keys(beyond) == keys(second)
    assert f"Showing 1 to {per_page}, soonest first." in first.text
    assert f"?week={next_monday().isoformat()}&amp;subject=music&amp;page=2" in first.text
    assert keys(week(client, page="2")) == everything[per_page:]
    assert keys(week(client, page="x")) == everything[:per_page]


def test_an_empty_week_says_what_to_change(client, town):
    response = week(client, age="30")

    assert keys(response) == []
    assert "Nothing on this week matches all of these filters" in response.text
    assert "Try widening them" in response.text
    assert f'href="{PAGE}?week={next_monday().isoformat()}">clear the filters' in response.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"week": "banana"}, "We couldn’t read “banana” as a date, so here is this week."),
        ({"week": "2026-02-30"}, "as a date, so here is this week."),
        ({"week": "9999-12-31"}, "two years back and ahead from today, so here is this week."),
        ({"view": "month", "month": "2026-13"}, "as a month, so here is this month."),
        ({"view": "month", "month": "0001-01"}, "from today, so here is this month."),
        ({"view": "month", "month": "x" * 500}, "“xxxxxxxxxxxxxxxxxxxx…” as a month"),
        ({"age": "-1"}, "Enter an age of 0 or more."),
        ({"age": "seven"}, "Enter an age in years, for example 7."),
        ({"group": "nobody"}, "We don’t know that one: choose from the list."),
        ({"subject": "alchemy"}, "We don’t know that one: choose from the list."),
        ({"space": "moon"}, "We don’t know that one: choose from the list."),
    ],
)
def test_a_bad_query_answers_the_page_with_a_message(client, town, params, message):
    response = client.get(PAGE, params)

    assert response.status_code == 200
    assert message.replace("’", "&#x27;") in response.text or message in response.text


def test_the_feed_refuses_a_filter_it_cannot_read(client, town):
    response = client.get(FEED, {"age": "seven", "group": "nobody"})

    assert response.status_code == 400
    assert "Age of your child: Enter an age in years, for example 7." in response.text
    assert "Group: We don’t know that one" in response.text


def test_only_get_and_head_are_allowed(client):
    assert client.head(FEED).status_code == 200
    assert client.post(PAGE).status_code == 405
    assert client.post(FEED).status_code == 405


def test_private_groups_and_spaces_are_not_offered_as_filters(client, town):
    secret = make_group(title="Secret Society")
    PageViewRestriction.objects.create(page=secret, restriction_type="login")
    draft = make_space(title="Draft Den")
    draft.unpublish()

    response = week(client)

    assert "Secret Society" not in response.text
    assert "Draft Den" not in response.text
    assert '<option value="riverside-home-ed">Riverside Home Ed</option>' in response.text


def filters_for(data: dict) -> WhatsOnFilter:
    start = timezone.make_aware(datetime.combine(next_monday(), time.min))
    sessions = public_sessions(starts_from=start, starts_before=start + timedelta(weeks=1))
    return WhatsOnFilter(data, queryset=sessions)


def test_the_filters_read_their_choices_without_making_a_page(town, monkeypatch):
    """A city's hundreds of group pages cost more to make than the rest of What's on."""

    def made(*args, **kwargs):
        raise AssertionError("a page was made for the choices")

    monkeypatch.setattr(Page, "from_db", classmethod(made))
    filters = filters_for({"subject": "maths", "age": "7"})

    assert filters.form.is_valid()
    assert filters.filters["group"].extra["choices"] == [
        ("quiet-co-op", "Quiet Co-op"),
        ("riverside-home-ed", "Riverside Home Ed"),
    ]
    assert filters.filters["space"].extra["choices"] == [
        ("scout-hut", "Scout Hut"),
        ("st-marys-hall", "St Mary's Hall"),
    ]
    assert filters.filters["neighbourhood"].extra["choices"] == [
        ("northfields", "Northfields"),
        ("riverside", "Riverside"),
    ]
    assert filters.in_words == ["Maths", "age 7"]
    monkeypatch.undo()  # The sessions bring their courses, pages themselves.
    assert list(filters.qs) == [town.maths]


@pytest.mark.parametrize(
    "data",
    [{}, {"group": "quiet-co-op", "space": "scout-hut"}, {"group": "nope", "neighbourhood": "<b>"}],
)
def test_the_choices_render_as_djangos_own_select_does(town, data):
    form = filters_for(data).form
    for name in ("group", "subject", "neighbourhood", "space"):
        ours = str(form[name])
        field = form.fields[name]
        field.widget = forms.Select(choices=field.widget.choices, attrs=field.widget.attrs)
        assert ours == str(form[name])


def busy_group(i: int):
    """A group with a course, a space, a session in a booking and another booking, next week."""
    space = make_space(title=f"Busy Hall {i}", neighbourhood=NeighbourhoodFactory(name=f"Ward {i}"))
    group = make_group(title=f"Busy Group {i}", show_name_on_bookings=bool(i % 2))
    group.subjects.set([SubjectFactory(name=f"Subject {i}")])
    group.save()
    course = make_course(group=group, title=f"Busy Course {i}", places=3)
    booking = book(space, group, at(day(i % 7), 9))
    session = session_at(course, at(day(i % 7), 9), space=space, booking=booking)
    enrol(course, f"Busy Learner {i}")
    lead(session)
    book(space, group, at(day(i % 7), 15))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"group": "busy-group-1", "subject": "subject-1", "age": "8"},
        {"neighbourhood": "ward-1", "space": "busy-hall-1", "has_places": "on"},
        {"view": "month", "month": f"{next_monday():%Y-%m}"},
    ],
    ids=["everything", "group-subject-age", "place-space-places", "month"],
)
def test_the_page_and_feed_cost_the_same_queries_however_much_is_on(
    client, django_assert_max_num_queries, params
):
    page_params = {"week": next_monday().isoformat(), **params}
    for i in range(2):
        busy_group(i)
    # Each first request after a write builds the menu and site settings the next ones
    # reuse (commons.cache.remember): warm them up so both runs compare what What's on costs.
    client.get(PAGE)
    with django_assert_max_num_queries(12) as page_queries:
        assert listed(client.get(PAGE, page_params))
    with django_assert_max_num_queries(10) as feed_queries:
        assert client.get(FEED, params).status_code == 200
    page_cost, feed_cost = len(page_queries), len(feed_queries)

    for i in range(2, 14):
        busy_group(i)
    client.get(PAGE)
    with django_assert_max_num_queries(page_cost):
        assert listed(client.get(PAGE, page_params))
    with django_assert_max_num_queries(feed_cost):
        assert client.get(FEED, params).status_code == 200


def render_home_section() -> str:
    return Template("{% load whats_on_tags %}{% whats_on_this_week %}").render(Context())


def test_the_home_section_lists_the_next_seven_days(town):
    now = timezone.now()
    soon = session_at(town.music.course, now + timedelta(hours=2))
    later = session_at(town.music.course, now + timedelta(days=8))
    hidden = book(town.hidden.space, town.hidden.group, now + timedelta(hours=3))
    named = book(town.shown.space, town.shown.group, now + timedelta(hours=4))

    html = render_home_section()

    listed = EVENT.findall(html)
    assert listed[:2] == [f"session-{soon.pk}", f"booking-{named.pk}"]
    assert f"session-{later.pk}" not in listed
    assert f"booking-{hidden.pk}" not in listed
    assert "See everything on" in html
    assert f'href="{PAGE}"' in html


def test_the_home_section_shows_at_most_six(django_assert_max_num_queries):
    group = make_group(title="Busy Bees")
    course = make_course(group=group, title="Every Hour")
    now = timezone.now()
    for hour in range(1, 10):
        session_at(course, now + timedelta(hours=hour), hours=1)

    with django_assert_max_num_queries(8):
        html = render_home_section()

    assert len(EVENT.findall(html)) == 6


def test_the_home_section_says_when_nothing_is_on():
    html = render_home_section()

    assert "Nothing is listed for the next seven days yet." in html
