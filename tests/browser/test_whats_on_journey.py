"""A visitor narrows What's on to a subject and an age, subscribes to it, reads the month
and opens a day of it."""

import urllib.request
from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commons.selectors import monday_of
from tests.browser.axe import check_accessibility, visit
from tests.factories import (
    LearnerFactory,
    NeighbourhoodFactory,
    SubjectFactory,
    UserFactory,
    at,
    make_course,
    make_group,
    make_session,
    make_space,
)
from tests.learning.builders import make_curriculum

# serialized_rollback in the marker too: see test_group_journeys.py.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fits_the_screen(page):
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{page.url} is {scroll_width}px wide in {inner_width}px"


def follow(page, link_name, *, within=None):
    with page.expect_navigation():
        (within or page).get_by_role("link", name=link_name).first.click()
    check_accessibility(page)
    fits_the_screen(page)


def listed(page) -> list[str]:
    return page.locator("[data-event]").evaluate_all("items => items.map(i => i.dataset.event)")


@pytest.fixture
def next_monday():
    return monday_of(timezone.localdate()) + timedelta(weeks=1)


@pytest.fixture
def town(next_monday):
    """Next Monday: a maths club for 7 to 11s, a maths group for teenagers, and music."""
    riverside = NeighbourhoodFactory(name="Riverside")
    hall = make_space(title="St Mary's Hall", neighbourhood=riverside)
    maths, music = SubjectFactory(name="Maths"), SubjectFactory(name="Music")
    home_ed = make_group(title="Riverside Home Ed", neighbourhood=riverside)
    club = make_course(
        group=home_ed,
        title="KS2 Maths Club",
        curriculum=make_curriculum(home_ed, subjects=[maths]),
        min_age=7,
        max_age=11,
    )
    teens = make_course(
        group=home_ed,
        title="GCSE Maths",
        curriculum=make_curriculum(home_ed, title="Algebra", subjects=[maths]),
        min_age=14,
        max_age=16,
    )
    choir = make_group(title="Quiet Co-op")
    choir.subjects.set([music])
    choir.save()
    songs = make_course(group=choir, title="Little Songbirds", min_age=3, max_age=11)
    sessions = {}
    for course, hour in [(club, 10), (teens, 13), (songs, 15)]:
        sessions[course.title] = make_session(course=course, start=at(next_monday, hour))
        sessions[course.title].space = hall
        sessions[course.title].save()
    learner = LearnerFactory(name="Zebedee", birth_year=2017, guardians=[UserFactory()])
    club.enrolments.create(learner=learner, status="active")
    return sessions


def test_a_visitor_subscribes_to_maths_for_an_eight_year_old(page, server_url, town, next_monday):
    visit(page, f"{server_url}/whats-on/")
    fits_the_screen(page)
    expect(page.get_by_role("heading", level=1, name="What’s on")).to_be_visible()

    follow(page, "Next week", within=page.get_by_role("navigation", name="Other weeks"))
    expect(
        page.get_by_role("heading", name=f"Week of Monday {next_monday:%-d %B %Y}")
    ).to_be_visible()
    assert len(listed(page)) == 3

    toggle = page.locator("summary", has_text="Filter what’s on")
    if toggle.is_visible():
        toggle.click()
    page.get_by_label("Subject").select_option(label="Maths")
    page.get_by_label("Age of your child").fill("8")
    with page.expect_navigation():
        page.get_by_role("button", name="Show what’s on").click()
    check_accessibility(page)
    fits_the_screen(page)

    assert "subject=maths" in page.url and "age=8" in page.url
    assert f"week={next_monday:%Y-%m-%d}" in page.url
    club = town["KS2 Maths Club"]
    expect(page.get_by_role("link", name="KS2 Maths Club", exact=True)).to_be_visible()
    expect(page.get_by_text("GCSE Maths")).to_have_count(0)
    expect(page.get_by_text("Little Songbirds")).to_have_count(0)
    expect(page.get_by_text("Zebedee")).to_have_count(0)
    on_the_page = listed(page)
    assert on_the_page == [f"session-{club.pk}"]

    subscribe = page.get_by_role("link", name="Subscribe in your calendar app")
    assert subscribe.get_attribute("href").startswith("webcal://")
    feed_link = page.locator(".whats-on__feed-url a")
    feed_url = feed_link.get_attribute("href")
    assert feed_url.startswith(server_url) and "subject=maths" in feed_url and "age=8" in feed_url
    with urllib.request.urlopen(feed_url, timeout=10) as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        calendar = icalendar.Calendar.from_ical(response.read())
    in_the_feed = [str(event["UID"]).split("@")[0] for event in calendar.walk("VEVENT")]
    assert in_the_feed == on_the_page
    assert calendar["X-WR-CALNAME"] == "What’s on: Maths, age 8"

    follow(page, "Month", within=page.get_by_role("navigation", name="Show what’s on by"))
    expect(page.get_by_role("heading", name=f"{next_monday:%B %Y}")).to_be_visible()
    assert "view=month" in page.url and "subject=maths" in page.url
    grid = page.get_by_role("table", name=f"What’s on in {next_monday:%B %Y}: Maths, age 8")
    expect(grid).to_be_attached()
    # Deliberately changed (issue 9): the month counts each day's sessions and bookings and
    # links to the day, rather than listing every one of a city's thousands.
    day_link = f"1 session on {next_monday:%A %-d %B}"
    expect(grid.get_by_role("link", name=day_link, exact=True)).to_be_visible()

    follow(page, day_link, within=grid)
    assert f"day={next_monday:%Y-%m-%d}" in page.url and "subject=maths" in page.url
    expect(page.get_by_role("heading", name=f"{next_monday:%A %-d %B %Y}")).to_be_visible()
    days = page.get_by_role("navigation", name="Days of this week")
    expect(days.locator("[aria-current=page]")).to_contain_text(f"{next_monday:%A %-d %B}")
    assert listed(page) == on_the_page
