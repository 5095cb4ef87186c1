"""A visitor reads the commons in numbers on a phone and on a desktop."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commons.choices import BookingStatus
from commons.models import Booking
from commons.numbers import last_months
from groups.choices import Presence
from groups.models import AdultAttendance, Attendance, Session
from tests.browser.axe import visit
from tests.factories import LearnerFactory, UserFactory, at, make_course, make_group, make_space

pytestmark = pytest.mark.django_db(transaction=True)


def a_session(course, day, learners, adults):
    start = at(day, 10)
    session = Session.objects.create(course=course, start=start, end=start + timedelta(hours=2))
    for learner in learners:
        Attendance.objects.create(session=session, learner=learner, presence=Presence.PRESENT)
    for adult in adults:
        AdultAttendance.objects.create(session=session, user=adult, present=True)
    return session


@pytest.fixture
def months():
    """Two months whose sessions are over whenever the test runs: three learners came in
    the earlier, six in the later."""
    months = last_months(timezone.localdate())
    few, many = months[-3], months[-2]
    group = make_group(title="Riverside Home Ed")
    course = make_course(group=group, title="Maths Club")
    hall = make_space(title="St Mary's Hall")
    learners = [LearnerFactory() for _ in range(6)]
    adults = [UserFactory() for _ in range(2)]
    for month, count in ((few, 3), (many, 6)):
        session = a_session(course, month.replace(day=10), learners[:count], adults)
        Booking.objects.create(
            space=hall,
            group=group,
            title="Maths Club",
            start=session.start,
            end=session.end,
            blocked_until=session.end,
            status=BookingStatus.CONFIRMED,
        )
    return few, many


def test_a_visitor_reads_the_numbers_with_small_ones_hidden(page, server_url, months):
    few, many = months

    visit(page, f"{server_url}/numbers/")

    expect(page.get_by_role("heading", level=1)).to_have_text("The commons in numbers")
    learners_chart = page.get_by_role("img", name=re.compile("^Learners"))
    expect(learners_chart).to_be_visible()
    expect(page.locator("figure svg")).to_have_count(8)  # seven measures' charts, one space
    table = page.get_by_role("table", name=re.compile("The commons by month"))
    expect(table).to_be_visible()
    columns = table.locator("thead th").all_inner_texts()
    learners = columns.index("Learners") + 1
    few_row = table.get_by_role("row", name=re.compile(f"^{few:%B %Y}"))
    many_row = table.get_by_role("row", name=re.compile(f"^{many:%B %Y}"))
    expect(few_row.locator("th, td").nth(learners - 1)).to_have_text("fewer than 5")
    expect(many_row.locator("th, td").nth(learners - 1)).to_have_text("6")
    expect(page.get_by_role("table", name=re.compile("Hours booked"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_how_we_count_says_what_each_measure_counts(page, server_url, months):
    visit(page, f"{server_url}/numbers/")

    page.get_by_text("How we count").click()

    expect(page.get_by_text("Small numbers are hidden.")).to_be_visible()
    expect(page.locator(".numbers-method dt", has_text="Volunteer hours")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
