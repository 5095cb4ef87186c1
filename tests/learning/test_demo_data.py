"""The demo library: believable curricula across subjects, one adopted, safe to load twice."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision

from learning.choices import Licence
from learning.demo_curricula import ADOPTIONS, CURRICULA
from learning.models import CurriculumIndexPage, CurriculumPage, LearningObjective, UnitPage

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "curricula": CurriculumPage.objects.count(),
        "units": UnitPage.objects.count(),
        "objectives": LearningObjective.objects.count(),
    }


def load_demo_data() -> str:
    out = StringIO()
    call_command("load_demo_data", force=True, stdout=out)
    return out.getvalue()


def test_loading_twice_creates_no_duplicates_and_a_real_library():
    """Load the demo twice (it is slow), then check each part of the library."""
    load_demo_data()
    first = counts()

    output = load_demo_data()

    assert counts() == first
    assert first["curricula"] == len(CURRICULA) + len(ADOPTIONS)
    assert "already up to date" in output
    check_every_part()


def check_the_library_is_in_the_menu():
    library = CurriculumIndexPage.objects.get()

    assert (library.slug, library.title) == ("library", "Library")
    assert library.live and library.show_in_menus
    assert library.get_parent().specific_class.__name__ == "HomePage"


def check_at_least_eight_curricula_across_subjects_and_groups():
    curricula = CurriculumPage.objects.live().filter(adapted_from__isnull=True)

    assert curricula.count() >= 8
    subjects = set(curricula.values_list("subjects__slug", flat=True))
    assert {"maths", "english", "science", "nature", "music", "art", "history"} <= subjects
    groups = {curriculum.get_parent().slug for curriculum in curricula}
    assert len(groups) >= 5


def check_each_curriculum_has_two_to_five_units_of_three_to_eight_objectives():
    for curriculum in CurriculumPage.objects.all():
        units = UnitPage.objects.child_of(curriculum).live()
        assert 2 <= units.count() <= 5, curriculum.title
        for unit in units:
            assert 3 <= unit.objectives.count() <= 8, unit.title
            assert all(o.statement.startswith("I can ") for o in unit.objectives.all())
            assert unit.summary


def check_the_content_is_real():
    objectives = LearningObjective.objects.all()
    assert objectives.exclude(guidance="").count() >= 10
    bodies = [block.block_type for unit in UnitPage.objects.all() for block in unit.body]
    assert bodies.count("activity") >= 8
    assert all(unit.body for unit in UnitPage.objects.all())


def check_licences_are_mixed():
    licences = list(
        CurriculumPage.objects.filter(adapted_from__isnull=True).values_list("licence", flat=True)
    )

    assert licences.count(Licence.CC_BY_SA) > len(licences) / 2
    assert Licence.CC_BY in licences
    assert Licence.ALL_RIGHTS_RESERVED in licences


def check_an_adopted_curriculum_is_published_and_credits_its_original():
    adopted = CurriculumPage.objects.live().filter(adapted_from__isnull=False)

    assert adopted.count() >= 1
    for copy in adopted:
        original = copy.adapted_from
        assert original.live
        assert copy.get_parent().pk != original.get_parent().pk
        assert original.licence != Licence.ALL_RIGHTS_RESERVED
        assert copy.summary != original.summary
        original_units = list(UnitPage.objects.child_of(original).values_list("title", flat=True))
        assert list(UnitPage.objects.child_of(copy).live().values_list("title", flat=True)) == (
            original_units
        )


def check_every_part():
    check_the_library_is_in_the_menu()
    check_at_least_eight_curricula_across_subjects_and_groups()
    check_each_curriculum_has_two_to_five_units_of_three_to_eight_objectives()
    check_the_content_is_real()
    check_licences_are_mixed()
    check_an_adopted_curriculum_is_published_and_credits_its_original()
