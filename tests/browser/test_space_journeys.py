"""A visitor finds a step-free space free at a given time, opens it and reads its weeks."""

import re
from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commons.choices import BookingStatus
from commons.models import Booking
from commons.selectors import monday_of
from tests.browser.axe import check_accessibility, visit
from tests.factories import NeighbourhoodFactory, at, make_group, make_space

pytestmark = pytest.mark.django_db(transaction=True)


def follow(page, link_name):
    with page.expect_navigation():
        page.get_by_role("link", name=link_name).click()
    check_accessibility(page)


def book(space, group, start, end):
    Booking.objects.create(
        space=space,
        group=group,
        title="Maths club",
        note="Private note for the manager",
        start=start,
        end=end,
        blocked_until=end + space.buffer,
        status=BookingStatus.CONFIRMED,
    )


@pytest.fixture
def next_tuesday():
    return monday_of(timezone.localdate()) + timedelta(weeks=1, days=1)


@pytest.fixture
def spaces(next_tuesday):
    riverside = NeighbourhoodFactory(name="Riverside", slug="riverside")
    every_day = [(day, time(9), time(21)) for day in range(7)]
    hall = make_space(
        title="St Mary's Hall",
        neighbourhood=riverside,
        capacity=60,
        step_free=True,
        buffer_minutes=15,
        opening=every_day,
    )
    hut = make_space(title="Scout Hut", neighbourhood=riverside, step_free=True, opening=every_day)
    make_space(title="Old Library", parking=True, opening=every_day)
    shown = make_group(title="Riverside Home Ed")
    hidden = make_group(title="Quiet Co-op", show_name_on_bookings=False)
    tuesday = next_tuesday
    book(hall, shown, at(tuesday, 14), at(tuesday, 15))
    book(hall, hidden, at(tuesday + timedelta(weeks=1), 10), at(tuesday + timedelta(weeks=1), 11))
    book(hut, shown, at(tuesday, 10), at(tuesday, 12))
    return hall


def open_filters(page):
    """On a phone the filters fold into a <details>; wide screens show them open."""
    toggle = page.locator("summary", has_text="Filter spaces")
    if toggle.is_visible():
        toggle.click()
    expect(page.get_by_label("Neighbourhood")).to_be_visible()


def test_a_visitor_finds_a_free_step_free_space_and_reads_its_weeks(
    page, server_url, spaces, next_tuesday
):
    visit(page, f"{server_url}/spaces/")
    expect(page.get_by_role("heading", name="3 spaces")).to_be_visible()

    open_filters(page)
    page.get_by_label("Step-free access").check()
    page.get_by_label(re.compile(r"^Date\b")).fill(f"{next_tuesday:%Y-%m-%d}")
    page.get_by_label(re.compile(r"^From\b")).fill("10:00")
    page.get_by_label(re.compile(r"^To\b")).fill("11:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Show spaces").click()
    check_accessibility(page)

    assert "access=step_free" in page.url and f"free_date={next_tuesday:%Y-%m-%d}" in page.url
    expect(page.get_by_role("heading", name="1 space free 10:00–11:00")).to_be_visible()
    expect(page.get_by_role("link", name="Scout Hut")).to_have_count(0)
    expect(page.get_by_role("link", name="Old Library")).to_have_count(0)

    follow(page, "St Mary's Hall")
    expect(page.get_by_role("heading", level=1, name="St Mary's Hall")).to_be_visible()
    expect(page.get_by_text("15 minutes' changeover after each booking")).to_be_visible()
    this_monday = monday_of(timezone.localdate())
    expect(
        page.get_by_role("heading", name=f"Week of Monday {this_monday:%-d %B %Y}")
    ).to_be_visible()

    follow(page, "Next week")
    expect(
        page.get_by_role("heading", name=f"Week of Monday {monday_of(next_tuesday):%-d %B %Y}")
    ).to_be_visible()
    tuesday = page.locator(".week__day", has_text=f"{next_tuesday:%-d %B}")
    expect(tuesday).to_contain_text("14:00–15:00")
    expect(tuesday).to_contain_text("Riverside Home Ed")
    expect(tuesday).to_contain_text("changeover until 15:15")
    expect(page.get_by_text("Private note for the manager")).to_have_count(0)

    follow(page, "Next week")
    week_after = page.locator(".week__day", has_text=f"{next_tuesday + timedelta(weeks=1):%-d %B}")
    expect(week_after).to_contain_text("10:00–11:00")
    expect(week_after).to_contain_text("Booked")
    expect(page.get_by_text("Quiet Co-op")).to_have_count(0)

    # Nothing on the page is wider than the screen, phone or desktop.
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow
