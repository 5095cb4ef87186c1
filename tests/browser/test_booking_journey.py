"""A group admin books a weekly series around a clash; the space's manager approves a date."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commons.choices import BookingStatus
from commons.models import Booking
from commons.permissions import sync_space_managers_group
from commons.services import bookings as booking_services
from tests.browser.axe import check_accessibility, login, visit
from tests.factories import UserFactory, at, make_group, make_space

# serialized_rollback in the marker too: pytest-django decides from markers whether to
# snapshot the migrations' data (the home page), which later tests need back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

FIRST = timezone.localdate() + timedelta(days=7)


def click(page, role, name):
    with page.expect_navigation():
        page.get_by_role(role, name=name).click()


@pytest.fixture
def admin():
    return UserFactory(username="gina", display_name="Gina Admin", email="gina@example.org")


@pytest.fixture
def manager():
    return UserFactory(username="mia", display_name="Mia Manager", email="mia@example.org")


@pytest.fixture
def hall(manager):
    hall = make_space(title="St Mary's Hall", managers=[manager], requires_approval=True)
    sync_space_managers_group()
    return hall


@pytest.fixture
def group(admin):
    return make_group(title="Riverside Home Ed", admins=[admin])


@pytest.fixture
def taken(hall, manager):
    """Another group's confirmed booking on the second date of the series."""
    other = make_group(title="Hillside Co-op", admins=[UserFactory()])
    day = FIRST + timedelta(weeks=1)
    booking = booking_services.request_booking(
        space=hall,
        group=other,
        by=other.memberships.get().user,
        title="Chess club",
        start=at(day, 10),
        end=at(day, 11),
    )
    return booking_services.decide_booking(booking=booking, approve=True, by=manager)


def test_a_series_around_a_clash_is_booked_and_approved_and_shows_on_the_week(
    page, server_url, admin, manager, group, hall, taken, password
):
    # The group admin asks for four weekly dates; the second is taken.
    login(page, server_url, "gina", password)
    visit(page, f"{server_url}{hall.url}")
    click(page, "link", "Book this space")
    check_accessibility(page)
    expect(page.get_by_label("Space", exact=True)).to_have_value(str(hall.pk))
    page.get_by_label("What for").fill("Maths club")
    page.get_by_label("Date", exact=True).fill(FIRST.isoformat())
    page.get_by_label("From", exact=True).fill("10:00")
    page.get_by_label("To", exact=True).fill("11:00")
    page.get_by_label("Repeats").select_option(label="Every week")
    page.get_by_label("Until").fill((FIRST + timedelta(weeks=3)).isoformat())
    click(page, "button", "Request booking")

    check_accessibility(page)
    expect(page.get_by_role("heading", name="Check the dates")).to_be_visible()
    expect(page.get_by_text("3 of the 4 dates are free.")).to_be_visible()
    expect(page.get_by_text("St Mary's Hall is booked 10:00–11:00")).to_be_visible()
    assert not Booking.objects.filter(group=group).exists()
    click(page, "button", "Book the 3 free dates only")

    check_accessibility(page)
    expect(page.get_by_text("Sent 3 dates to the managers of St Mary's Hall")).to_be_visible()
    expect(page.get_by_text("1 date was not free and was not booked.")).to_be_visible()
    ours = Booking.objects.filter(group=group).order_by("start")
    assert [b.status for b in ours] == [BookingStatus.REQUESTED] * 3

    # The manager approves the first date in the Wagtail admin (no axe on admin pages).
    page.context.clear_cookies()
    page.goto(f"{server_url}/admin/login/")  # the site's login, then back to the admin
    page.get_by_label("Username").fill("mia")
    page.get_by_label("Password").fill(password)
    click(page, "button", "Log in")
    expect(page.get_by_text("Booking requests waiting for you (3)")).to_be_visible()
    # Each request's link names its date, for the screen readers' list of links.
    click(page, "link", re.compile(f"^Maths club.*{FIRST:%a %-d %B %Y}"))
    page.get_by_label("Approve").check()
    click(page, "button", "Save decision")
    expect(page.get_by_text("Approved: Maths club")).to_be_visible()
    first = Booking.objects.filter(group=group).earliest("start")
    assert first.status == BookingStatus.CONFIRMED
    assert first.decided_by == manager

    # Anyone now sees it on the space's week, with the group's name.
    page.context.clear_cookies()
    visit(page, f"{server_url}{hall.url}week/{FIRST.isoformat()}/")
    expect(page.locator(".week__booking", has_text="Riverside Home Ed")).to_have_text(
        "10:00–11:00 Riverside Home Ed"
    )
