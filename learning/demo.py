"""Demo library for Ashby Vale: the groups' curricula, and two adopted by other groups.

Found by name by `load_demo_data`, which runs `PARTS` after the groups' parts. Pages are
looked up by slug under their parent and made only when missing, so it is safe to run again.
"""

from collections.abc import Callable

from wagtail.models import Page

from commons.management.commands.load_demo_data import Demo, heading, paragraph, publish_page
from groups.demo_courses import load_courses
from groups.demo_history import load_history
from groups.demo_registers import load_registers
from learning import services
from learning.demo_curricula import ADOPTIONS, CURRICULA, Activity, Curriculum, Unit
from learning.demo_history import load_library_history
from learning.demo_progress import load_progress
from learning.demo_record_views import load_record_views
from learning.models import CurriculumIndexPage, CurriculumPage, LearningObjective, UnitPage


def activity(spec: Activity) -> dict:
    return {
        "type": "activity",
        "value": {
            "title": spec.title,
            "duration_minutes": spec.minutes,
            "materials": list(spec.materials),
            "steps": list(spec.steps),
        },
    }


def objective(spec: str | tuple[str, str]) -> LearningObjective:
    statement, guidance = (spec, "") if isinstance(spec, str) else spec
    return LearningObjective(statement=statement, guidance=guidance)


def _published_child(demo: Demo, parent: Page, model, slug: str, build: Callable) -> Page:
    """Return the parent's child page with this slug, building and publishing it if missing."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = parent.add_child(instance=build())
        page.save_revision().publish()
        demo.changed.append(page.title)
    return page


def _curriculum_page(demo: Demo, spec: Curriculum) -> CurriculumPage:
    page = CurriculumPage(
        title=spec.title,
        slug=spec.slug,
        summary=spec.summary,
        min_age=spec.ages[0],
        max_age=spec.ages[1],
        suggested_duration=spec.duration,
        licence=spec.licence,
        body=[heading("About this curriculum"), paragraph(spec.introduction)],
    )
    page.subjects = [demo.subjects[slug] for slug in spec.subjects]
    return page


def _unit_page(spec: Unit) -> UnitPage:
    body = [paragraph(spec.notes)] if spec.notes else []
    if spec.activity:
        body.append(activity(spec.activity))
    page = UnitPage(title=spec.title, slug=spec.slug, summary=spec.summary, body=body)
    page.objectives = [objective(item) for item in spec.objectives]
    return page


def load_library(demo: Demo) -> None:
    demo.pages["library"] = publish_page(
        demo,
        demo.home,
        CurriculumIndexPage,
        "library",
        title="Library",
        introduction=(
            "Every curriculum the groups of Ashby Vale teach, free to read. Group admins can "
            "adopt any openly licensed one into their own group and adapt it."
        ),
        show_in_menus=True,
        body=[],
    )


def load_curricula(demo: Demo) -> None:
    demo.curricula = {}
    for spec in CURRICULA:
        group = demo.groups[spec.group]
        curriculum = _published_child(
            demo, group, CurriculumPage, spec.slug, lambda spec=spec: _curriculum_page(demo, spec)
        )
        for unit in spec.units:
            _published_child(
                demo, curriculum, UnitPage, unit.slug, lambda unit=unit: _unit_page(unit)
            )
        demo.curricula[spec.slug] = curriculum


def load_adoptions(demo: Demo) -> None:
    """Adopt through the same service as the website, then publish the adapted copy."""
    for spec in ADOPTIONS:
        original = demo.curricula[spec.curriculum]
        group, by = demo.groups[spec.group], demo.users[spec.by]
        if CurriculumPage.objects.child_of(group).filter(adapted_from=original).live().exists():
            continue
        copy = services.adopt_curriculum(curriculum=original, group=group, by=by)
        copy.summary = spec.summary
        copy.save_revision(user=by).publish(user=by)
        for unit in UnitPage.objects.child_of(copy):
            unit.save_revision(user=by).publish(user=by)
        demo.changed.append(f"{copy.title} ({group.title})")


PARTS = [
    load_library,
    load_curricula,
    load_adoptions,
    load_library_history,
    load_courses,
    load_registers,
    load_history,
    load_progress,
    load_record_views,
]
