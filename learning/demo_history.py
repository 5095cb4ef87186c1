"""Demo library history: the demo curricula first published over the past year.

Runs in learning.demo.PARTS after the curricula and their adoptions, which the demo
publishes today; this dates each first publication back to when the story says it
happened (five curricula when the library opened, the rest one by one, the two
adaptations since), so the commons in numbers shows the library growing. Safe to run
again: a date is only ever moved earlier.
"""

from datetime import date, datetime, time

from django.utils import timezone

from commons.management.commands.load_demo_data import Demo
from learning.demo_curricula import ADOPTIONS, CURRICULA
from learning.models import CurriculumPage

# Months before this one each curriculum was first published, in CURRICULA's order.
PUBLISHED_MONTHS_AGO = (10, 10, 10, 10, 10, 7, 5, 3, 1)
# And each adaptation, in ADOPTIONS' order.
ADAPTED_MONTHS_AGO = (6, 2)


def _months_ago(months: int) -> datetime:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months
    day = date(index // 12, index % 12 + 1, 12)
    return datetime.combine(day, time(10), tzinfo=timezone.get_current_timezone())


def _date_back(pages, months: int) -> int:
    when = _months_ago(months)
    return pages.filter(first_published_at__gt=when).update(first_published_at=when)


def load_library_history(demo: Demo) -> None:
    moved = 0
    for spec, months in zip(CURRICULA, PUBLISHED_MONTHS_AGO, strict=True):
        original = demo.curricula[spec.slug]
        moved += _date_back(CurriculumPage.objects.filter(pk=original.pk), months)
    for spec, months in zip(ADOPTIONS, ADAPTED_MONTHS_AGO, strict=True):
        copies = CurriculumPage.objects.child_of(demo.groups[spec.group]).filter(
            adapted_from=demo.curricula[spec.curriculum]
        )
        moved += _date_back(copies, months)
    if moved:
        demo.changed.append("The library's first publication dates")
