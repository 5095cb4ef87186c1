"""The site search: public pages grouped by kind, never anything private, never a 500."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import reverse
from django.utils.text import slugify
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.models import PageViewRestriction

from commons.models import Facility, HomePage, StandardPage
from groups.choices import Role
from groups.models import CoursePage, Membership
from learning.choices import Level, Source
from learning.models import CurriculumIndexPage, CurriculumPage, LearningObjective, ProgressEntry
from tests.factories import (
    LearnerFactory,
    TutorProfileFactory,
    UserFactory,
    group_index,
    make_course,
    make_group,
    make_space,
    space_index,
)
from tests.learning.builders import make_unit

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Stemming and misspelling tolerance come from PostgreSQL full-text search and "
    "pg_trgm; SQLite's FTS5 matches exact words only.",
)

# The word every page in the world below shares, so one search finds all six kinds.
WORD = "wombat"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Query counts and repeated searches must reach the view, not the anonymous page cache.
    settings.PAGE_CACHE_SECONDS = 0


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def draft(parent, page):
    page.live = False
    parent.add_child(instance=page)
    page.save_revision()
    return page


def curriculum(group, title, summary=f"Fractions you can eat, and a {WORD} to share them."):
    return publish(
        group,
        CurriculumPage(title=title, slug=slugify(title), summary=summary, min_age=7, max_age=10),
    )


def standard(parent, title, introduction=f"How the {WORD} commons works."):
    return publish(
        parent, StandardPage(title=title, slug=slugify(title), introduction=introduction)
    )


def search(client, **params):
    response = client.get(reverse("commons:search"), params)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, kind: str) -> str:
    """The HTML of one kind's results, or "" when the page has none."""
    match = re.search(
        rf'<section class="search__section" aria-labelledby="results-{kind}">(.*?)</section>',
        html,
        re.S,
    )
    return match.group(1) if match else ""


def titles(html: str) -> list[str]:
    return re.findall(r'class="search-hit__title"><a href="[^"]*">([^<]*)</a>', html)


@pytest.fixture
def world():
    """One published page of each kind, all mentioning WORD, each with its own excerpt."""
    group = make_group(title="Riverside Home Ed", summary=f"Families who learn by the {WORD}.")
    course = make_course(
        group=group, title="Pond Dipping Club", summary=f"Nets, jars and the pond {WORD}."
    )
    library = curriculum(group, "Fractions in the Kitchen")
    unit = make_unit(library, "Halves and quarters", ["I can share a biscuit fairly."])
    unit.summary = f"Cutting a {WORD} cake in two."
    unit.save_revision().publish()
    space = make_space(title="St Mary's Hall", summary=f"A light hall with a piano and a {WORD}.")
    about = standard(HomePage.objects.get(), "About the commons")
    return {
        "group": group,
        "course": course,
        "curriculum": library,
        "unit": unit,
        "space": space,
        "about": about,
    }


# Found, grouped, with an excerpt


def test_each_kind_is_found_under_its_heading_with_its_excerpt(client, world):
    html = search(client, q=WORD)

    expected = {
        "groups": ("Riverside Home Ed", f"Families who learn by the {WORD}."),
        "courses": ("Pond Dipping Club", f"Nets, jars and the pond {WORD}."),
        "curricula": ("Fractions in the Kitchen", f"Fractions you can eat, and a {WORD}"),
        "units": ("Halves and quarters", f"Cutting a {WORD} cake in two."),
        "spaces": ("St Mary&#x27;s Hall", f"A light hall with a piano and a {WORD}."),
        "pages": ("About the commons", f"How the {WORD} commons works."),
    }
    for kind, (title, excerpt) in expected.items():
        results = section(html, kind)
        assert titles(results) == [title], kind
        assert excerpt in results, kind
    headings = re.findall(r'<h2 class="search__heading" id="results-(\w+)">', html)
    assert headings == list(expected)


def test_results_link_to_the_page_and_name_where_it_sits(client, world):
    html = search(client, q=WORD)

    assert f'href="{world["curriculum"].url}"' in section(html, "curricula")
    assert "Published by Riverside Home Ed" in section(html, "curricula")
    assert "Run by Riverside Home Ed" in section(html, "courses")
    assert "Part of Fractions in the Kitchen" in section(html, "units")


def test_a_search_description_is_the_excerpt_when_there_is_one(client, world):
    space = world["space"]
    space.search_description = "The hall by the church, with a sprung floor."
    space.save_revision().publish()

    assert "with a sprung floor." in section(search(client, q=WORD), "spaces")


def test_words_in_a_units_objectives_and_a_spaces_facilities_are_found(client, world):
    unit = world["unit"]
    unit.objectives.add(LearningObjective(statement="I can halve a marzipan loaf."))
    unit.save_revision().publish()
    space = world["space"]
    space.facilities.add(Facility.objects.create(name="Trampoline", slug="trampoline"))
    space.save_revision().publish()

    assert titles(search(client, q="marzipan")) == ["Halves and quarters"]
    assert titles(search(client, q="trampoline")) == ["St Mary&#x27;s Hall"]


def test_an_excerpt_is_plain_escaped_text_and_cut_short(client, world):
    course = world["course"]
    course.summary = "<script>alert('pwned')</script> " + "pond " * 70
    course.save_revision().publish()

    results = section(search(client, q="pond"), "courses")
    assert "<script>" not in results
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in results
    excerpt = re.search(r'class="search-hit__excerpt">([^<]*)<', results).group(1)
    assert len(excerpt) < 260
    assert excerpt.endswith("…")


def test_the_grouped_view_shows_five_of_a_kind_and_links_to_all_of_them(client, world):
    for number in range(6):
        make_course(group=world["group"], title=f"Pond Club {number}", summary=f"A {WORD} club.")

    courses = section(search(client, q=WORD), "courses")

    assert len(titles(courses)) == 5
    assert "See all 7 courses" in courses
    assert f'href="?q={WORD}&amp;type=courses"' in courses


def test_one_kind_alone_is_shown_a_page_at_a_time(client, world):
    for number in range(24):
        make_course(group=world["group"], title=f"Pond Club {number}", summary=f"A {WORD} club.")

    first = search(client, q=WORD, type="courses")
    second = search(client, q=WORD, type="courses", page=2)

    assert "25 results in courses" in first
    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert not set(titles(first)) & set(titles(second))
    assert "Fractions in the Kitchen" not in first
    # The other kinds stay one link away, with their counts.
    assert f'href="?q={WORD}&amp;type=curricula">Curricula' in first


# Never anything private


def test_unpublished_and_restricted_pages_and_what_is_under_them_are_never_found(client, world):
    home = HomePage.objects.get()
    group = world["group"]
    draft(group, CoursePage(title=f"Draft {WORD} course", slug="draft", summary="Soon."))
    password = standard(home, f"Password {WORD} page")
    PageViewRestriction.objects.create(
        page=password, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    members_only = standard(home, f"Login {WORD} page")
    PageViewRestriction.objects.create(
        page=members_only, restriction_type=PageViewRestriction.LOGIN
    )
    staff_only = standard(home, f"Groups {WORD} page")
    restriction = PageViewRestriction.objects.create(
        page=staff_only, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.create(name="Staff")])
    standard(members_only, f"Child of private {WORD} page")
    hidden_group = make_group(title=f"Hidden {WORD} group", summary=f"A {WORD} group.")
    make_course(group=hidden_group, title=f"Course of hidden {WORD} group", summary=WORD)
    hidden_group.unpublish()

    html = search(client, q=WORD)

    assert sorted(titles(html)) == sorted(
        [
            "About the commons",
            "Fractions in the Kitchen",
            "Halves and quarters",
            "Pond Dipping Club",
            "Riverside Home Ed",
            "St Mary&#x27;s Hall",
        ]
    )
    assert 'Everything <span class="search-kinds__count">(6)</span>' in html


@pytest.mark.parametrize(
    "words",
    [
        "Zephyrine",  # a learner's first name
        "quokkaberries",  # their medical notes
        "07700900461",  # their emergency contact
        "snorkelling",  # a progress entry's note
        "Ottoline",  # a member's display name
        "ottoline.brackenbury@example.org",  # their email
        "Brackenbury",  # the email's parts, as the search splits them
        "harpsichords",  # a request to join's message
        "kumquat7731",  # a space's door code
        "Quillon",  # its key holder
        "tardigrades",  # a tutor's private bio
    ],
)
def test_private_data_is_never_found(client, world, words):
    parent = UserFactory(
        display_name="Ottoline", email="ottoline.brackenbury@example.org", username="otto"
    )
    learner = LearnerFactory(
        name="Zephyrine",
        medical_notes="Allergic to quokkaberries.",
        emergency_contact="Dad on 07700900461",
        guardians=[parent],
    )
    ProgressEntry.objects.create(
        learner=learner,
        objective=LearningObjective.objects.first(),
        level=Level.SECURE,
        source=Source.GUARDIAN,
        recorded_by=parent,
        note="Counted the halves while snorkelling.",
    )
    Membership.objects.create(
        group=world["group"], user=parent, role=Role.PARENT, message="I teach harpsichords."
    )
    TutorProfileFactory(user=parent, bio="I study tardigrades.")
    space = world["space"]
    space.door_code = "kumquat7731"
    space.key_holder = "Quillon at the vicarage"
    space.save_revision().publish()

    html = search(client, q=words)

    assert "Nothing matches" in html
    assert titles(html) == []


def test_a_space_found_never_shows_its_door_code(client, world):
    space = world["space"]
    space.door_code = "kumquat7731"
    space.key_holder = "Quillon at the vicarage"
    space.save_revision().publish()

    html = search(client, q="piano")

    assert titles(html) == ["St Mary&#x27;s Hall"]
    assert "kumquat" not in html
    assert "Quillon" not in html


# Helpful pages, hostile input


def test_an_empty_search_says_what_can_be_searched_and_where_to_browse(client, world):
    group_index()
    space_index()
    html = search(client)

    assert "What you can search" in html
    for kind in ["Groups", "Courses", "Curricula", "Units", "Spaces", "Pages"]:
        assert f"<dt>{kind}</dt>" in html
    assert 'href="/groups/">Groups</a>' in html
    assert 'href="/spaces/">Spaces</a>' in html


def test_a_search_that_finds_nothing_suggests_the_directories(client, world):
    group_index()
    HomePage.objects.get().add_child(instance=CurriculumIndexPage(title="Library", slug="library"))

    html = search(client, q="xylophones")

    assert "Nothing matches “xylophones”" in html
    assert 'href="/groups/">Groups</a>' in html
    assert 'href="/library/">Library</a>' in html


def test_a_search_too_long_is_refused_in_words(client, world):
    html = search(client, q="pond " * 30)

    assert "Keep your search under 100 characters" in html
    assert titles(html) == []


def test_a_search_with_no_letters_or_numbers_is_refused_in_words(client, world):
    html = search(client, q="'\"*%;--()")

    assert "Search with letters or numbers" in html


def test_an_unknown_kind_shows_everything_and_says_so(client, world):
    html = search(client, q=WORD, type="learners")

    assert "There is no “learners” to show" in html
    assert len(titles(html)) == 6


def test_full_width_letters_find_the_same_pages(client, world):
    assert titles(search(client, q="ｐｉａｎｏ")) == ["St Mary&#x27;s Hall"]


HOSTILE = [
    "' OR 1=1 --",
    '"unclosed',
    "a AND OR NOT",
    "NEAR(a b)",
    "*",
    "a*",
    "title:wombat",
    "\\",
    "%_%",
    "(((",
    "a & | ! b",
    "'':*",
    "<script>",
    "\u0000",
    "\ud7ff\ufffd\u200b\u202e",
    "Z̷̢̛a̸l̶g̷o̵",
    "🦘 🦘",
    "x" * 100,
    "a " * 50,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_answers_with_a_page_never_an_error(client, world, query):
    for params in [{"q": query}, {"q": query, "type": "units", "page": "-1"}]:
        assert client.get(reverse("commons:search"), params).status_code == 200


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=120), kind=st.sampled_from(["", "units", "x"]))
def test_any_text_answers_with_a_page(client, world, query, kind):
    response = client.get(reverse("commons:search"), {"q": query, "type": kind, "page": query})
    assert response.status_code == 200


def test_every_page_has_the_search_box_in_its_header(client, world):
    html = client.get("/").content.decode()

    form = re.search(r'<form class="site-search"[^>]*>(.*?)</form>', html, re.S)
    assert form is not None
    assert 'action="/search/"' in form.group(0)
    assert 'role="search"' in form.group(0)
    assert '<label class="visually-hidden" for="site-search-q">' in form.group(1)
    assert 'type="search" id="site-search-q" name="q"' in form.group(1)
    assert '<button class="site-search__button" type="submit">Search</button>' in form.group(1)


# PostgreSQL: stems and misspellings


@on_postgresql
def test_a_misspelling_finds_the_page_and_says_the_words_were_similar(client, world):
    html = search(client, q="fractoins")

    assert titles(section(html, "curricula")) == ["Fractions in the Kitchen"]
    assert "most similar words" in html


@on_postgresql
@pytest.mark.parametrize(
    ("query", "kind", "title"),
    [
        ("halls", "spaces", "St Mary&#x27;s Hall"),
        ("curriculums", "pages", "Curriculum notes"),
        ("spaces", "pages", "Sharing spaces"),
        ("pianos", "spaces", "St Mary&#x27;s Hall"),
    ],
)
def test_plurals_find_the_singular(client, world, query, kind, title):
    home = HomePage.objects.get()
    standard(home, "Curriculum notes", "How to write a curriculum others can adopt.")
    standard(home, "Sharing spaces", "Why the town shares one space between groups.")

    html = search(client, q=query)

    assert title in titles(section(html, kind))
    assert "most similar words" not in html


@on_postgresql
def test_a_misspelling_that_matches_nothing_like_it_still_finds_nothing(client, world):
    assert "Nothing matches" in search(client, q="qwxzvbnmk")


# Queries


def more_of_everything(world, count: int) -> None:
    group = world["group"]
    for number in range(count):
        make_group(title=f"Group {WORD} {number}", summary=f"A {WORD} group.")
        make_course(group=group, title=f"Course {number}", summary=f"A {WORD} course.")
        curriculum(group, f"Curriculum {number}")
        make_unit(world["curriculum"], f"Unit {number}", [f"I can {WORD}."])
        make_space(title=f"Hall {number}", summary=f"A {WORD} hall.")
        standard(HomePage.objects.get(), f"Page {number}")


@pytest.mark.parametrize("params", [{"q": WORD}, {"q": WORD, "type": "units"}])
def test_search_costs_the_same_queries_with_few_or_many_matches(
    client, world, params, django_assert_max_num_queries
):
    # Django caches content types and Wagtail the site's root paths: warm both first.
    search(client, **params)
    with django_assert_max_num_queries(12):
        search(client, **params)

    more_of_everything(world, 8)
    search(client, **params)
    with django_assert_max_num_queries(12):
        html = search(client, **params)
    assert len(titles(html)) >= 9


@on_postgresql
def test_a_misspelt_search_costs_the_same_queries(client, world, django_assert_max_num_queries):
    more_of_everything(world, 8)
    search(client, q="wombta")  # refill what the writes emptied in the shared cache
    with django_assert_max_num_queries(12):
        html = search(client, q="wombta")
    assert len(titles(html)) == 30
