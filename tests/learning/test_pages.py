"""Curriculum pages: where each type sits in the tree, what the curriculum and unit pages
show, editing them through the admin with objectives that keep their identity, the group
page's list of curricula, and the print view."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from commons.models import HomePage
from groups.models import GroupPage
from learning.choices import Level, Licence, Source
from learning.models import (
    CurriculumIndexPage,
    CurriculumPage,
    LearningObjective,
    ProgressEntry,
    UnitPage,
)
from tests.factories import LearnerFactory, SubjectFactory, UserFactory, make_group

pytestmark = pytest.mark.django_db

PUBLISH = {"action-publish": "action-publish"}

ACTIVITY = {
    "title": "Pizza fractions",
    "duration_minutes": 90,
    "materials": ["Two paper plates", "Scissors"],
    "steps": ["Draw a pizza on each plate.", "Cut one into halves and one into quarters."],
}
RESOURCE = {
    "title": "Fraction wall",
    "document": None,
    "url": "https://example.org/fraction-wall.pdf",
    "description": "A printable wall of halves to twelfths.",
}


def text(response) -> str:
    """The page's words, without tags, as a reader sees them."""
    content = response.content.decode()
    main = content[content.index("<main") : content.index("</main>")]
    main = re.sub(r"</(p|li|dt|dd|h[1-6]|summary|div)>", r" \g<0>", main)
    return re.sub(r"\s+", " ", html.unescape(strip_tags(main))).replace(" .", ".")


def count_queries(client, url: str) -> int:
    client.get(url)  # refill what a write emptied: the menu, settings, private sections
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def maths(db):
    return SubjectFactory(name="Maths", slug="maths", code="MA", colour="#1d4e89")


@pytest.fixture
def riverside(new_group):
    return new_group("Riverside Home Ed")


@pytest.fixture
def fractions(riverside, maths, new_curriculum, new_unit):
    """A curriculum of two live units and a draft one, with an activity and a resource."""
    curriculum = new_curriculum(
        riverside,
        "Fractions in the Kitchen",
        subjects=[maths],
        summary="Halves, quarters and recipes you can eat.",
        min_age=7,
        max_age=10,
        body=[
            {"type": "heading", "value": {"text": "How the sessions run", "level": "h3"}},
            {"type": "paragraph", "value": "<p>Every session ends with something to eat.</p>"},
            {"type": "activity", "value": ACTIVITY},
            {"type": "resource", "value": RESOURCE},
        ],
    )
    new_unit(
        curriculum,
        "Halves and quarters",
        ["I can cut a pizza into two equal halves.", "I can find a quarter of a set."],
    )
    new_unit(
        curriculum,
        "Doubling a recipe",
        ["I can double a recipe.", "I can halve a recipe.", "I can measure 250 ml."],
        body=[{"type": "activity", "value": ACTIVITY}],
    )
    new_unit(curriculum, "Thirds (draft)", ["I can share a cake in three."], live=False)
    return curriculum


def units_of(curriculum) -> list[UnitPage]:
    return list(UnitPage.objects.child_of(curriculum).order_by("path"))


# --- Where each page type sits in the tree ------------------------------------------------


def test_the_library_sits_under_the_home_page_and_has_no_children(wagtail_case):
    wagtail_case.assertAllowedParentPageTypes(CurriculumIndexPage, {HomePage})
    wagtail_case.assertAllowedSubpageTypes(CurriculumIndexPage, set())
    wagtail_case.assertCanCreateAt(HomePage, CurriculumIndexPage)
    wagtail_case.assertCanNotCreateAt(GroupPage, CurriculumIndexPage)


def test_a_curriculum_sits_under_a_group_and_holds_units(wagtail_case):
    wagtail_case.assertAllowedParentPageTypes(CurriculumPage, {GroupPage})
    wagtail_case.assertAllowedSubpageTypes(CurriculumPage, {UnitPage})
    wagtail_case.assertCanNotCreateAt(HomePage, CurriculumPage)
    wagtail_case.assertCanNotCreateAt(CurriculumIndexPage, CurriculumPage)


def test_a_unit_sits_under_a_curriculum_and_has_no_children(wagtail_case):
    wagtail_case.assertAllowedParentPageTypes(UnitPage, {CurriculumPage})
    wagtail_case.assertAllowedSubpageTypes(UnitPage, set())
    wagtail_case.assertCanNotCreateAt(GroupPage, UnitPage)


def test_the_library_is_a_singleton(library):
    assert not CurriculumIndexPage.can_create_at(HomePage.objects.get())


# --- Pages render and preview ---------------------------------------------------------------


def test_each_page_type_renders(wagtail_case, library, fractions):
    unit = units_of(fractions)[0]
    for page in (library, fractions, unit):
        wagtail_case.assertPageIsRenderable(page)
    wagtail_case.assertPageIsRenderable(library, query_data={"age": "old", "subject": "nope"})


def test_each_page_type_previews_for_a_superuser(wagtail_case, superuser, library, fractions):
    for page in (library, fractions, units_of(fractions)[0]):
        wagtail_case.assertPageIsPreviewable(page, post_data=form_data_for(page), user=superuser)


def test_a_new_curriculum_previews_before_it_is_saved(client_for, superuser, riverside, maths):
    url = reverse(
        "wagtailadmin_pages:preview_on_add", args=["learning", "curriculumpage", riverside.pk]
    )
    data = {**curriculum_form_data("Unsaved Curriculum"), "subjects": [str(maths.pk)]}
    client = client_for(superuser)
    assert client.post(url, data).json() == {"is_valid": True, "is_available": True}
    response = client.get(url)
    assert response.status_code == 200
    words = text(response)
    assert "Unsaved Curriculum, step by step." in words
    assert "Published by Riverside Home Ed" in words
    assert "No units are published yet." in words


def test_a_new_unit_previews_before_it_is_saved(client_for, superuser, fractions):
    url = reverse("wagtailadmin_pages:preview_on_add", args=["learning", "unitpage", fractions.pk])
    data = unit_form_data(
        "Unsaved unit", [{"statement": "I can see this before it is saved.", "guidance": ""}]
    )
    client = client_for(superuser)
    assert client.post(url, data).json() == {"is_valid": True, "is_available": True}
    response = client.get(url)
    assert response.status_code == 200
    assert "I can see this before it is saved." in response.content.decode()


def test_the_edit_view_opens_and_saves_each_page_type(wagtail_case, superuser, library, fractions):
    for page in (library, fractions, units_of(fractions)[0]):
        wagtail_case.assertPageIsEditable(page, post_data=form_data_for(page), user=superuser)


# --- Creating and editing through the admin, with nested form data ----------------------------


def list_block(items) -> dict:
    """ListBlock form data, like streamfield() makes for a StreamField."""
    data = {str(i): {"value": item, "deleted": "", "order": str(i)} for i, item in enumerate(items)}
    return {**data, "count": str(len(items))}


def curriculum_form_data(title: str, **extra) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "summary": f"{title}, step by step.",
            "min_age": "6",
            "max_age": "9",
            "suggested_duration": "A term of Fridays",
            "licence": Licence.CC_BY,
            "adapted_from": "",
            "achieved_level": str(Level.SECURE),
            "body": streamfield(
                [
                    ("heading", {"text": "Before you start", "level": "h2"}),
                    ("paragraph", rich_text("<p>Bring an <b>apron</b>.</p>")),
                    (
                        "activity",
                        {
                            "title": "Bread maths",
                            "duration_minutes": "45",
                            "materials": list_block(["Flour", "A jug"]),
                            "steps": list_block(["Weigh 500 g of flour.", "Halve it."]),
                        },
                    ),
                    (
                        "resource",
                        {
                            "title": "Recipe card",
                            "document": "",
                            "url": "https://example.org/recipe",
                            "description": "",
                        },
                    ),
                ]
            ),
            "comments": inline_formset([]),
            **extra,
        }
    )


def unit_form_data(title: str, objectives, *, initial: int = 0, **extra) -> dict:
    return nested_form_data(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "summary": f"{title} in the kitchen.",
            "objectives": inline_formset(objectives, initial=initial, min=1),
            "body": streamfield([]),
            "comments": inline_formset([]),
            **extra,
        }
    )


def form_data_for(page) -> dict:
    """The edit form's data for one of learning's pages, as it stands.

    (Wagtail's querydict_from_html cannot read a StreamField's data: its editor builds it
    with JavaScript.)"""
    page = page.specific
    if isinstance(page, CurriculumPage):
        data = curriculum_form_data(page.title, slug=page.slug)
        return {**data, "subjects": [str(pk) for pk in page.subjects.values_list("pk", flat=True)]}
    if isinstance(page, UnitPage):
        objectives = [objective_form(o) for o in page.objectives.order_by("sort_order")]
        return unit_form_data(page.title, objectives, initial=len(objectives), slug=page.slug)
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "introduction": page.introduction,
            "body": streamfield([]),
            "comments": inline_formset([]),
        }
    )


def test_a_curriculum_with_blocks_is_created_through_the_admin(
    wagtail_case, client_for, superuser, riverside, maths
):
    client_for(superuser)
    data = {**curriculum_form_data("Bread and Fractions"), "subjects": [str(maths.pk)]}

    wagtail_case.assertCanCreate(riverside, CurriculumPage, data)

    curriculum = CurriculumPage.objects.get(title="Bread and Fractions")
    assert curriculum.live
    assert list(curriculum.subjects.all()) == [maths]
    assert [block.block_type for block in curriculum.body] == [
        "heading",
        "paragraph",
        "activity",
        "resource",
    ]
    activity = curriculum.body[2].value
    assert list(activity["materials"]) == ["Flour", "A jug"]
    words = text(client_for(None).get(curriculum.url))
    assert "Bread maths Takes about 45 minutes You will need Flour A jug" in words
    assert "Steps Weigh 500 g of flour. Halve it." in words


def test_a_unit_with_two_objectives_is_created_through_the_admin(
    wagtail_case, client_for, superuser, fractions
):
    client_for(superuser)
    data = unit_form_data(
        "Sharing equally",
        [
            {
                "statement": "I can share 12 grapes between 3 people.",
                "guidance": "Use real grapes.",
            },
            {"statement": "I can say what one third of 12 is.", "guidance": ""},
        ],
    )

    wagtail_case.assertCanCreate(fractions, UnitPage, data)

    unit = UnitPage.objects.get(title="Sharing equally")
    assert unit.get_parent().pk == fractions.pk
    assert [(o.statement, o.guidance) for o in unit.objectives.order_by("sort_order")] == [
        ("I can share 12 grapes between 3 people.", "Use real grapes."),
        ("I can say what one third of 12 is.", ""),
    ]


def edit_unit(client, unit: UnitPage, objectives: list[dict]):
    """Publish the unit through the admin's edit view with these objective forms."""
    url = reverse("wagtailadmin_pages:edit", args=[unit.pk])
    data = unit_form_data(unit.title, objectives, initial=unit.objectives.count())
    return client.post(url, {**data, **PUBLISH})


def objective_form(objective: LearningObjective, **changes) -> dict:
    return {
        "id": str(objective.pk),
        "statement": objective.statement,
        "guidance": objective.guidance,
        **changes,
    }


def test_rewording_and_reordering_objectives_in_the_admin_keeps_their_identity(
    client_for, superuser, fractions
):
    unit = units_of(fractions)[0]
    halves, quarter = unit.objectives.order_by("sort_order")

    response = edit_unit(
        client_for(superuser),
        unit,
        [
            {
                **objective_form(quarter, statement="I can find a quarter of 8 biscuits."),
                "ORDER": "0",
            },
            {**objective_form(halves), "ORDER": "1"},
        ],
    )

    assert response.status_code == 302
    assert [(o.pk, o.statement) for o in unit.objectives.order_by("sort_order")] == [
        (quarter.pk, "I can find a quarter of 8 biscuits."),
        (halves.pk, "I can cut a pizza into two equal halves."),
    ]


@pytest.fixture
def progress_on(parent):
    """Return a function recording a tutor's progress entry against an objective."""
    learner = LearnerFactory(name="Maya", guardians=[parent])

    def record(objective: LearningObjective) -> ProgressEntry:
        return ProgressEntry.objects.create(
            learner=learner,
            objective=objective,
            level=Level.SECURE,
            source=Source.TUTOR,
            recorded_by=UserFactory(),
        )

    return record


def test_deleting_an_objective_with_progress_is_refused_and_nothing_changes(
    client_for, superuser, fractions, progress_on
):
    unit = units_of(fractions)[0]
    halves, quarter = unit.objectives.order_by("sort_order")
    entry = progress_on(halves)
    revisions = unit.revisions.count()

    response = edit_unit(
        client_for(superuser),
        unit,
        [
            {**objective_form(halves), "DELETE": "on"},
            objective_form(quarter, statement="Reworded while deleting"),
        ],
    )

    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert "“I can cut a pizza into two equal halves.” has progress recorded against it" in content
    assert "Tick “retired” instead" in content
    assert [(o.pk, o.statement) for o in unit.objectives.order_by("sort_order")] == [
        (halves.pk, "I can cut a pizza into two equal halves."),
        (quarter.pk, "I can find a quarter of a set."),
    ]
    assert ProgressEntry.objects.filter(pk=entry.pk, objective=halves).exists()
    assert unit.revisions.count() == revisions


def test_an_objective_without_progress_can_be_deleted_in_the_admin(
    client_for, superuser, fractions, progress_on
):
    unit = units_of(fractions)[0]
    halves, quarter = unit.objectives.order_by("sort_order")
    progress_on(halves)

    response = edit_unit(
        client_for(superuser),
        unit,
        [objective_form(halves), {**objective_form(quarter), "DELETE": "on"}],
    )

    assert response.status_code == 302
    assert list(unit.objectives.values_list("pk", flat=True)) == [halves.pk]


def test_retiring_an_objective_with_progress_hides_it_and_keeps_its_history(
    client, client_for, superuser, fractions, progress_on
):
    unit = units_of(fractions)[0]
    halves, quarter = unit.objectives.order_by("sort_order")
    entry = progress_on(halves)

    response = edit_unit(
        client_for(superuser), unit, [objective_form(halves, retired="on"), objective_form(quarter)]
    )

    assert response.status_code == 302
    halves.refresh_from_db()
    assert halves.retired
    assert ProgressEntry.objects.filter(pk=entry.pk).exists()
    client.logout()
    words = text(client.get(unit.url))
    assert "I can cut a pizza into two equal halves." not in words
    assert "I can find a quarter of a set." in words


# --- The curriculum page --------------------------------------------------------------------


def test_the_curriculum_page_shows_what_it_is_and_who_publishes_it(client, fractions):
    response = client.get(fractions.url)
    content = response.content.decode()
    words = text(response)

    assert "<h1>Fractions in the Kitchen</h1>" in content
    assert "Halves, quarters and recipes you can eat." in words
    assert '<dt>Published by</dt><dd><a href="/groups/riverside-home-ed/">' in content
    assert 'data-subject="MA"' in content
    assert 'fill="#1d4e89"' in content
    assert "<dt>Ages</dt><dd>7 to 10</dd>" in content
    assert "<dt>Suggested duration</dt><dd>Six weekly sessions of an hour</dd>" in content
    assert '<h3 class="stream__heading">How the sessions run</h3>' in content
    assert "Every session ends with something to eat." in words
    assert "Pizza fractions Takes about 1 hour 30 minutes" in words
    assert '<a href="https://example.org/fraction-wall.pdf">Fraction wall</a>' in content
    assert " style=" not in content


def test_the_curriculum_page_lists_its_live_units_in_order_with_their_objectives(client, fractions):
    halves = units_of(fractions)[0]
    LearningObjective.objects.create(
        page=halves, statement="I can name an old fraction.", retired=True
    )

    response = client.get(fractions.url)
    words = text(response)

    assert "2 units, in the order they are taught." in words
    assert words.index("Halves and quarters") < words.index("Doubling a recipe")
    assert (
        "Halves and quarters What halves and quarters is about. 2 objectives "
        "I can cut a pizza into two equal halves. I can find a quarter of a set."
    ) in words
    assert (
        "3 objectives I can double a recipe. I can halve a recipe. I can measure 250 ml." in words
    )
    assert "Thirds" not in words
    assert "I can name an old fraction." not in words
    assert f'<a href="{halves.url}">Halves and quarters</a>' in response.content.decode()


def test_the_licence_and_credit_sit_at_the_foot(client, fractions):
    content = client.get(fractions.url).content.decode()
    foot = content.split('<footer class="credit">')[1].split("</footer>")[0]
    assert (
        "“Fractions in the Kitchen” by Riverside Home Ed is licensed under "
        '<a class="credit__licence" href="https://creativecommons.org/licenses/by-sa/4.0/" '
        'rel="license">CC BY-SA 4.0 (share alike)</a>'
    ) in html.unescape(foot)
    assert "share your version under the same licence" in foot
    assert content.index('<footer class="credit">') > content.index('id="units-heading"')


def test_an_all_rights_reserved_curriculum_asks_before_copying(client, riverside, new_curriculum):
    closed = new_curriculum(riverside, "Our Own Method", licence=Licence.ALL_RIGHTS_RESERVED)
    words = text(client.get(closed.url))
    assert "all rights reserved. Ask Riverside Home Ed before copying it." in words
    assert 'rel="license"' not in client.get(closed.url).content.decode()


def test_adaptations_are_counted_by_group_and_linked_and_the_original_is_credited(
    client, fractions, new_group, new_curriculum
):
    hilltop = new_group("Hilltop Free School")
    meadow = new_group("Meadow Co-op")
    first = new_curriculum(hilltop, "Fractions on the Hill", adapted_from=fractions)
    second = new_curriculum(hilltop, "More Fractions on the Hill", adapted_from=fractions)
    third = new_curriculum(meadow, "Meadow Fractions", adapted_from=fractions)
    new_curriculum(meadow, "Unfinished Fractions", adapted_from=fractions, live=False)

    response = client.get(fractions.url)
    content = response.content.decode()
    words = text(response)

    assert "Adapted by 2 groups" in words
    for adaptation in (first, second, third):
        assert f'<a href="{adaptation.url}">{adaptation.title}</a>' in content
    assert "Fractions on the Hill, by Hilltop Free School" in words
    assert "Unfinished Fractions" not in words

    adapted = text(client.get(first.url))
    assert "Adapted from “Fractions in the Kitchen” by Riverside Home Ed." in adapted
    assert f'<a href="{fractions.url}">“Fractions in the Kitchen”</a>' in html.unescape(
        client.get(first.url).content.decode()
    )
    assert (
        "Adapted from “Fractions in the Kitchen” by Riverside Home Ed, CC BY-SA 4.0 (share alike)."
        in adapted
    )


def test_a_group_admin_finds_the_adopt_offer_on_the_page(client_for, fractions):
    admin = UserFactory(username="ada")
    make_group(title="Hilltop Free School", admins=[admin])

    content = client_for(admin).get(fractions.url).content.decode()

    assert 'id="adopt-heading"' in content
    assert content.index('id="adopt-heading"') < content.index('id="units-heading"')


def test_visitors_see_no_adopt_offer(client, fractions):
    assert 'id="adopt-heading"' not in client.get(fractions.url).content.decode()


def test_the_curriculum_page_costs_the_same_queries_however_many_units_and_adaptations(
    client, fractions, new_unit, new_group, new_curriculum
):
    hilltop = new_group("Hilltop Free School")
    new_curriculum(hilltop, "Copy 1", adapted_from=fractions)
    count_queries(client, fractions.url)  # warm the caches
    before = count_queries(client, fractions.url)
    for n in range(4):
        new_unit(fractions, f"Extra unit {n}", [f"I can do extra thing {n}.", "I can rest."])
        new_curriculum(new_group(f"Copier {n}"), f"Copy {n + 2}", adapted_from=fractions)
    assert count_queries(client, fractions.url) == before


# --- The unit page --------------------------------------------------------------------------


def test_the_unit_page_lists_its_current_objectives_with_notes_for_tutors(client, fractions):
    unit = units_of(fractions)[1]
    retired = LearningObjective.objects.create(
        page=unit, statement="I can use imperial cups.", retired=True
    )

    response = client.get(unit.url)
    content = response.content.decode()
    words = text(response)

    statements = re.findall(r'<p class="objective-list__statement">(.*?)</p>', content)
    assert statements == [
        "I can double a recipe.",
        "I can halve a recipe.",
        "I can measure 250 ml.",
    ]
    assert content.count("<summary>Notes for tutors</summary>") == 3
    assert "Ask them to show you: I can halve a recipe." in words
    assert "I can use imperial cups." not in words
    assert LearningObjective.objects.filter(pk=retired.pk, retired=True).exists()


def test_the_unit_page_leads_back_to_its_curriculum_and_on_to_the_next_unit(client, fractions):
    halves, doubling, _draft = units_of(fractions)

    first = client.get(halves.url).content.decode()
    crumbs = first.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert '<a href="/groups/riverside-home-ed/">Riverside Home Ed</a>' in crumbs
    assert f'<a href="{fractions.url}">Fractions in the Kitchen</a>' in crumbs
    assert 'rel="prev"' not in first
    assert f'href="{doubling.url}" rel="next"' in first

    second = client.get(doubling.url).content.decode()
    assert f'href="{halves.url}" rel="prev"' in second
    assert 'rel="next"' not in second  # the draft unit after it is not offered


def test_the_unit_page_shows_its_teaching_notes_and_the_licence(client, fractions):
    doubling = units_of(fractions)[1]
    response = client.get(doubling.url)
    words = text(response)
    assert "Teaching notes Pizza fractions Takes about 1 hour 30 minutes" in words
    assert "You will need Two paper plates Scissors" in words
    assert re.search(
        r'<ol class="activity__steps">\s*<li>Draw a pizza on each plate.</li>',
        response.content.decode(),
    )
    assert "“Fractions in the Kitchen” by Riverside Home Ed is licensed under" in words


def test_a_draft_or_private_unit_is_not_shown(client, fractions):
    draft = units_of(fractions)[2]
    assert client.get(draft.url).status_code == 404
    private = units_of(fractions)[0]
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    assert "Halves and quarters" not in text(client.get(fractions.url))


def test_the_unit_page_costs_the_same_queries_however_many_objectives(client, fractions, new_unit):
    halves = units_of(fractions)[0]
    count_queries(client, halves.url)
    before = count_queries(client, halves.url)
    for n in range(6):
        LearningObjective.objects.create(
            page=halves, statement=f"I can do thing {n}.", guidance="Watch closely."
        )
        new_unit(fractions, f"Unit {n}", ["I can wait."])
    assert count_queries(client, halves.url) == before


# --- The group page's list of curricula ---------------------------------------------------


def render_group_curricula(group) -> str:
    request = RequestFactory().get(group.url)
    template = Template("{% load learning_tags %}{% group_curricula group %}")
    return template.render(Context({"group": group, "request": request}))


def test_group_curricula_lists_the_groups_live_curricula(
    fractions, riverside, new_group, new_curriculum, maths
):
    new_curriculum(riverside, "Algebra Draft", live=False)
    new_curriculum(new_group("Hilltop Free School"), "Someone Else's")
    PageViewRestriction.objects.create(
        page=new_curriculum(riverside, "Members Only"), restriction_type="login"
    )
    new_curriculum(riverside, "Bird Songs", summary="Listening at dawn.")

    rendered = render_group_curricula(riverside)

    assert '<h2 id="curricula-heading">Curricula</h2>' in rendered
    assert re.findall(r'curriculum-card__title"><a href="([^"]+)">([^<]+)</a>', rendered) == [
        ("/groups/riverside-home-ed/bird-songs/", "Bird Songs"),
        ("/groups/riverside-home-ed/fractions-in-the-kitchen/", "Fractions in the Kitchen"),
    ]
    assert "Listening at dawn." in rendered
    assert 'data-subject="MA"' in rendered
    assert "From Riverside" not in rendered


def test_group_curricula_renders_nothing_for_a_group_without_any(riverside):
    assert render_group_curricula(riverside).strip() == ""


def test_group_curricula_costs_two_queries_however_many(riverside, maths, new_curriculum):
    new_curriculum(riverside, "First", subjects=[maths])
    render_group_curricula(riverside)  # warm the site root paths cache
    with CaptureQueriesContext(connection) as few:
        render_group_curricula(riverside)
    for n in range(5):
        new_curriculum(riverside, f"More {n}", subjects=[maths])
    render_group_curricula(riverside)
    with CaptureQueriesContext(connection) as many:
        render_group_curricula(riverside)
    assert len(many) == len(few)


# --- Printing -------------------------------------------------------------------------------


def test_curriculum_and_unit_pages_link_the_print_stylesheet(client, fractions):
    link = '<link rel="stylesheet" href="/static/css/print.css" media="print">'
    assert link in client.get(fractions.url).content.decode()
    assert link in client.get(units_of(fractions)[0].url).content.decode()


def test_the_print_stylesheet_hides_the_site_and_its_controls():
    rules = (Path(settings.BASE_DIR) / "static" / "css" / "print.css").read_text()
    hidden = rules.split("{\n  display: none !important;")[0].rsplit("}", 1)[-1]
    for selector in (".site-header", ".site-footer", ".breadcrumb", ".adopt", "form", ".button"):
        assert re.search(rf"(^|\n){re.escape(selector)},?\s", hidden), selector
