"""A tutor from another group offers help where it is needed; the lead takes the register."""

import pytest
from playwright.sync_api import expect

from groups import rota
from groups.choices import SignupRole, SignupStatus
from groups.models import AdultAttendance, Attendance, TutorSignup
from tests.browser.axe import check_accessibility, login, visit
from tests.factories import (
    LearnerFactory,
    NeighbourhoodFactory,
    UserFactory,
    checked_tutor,
    make_course,
    make_group,
    make_session,
    make_space,
)

# serialized_rollback in the marker too: see test_group_journeys.py.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MEDICAL = "Severe nut allergy: EpiPen in the red bag"


def submit(page, button_name):
    with page.expect_navigation():
        page.get_by_role("button", name=button_name).click()
    check_accessibility(page)


def fits_the_screen(page):
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{page.url} is {scroll_width}px wide in {inner_width}px"


@pytest.fixture
def admin():
    return UserFactory(username="gina", display_name="Gina Admin")


@pytest.fixture
def group(admin):
    return make_group(title="Riverside Home Ed", admins=[admin])


@pytest.fixture
def lead(group, admin):
    return checked_tutor(group=group, admin=admin, username="lee", display_name="Lee Lead")


@pytest.fixture
def session(group, lead):
    """Story Club next week: nine learners at 1:8 need a lead and a helper."""
    course = make_course(group=group, title="Story Club", min_age=8, max_age=11, places=20)
    session = make_session(course=course)
    session.space = make_space(
        title="St Mary's Hall", neighbourhood=NeighbourhoodFactory(name="Old Town")
    )
    session.save(update_fields=["space"])
    names = ["Maya", "Ada", "Ben", "Cal", "Dee", "Eli", "Fin", "Gus", "Ivy"]
    for name in names:
        guardian = UserFactory()
        learner = LearnerFactory(name=name, birth_year=2016, guardians=[guardian])
        if name == "Maya":
            learner.medical_notes = MEDICAL
            learner.save()
        rota.enrol(course=course, learner=learner, by=guardian)
    rota.sign_up(session=session, user=lead, role=SignupRole.LEAD)
    return session


def test_a_tutor_from_another_group_offers_help_and_the_admin_accepts(
    page, server_url, password, session, admin
):
    other_admin = UserFactory()
    hillside = make_group(title="Hillside Co-op", admins=[other_admin])
    olga = checked_tutor(group=hillside, admin=other_admin, username="olga", display_name="Olga")

    login(page, server_url, olga.username, password)
    visit(page, f"{server_url}/helpers-needed/")
    card = page.locator(f"#session-{session.pk}")
    expect(card).to_contain_text("1 more adult needed")
    expect(card).to_contain_text("Riverside Home Ed")
    expect(card).to_contain_text("St Mary's Hall, Old Town")
    expect(card).to_contain_text("Checked adults only")
    fits_the_screen(page)

    with page.expect_navigation():
        card.get_by_role("link", name="Story Club").click()
    check_accessibility(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Story Club")
    expect(page.get_by_role("button", name="Sign up to help")).to_have_count(0)
    fits_the_screen(page)
    submit(page, "Offer to help")

    expect(page.get_by_text("Thank you for offering.")).to_be_visible()
    expect(page.get_by_text("The admins of Riverside Home Ed will confirm")).to_be_visible()
    assert TutorSignup.objects.get(user=olga).status == SignupStatus.OFFERED

    page.context.clear_cookies()
    login(page, server_url, admin.username, password)
    visit(page, f"{server_url}/sessions/{session.pk}/")
    submit(page, "Accept Olga’s offer")

    expect(page.get_by_text("Olga is confirmed as a helper.")).to_be_visible()
    expect(page.get_by_text("Enough adults")).to_be_visible()
    assert TutorSignup.objects.get(user=olga).status == SignupStatus.CONFIRMED


def test_the_lead_takes_the_register_on_a_phone(page, server_url, password, session, lead):
    login(page, server_url, lead.username, password)
    visit(page, f"{server_url}/sessions/{session.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Open the register").click()
    check_accessibility(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")
    fits_the_screen(page)

    maya = page.get_by_role("group", name="Maya")
    expect(maya.get_by_text(MEDICAL)).to_be_hidden()
    maya.get_by_text("Medical notes and contact").click()
    expect(maya.get_by_text(MEDICAL)).to_be_visible()
    for learner in page.locator(".register__learner").all():
        learner.get_by_label("Present").check()
    page.get_by_role("group", name="Ben").get_by_label("Late").check()
    page.get_by_role("group", name="Ivy").get_by_label("Absent").check()
    target = page.locator(".register__choice").first.bounding_box()
    assert target is not None and target["height"] >= 44, "touch targets are at least 44 px"
    fits_the_screen(page)
    submit(page, "Save the register")

    expect(page.get_by_text("The register is saved.")).to_be_visible()
    expect(page.get_by_role("group", name="Ben").get_by_label("Late")).to_be_checked()
    assert Attendance.objects.filter(session=session).count() == 9
    assert AdultAttendance.objects.get(session=session, user=lead).present

    page.get_by_role("group", name="Ivy").get_by_label("Late").check()
    submit(page, "Save the register")

    history = page.locator(".register__history")
    expect(history).to_contain_text("Ivy late, marked by Lee Lead")
    expect(history).to_contain_text("Ivy absent, marked by Lee Lead")
    fits_the_screen(page)
