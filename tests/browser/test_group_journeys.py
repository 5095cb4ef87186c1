"""A parent finds a group in the directory, asks to join, and once approved sees its members."""

from datetime import time

import pytest
from playwright.sync_api import expect

from groups import services
from groups.choices import GroupKind, JoinPolicy, Weekday
from groups.models import GroupMeetingTime, Membership
from tests.browser.axe import check_accessibility, login, visit
from tests.factories import NeighbourhoodFactory, SubjectFactory, UserFactory, make_group

# serialized_rollback in the marker, not only through `server_url`: pytest-django decides
# whether to snapshot the migrations' data (the home page) from markers, so without it this
# module run on its own would find the home page gone after its first test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def submit(page, button_name):
    with page.expect_navigation():
        page.get_by_role("button", name=button_name).click()
    check_accessibility(page)


def follow(page, link_name):
    with page.expect_navigation():
        page.get_by_role("link", name=link_name).click()
    check_accessibility(page)


@pytest.fixture
def admin():
    return UserFactory(username="ada", display_name="Ada Admin", email="ada@example.org")


@pytest.fixture
def riverside(admin):
    maths = SubjectFactory(name="Maths", slug="maths")
    group = make_group(
        title="Riverside Home Ed",
        admins=[admin],
        kind=GroupKind.HOME_ED,
        neighbourhood=NeighbourhoodFactory(name="Riverside", slug="riverside"),
        join_policy=JoinPolicy.APPROVAL,
        summary="Muddy walks by the river, then maths round the kitchen table.",
    )
    group.subjects.set([maths])
    group.save()
    GroupMeetingTime.objects.create(
        page=group, weekday=Weekday.TUESDAY, start_time=time(10), end_time=time(12)
    )
    make_group(
        title="Hilltop Free School",
        admins=[UserFactory()],
        kind=GroupKind.FREE_SCHOOL,
        neighbourhood=NeighbourhoodFactory(name="Hilltop", slug="hilltop"),
        min_age=11,
        max_age=16,
    )
    return group


def open_filters(page):
    """On a phone the filters fold into a <details>; wide screens show them open."""
    toggle = page.locator("summary", has_text="Filter groups")
    if toggle.is_visible():
        toggle.click()
    expect(page.get_by_label("Neighbourhood")).to_be_visible()


def test_a_parent_finds_a_group_asks_to_join_and_once_approved_sees_its_members(
    page, server_url, riverside, admin, parent, password
):
    visit(page, f"{server_url}/groups/")
    expect(page.get_by_role("heading", name="2 groups")).to_be_visible()
    open_filters(page)
    page.get_by_label("Neighbourhood").select_option(label="Riverside")
    page.get_by_label("Age of your child").fill("7")
    submit(page, "Show groups")
    assert "neighbourhood=riverside" in page.url
    expect(page.get_by_role("heading", name="1 group", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Hilltop Free School")).to_have_count(0)

    follow(page, "Riverside Home Ed")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Home Ed")
    expect(page.get_by_text("Tuesdays 10:00–12:00")).to_be_visible()
    follow(page, "Log in to join")
    page.get_by_label("Username").fill(parent.username)
    page.get_by_label("Password").fill(password)
    submit(page, "Log in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask to join Riverside Home Ed")
    page.get_by_label("Show my name and email").check()
    page.get_by_label("A note for the group’s admins").fill("Maya is seven and loves rivers.")
    submit(page, "Ask to join")
    expect(page.get_by_text("Your request is with the group’s admins.").first).to_be_visible()
    expect(page.get_by_text("Request pending")).to_be_visible()
    response = page.goto(f"{server_url}{riverside.url}members/")
    assert response.status == 404

    request = Membership.objects.get(group=riverside, user=parent)
    services.decide_membership(membership=request, approve=True, by=admin)

    visit(page, f"{server_url}{riverside.url}")
    expect(page.get_by_text("You are a member of Riverside Home Ed.")).to_be_visible()
    follow(page, "Members’ contact list")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members of Riverside Home Ed")
    row = page.get_by_role("row", name="Pat Parent")
    expect(row).to_contain_text(parent.email)
    expect(page.get_by_text(admin.email)).to_have_count(0)


def test_a_visitor_writes_to_a_group_and_its_admin_approves_a_request_on_the_site(
    page, server_url, riverside, admin, parent, password, viewport
):
    services.join_group(group=riverside, user=parent, message="We live by the river.")
    visit(page, f"{server_url}{riverside.url}")
    follow(page, "Contact the group")
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("Your email address").fill("sam@example.com")
    page.get_by_label("Message").fill("Do you take six year olds?")
    submit(page, "Send message")
    expect(page.get_by_text("Your message is on its way")).to_be_visible()
    assert admin.email not in page.content()

    login(page, server_url, admin.username, password)
    visit(page, f"{server_url}{riverside.url}")
    follow(page, "Manage members and requests")
    expect(page.get_by_text("We live by the river.")).to_be_visible()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= viewport.width, f"The page is {scroll_width}px wide"
    submit(page, "Approve Pat Parent")
    expect(page.get_by_text("Pat Parent is now a member.")).to_be_visible()
    assert Membership.objects.get(group=riverside, user=parent).is_active
