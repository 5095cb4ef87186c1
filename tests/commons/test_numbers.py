"""The commons in numbers: each measure counted right, small numbers hidden everywhere,
and a page that costs the same few queries however much the commons holds."""

from datetime import UTC, date, timedelta
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commons import numbers
from commons import selectors as commons_selectors
from commons.choices import BookingStatus
from commons.models import Booking
from commons.numbers import Figure, compute_numbers, guarded_total, last_months, month_span
from groups import selectors as groups_selectors
from groups.choices import Presence, SessionStatus
from groups.models import AdultAttendance, Attendance, Session
from learning import selectors as learning_selectors
from learning.models import CurriculumPage
from tests.factories import LearnerFactory, UserFactory, at, make_course, make_group, make_space
from tests.learning.builders import make_curriculum

pytestmark = pytest.mark.django_db

# A fixed "now" for the selectors: its twelve months run from December 2025 to November 2026.
NOW = at(date(2026, 11, 20), 12)
MONTHS = last_months(date(2026, 11, 20))
SINCE, UNTIL = month_span(MONTHS)
WINDOW = {"since": SINCE, "until": UNTIL, "now": NOW}
# The page's shell for a signed-in reader (the site and its settings for the header; the
# reader's session, user, learner profile and permissions): the numbers come from the cache.
WARM_PAGE_QUERIES = 7
# Counting the numbers: nine aggregates, the spaces, and what `.public()` and the spaces'
# URLs ask for when not cached.
COUNTING_QUERIES = 12


@pytest.fixture(autouse=True)
def _fresh_numbers():
    """Each test counts afresh: the numbers live in the shared cache between requests."""
    cache.clear()
    yield
    cache.clear()


# Builders


def run_session(course, day: date, hour: int = 10, *, hours: int = 2, **fields) -> Session:
    """A session of the course on a local day and hour (by default over before NOW)."""
    start = at(day, hour)
    return Session.objects.create(
        course=course, start=start, end=start + timedelta(hours=hours), **fields
    )


def mark(session, learners, presence=Presence.PRESENT) -> None:
    for learner in learners:
        Attendance.objects.create(session=session, learner=learner, presence=presence)


def mark_adults(session, adults, present=True) -> None:
    for adult in adults:
        AdultAttendance.objects.create(session=session, user=adult, present=present)


def learners(count: int) -> list:
    return [LearnerFactory() for _ in range(count)]


def adults(count: int) -> list:
    return [UserFactory() for _ in range(count)]


@pytest.fixture
def course():
    return make_course(group=make_group(title="Riverside Home Ed"), title="Maths Club")


def figures(measure) -> dict[date, str]:
    return dict(zip(MONTHS, (figure.text for figure in measure.by_month), strict=True))


# Months and time zones


def test_the_twelve_months_end_with_this_one():
    months = last_months(date(2026, 1, 31))

    assert months[0] == date(2025, 2, 1)
    assert months[-1] == date(2026, 1, 1)
    assert len(months) == 12
    since, until = month_span(months)
    assert (since.date(), until.date()) == (date(2025, 2, 1), date(2026, 2, 1))
    assert since.utcoffset() == until.utcoffset() == timedelta(0)  # GMT in February


def test_a_session_late_on_a_summer_months_last_day_counts_in_that_month(course):
    # British Summer Time: 23:30 on 31 August is 22:30 UTC, and 00:30 on 1 September is
    # 23:30 UTC on 31 August, which a month taken in UTC would count as August's.
    for start in (at(date(2026, 8, 31), 23, 30), at(date(2026, 9, 1), 0, 30)):
        Session.objects.create(course=course, start=start, end=start + timedelta(minutes=50))
    in_utc = {session.start.astimezone(UTC).date() for session in Session.objects.all()}
    assert in_utc == {date(2026, 8, 31)}

    by_month = groups_selectors.sessions_by_month(**WINDOW)

    assert by_month[date(2026, 8, 1)]["sessions"] == 1
    assert by_month[date(2026, 9, 1)]["sessions"] == 1


# Each measure on hand-built data


def test_sessions_run_leave_out_the_cancelled_the_unfinished_and_draft_groups(course):
    run_session(course, date(2026, 3, 3))
    run_session(course, date(2026, 3, 10), status=SessionStatus.CANCELLED)
    run_session(course, date(2026, 11, 20), 11)  # 11:00–13:00: still running at NOW
    run_session(course, date(2026, 11, 27))  # to come
    run_session(course, date(2025, 11, 28))  # before the twelve months
    draft = make_group(title="Not Yet Open", live=False)
    run_session(make_course(group=draft, title="Quiet Club"), date(2026, 3, 4))

    by_month = groups_selectors.sessions_by_month(**WINDOW)

    assert {month: row["sessions"] for month, row in by_month.items()} == {date(2026, 3, 1): 1}


def test_active_groups_count_each_group_once_a_month(course):
    other = make_course(group=make_group(title="Mill End Makers"), title="Robots")
    make_course(group=make_group(title="Idle Group"), title="Never Met")
    run_session(course, date(2026, 5, 5))
    run_session(course, date(2026, 5, 12))
    run_session(other, date(2026, 5, 16))
    run_session(other, date(2026, 6, 6))

    by_month = groups_selectors.sessions_by_month(**WINDOW)

    assert by_month[date(2026, 5, 1)]["groups"] == 2
    assert by_month[date(2026, 6, 1)]["groups"] == 1
    assert groups_selectors.numbers_totals(**WINDOW)["groups"] == 2


def test_learners_count_once_a_month_by_their_latest_mark(course):
    came, corrected_in, corrected_out = learners(3)
    first, second = run_session(course, date(2026, 4, 14)), run_session(course, date(2026, 4, 21))
    mark(first, [came, corrected_out])
    mark(second, [came], Presence.LATE)
    mark(first, [corrected_in], Presence.ABSENT)
    mark(first, [corrected_in], Presence.PRESENT)  # a correction: the latest counts
    mark(first, [corrected_out], Presence.ABSENT)
    # An erased learner's mark stays as a nameless count of the session's attendance.
    Attendance.objects.create(session=second, learner=None, presence=Presence.PRESENT)

    assert groups_selectors.learners_by_month(**WINDOW) == {date(2026, 4, 1): 2}
    assert groups_selectors.sessions_by_month(**WINDOW)[date(2026, 4, 1)]["learner_marks"] == 4
    assert groups_selectors.numbers_totals(**WINDOW)["learners"] == 2


def test_adults_per_learner_and_enough_adults_follow_the_courses_ratio(course):
    course.learners_per_adult = 4  # six learners need two adults
    course.save()
    six, (lead, helper) = learners(6), adults(2)
    enough, short, unmarked = (run_session(course, date(2026, 2, d)) for d in (3, 10, 17))
    for session in (enough, short):
        mark(session, six)
    mark_adults(enough, [lead, helper])
    mark_adults(short, [lead])
    mark_adults(short, [helper], present=False)

    row = groups_selectors.sessions_by_month(**WINDOW)[date(2026, 2, 1)]

    assert row["sessions"] == 3
    assert row["registers"] == 2  # the unmarked session is left out of the ratios
    assert (row["learner_marks"], row["adult_marks"]) == (12, 3)
    assert row["adults_aimed"] == pytest.approx(12 / 4)
    assert row["enough_adults"] == 1
    february = compute_numbers(NOW)
    assert figures(february.measure("adults_per_learner"))[date(2026, 2, 1)] == "0.25"
    assert figures(february.measure("adults_per_learner_aimed"))[date(2026, 2, 1)] == "0.25"
    assert figures(february.measure("enough_adults_share"))[date(2026, 2, 1)] == "50%"


def test_the_ratio_aimed_for_is_the_commons_default_by_age_without_the_courses_own():
    little = make_course(group=make_group(title="Tots"), title="Songs", min_age=3, max_age=5)
    row_learners = learners(8)
    session = run_session(little, date(2026, 6, 1))
    mark(session, row_learners)
    mark_adults(session, adults(1))

    row = groups_selectors.sessions_by_month(**WINDOW)[date(2026, 6, 1)]

    assert row["adults_aimed"] == pytest.approx(8 / 4)
    assert row["enough_adults"] == 0  # eight under-fives need two adults


def test_volunteer_hours_sum_the_latest_mark_of_each_adult(course):
    stayed, left, never = adults(3)
    session = run_session(course, date(2026, 7, 7), hours=3)
    mark_adults(session, [stayed, left, never])
    mark_adults(session, [left], present=False)
    mark_adults(session, [never], present=False)
    mark_adults(run_session(course, date(2026, 7, 8), status=SessionStatus.CANCELLED), [stayed])

    by_month = groups_selectors.volunteer_hours_by_month(**WINDOW)

    assert by_month == {date(2026, 7, 1): {"hours": 3.0, "adults": 1}}


def test_space_hours_count_confirmed_bookings_of_public_spaces_by_month():
    hall = make_space(title="St Mary's Hall")
    hidden = make_space(title="Private Room", live=False)
    group = make_group(title="Riverside Home Ed")
    for day, hours, status in [
        (date(2026, 3, 31), 1, BookingStatus.CONFIRMED),
        (date(2026, 4, 1), 3, BookingStatus.CONFIRMED),
        (date(2026, 4, 2), 5, BookingStatus.CANCELLED),
        (date(2026, 4, 3), 5, BookingStatus.DECLINED),
        (date(2026, 4, 4), 5, BookingStatus.REQUESTED),
    ]:
        start = at(day, 22, 30) if day.day == 31 else at(day, 0, 30)
        Booking.objects.create(
            space=hall,
            group=group,
            title="Club",
            start=start,
            end=start + timedelta(hours=hours),
            blocked_until=start + timedelta(hours=hours),
            status=status,
        )

    assert commons_selectors.space_hours_by_month(since=SINCE, until=UNTIL) == {
        hall.pk: {date(2026, 3, 1): 1.0, date(2026, 4, 1): 3.0}
    }
    assert list(commons_selectors.numbers_spaces()) == [hall]
    assert hidden not in commons_selectors.numbers_spaces()


def test_curricula_published_and_adopted_by_first_publication(course):
    group = make_group(title="Old Town Free School")
    original = make_curriculum(group, title="Fractions in the Kitchen")
    copy = make_curriculum(course.get_parent(), title="Kitchen Fractions")
    copy.adapted_from = original
    copy.save()
    make_curriculum(group, title="A Draft", publish=False)
    withdrawn = make_curriculum(group, title="Withdrawn")
    withdrawn.unpublish()
    CurriculumPage.objects.filter(pk=original.pk).update(first_published_at=at(date(2026, 1, 9), 9))
    CurriculumPage.objects.filter(pk=copy.pk).update(first_published_at=at(date(2026, 2, 1), 0, 30))

    by_month = learning_selectors.curricula_by_month(since=SINCE, until=UNTIL)

    assert by_month == {
        date(2026, 1, 1): {"published": 1, "adopted": 0},
        date(2026, 2, 1): {"published": 1, "adopted": 1},
    }


# Small numbers are hidden


def test_counts_under_five_are_hidden_and_five_is_shown():
    assert [count_text(n) for n in (0, 1, 4, 5, 1234)] == [
        "fewer than 5",
        "fewer than 5",
        "fewer than 5",
        "5",
        "1,234",
    ]
    assert numbers.count_figure(3).value is None
    assert numbers.count_figure(3).suppressed
    assert numbers.count_figure(5) == Figure(5, "5")


def count_text(count: int) -> str:
    return numbers.count_figure(count).text


def test_figures_from_fewer_than_five_people_are_hidden():
    assert numbers.ratio_figure(2, 4, people=4).suppressed
    assert numbers.ratio_figure(2, 8, people=5) == Figure(0.25, "0.25")
    assert numbers.share_figure(1, 1, people=4).suppressed
    assert numbers.hours_figure(12, people=4).suppressed
    assert numbers.hours_figure(12.25, people=5) == Figure(12.2, "12.2")


def test_a_total_never_gives_a_hidden_month_away():
    shown, hidden = numbers.count_figure(6), numbers.count_figure(2)

    assert guarded_total(numbers.count_figure(8), (shown, hidden)).text == "at least 6"
    assert guarded_total(numbers.count_figure(8), (shown, hidden)).suppressed
    # Hidden months that add up to 5 or more give no single one away.
    assert guarded_total(numbers.count_figure(11), (shown, hidden, hidden)) == Figure(11, "11")
    assert guarded_total(numbers.count_figure(12), (shown, shown)) == Figure(12, "12")
    hours = (numbers.hours_figure(10, people=5), numbers.hours_figure(30, people=5))
    assert guarded_total(numbers.hours_figure(40), hours) == Figure(40, "40")
    assert guarded_total(
        numbers.hours_figure(40), (hours[0], numbers.hidden()), hours=True
    ).text == ("at least 10")


def build_month_of_learners(course, count: int, day: date) -> None:
    session = run_session(course, day)
    mark(session, learners(count))
    mark_adults(session, adults(2))


def previous_month() -> date:
    """A month inside the page's twelve whose sessions are all over, whenever tests run."""
    return last_months(timezone.localdate())[-2]


def learners_cell(html: str, month_name: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    table = soup.find("caption", id="numbers-caption").find_parent("table")
    columns = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    for row in table.tbody.find_all("tr"):
        if row.th.get_text(strip=True) == month_name:
            return row.find_all(["th", "td"])[columns.index("Learners")].get_text(strip=True)
    raise AssertionError(f"No row for {month_name}")


def chart_description(html: str, key: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    return soup.find("desc", id=f"chart-{key}-desc").get_text()


def test_three_learners_read_fewer_than_5_in_the_numbers_the_table_and_the_chart(client, course):
    month = previous_month()
    build_month_of_learners(course, 3, month.replace(day=10))

    data = numbers.commons_numbers()
    figure = data.measure("learners").by_month[-2]
    html = client.get(reverse("commons:numbers")).text
    name = month.strftime("%B %Y")

    assert figure == Figure(None, "fewer than 5")
    assert data.measure("adults_per_learner").by_month[-2].suppressed  # from 3 learners
    assert learners_cell(html, name) == "fewer than 5"
    assert f"{name}: fewer than 5" in chart_description(html, "learners")
    assert name in chart_description(html, "learners").split("Not shown")[1]
    assert 'class="chart__bar chart__bar--hidden"' in html


def test_five_learners_read_5(client, course):
    month = previous_month()
    build_month_of_learners(course, 5, month.replace(day=10))

    data = numbers.commons_numbers()
    html = client.get(reverse("commons:numbers")).text
    name = month.strftime("%B %Y")

    assert data.measure("learners").by_month[-2] == Figure(5, "5")
    assert data.measure("adults_per_learner").by_month[-2] == Figure(0.4, "0.40")
    assert learners_cell(html, name) == "5"
    assert f"{name}: 5" in chart_description(html, "learners")


# The page, the home page's headline and the cache


def test_the_page_explains_how_it_counts_and_has_a_chart_for_each_measure(client):
    response = client.get(reverse("commons:numbers"))

    soup = BeautifulSoup(response.text, "html.parser")
    assert response.status_code == 200
    assert len(soup.find_all("h1")) == 1
    assert soup.find("summary", string="How we count")
    terms = [dt.get_text(strip=True) for dt in soup.select(".numbers-method dt")]
    assert "Learners" in terms and "Hours booked per space" in terms
    for svg in soup.select("figure svg"):
        assert svg["role"] == "img"
        title, desc = svg["aria-labelledby"].split()
        assert svg.find("title", id=title) and svg.find("desc", id=desc)
        assert svg.find_parent("figure").find("figcaption")
    assert soup.find("desc", id="chart-adults_per_learner-desc").get_text().count("Aimed for") == 1
    region = soup.find("div", class_="table-wrap")
    assert region["role"] == "region" and region["tabindex"] == "0"
    assert all(th.get("scope") in {"col", "row"} for th in soup.select(".numbers-table th"))


def test_the_page_only_answers_reading(client):
    assert client.post(reverse("commons:numbers")).status_code == 405
    assert client.head(reverse("commons:numbers")).status_code == 200


def test_the_headline_shows_three_twelve_month_figures_and_links_to_the_page(course):
    run_session(course, previous_month().replace(day=10))

    html = Template("{% load numbers_tags %}{% headline_numbers %}").render(Context())

    soup = BeautifulSoup(html, "html.parser")
    assert [dt.get_text() for dt in soup.find_all("dt")] == [
        "Active groups",
        "Sessions run",
        "Volunteer hours",
    ]
    assert [dd.get_text() for dd in soup.find_all("dd")] == ["fewer than 5"] * 3
    assert soup.find("a")["href"] == reverse("commons:numbers")


def test_the_numbers_are_counted_once_and_then_read_from_the_cache(course):
    run_session(course, previous_month().replace(day=10))

    with CaptureQueriesContext(connection) as cold:
        first = numbers.commons_numbers()
    run_session(course, previous_month().replace(day=11))
    with CaptureQueriesContext(connection) as warm:
        second = numbers.commons_numbers()

    assert 0 < len(cold) <= COUNTING_QUERIES
    assert len(warm) == 0
    assert second == first  # the new session waits for the cache to expire
    cache.delete(numbers.CACHE_KEY)
    with CaptureQueriesContext(connection) as recount:
        numbers.commons_numbers()
    assert len(recount) == len(cold)


def build_commons(size: int, name: str = "Town") -> None:
    """`size` groups, each with a course of `size` weekly sessions over the past months,
    registers of 6 learners and 2 adults, bookings, and a curriculum."""
    space = make_space(title=f"{name} Hall")
    start_month = previous_month()
    for number in range(size):
        group = make_group(title=f"{name} Group {number}")
        course = make_course(group=group, title=f"{name} Club {number}", learners_per_adult=4)
        make_curriculum(group, title=f"{name} Curriculum {number}")
        people, helpers = learners(6), adults(2)
        for week in range(size):
            day = start_month - timedelta(weeks=week) + timedelta(days=number)
            session = run_session(course, day, 9 + number % 8)
            mark(session, people)
            mark_adults(session, helpers)
            Booking.objects.create(
                space=space,
                group=group,
                title="Club",
                start=session.start,
                end=session.end,
                blocked_until=session.end,
                status=BookingStatus.CONFIRMED,
            )


def counting_queries() -> int:
    """The queries counting the numbers costs, once what Wagtail caches for every page
    (the site's root paths for the spaces' URLs) is in the cache."""
    cache.clear()
    numbers.commons_numbers()
    cache.delete(numbers.CACHE_KEY)
    with CaptureQueriesContext(connection) as counting:
        numbers.commons_numbers()
    return len(counting)


def signed_in(client):
    """A signed-in reader's client: the whole-page cache for anonymous visitors would
    otherwise answer the second visit without reaching the view."""
    client.force_login(UserFactory(username="reader"))
    return client


def test_the_page_costs_the_same_few_queries_however_much_the_commons_holds(
    client, django_assert_max_num_queries
):
    url = reverse("commons:numbers")
    build_commons(1)
    small = counting_queries()
    build_commons(6, "City")
    large = counting_queries()
    reader = signed_in(client)

    assert small == large <= COUNTING_QUERIES
    reader.get(url)  # the page's shell caches what it can
    cache.delete(numbers.CACHE_KEY)
    with django_assert_max_num_queries(COUNTING_QUERIES + WARM_PAGE_QUERIES):
        assert reader.get(url).status_code == 200
    with django_assert_max_num_queries(WARM_PAGE_QUERIES):
        assert reader.get(url).status_code == 200


def test_a_warm_page_costs_a_handful_of_queries_and_shows_the_bigger_commons(
    client, django_assert_max_num_queries
):
    build_commons(6)
    reader = signed_in(client)
    reader.get(reverse("commons:numbers"))

    with django_assert_max_num_queries(WARM_PAGE_QUERIES):
        html = reader.get(reverse("commons:numbers")).text

    assert "Town Group 5" not in html  # counts only: no group or learner is named
    assert ">6</dd>" in html  # six active groups over the twelve months


# The demo


def test_the_demo_commons_has_a_year_of_numbers_and_loads_its_history_once():
    call_command("load_demo_data", force=True, stdout=StringIO())
    sessions = Session.objects.count()
    call_command("load_demo_data", force=True, stdout=StringIO())

    data = compute_numbers()
    # The eleven months before this one, which may have only just begun.
    shown = {
        measure.key: sum(not figure.suppressed for figure in measure.by_month[:-1])
        for measure in data.measures
    }
    assert Session.objects.count() == sessions
    assert shown["sessions_run"] == shown["learners"] == shown["volunteer_hours"] == 11
    assert shown["active_groups"] >= 9
    assert shown["adults_per_learner"] == shown["enough_adults_share"] == 11
    assert shown["curricula_published"] >= 1
    assert data.measure("active_groups").total.value >= 6
    assert data.measure("sessions_run").total.value > 200
    assert Session.objects.filter(status=SessionStatus.CANCELLED).exists()
    assert all(space.total.value for space in data.space_hours)
