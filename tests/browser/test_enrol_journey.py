"""A guardian opens a course, logs in from it, enrols their child and later withdraws them."""

import pytest
from playwright.sync_api import expect

from groups.choices import EnrolmentStatus
from groups.models import Enrolment
from tests.browser.axe import check_accessibility, visit
from tests.factories import UserFactory, make_course, make_group, make_session, make_space

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def click(page, role, name):
    with page.expect_navigation():
        page.get_by_role(role, name=name).click()
    check_accessibility(page)


@pytest.fixture
def course():
    group = make_group(title="Riverside Home Ed", admins=[UserFactory(username="ada")])
    course = make_course(
        group=group,
        title="KS2 Maths Club",
        summary="Fractions and measures in the kitchen, for 7 to 11 year olds.",
        min_age=7,
        max_age=11,
        places=12,
        default_space=make_space(title="St Mary's Hall"),
    )
    make_session(course=course)
    return course


def test_a_guardian_enrols_a_child_from_the_course_page(
    page, server_url, parent, password, child, course
):
    visit(page, server_url + course.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("KS2 Maths Club")
    expect(page.get_by_text("12 of 12 places left")).to_be_visible()
    expect(page.get_by_text("1 adult for every 6 learners")).to_be_visible()

    click(page, "link", "Log in to enrol")
    page.get_by_label("Username").fill(parent.username)
    page.get_by_label("Password").fill(password)
    click(page, "button", "Log in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enrol on KS2 Maths Club")

    click(page, "button", "Enrol Maya")
    expect(page.get_by_role("status")).to_contain_text("Maya is enrolled on KS2 Maths Club.")
    expect(page.get_by_text("Enrolled", exact=True)).to_be_visible()
    assert Enrolment.objects.get(learner=child).status == EnrolmentStatus.ACTIVE

    click(page, "link", "Back to KS2 Maths Club")
    expect(page.get_by_text("11 of 12 places left")).to_be_visible()
    assert "Maya" not in page.locator("main").inner_text()

    click(page, "link", "Enrol a child")
    click(page, "button", "Withdraw Maya")
    click(page, "button", "Withdraw Maya")
    expect(page.get_by_role("status")).to_contain_text("Maya is withdrawn from KS2 Maths Club.")
    expect(page.get_by_role("button", name="Enrol Maya")).to_be_visible()
