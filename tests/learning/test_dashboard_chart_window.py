"""The dashboard's chart over 26 weeks reads entry times only from its first Monday on,
yet counts what was achieved before it: each week's figure is what the history says."""

from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from learning import tracker
from learning.choices import Level, Source
from learning.models import ProgressEntry
from tests.learning.progress_builders import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(child):
    return make_world(learners=[child])


def record(world, learner, objective, level, days_ago, source=Source.TUTOR):
    entry = tracker.record_entry(
        learner=learner, objective=objective, level=level, source=source, by=world.tutor
    )
    # Entries are append-only, even to the ORM's update(): back-date this one in SQL.
    at = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(days=days_ago))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ProgressEntry._meta.db_table} SET recorded_at = %s WHERE id = %s",
            [at, entry.pk],
        )


def by_hand(learner, mondays, needed):
    """Each week's count, from every adult entry read in full."""
    entries = list(
        ProgressEntry.objects.filter(learner=learner, source=Source.TUTOR).order_by(
            "recorded_at", "pk"
        )
    )
    counts = []
    for monday in mondays:
        end = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min))
        levels = {e.objective_id: e.level for e in entries if e.recorded_at < end}
        counts.append(sum(level >= needed for level in levels.values()))
    return counts


def test_weeks_count_what_was_achieved_before_the_chart_and_changes_within_it(world, child):
    a, b, c, d = world.objectives()[:4]
    record(world, child, a, Level.SECURE, days_ago=400)  # before the chart, all along
    record(world, child, b, Level.MASTERED, days_ago=300)  # before, then lost 3 weeks ago
    record(world, child, b, Level.WORKING_TOWARDS, days_ago=21)
    record(world, child, c, Level.SECURE, days_ago=100)  # within the chart
    record(world, child, d, Level.WORKING_TOWARDS, days_ago=500)  # never achieved

    summary = tracker.progress_summary(child, history_weeks=26)
    weeks = tracker.achieved_by_week(summary)

    assert len(weeks) == 26 and weeks[-1][0].weekday() == 0
    mondays = [monday for monday, _count in weeks]
    expected = by_hand(child, mondays, world.curriculum.achieved_level)
    assert [count for _monday, count in weeks] == expected
    assert expected[0] == 2 and expected[-1] == 2  # a and b, then a and c
    # Only the entries inside the chart carry a time.
    assert sum(at is not None for _o, _l, at in summary.history) == 2


def test_the_learners_page_reads_no_history(world, child):
    record(world, child, world.objectives()[0], Level.SECURE, days_ago=3)
    summary = tracker.progress_summary(child)
    assert summary.history == [] and summary.mondays == []
    assert summary.curricula[0].achieved == 1
