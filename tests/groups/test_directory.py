"""The directory of groups: its filters, pages of results, mistakes in the query string and
its query count."""

import html
import re
from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from groups.choices import GroupKind, Weekday
from groups.models import GroupMeetingTime, GroupPage
from tests.factories import NeighbourhoodFactory, SubjectFactory, group_index, make_group

pytestmark = pytest.mark.django_db

DIRECTORY = "/groups/"


def titles(response) -> list[str]:
    return [group.title for group in response.context["results"]]


def text(response) -> str:
    """The page's words, without tags, as a reader sees them."""
    content = response.content.decode()
    main = content[content.index("<main") :]
    return re.sub(r"\s+", " ", html.unescape(strip_tags(main)))


def meets(group, *days, start=time(10), end=time(12)):
    for day in days:
        GroupMeetingTime.objects.create(page=group, weekday=day, start_time=start, end_time=end)


def quick_group(title: str, **fields) -> GroupPage:
    """A published group without its CMS corner: enough for the directory, and fast."""
    defaults = {"kind": GroupKind.CLUB, "summary": f"{title} meets weekly.", "min_age": 5}
    return group_index().add_child(instance=GroupPage(title=title, **{**defaults, **fields}))


@pytest.fixture
def town():
    """Three groups that differ in every way the directory filters by."""
    riverside = NeighbourhoodFactory(name="Riverside", slug="riverside")
    hilltop = NeighbourhoodFactory(name="Hilltop", slug="hilltop")
    maths = SubjectFactory(name="Maths", slug="maths")
    science = SubjectFactory(name="Science", slug="science")
    music = SubjectFactory(name="Music", slug="music")
    home_ed = make_group(
        title="Riverside Home Ed",
        kind=GroupKind.HOME_ED,
        neighbourhood=riverside,
        min_age=5,
        max_age=11,
        summary="Muddy walks by the river, then maths round the kitchen table.",
    )
    home_ed.subjects.set([maths])
    home_ed.save()
    meets(home_ed, Weekday.TUESDAY)
    school = make_group(
        title="Hilltop Free School",
        kind=GroupKind.FREE_SCHOOL,
        neighbourhood=hilltop,
        min_age=11,
        max_age=16,
        accepting_members=False,
        summary="A small secondary run by teachers and parents.",
    )
    school.subjects.set([science])
    school.save()
    meets(school, Weekday.MONDAY, Weekday.WEDNESDAY)
    club = make_group(
        title="Saturday Music Club",
        kind=GroupKind.CLUB,
        neighbourhood=riverside,
        min_age=8,
        max_age=16,
        summary="Bring an instrument, or borrow one.",
    )
    club.subjects.set([music])
    club.save()
    meets(club, Weekday.SATURDAY)
    return {"riverside": riverside, "maths": maths}


def test_the_directory_lists_every_live_public_group_by_title(client, town):
    draft = quick_group("Draft Group")
    draft.unpublish()
    private = quick_group("Private Group")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    assert titles(response) == ["Hilltop Free School", "Riverside Home Ed", "Saturday Music Club"]
    assert "3 groups" in text(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=club", ["Saturday Music Club"]),
        ("neighbourhood=riverside", ["Riverside Home Ed", "Saturday Music Club"]),
        ("age=6", ["Riverside Home Ed"]),
        ("age=11", ["Hilltop Free School", "Riverside Home Ed", "Saturday Music Club"]),
        ("age=14", ["Hilltop Free School", "Saturday Music Club"]),
        ("subject=maths", ["Riverside Home Ed"]),
        ("day=0", ["Hilltop Free School"]),
        ("day=2", ["Hilltop Free School"]),
        ("day=4", []),
        ("accepting=on", ["Riverside Home Ed", "Saturday Music Club"]),
        ("q=muddy", ["Riverside Home Ed"]),
        ("q=INSTRUMENT", ["Saturday Music Club"]),
        ("q=hilltop", ["Hilltop Free School"]),
        ("q=river+maths", ["Riverside Home Ed"]),
    ],
)
def test_each_filter_narrows_the_directory(client, town, query, expected):
    response = client.get(f"{DIRECTORY}?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_filters_combine(client, town):
    query = "neighbourhood=riverside&age=9&accepting=on"
    assert titles(client.get(f"{DIRECTORY}?{query}")) == [
        "Riverside Home Ed",
        "Saturday Music Club",
    ]
    assert titles(client.get(f"{DIRECTORY}?{query}&day=1")) == ["Riverside Home Ed"]
    assert titles(client.get(f"{DIRECTORY}?{query}&day=1&subject=music")) == []


def test_a_group_meeting_twice_on_a_day_is_listed_once(client, town):
    school = GroupPage.objects.get(title="Hilltop Free School")
    meets(school, Weekday.MONDAY, start=time(14), end=time(15))
    assert titles(client.get(f"{DIRECTORY}?day=0")) == ["Hilltop Free School"]


def test_a_card_shows_what_a_parent_compares_groups_by(client, town):
    home_ed = GroupPage.objects.get(title="Riverside Home Ed")
    home_ed.logo = Image.objects.create(title="Otter", file=get_test_image_file())
    home_ed.save()
    meets(home_ed, Weekday.THURSDAY)
    response = client.get(DIRECTORY)
    words = text(response)
    assert "Riverside Home Ed" in words
    assert "Home-education network" in words
    assert "Ages 5 to 11" in words
    assert "Tuesdays and Thursdays" in words
    assert "Maths" in words
    assert "Accepting new members" in words
    assert "Full" in words  # the free school
    assert 'alt="Logo of Riverside Home Ed"' in response.content.decode()
    assert f'href="{home_ed.url}"' in response.content.decode()


def test_pages_of_results_keep_the_filters(client):
    for number in range(14):
        quick_group(f"Club {number:02}", kind=GroupKind.CLUB)
    quick_group("A Co-op", kind=GroupKind.PARENT_COOP)
    response = client.get(f"{DIRECTORY}?kind=club")
    assert len(titles(response)) == 12
    assert "14 groups" in text(response)
    content = response.content.decode()
    assert 'href="?kind=club&amp;page=2"' in content
    second = client.get(f"{DIRECTORY}?kind=club&page=2")
    assert titles(second) == ["Club 12", "Club 13"]
    assert 'href="?kind=club&amp;page=1"' in second.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("age=abc", "Enter an age in years, for example 7."),
        ("age=-3", "Enter an age of 0 or more."),
        ("neighbourhood=atlantis", "We don’t know that one: choose from the list."),
        ("neighbourhood=999", "We don’t know that one: choose from the list."),
        ("subject=alchemy", "We don’t know that one: choose from the list."),
        ("day=9", "We don’t know that one: choose from the list."),
        ("kind=castle", "We don’t know that one: choose from the list."),
    ],
)
def test_a_mistake_in_the_filters_is_explained_not_an_error(client, town, query, message):
    response = client.get(f"{DIRECTORY}?{query}&accepting=on")
    assert response.status_code == 200
    assert message in text(response)
    assert 'role="alert"' in response.content.decode()
    # The filters that made sense still apply.
    assert titles(response) == ["Riverside Home Ed", "Saturday Music Club"]


@pytest.mark.parametrize("page", ["abc", "0", "999", "-1"])
def test_a_page_number_out_of_range_still_shows_results(client, town, page):
    response = client.get(f"{DIRECTORY}?page={page}")
    assert response.status_code == 200
    assert len(titles(response)) == 3


def test_no_matches_suggests_widening_the_filters(client, town):
    response = client.get(f"{DIRECTORY}?kind=club&age=5")
    words = text(response)
    assert "0 groups" in words
    assert "No groups match all of these filters." in words
    assert "Try widening them" in words
    assert '<a href="/groups/">clear filters</a>' in response.content.decode()


def test_the_filters_work_without_javascript_in_a_folding_get_form(client, town):
    content = client.get(f"{DIRECTORY}?kind=club").content.decode()
    assert '<details class="directory__filters">' in content
    assert 'method="get" action="/groups/"' in content
    assert "(1 set)" in content
    assert "<script" not in content


def _add_groups(count: int, *, subject, neighbourhood) -> None:
    first = GroupPage.objects.count()
    new = [
        quick_group(f"Group {number:04}", neighbourhood=neighbourhood)
        for number in range(first, first + count)
    ]
    GroupMeetingTime.objects.bulk_create(
        GroupMeetingTime(page=group, weekday=Weekday.TUESDAY, start_time=time(9), end_time=time(11))
        for group in new
    )
    through = GroupPage.subjects.through
    through.objects.bulk_create(through(grouppage=group, subject=subject) for group in new)


def _queries(client, url: str) -> int:
    client.get(url)  # makes the logo's rendition once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


FILTERED = "?q=group&subject=maths&day=1&age=7&neighbourhood=riverside&accepting=on"


def test_the_directory_costs_the_same_queries_with_6_groups_as_with_600(client):
    riverside = NeighbourhoodFactory(name="Riverside", slug="riverside")
    maths = SubjectFactory(name="Maths", slug="maths")
    logo = Image.objects.create(title="Aardvark", file=get_test_image_file())
    quick_group("Aardvark Group", neighbourhood=riverside, logo=logo)
    _add_groups(5, subject=maths, neighbourhood=riverside)
    with_six = [_queries(client, DIRECTORY), _queries(client, DIRECTORY + FILTERED)]

    _add_groups(594, subject=maths, neighbourhood=riverside)
    assert GroupPage.objects.count() == 600
    response = client.get(DIRECTORY + FILTERED)
    assert "599 groups" in text(response)
    assert len(titles(response)) == 12
    with_six_hundred = [_queries(client, DIRECTORY), _queries(client, DIRECTORY + FILTERED)]

    assert with_six == with_six_hundred
    assert max(with_six) <= 20
