"""A session's lead records progress for the session's learners in one form."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from groups.choices import EnrolmentStatus, SignupRole, SignupStatus
from groups.models import Enrolment, TutorSignup
from learning.models import UnitPage
from tests.browser.axe import check_accessibility, login, visit
from tests.factories import (
    LearnerFactory,
    UserFactory,
    checked_tutor,
    make_course,
    make_group,
    make_session,
)
from tests.learning.builders import make_curriculum

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def fits_the_screen(page):
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{page.url} is {scroll_width}px wide in {inner_width}px"


def build_session():
    admin = UserFactory(username="ada")
    group = make_group(title="Riverside Home Ed", admins=[admin])
    curriculum = make_curriculum(group)
    course = make_course(group=group, title="Kitchen Maths", curriculum=curriculum)
    session = make_session(course=course)
    session.unit = UnitPage.objects.child_of(curriculum).order_by("path").first()
    session.save(update_fields=["unit"])
    lead = checked_tutor(group=group, admin=admin, username="lee", display_name="Lee Lead")
    TutorSignup.objects.create(
        session=session, user=lead, role=SignupRole.LEAD, status=SignupStatus.CONFIRMED
    )
    parent = UserFactory(username="pat")
    for name in ["Maya", "Leo"]:
        learner = LearnerFactory(name=name, guardians=[parent])
        Enrolment.objects.create(course=course, learner=learner, status=EnrolmentStatus.ACTIVE)
    return session, lead


def test_a_lead_records_a_sessions_progress_in_one_form(page, server_url, password):
    session, lead = build_session()
    login(page, server_url, lead.username, password)
    grid = server_url + reverse("learning:session_progress", args=[session.pk])
    visit(page, grid)
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress")
    fits_the_screen(page)

    halves = "I can cut a pizza into two equal halves."
    quarter = "I can find a quarter of a set of biscuits."
    page.get_by_label(f"Maya: {halves}").select_option(label="Secure")
    page.get_by_label(f"Leo: {halves}").select_option(label="Working towards")
    page.get_by_label(f"Leo: {quarter}").select_option(label="Mastered")
    page.get_by_label("Note for Maya").fill("Cut it fairly and explained why.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save progress").click()
    check_accessibility(page)

    expect(page.get_by_text("Saved: 3 levels recorded.")).to_be_visible()
    expect(page.get_by_label(f"Maya: {halves}")).to_have_value("2")
    expect(page.get_by_label(f"Leo: {quarter}")).to_have_value("3")
    fits_the_screen(page)

    page.get_by_role("link", name="Course overview").click()
    page.wait_for_load_state()
    check_accessibility(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kitchen Maths")
    row = page.get_by_role("row").filter(has_text=halves)
    expect(row.get_by_text("Secure")).to_be_visible()
    expect(row.get_by_text("1 of 2")).to_be_visible()
