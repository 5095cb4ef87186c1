"""A tutor looks at a child's record; their parent sees who looked, on a phone (issue 10)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from groups.choices import EnrolmentStatus, SignupRole, SignupStatus
from groups.models import Enrolment, TutorSignup
from tests.browser.axe import login, visit
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


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_parent_sees_that_the_tutor_looked_at_their_childs_record(page, server_url, password):
    admin = UserFactory(username="ada")
    group = make_group(title="Riverside Home Ed", admins=[admin])
    course = make_course(group=group, title="Kitchen Maths", curriculum=make_curriculum(group))
    session = make_session(course=course)
    lead = checked_tutor(group=group, admin=admin, username="lee", display_name="Lee Lead")
    TutorSignup.objects.create(
        session=session, user=lead, role=SignupRole.LEAD, status=SignupStatus.CONFIRMED
    )
    parent = UserFactory(username="pat", display_name="Pat Parent")
    maya = LearnerFactory(name="Maya", guardians=[parent], medical_notes="Asthma")
    Enrolment.objects.create(course=course, learner=maya, status=EnrolmentStatus.ACTIVE)

    login(page, server_url, lead.username, password)
    visit(page, server_url + reverse("groups:session_register", args=[session.pk]))
    visit(page, server_url + reverse("learning:learner_page", args=[maya.pk]))
    page.context.clear_cookies()

    login(page, server_url, parent.username, password)
    visit(page, server_url + reverse("commons:learner_detail", args=[maya.pk]))
    section = page.get_by_role("region", name="Who has looked at Maya's record")
    rows = section.get_by_role("row")
    expect(rows).to_have_count(3)  # the header and two views
    expect(rows.nth(1)).to_contain_text("Lee Lead")
    expect(rows.nth(1)).to_contain_text("tutor at Riverside Home Ed")
    expect(rows.nth(1)).to_contain_text("Their learning page")
    expect(rows.nth(2)).to_contain_text("A session's register")
    expect(rows.nth(2)).to_contain_text("Kitchen Maths")
    expect(section).not_to_contain_text("Asthma")
    fits_the_screen(page)

    with page.expect_navigation():
        section.get_by_role("link", name="The full list").click()
    visit(page, page.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Who has looked at Maya's record")
    expect(page.get_by_text("2 views.")).to_be_visible()
    fits_the_screen(page)
