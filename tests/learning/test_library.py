"""The library of curricula: its filters, search, sort and pages, mistakes in the query
string, what a card shows, and its query count."""

import html
import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags
from wagtail.models import PageViewRestriction

from learning.choices import Licence
from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db

LIBRARY = "/library/"


def titles(response) -> list[str]:
    return [curriculum.title for curriculum in response.context["results"]]


def text(response) -> str:
    """The page's words, without tags, as a reader sees them."""
    content = response.content.decode()
    main = content[content.index("<main") :]
    return re.sub(r"\s+", " ", html.unescape(strip_tags(main)))


@pytest.fixture
def subjects(db):
    return {
        "maths": SubjectFactory(name="Maths", slug="maths", code="MA", colour="#1d4e89"),
        "nature": SubjectFactory(name="Nature study", slug="nature", code="NA", colour="#2f6f4f"),
        "music": SubjectFactory(name="Music", slug="music", code="MU", colour="#6b2d5c"),
    }


@pytest.fixture
def town(library, subjects, new_group, new_curriculum):
    """Three curricula from two groups that differ in everything the library filters by."""
    riverside = new_group("Riverside Home Ed")
    hilltop = new_group("Hilltop Free School")
    new_curriculum(
        riverside,
        "Fractions in the Kitchen",
        subjects=[subjects["maths"]],
        min_age=7,
        max_age=10,
        summary="Hands-on halves, quarters and recipes you can eat.",
        days_old=30,
    )
    new_curriculum(
        riverside,
        "Pond Life",
        subjects=[subjects["nature"]],
        min_age=5,
        max_age=8,
        licence=Licence.CC_BY,
        summary="Hands-on pond dipping, tadpoles and a field notebook.",
        days_old=10,
    )
    new_curriculum(
        hilltop,
        "Songs in Rounds",
        subjects=[subjects["music"], subjects["maths"]],
        min_age=9,
        max_age=14,
        licence=Licence.ALL_RIGHTS_RESERVED,
        summary="Hands-on singing in parts, counting beats and writing a round.",
        days_old=20,
    )
    return {"riverside": riverside, "hilltop": hilltop}


def test_the_library_lists_every_live_public_curriculum_newest_first(client, town, new_curriculum):
    new_curriculum(town["riverside"], "Draft Knitting", live=False)
    private = new_curriculum(town["hilltop"], "Staff Only Chemistry")
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    response = client.get(LIBRARY)

    assert response.status_code == 200
    assert titles(response) == ["Pond Life", "Songs in Rounds", "Fractions in the Kitchen"]
    assert "3 curricula" in text(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("subject=maths", ["Songs in Rounds", "Fractions in the Kitchen"]),
        ("subject=nature", ["Pond Life"]),
        ("age=5", ["Pond Life"]),
        ("age=8", ["Pond Life", "Fractions in the Kitchen"]),
        ("age=10", ["Songs in Rounds", "Fractions in the Kitchen"]),
        ("age=15", []),
        ("group=hilltop-free-school", ["Songs in Rounds"]),
        ("group=riverside-home-ed", ["Pond Life", "Fractions in the Kitchen"]),
        ("licence=cc-by-4.0", ["Pond Life"]),
        ("licence=all-rights-reserved", ["Songs in Rounds"]),
        ("licence=cc-by-sa-4.0", ["Fractions in the Kitchen"]),
    ],
)
def test_each_filter_narrows_the_library(client, town, query, expected):
    response = client.get(f"{LIBRARY}?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=tadpoles", ["Pond Life"]),
        ("q=RECIPES", ["Fractions in the Kitchen"]),
        ("q=kitchen", ["Fractions in the Kitchen"]),
        ("q=singing+beats", ["Songs in Rounds"]),
        ("q=tadpoles+beats", []),
        ("q=volcano", []),
    ],
)
def test_search_finds_curricula_by_words_in_their_title_or_summary(client, town, query, expected):
    response = client.get(f"{LIBRARY}?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_search_applies_to_the_filtered_curricula(client, town):
    assert titles(client.get(f"{LIBRARY}?q=counting&subject=maths")) == ["Songs in Rounds"]
    assert titles(client.get(f"{LIBRARY}?q=counting&subject=nature")) == []
    assert titles(client.get(f"{LIBRARY}?q=counting&group=riverside-home-ed")) == []
    assert titles(client.get(f"{LIBRARY}?q=counting&age=12&licence=all-rights-reserved")) == [
        "Songs in Rounds"
    ]


def test_filters_combine(client, town):
    assert titles(client.get(f"{LIBRARY}?subject=maths&age=8")) == ["Fractions in the Kitchen"]
    assert titles(client.get(f"{LIBRARY}?subject=maths&age=8&group=hilltop-free-school")) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Pond Life", "Songs in Rounds", "Fractions in the Kitchen"]),
        ("sort=newest", ["Pond Life", "Songs in Rounds", "Fractions in the Kitchen"]),
        ("sort=title", ["Fractions in the Kitchen", "Pond Life", "Songs in Rounds"]),
        ("sort=title&subject=maths", ["Fractions in the Kitchen", "Songs in Rounds"]),
        ("sort=title&q=recipes", ["Fractions in the Kitchen"]),
        ("q=hands", ["Pond Life", "Songs in Rounds", "Fractions in the Kitchen"]),
        ("sort=newest&q=hands", ["Pond Life", "Songs in Rounds", "Fractions in the Kitchen"]),
        ("sort=title&q=hands", ["Fractions in the Kitchen", "Pond Life", "Songs in Rounds"]),
    ],
)
def test_curricula_sort_by_newest_or_title_with_or_without_search(client, town, query, expected):
    assert titles(client.get(f"{LIBRARY}?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("age=seven", "Enter an age in years, for example 7."),
        ("age=-1", "Enter an age of 0 or more."),
        ("age=300", "Enter an age below 100."),
        ("subject=alchemy", "We don’t know that one: choose from the list."),
        ("group=nobody", "We don’t know that one: choose from the list."),
        ("licence=gpl", "We don’t know that one: choose from the list."),
        ("sort=shoe-size", "We don’t know that one: choose from the list."),
        ("q=" + "x" * 101, "Ensure this value has at most 100 characters"),
    ],
)
def test_a_mistake_in_the_query_says_what_is_wrong_and_still_lists_curricula(
    client, town, query, message
):
    response = client.get(f"{LIBRARY}?{query}")
    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert message in text(response)
    assert len(titles(response)) == 3


def test_a_mistake_leaves_the_other_filters_working(client, town):
    response = client.get(f"{LIBRARY}?age=seven&subject=nature")
    assert response.status_code == 200
    assert titles(response) == ["Pond Life"]


@pytest.mark.parametrize(
    "words",
    ['"', "'", "*", "-", "(", "AND", "OR NOT", "NEAR(a b)", "col:val", "a AND (b OR", "ünïcödé"],
)
def test_search_words_that_mean_something_to_the_search_engine_never_fail(client, town, words):
    response = client.get(LIBRARY, {"q": words})
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["q", "subject", "age", "group", "licence", "sort", "page"])
def test_a_null_character_in_any_parameter_never_fails(client, town, name):
    """PostgreSQL refuses NUL in text: it must never reach a query."""
    assert client.get(f"{LIBRARY}?{name}=a%00b").status_code == 200


@pytest.mark.parametrize("number", ["2", "999", "abc", "-1", ""])
def test_any_page_number_answers(client, town, number):
    response = client.get(f"{LIBRARY}?page={number}")
    assert response.status_code == 200
    assert len(titles(response)) == 3


def test_twelve_curricula_a_page_and_the_links_keep_the_filters(
    client, library, subjects, new_group, new_curriculum
):
    group = new_group("Riverside Home Ed")
    for n in range(14):
        new_curriculum(group, f"Maths Trail {n:02}", subjects=[subjects["maths"]])
    new_curriculum(group, "Birdsong", subjects=[subjects["music"]])

    first = client.get(f"{LIBRARY}?subject=maths&sort=title")
    assert titles(first) == [f"Maths Trail {n:02}" for n in range(12)]
    assert "14 curricula" in text(first)
    content = first.content.decode()
    assert 'href="?subject=maths&amp;sort=title&amp;page=2" rel="next"' in content

    second = client.get(f"{LIBRARY}?subject=maths&sort=title&page=2")
    assert titles(second) == ["Maths Trail 12", "Maths Trail 13"]
    assert 'href="?subject=maths&amp;sort=title&amp;page=1" rel="prev"' in second.content.decode()


def test_the_form_keeps_what_the_visitor_chose(client, town):
    response = client.get(f"{LIBRARY}?subject=maths&age=8&sort=title&q=kitchen")
    content = response.content.decode()
    assert '<option value="maths" selected>Maths</option>' in content
    assert 'value="8"' in content
    assert '<option value="title" selected>' in content
    assert 'value="kitchen"' in content
    assert "Filter curricula (3 set)" in text(response)  # the sort is not a filter


def test_the_group_filter_offers_the_live_groups(client, town, new_group):
    new_group("Closed Group").unpublish()
    options = client.get(LIBRARY).context["filters"].form.fields["group"].queryset
    assert [group.title for group in options] == ["Hilltop Free School", "Riverside Home Ed"]


@pytest.mark.parametrize("query", ["", "?group=riverside-home-ed", "?group=%3Cb%3E"])
def test_the_group_choices_render_as_djangos_own_select_does(client, town, new_group, query):
    new_group("Tom & Jerry's <Club>")
    form = client.get(f"{LIBRARY}{query}").context["filters"].form
    ours = str(form["group"])
    field = form.fields["group"]
    field.widget = forms.Select(choices=field.widget.choices, attrs=field.widget.attrs)
    assert ours == str(form["group"])
    assert "Tom &amp; Jerry&#x27;s &lt;Club&gt;" in ours


def test_no_match_suggests_widening_the_filters(client, town):
    response = client.get(f"{LIBRARY}?subject=nature&age=14")
    words = text(response)
    assert "0 curricula" in words
    assert "No curricula match all of these filters." in words
    assert "Try widening them" in words
    assert 'href="/library/">clear filters</a>' in response.content.decode()


def test_an_empty_library_says_so(client, library):
    assert "No curricula are published yet." in text(client.get(LIBRARY))


def test_a_card_shows_what_a_parent_compares_curricula_by(client, town, new_curriculum, subjects):
    original = town["hilltop"].get_children().get(title="Songs in Rounds").specific
    new_curriculum(
        town["riverside"],
        "Rounds for Little Ones",
        subjects=[subjects["music"]],
        min_age=6,
        max_age=6,
        suggested_duration="",
        adapted_from=original,
        days_old=1,
    )
    response = client.get(f"{LIBRARY}?subject=music")
    content = response.content.decode()
    card = content.split('<li class="card curriculum-card">')[1].split("</li>\n</ul>")[0]
    # The newest, the adaptation, comes first.
    assert '<a href="/groups/riverside-home-ed/rounds-for-little-ones/">' in card
    assert "From Riverside Home Ed" in card
    assert 'data-subject="MU"' in card
    assert 'fill="#6b2d5c"' in card
    assert "<dt>Ages</dt><dd>6</dd>" in card
    assert "Duration" not in card
    assert "<dt>Licence</dt><dd>CC BY-SA 4.0 (share alike)</dd>" in card
    assert "Adapted from “Songs in Rounds”" in card

    other = content.split('<li class="card curriculum-card">')[2]
    assert "From Hilltop Free School" in other
    assert "<dt>Ages</dt><dd>9 to 14</dd>" in other
    assert "<dt>Duration</dt><dd>Six weekly sessions of an hour</dd>" in other
    assert "<dt>Licence</dt><dd>All rights reserved</dd>" in other
    assert "Adapted from" not in other


def test_the_library_uses_no_inline_styles(client, town):
    """The Content-Security-Policy forbids style attributes: colours come by other means."""
    assert " style=" not in client.get(LIBRARY).content.decode()


def count_queries(client, url: str) -> int:
    client.get(url)  # refill what a write emptied: the menu, settings, private sections
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert titles(response), "measure a page that lists curricula"
    return len(queries)


@pytest.mark.parametrize(
    "query", ["", "?subject=maths&age=8", "?q=sessions&sort=title", "?group=g-1&licence=cc-by-4.0"]
)
def test_the_query_count_does_not_grow_with_the_number_of_curricula(
    client, library, subjects, new_group, new_curriculum, query
):
    groups = [new_group(f"G {n}") for n in range(3)]
    made = []

    def add_curricula(count: int):
        for _ in range(count):
            n = len(made)
            made.append(
                new_curriculum(
                    groups[n % 3],
                    f"Curriculum {n}",
                    subjects=[subjects["maths"], subjects["music"]],
                    licence=Licence.CC_BY if n % 2 else Licence.CC_BY_SA,
                    adapted_from=made[0] if made and n % 3 == 0 else None,
                )
            )

    add_curricula(3)
    url = f"{LIBRARY}{query}"
    count_queries(client, url)  # warm the caches (site root paths, content types)
    with_three = count_queries(client, url)
    add_curricula(27)
    with_thirty = count_queries(client, url)
    assert with_thirty == with_three, (with_three, with_thirty)
