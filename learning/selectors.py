"""Reads for curricula shared by the library, the curriculum and unit pages and the group page."""

from collections.abc import Iterable
from datetime import date, datetime
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from wagtail.models import Page

from commons.cache import remember
from groups.models import GroupPage
from learning.models import (
    CurriculumIndexPage,
    CurriculumPage,
    LearningObjective,
    Subject,
    UnitPage,
)
from learning.models.pages import CurriculumCard


def library_curricula() -> QuerySet:
    """Return every live, public curriculum in the commons, with what a card shows.

    Narrowed to the page type as well as joined to it: by type, the newest curricula are a
    seek in learning's `learning_page_newest_first` index, not a sort of every page.
    """
    curricula = CurriculumPage.objects.live().public().filter(content_type=curriculum_type())
    return with_card_details(curricula)


def curriculum_type() -> ContentType:
    """The curriculum page's content type (Django keeps it in memory after the first ask)."""
    return ContentType.objects.get_for_model(CurriculumPage, for_concrete_model=False)


def with_card_details(curricula: QuerySet) -> QuerySet:
    """Load a card's subjects and "adapted from" with the curricula, in fixed queries."""
    return curricula.select_related("adapted_from").prefetch_related(
        Prefetch("subjects", queryset=Subject.objects.order_by("name"))
    )


def library_index() -> CurriculumIndexPage | None:
    """The commons' library page, if it is published (kept in the cache until a write)."""
    return remember("library-index", CurriculumIndexPage.objects.live().public().first)


def newest_curricula(count: int) -> list[CurriculumPage]:
    """The curricula most recently added to the library, each with its `publisher`."""
    return with_publishers(library_curricula().order_by("-first_published_at", "-pk")[:count])


def library_groups() -> QuerySet:
    """The live groups a visitor may narrow the library to: only their names, slugs and
    places in the tree, which is all the choice and child_of read."""
    groups = GroupPage.objects.live().public().only("title", "slug", "path", "depth")
    return groups.order_by("title")


def with_publishers(curricula: Iterable[CurriculumPage]) -> list[CurriculumPage]:
    """Set `publisher` on each curriculum to the group that publishes it (its parent page).

    One query for the lot, however many: each parent's path is its child's path less a step.
    """
    curricula = list(curricula)
    parent_paths = {Page._get_parent_path_from_path(curriculum.path) for curriculum in curricula}
    groups = {group.path: group for group in GroupPage.objects.filter(path__in=parent_paths)}
    for curriculum in curricula:
        curriculum.publisher = groups.get(Page._get_parent_path_from_path(curriculum.path))
    return curricula


def publisher_titles(paths: Iterable[str]) -> dict[str, str]:
    """The titles of the groups that publish the curricula at these paths, by group path."""
    parent_paths = {Page._get_parent_path_from_path(path) for path in paths}
    return dict(GroupPage.objects.filter(path__in=parent_paths).values_list("path", "title"))


def group_curriculum_rows(group: GroupPage) -> QuerySet:
    """The group's own live, public curricula by title, as rows of what a card shows
    (CurriculumCard.COLUMNS, its slug and `adapted_from_title`).

    Narrowed to the page type too: without it, PostgreSQL's planner cannot tell how few of
    the group's children these are, and walks every page by id to find them.
    """
    curricula = CurriculumPage.objects.live().public().child_of(group)
    return (
        curricula.filter(content_type=curriculum_type())
        .order_by("title", "pk")
        .values(*CurriculumCard.COLUMNS, "slug", adapted_from_title=F("adapted_from__title"))
    )


def card_subjects(curriculum_ids: list[int]) -> dict[int, list[SimpleNamespace]]:
    """Each curriculum's subjects by name, as the badges read them (code, name, colour)."""
    through = CurriculumPage.subjects.through.objects.filter(curriculumpage_id__in=curriculum_ids)
    subjects: dict[int, list[SimpleNamespace]] = {}
    rows = through.order_by("subject__name").values_list(
        "curriculumpage_id", "subject__code", "subject__name", "subject__colour"
    )
    for curriculum_id, code, name, colour in rows:
        subjects.setdefault(curriculum_id, []).append(
            SimpleNamespace(code=code, name=name, colour=colour)
        )
    return subjects


def current_objectives(unit: UnitPage) -> Iterable[LearningObjective]:
    """The unit's objectives still taught (not retired), in order.

    Goes through the page's own relation, so a preview shows the objectives being edited.
    """
    return unit.objectives.filter(retired=False).order_by("sort_order")


def curriculum_units(curriculum: CurriculumPage) -> QuerySet:
    """The curriculum's live units in order, each with `objectives_taught`: its current
    objectives in order. Two queries, however many units and objectives."""
    return (
        UnitPage.objects.live()
        .public()
        .child_of(curriculum)
        .order_by("path")
        .prefetch_related(
            Prefetch(
                "objectives",
                queryset=LearningObjective.objects.filter(retired=False).order_by("sort_order"),
                to_attr="objectives_taught",
            )
        )
    )


def adaptations(curriculum: CurriculumPage) -> list[CurriculumPage]:
    """The live, public curricula adapted from this one, each with its `publisher`."""
    if curriculum.pk is None:
        return []
    copies = CurriculumPage.objects.live().public().filter(adapted_from=curriculum)
    return with_publishers(copies.order_by("title", "pk"))


def neighbouring_units(unit: UnitPage) -> tuple[UnitPage | None, UnitPage | None]:
    """The live units before and after this one in its curriculum."""
    siblings = UnitPage.objects.live().sibling_of(unit, inclusive=False)
    previous = siblings.filter(path__lt=unit.path).order_by("-path").first()
    following = siblings.filter(path__gt=unit.path).order_by("path").first()
    return previous, following


def curriculum_of(unit: UnitPage) -> CurriculumPage | None:
    """The curriculum the unit belongs to, with the group that publishes it as `publisher`."""
    curriculum = CurriculumPage.objects.parent_of(unit).first()
    if curriculum is None:
        return None
    return with_publishers([curriculum])[0]


def credited_original(curriculum: CurriculumPage) -> CurriculumPage | None:
    """The curriculum this one was adapted from, with its `publisher`, or None."""
    if curriculum.adapted_from_id is None:
        return None
    return with_publishers([curriculum.adapted_from])[0]


# The commons in numbers (commons/numbers.py): the library's growth by local month.


def curricula_by_month(*, since: datetime, until: datetime) -> dict[date, dict[str, int]]:
    """Count the live, public curricula first published in [since, until), by local month:
    `published` (every one, adapted copies included) and `adopted` (the adapted copies).

    An adopted copy counts once it is published: until then it is the group's private
    draft, and may never be used."""
    rows = (
        CurriculumPage.objects.live()
        .public()
        .filter(first_published_at__gte=since, first_published_at__lt=until)
        .values(month=TruncMonth("first_published_at", tzinfo=timezone.get_default_timezone()))
        .annotate(
            published=Count("pk"),
            adopted=Count("pk", filter=Q(adapted_from__isnull=False)),
        )
        .order_by("month")
    )
    return {row.pop("month").date(): row for row in rows}
