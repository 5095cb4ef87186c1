"""The site search's order: best match first, the same as the search backend's own ranking.

On SQLite the view ranks in one query of its own (commons/search_ranking.py) instead of
the backend's per-page score; these pin that the order a visitor sees did not change.
"""

import pytest
from wagtail.models import Site

from commons import selectors
from commons.models import HomePage
from commons.views.search import KINDS_BY_SLUG, PER_KIND, PER_PAGE
from tests.commons.test_search import WORD, search, section, standard, titles
from tests.factories import group_index, make_course, make_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def group():
    return make_group(title="Riverside Home Ed", summary=f"Families who learn by the {WORD}.")


def backend_order(kind_slug: str, query: str) -> list[str]:
    """The titles in the order Wagtail's search backend ranks them, for comparison."""
    kind = KINDS_BY_SLUG[kind_slug]
    type_ids = selectors.page_type_ids(list(kind.page_types))
    pages = selectors.searchable_pages(Site.objects.get(), list(type_ids.values()))
    hits = selectors.search_hits(pages, query, excerpt_from=kind.excerpt_from)
    return [page.title for page in hits]


def test_the_grouped_view_shows_the_backends_best_five(client, group):
    make_course(group=group, title="Knitting Circle", summary=f"Bring a {WORD} pattern.")
    make_course(group=group, title=f"The {WORD.title()} Walk", summary="Along the river.")

    courses = titles(section(search(client, q=WORD), "courses"))

    assert courses == backend_order("courses", WORD)[:PER_KIND]
    assert set(courses) == {"Knitting Circle", f"The {WORD.title()} Walk"}


def test_one_kind_page_by_page_follows_the_backends_order(client, group):
    for number in range(PER_PAGE + 4):
        make_course(group=group, title=f"Club {number}", summary=f"A {WORD} club.")
    expected = backend_order("courses", WORD)

    grouped = titles(section(search(client, q=WORD), "courses"))
    first = titles(search(client, q=WORD, type="courses"))
    second = titles(search(client, q=WORD, type="courses", page=2))

    assert grouped == expected[:PER_KIND]
    assert first + second == expected
    assert len(expected) == PER_PAGE + 4


def test_a_kind_of_several_page_types_is_ranked_as_one_list(client, group):
    home = HomePage.objects.get()
    directory = group_index()
    directory.introduction = f"Every {WORD} group in town."
    directory.save_revision().publish()
    standard(home, f"{WORD.title()} Policy", introduction="Our rules.")
    for number in range(PER_KIND):
        standard(home, f"Notes {number}", introduction=f"A long page that mentions {WORD} once.")

    pages = titles(section(search(client, q=WORD), "pages"))

    expected = backend_order("pages", WORD)
    assert pages == expected[:PER_KIND]
    assert {f"{WORD.title()} Policy", "Groups"} <= set(expected)
