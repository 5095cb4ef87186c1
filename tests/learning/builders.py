"""Builders for curricula in learning's tests: a published curriculum with its units."""

from django.utils.text import slugify

from learning.choices import Licence
from learning.models import CurriculumPage, LearningObjective, UnitPage

FRACTIONS_UNITS = {
    "Halves and quarters": [
        "I can cut a pizza into two equal halves.",
        "I can find a quarter of a set of biscuits.",
        "I can explain why two quarters make a half.",
    ],
    "Doubling a recipe": [
        "I can double the amounts in a recipe.",
        "I can halve a recipe that serves four.",
        "I can measure 250 ml of milk in a jug.",
    ],
}


def make_unit(curriculum: CurriculumPage, title: str, statements, *, publish=True) -> UnitPage:
    unit = UnitPage(
        title=title, slug=slugify(title), summary=f"{title} in the kitchen.", live=publish
    )
    unit.objectives = [
        LearningObjective(statement=statement, guidance=f"Watch for: {statement}")
        for statement in statements
    ]
    curriculum.add_child(instance=unit)
    revision = unit.save_revision()
    if publish:
        revision.publish()
    return unit


def make_curriculum(
    group,
    *,
    title="Fractions in the Kitchen",
    licence=Licence.CC_BY_SA,
    subjects=(),
    units=None,
    publish=True,
) -> CurriculumPage:
    """Create a curriculum under the group with units of "I can …" objectives."""
    curriculum = CurriculumPage(
        title=title,
        slug=slugify(title),
        summary="Fractions you can eat: halves, quarters and recipes.",
        licence=licence,
        min_age=7,
        max_age=10,
        suggested_duration="Six weekly sessions of an hour",
        live=publish,
    )
    curriculum.subjects = list(subjects)
    group.add_child(instance=curriculum)
    revision = curriculum.save_revision()
    if publish:
        revision.publish()
    for unit_title, statements in (FRACTIONS_UNITS if units is None else units).items():
        make_unit(curriculum, unit_title, statements, publish=publish)
    return curriculum
