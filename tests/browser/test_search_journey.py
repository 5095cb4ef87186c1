"""A visitor searches for a curriculum from the header, finds it under "Curricula" with
its excerpt, and follows the link to it: on a phone and on a desktop."""

import pytest
from django.utils.text import slugify
from playwright.sync_api import expect

from commons.models import HomePage, StandardPage
from learning.models import CurriculumIndexPage, CurriculumPage
from tests.browser.axe import check_accessibility, visit
from tests.factories import make_course, make_group, make_space

pytestmark = pytest.mark.django_db(transaction=True)


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def commons():
    """A small commons where "fractions" appears in a curriculum, a course and a page."""
    home = HomePage.objects.get()
    publish(home, CurriculumIndexPage(title="Library", slug="library"))
    riverside = make_group(title="Riverside Home Ed")
    for title, summary in [
        ("Fractions in the Kitchen", "Halves, quarters and recipes you can eat."),
        ("Pond Life", "What lives in the village pond, and why."),
    ]:
        publish(
            riverside,
            CurriculumPage(
                title=title, slug=slugify(title), summary=summary, min_age=7, max_age=10
            ),
        )
    make_course(group=riverside, title="Kitchen Maths", summary="Fractions while we bake.")
    make_space(title="St Mary's Hall")
    publish(
        home,
        StandardPage(
            title="About the commons",
            slug="about",
            introduction="How groups share halls, tutors and curricula about fractions and more.",
        ),
    )


def fits_the_screen(page):
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{page.url} is {scroll_width}px wide in {inner_width}px"


def test_a_visitor_finds_a_curriculum_from_the_header_search(page, server_url, commons):
    visit(page, f"{server_url}/")
    header_search = page.get_by_role("search", name="Site")
    box = header_search.get_by_role("searchbox", name="Search the commons")
    # Reachable straight away on a phone too: not folded into the menu.
    expect(box).to_be_visible()
    fits_the_screen(page)

    box.fill("fractions")
    with page.expect_navigation():
        header_search.get_by_role("button", name="Search").click()
    check_accessibility(page)
    fits_the_screen(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Search results for “fractions”")
    curricula = page.get_by_role("region", name="Curricula")
    expect(curricula.get_by_role("link")).to_have_text(["Fractions in the Kitchen"])
    expect(curricula).to_contain_text("Halves, quarters and recipes you can eat.")
    expect(curricula).to_contain_text("Published by Riverside Home Ed")
    expect(page.get_by_role("region", name="Courses")).to_contain_text("Kitchen Maths")
    expect(page.get_by_role("region", name="Pages")).to_contain_text("About the commons")
    expect(page.get_by_role("link", name="Pond Life")).to_have_count(0)

    with page.expect_navigation():
        curricula.get_by_role("link", name="Fractions in the Kitchen").click()
    check_accessibility(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Fractions in the Kitchen")
    assert page.url == f"{server_url}/groups/riverside-home-ed/fractions-in-the-kitchen/"


def test_a_visitor_narrows_the_results_to_one_kind_and_finds_nothing_helpfully(
    page, server_url, commons
):
    visit(page, f"{server_url}/search/?q=fractions")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Kinds of result").get_by_role(
            "link", name="Courses (1)"
        ).click()
    check_accessibility(page)
    expect(page.get_by_role("heading", name="1 result in courses")).to_be_visible()
    expect(page.get_by_role("link", name="Kitchen Maths")).to_be_visible()
    expect(page.get_by_role("link", name="Fractions in the Kitchen")).to_have_count(0)

    search_again = page.get_by_role("search", name="Search again")
    search_again.get_by_role("searchbox").fill("xylophones")
    with page.expect_navigation():
        search_again.get_by_role("button", name="Search").click()
    check_accessibility(page)
    expect(page.get_by_text("Nothing matches “xylophones”.")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Library").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Library")
