"""The lean tracker pages (issue 9): the learner's page and the guardian's dashboard show
each followed curriculum unit by unit in counts; each unit's objectives, the learner's
self-assessment and a guardian's home observation are on the unit's own page; a
curriculum to follow is found by searching the library a page at a time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commons.choices import RecordPage
from commons.models import LearnerRecordView
from learning import tracker
from learning.choices import Level, Source
from learning.models import ProgressEntry, UnitPage
from learning.views import FOLLOW_PAGE_SIZE
from tests.learning.builders import make_curriculum, make_unit
from tests.learning.progress_builders import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(child):
    return make_world(learners=[child])


def units_of(curriculum) -> list[UnitPage]:
    return list(UnitPage.objects.child_of(curriculum).order_by("path"))


def unit_url(learner, unit) -> str:
    return reverse("learning:learner_unit", args=[learner.pk, unit.pk])


def follow_url(learner) -> str:
    return reverse("learning:guardian_follow", args=[learner.pk])


# The summaries


def test_the_summaries_count_each_unit_and_list_no_objective(
    world, child, child_login, parent, client_for
):
    first, second = units_of(world.curriculum)
    for objective in first.objectives.all():
        tracker.record_entry(
            learner=child,
            objective=objective,
            level=Level.SECURE,
            source=Source.TUTOR,
            by=world.tutor,
        )
    own = second.objectives.first()
    tracker.record_entry(
        learner=child, objective=own, level=Level.MASTERED, source=Source.SELF, by=child_login
    )

    mine = client_for(child_login).get(reverse("learning:learner_page", args=[child.pk]))
    theirs = client_for(parent).get(reverse("learning:guardian_dashboard", args=[child.pk]))

    for response in (mine, theirs):
        html = response.content.decode()
        assert f'href="{unit_url(child, first)}"' in html
        assert f'href="{unit_url(child, second)}"' in html
        assert own.statement not in html.split("What changed recently")[0]
        assert "<option" not in html  # no list of every objective or curriculum
    assert "you've got 3 of 3; you say 0." in mine.content.decode()
    assert "you've got 0 of 3; you say 1." in mine.content.decode()
    # The first unit is done, so the second is up next.
    assert mine.content.decode().split("Up next")[0].count(second.title) == 1


def test_a_retired_objective_and_a_draft_unit_are_not_counted(world, child, parent, client_for):
    first, _ = units_of(world.curriculum)
    make_unit(world.curriculum, "Not ready yet", ["I can wait."], publish=False)
    retired = first.objectives.first()
    retired.retired = True
    retired.save()

    [summary] = tracker.progress_summary(child).curricula

    assert [(unit.title, unit.total) for unit in summary.units] == [
        ("Halves and quarters", 2),
        ("Doubling a recipe", 3),
    ]


# A unit's page


def test_the_unit_page_shows_each_objective_and_lets_the_learner_say(
    world, child, child_login, client_for
):
    unit = units_of(world.curriculum)[0]
    response = client_for(child_login).get(unit_url(child, unit))

    assert response.status_code == 200
    html = response.content.decode()
    for objective in unit.objectives.all():
        assert objective.statement in html
        assert reverse("learning:self_assess", args=[child.pk, objective.pk]) in html
    assert "Add something you saw at home" not in html


def test_a_self_assessment_goes_back_to_the_units_page(world, child, child_login, client_for):
    unit = units_of(world.curriculum)[1]
    objective = unit.objectives.first()
    response = client_for(child_login).post(
        reverse("learning:self_assess", args=[child.pk, objective.pk]), {"level": Level.SECURE}
    )
    assert response["Location"] == f"{unit_url(child, unit)}#objective-{objective.pk}"


def test_a_guardian_observes_on_the_units_page_and_comes_back_to_it(
    world, child, parent, client_for
):
    unit = units_of(world.curriculum)[1]
    objective = unit.objectives.last()
    client = client_for(parent)
    form = client.get(unit_url(child, unit)).context["observation_form"]
    assert [label for value, label in form.fields["objective"].choices if value] == [
        o.statement for o in unit.objectives.order_by("sort_order")
    ]

    response = client.post(
        reverse("learning:guardian_observe", args=[child.pk]),
        {"objective": objective.pk, "level": Level.SECURE, "note": "Halved the flour"},
    )

    assert response["Location"] == f"{unit_url(child, unit)}#objective-{objective.pk}"
    entry = ProgressEntry.objects.get()
    assert (entry.objective, entry.source, entry.note) == (
        objective,
        Source.GUARDIAN,
        "Halved the flour",
    )
    assert "Halved the flour" not in client.get(unit_url(child, unit)).content.decode()


@pytest.mark.parametrize("objective", ["", "abc", "999999", "other"])
def test_an_observation_on_no_followed_objective_says_so_and_saves_nothing(
    world, child, parent, client_for, objective
):
    if objective == "other":
        other = make_curriculum(world.group, title="Knots and Nets")
        objective = units_of(other)[0].objectives.first().pk
    response = client_for(parent).post(
        reverse("learning:guardian_observe", args=[child.pk]),
        {"objective": objective, "level": Level.SECURE},
    )
    assert response.status_code == 400
    assert "Choose the objective you saw on the page of one of Maya" in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_a_unit_not_followed_or_not_published_answers_404(
    world, child, child_login, stranger, client_for
):
    other = units_of(make_curriculum(world.group, title="Knots and Nets"))[0]
    draft = make_unit(world.curriculum, "Not ready yet", ["I can wait."], publish=False)
    client = client_for(child_login)
    assert client.get(unit_url(child, other)).status_code == 404
    assert client.get(unit_url(child, draft)).status_code == 404
    assert (
        client.get(f"{reverse('learning:learner_page', args=[child.pk])}units/0/").status_code
        == 404
    )
    own = units_of(world.curriculum)[0]
    assert client_for(stranger).get(unit_url(child, own)).status_code == 404


def test_a_tutor_opening_a_unit_page_is_in_the_childs_log(world, child, client_for):
    unit = units_of(world.curriculum)[0]
    assert client_for(world.tutor).get(unit_url(child, unit)).status_code == 200
    view = LearnerRecordView.objects.get()
    assert (view.page, view.role_words) == (RecordPage.LEARNER_UNIT, "tutor at Riverside Home Ed")


def test_the_unit_page_costs_the_same_queries_however_long_the_history(
    world, child, child_login, client_for
):
    unit = units_of(world.curriculum)[0]
    client = client_for(child_login)

    def count() -> int:
        client.get(unit_url(child, unit))
        with CaptureQueriesContext(connection) as queries:
            client.get(unit_url(child, unit))
        return len(queries)

    few = count()
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            learner=child,
            objective=objective,
            level=n % 4,
            source=Source.TUTOR,
            recorded_by=world.tutor,
        )
        for n in range(50)
        for objective in unit.objectives.all()
    )
    assert count() == few


# Finding a curriculum to follow


def test_the_follow_page_searches_and_pages_through_the_library(world, child, parent, client_for):
    for n in range(FOLLOW_PAGE_SIZE + 5):
        make_curriculum(world.group, title=f"Bread and Time {n:02d}", units={})
    make_curriculum(world.group, title="Knots and Nets", units={})
    client = client_for(parent)

    everything = client.get(follow_url(child))
    breads = client.get(follow_url(child), {"q": "bread time"})
    second = client.get(follow_url(child), {"q": "bread time", "page": "2"})
    silly = client.get(follow_url(child), {"q": "bread", "page": "many"})
    nothing = client.get(follow_url(child), {"q": "zebra"})

    titles = [c.title for c in everything.context["curricula"]]
    assert world.curriculum.title not in titles  # already followed
    assert everything.context["results"].paginator.count == FOLLOW_PAGE_SIZE + 6
    assert breads.context["results"].paginator.count == FOLLOW_PAGE_SIZE + 5
    assert [c.title for c in second.context["curricula"]] == [
        f"Bread and Time {n:02d}" for n in range(FOLLOW_PAGE_SIZE, FOLLOW_PAGE_SIZE + 5)
    ]
    assert silly.status_code == 200 and silly.context["results"].number == 1
    assert "Nothing in the library matches “zebra”" in nothing.content.decode()
    assert "Riverside Home Ed" in breads.content.decode()  # who publishes it


def test_following_from_the_search_and_refusals(world, child, parent, client_for):
    knots = make_curriculum(world.group, title="Knots and Nets", units={"Knots": ["I can."]})
    draft = make_curriculum(world.group, title="Secret Plans", units={}, publish=False)
    client = client_for(parent)

    assert client.post(follow_url(child), {}).status_code == 400
    for refused in (draft.pk, world.curriculum.pk, "abc"):
        response = client.post(follow_url(child), {"curriculum": refused})
        assert response.status_code == 400
        assert "Choose one of the curricula listed." in response.content.decode()
        assert "Secret Plans" not in response.content.decode()
    response = client.post(follow_url(child), {"curriculum": knots.pk})

    assert response["Location"] == reverse("learning:guardian_dashboard", args=[child.pk])
    assert knots in tracker.followed_curricula(child)
