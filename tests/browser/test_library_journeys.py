"""A parent looks for a curriculum in the library by subject and age, opens it and one of
its units, and reads what their child will learn to do."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from commons.models import HomePage
from learning.choices import Licence
from learning.models import CurriculumIndexPage, CurriculumPage, LearningObjective, UnitPage
from tests.browser.axe import check_accessibility, visit
from tests.factories import SubjectFactory, make_group

pytestmark = pytest.mark.django_db(transaction=True)

ACTIVITY = {
    "title": "Pizza fractions",
    "duration_minutes": 40,
    "materials": ["Two paper plates", "Scissors"],
    "steps": ["Draw a pizza on each plate.", "Cut one into halves and one into quarters."],
}


def curriculum(group, title, *, subjects, min_age, max_age, units=(), **fields):
    page = CurriculumPage(
        title=title,
        slug=title.lower().replace(" ", "-"),
        summary=fields.pop("summary", f"{title}, one step at a time."),
        min_age=min_age,
        max_age=max_age,
        suggested_duration="Six weekly sessions of an hour",
        first_published_at=timezone.now(),
        **fields,
    )
    page.subjects = list(subjects)
    group.add_child(instance=page)
    for unit_title, objectives in units:
        unit = UnitPage(title=unit_title, slug=unit_title.lower().replace(" ", "-"))
        unit.objectives = [LearningObjective(statement=s, guidance=g) for s, g in objectives]
        page.add_child(instance=unit)
    return page


@pytest.fixture
def library():
    """A library of three curricula from two groups."""
    home = HomePage.objects.get()
    home.add_child(
        instance=CurriculumIndexPage(
            title="Library",
            slug="library",
            introduction="Curricula the town’s groups teach, free to adopt and adapt.",
        )
    )
    maths = SubjectFactory(name="Maths", slug="maths", code="MA", colour="#1d4e89")
    nature = SubjectFactory(name="Nature study", slug="nature", code="NA", colour="#2f6f4f")
    riverside = make_group(title="Riverside Home Ed")
    hilltop = make_group(title="Hilltop Free School", min_age=11, max_age=16)
    curriculum(
        riverside,
        "Fractions in the Kitchen",
        subjects=[maths],
        min_age=7,
        max_age=10,
        summary="Halves, quarters and recipes you can eat.",
        body=[{"type": "activity", "value": ACTIVITY}],
        units=[
            (
                "Halves and quarters",
                [
                    ("I can cut a pizza into two equal halves.", "Check both halves match."),
                    ("I can find a quarter of a set of biscuits.", "Start with eight biscuits."),
                ],
            ),
            ("Doubling a recipe", [("I can double the amounts in a recipe.", "")]),
        ],
    )
    curriculum(hilltop, "Algebra for Teens", subjects=[maths], min_age=12, max_age=16)
    curriculum(
        riverside,
        "Pond Life",
        subjects=[nature],
        min_age=5,
        max_age=8,
        licence=Licence.CC_BY,
    )


def follow(page, link_name):
    with page.expect_navigation():
        page.get_by_role("link", name=link_name, exact=True).click()
    check_accessibility(page)


def fits_the_screen(page):
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{page.url} is {scroll_width}px wide in {inner_width}px"


def open_filters(page):
    """On a phone the filters fold into a <details>; wide screens show them open."""
    toggle = page.locator("summary", has_text="Filter curricula")
    if toggle.is_visible():
        toggle.click()
    expect(page.get_by_role("combobox", name="Subject")).to_be_visible()


def test_a_parent_filters_the_library_and_reads_a_units_objectives(page, server_url, library):
    blocked = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and blocked.append(message.text),
    )

    visit(page, f"{server_url}/library/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Library")
    expect(page.get_by_role("heading", name="3 curricula")).to_be_visible()
    fits_the_screen(page)

    open_filters(page)
    page.get_by_role("combobox", name="Subject").select_option(label="Maths")
    page.get_by_label("Age of your child").fill("8")
    with page.expect_navigation():
        page.get_by_role("button", name="Show curricula").click()
    check_accessibility(page)
    assert "subject=maths" in page.url and "age=8" in page.url
    expect(page.get_by_role("heading", name="1 curriculum", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Algebra for Teens")).to_have_count(0)
    expect(page.get_by_role("link", name="Pond Life")).to_have_count(0)
    card = page.locator(".curriculum-card")
    expect(card).to_contain_text("From Riverside Home Ed")
    expect(card.get_by_role("list", name="Subjects")).to_contain_text("Maths")
    fits_the_screen(page)

    follow(page, "Fractions in the Kitchen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fractions in the Kitchen")
    expect(page.get_by_role("link", name="Riverside Home Ed")).to_be_visible()
    expect(page.get_by_text("Takes about 40 minutes")).to_be_visible()
    units = page.locator(".unit-list__item")
    expect(units).to_have_count(2)
    expect(units.first).to_contain_text("2 objectives")
    expect(units.first).to_contain_text("I can cut a pizza into two equal halves.")
    expect(page.locator(".credit")).to_contain_text("is licensed under CC BY-SA 4.0")
    fits_the_screen(page)

    follow(page, "Halves and quarters")
    expect(page.get_by_role("heading", level=1)).to_have_text("Halves and quarters")
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text(
        "Fractions in the Kitchen"
    )
    objectives = page.locator(".objective-list__statement")
    expect(objectives).to_have_text(
        ["I can cut a pizza into two equal halves.", "I can find a quarter of a set of biscuits."]
    )
    expect(page.get_by_text("Check both halves match.")).to_be_hidden()
    page.get_by_text("Notes for tutors").first.click()
    expect(page.get_by_text("Check both halves match.")).to_be_visible()
    check_accessibility(page)
    fits_the_screen(page)

    follow(page, "Next unit Doubling a recipe")
    expect(page.get_by_role("heading", level=1)).to_have_text("Doubling a recipe")
    expect(page.locator(".objective-list__statement")).to_have_text(
        ["I can double the amounts in a recipe."]
    )
    assert not blocked, blocked
