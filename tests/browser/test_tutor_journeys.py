"""A member offers to tutor; a group admin finds them in the town's pool and records their check."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from groups.models import TutorProfile
from tests.browser.axe import check_accessibility, login, visit
from tests.factories import SubjectFactory, TutorProfileFactory, UserFactory, make_group

# serialized_rollback too: with a django_db marker, pytest-django decides from the marker
# alone whether to snapshot the migrations' data (the home page), so without it this file
# run on its own loses the home page after its first test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def submit(page, button_name):
    with page.expect_navigation():
        page.get_by_role("button", name=button_name).click()
    check_accessibility(page)


def fits_the_screen(page):
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{page.url} is {scroll_width}px wide in {inner_width}px"


def test_a_member_becomes_a_tutor(page, server_url, parent, password):
    SubjectFactory(name="Maths")
    SubjectFactory(name="Music")
    login(page, server_url, parent.username, password)
    visit(page, f"{server_url}/tutors/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Become a tutor")
    expect(page.get_by_text("A group admin records your check")).to_be_visible()

    page.get_by_label("About me").fill("Retired music teacher.")
    page.get_by_role("group", name="Subjects").get_by_label("Music").check()
    page.get_by_label("Availability").fill("Saturday mornings")
    fits_the_screen(page)
    submit(page, "Become a tutor")

    expect(page.get_by_text("Your tutor profile is saved.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pat Parent")
    profile = TutorProfile.objects.get(user=parent)
    assert [subject.name for subject in profile.subjects.all()] == ["Music"]


def test_a_group_admin_records_a_tutors_check_and_the_badge_appears(page, server_url, password):
    admin = UserFactory(username="ada", display_name="Ada Admin")
    make_group(title="Riverside Home Ed", admins=[admin])
    tutor = TutorProfileFactory(user=UserFactory(username="sam", display_name="Sam Tutor"))
    tutor.subjects.add(SubjectFactory(name="Maths"))

    login(page, server_url, admin.username, password)
    visit(page, f"{server_url}/tutors/")
    card = page.locator(f"#tutor-{tutor.pk}")
    expect(card.get_by_text("Not checked")).to_be_visible()
    fits_the_screen(page)

    card.get_by_role("link", name="Record a check for Sam Tutor").click()
    page.wait_for_url(f"**/tutors/{tutor.pk}/check/")
    check_accessibility(page)
    expect(page.get_by_label("Recorded for")).to_have_value(str(admin.memberships.get().group_id))
    page.get_by_label("Level of check").select_option(label="Enhanced DBS with barred-list check")
    certificate_date = timezone.localdate() - timedelta(days=40)
    page.get_by_label("Certificate date").fill(certificate_date.isoformat())
    page.get_by_label("The tutor is on the DBS update service").check()
    submit(page, "Record check")

    assert page.url == f"{server_url}/tutors/"
    expect(page.get_by_text("Sam Tutor’s check is recorded")).to_be_visible()
    card = page.locator(f"#tutor-{tutor.pk}")
    expect(card.locator(".badge--ok")).to_have_text("Checked")
    expect(card).to_contain_text("Checked, verified by Riverside Home Ed on")

    card.get_by_role("link", name="Sam Tutor", exact=True).click()
    page.wait_for_url(f"**/tutors/{tutor.pk}/")
    check_accessibility(page)
    expect(page.get_by_role("table")).to_contain_text("By Ada Admin for Riverside Home Ed")


def test_a_mistake_in_the_check_form_is_explained(page, server_url, password):
    admin = UserFactory(username="ada", display_name="Ada Admin")
    make_group(title="Riverside Home Ed", admins=[admin])
    tutor = TutorProfileFactory(user=UserFactory(display_name="Sam Tutor"))

    login(page, server_url, admin.username, password)
    visit(page, f"{server_url}/tutors/{tutor.pk}/check/")
    page.get_by_label("Level of check").select_option(label="Enhanced DBS")
    page.get_by_label("Certificate date").fill((timezone.localdate() + timedelta(1)).isoformat())
    submit(page, "Record check")
    expect(page.get_by_role("alert")).to_contain_text("cannot be in the future")
    assert not tutor.checks.exists()
