"""A busy group's page lists its courses a page at a time, soonest first, and its first
curricula with the rest a link away in the library; no JavaScript needed."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commons.models import HomePage
from groups.choices import CourseStatus
from groups.templatetags.groups_tags import COURSES_PER_PAGE
from learning.models import CurriculumIndexPage
from learning.templatetags.learning_tags import GROUP_CURRICULA
from tests.factories import at, make_course, make_group, make_session
from tests.learning.builders import make_curriculum

pytestmark = pytest.mark.django_db


def course_titles(response) -> list[str]:
    return re.findall(r'class="course-card__title"><a href="[^"]*">([^<]+)</a>', response.text)


@pytest.fixture
def busy_group():
    """Two more courses than a page: two with sessions to come (Zebra's the sooner), one
    whose sessions are over, the rest with none, and one cancelled course."""
    group = make_group(title="Busy Free School")
    today = timezone.localdate()
    zebra = make_course(group=group, title="Zebra Maths")
    make_session(course=zebra, start=at(today + timedelta(days=2), 10))
    yak = make_course(group=group, title="Yak Art")
    make_session(course=yak, start=at(today + timedelta(days=9), 10))
    make_session(course=yak, start=at(today - timedelta(days=5), 10))
    past = make_course(group=group, title="Aardvark Clay")
    make_session(course=past, start=at(today - timedelta(days=3), 10))
    for number in range(COURSES_PER_PAGE - 1):
        make_course(group=group, title=f"Course {number:02}")
    make_course(group=group, title="Cancelled Course", status=CourseStatus.CANCELLED)
    return group


def test_first_page_lists_courses_with_sessions_to_come_first(client, busy_group):
    response = client.get(busy_group.url)

    titles = course_titles(response)
    assert len(titles) == COURSES_PER_PAGE
    assert titles[:3] == ["Zebra Maths", "Yak Art", "Aardvark Clay"]
    assert "Cancelled Course" not in response.text
    assert f"{COURSES_PER_PAGE + 2} courses running" in response.text
    assert 'href="?page=2"' in response.text


def test_later_page_lists_the_rest_and_links_back(client, busy_group):
    response = client.get(busy_group.url, {"page": 2})

    assert course_titles(response) == [
        f"Course {COURSES_PER_PAGE - 3:02}",
        f"Course {COURSES_PER_PAGE - 2:02}",
    ]
    assert 'href="?page=1"' in response.text
    assert "Showing 13 to 14" in response.text


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999999999999999999"])
def test_a_page_number_out_of_reach_shows_a_page_not_an_error(client, busy_group, page):
    response = client.get(busy_group.url, {"page": page})

    assert response.status_code == 200
    assert len(course_titles(response)) in (2, COURSES_PER_PAGE)


@pytest.mark.parametrize("page", ["0", "-1", "3", "99999999999999999999"])
def test_a_page_below_the_first_or_past_the_last_shows_the_last(client, busy_group, page):
    response = client.get(busy_group.url, {"page": page})

    assert course_titles(response) == [
        f"Course {COURSES_PER_PAGE - 3:02}",
        f"Course {COURSES_PER_PAGE - 2:02}",
    ]
    assert "Showing 13 to 14" in response.text
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2<' in response.text


def test_course_cards_link_to_the_courses_and_say_the_places_left(client, busy_group):
    response = client.get(busy_group.url)

    links = re.findall(r'class="course-card__title"><a href="([^"]*)">Zebra Maths<', response.text)
    assert links == [f"{busy_group.url}zebra-maths/"]
    assert "places left" in response.text


def test_paging_costs_no_more_queries_than_the_first_page(client, busy_group):
    def queries(page) -> int:
        client.get(busy_group.url, {"page": page})
        with CaptureQueriesContext(connection) as captured:
            client.get(busy_group.url, {"page": page})
        return len(captured)

    first = queries("1")
    assert queries("2") == first
    assert queries("0") == first
    assert queries("3") == first + 1  # past the last: the page asked for, then the last


def test_a_group_with_few_courses_shows_no_paging(client):
    group = make_group(title="Small Group")
    make_course(group=group, title="Only Course")

    response = client.get(group.url)

    assert course_titles(response) == ["Only Course"]
    assert "courses running" not in response.text
    assert "Pages of results" not in response.text


def test_many_curricula_link_to_the_rest_in_the_library(client):
    library = CurriculumIndexPage(title="Library", slug="library")
    HomePage.objects.get().add_child(instance=library)
    library.save_revision().publish()
    group = make_group(title="Prolific Group")
    for number in range(GROUP_CURRICULA + 1):
        make_curriculum(group, title=f"Curriculum {number:02}")

    response = client.get(group.url)

    cards = re.findall(r'class="curriculum-card__title"><a href="[^"]*">([^<]+)</a>', response.text)
    assert cards == [f"Curriculum {number:02}" for number in range(GROUP_CURRICULA)]
    assert f'href="{library.url}?group=prolific-group"' in response.text
    assert "All curricula from Prolific Group, in the library" in response.text
    in_library = client.get(library.url, {"group": "prolific-group"})
    assert f"Curriculum {GROUP_CURRICULA:02}" in in_library.text


def test_a_group_with_few_curricula_has_no_library_link(client):
    group = make_group(title="Modest Group")
    make_curriculum(group, title="Just One")

    response = client.get(group.url)

    assert "Just One" in response.text
    assert "in the library" not in response.text
