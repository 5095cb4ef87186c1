"""The log of who outside a learner's family looked at their record (issue 10)."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from commons.models import Learner, LearnerRecordView, User

SLOT = timedelta(minutes=10)
# The row's fields after `learner`, in the order record_views passes their values.
FIELDS = ["viewer", "viewer_name", "role", "group_name", "page", "about", "slot", "at"]


def slot_of(at: datetime) -> int:
    """The ten-minute slot a moment falls in, counted from the Unix epoch."""
    return int(at.timestamp() // SLOT.total_seconds())


def record_views(
    *,
    learners: Iterable[Learner],
    viewer: User,
    page: str,
    role: str,
    group_name: str = "",
    about: str = "",
) -> None:
    """Log that `viewer` saw these learners' records on `page` (a URL name), in `role`.

    Never the learner themself nor one of their guardians: the family is not logged.
    At most one row per learner, viewer, page and `about` in each ten-minute slot, so a
    tutor refreshing the register adds nothing. One statement however many learners:
    the register and the progress grid log a whole class and stay within their query
    budget (an INSERT … SELECT that skips the family and ignores the slot's duplicate).
    """
    ids = [learner.pk for learner in learners if learner.user_id != viewer.pk]
    if not ids:
        return
    now = timezone.now()
    values = [
        viewer.pk,
        viewer.get_display_name()[:150],
        role,
        group_name[:255],
        page,
        about[:255],
        slot_of(now),
        LearnerRecordView._meta.get_field("at").get_db_prep_value(now, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(len(ids)), [*values, *ids, viewer.pk, viewer.pk])


def _insert_sql(count: int) -> str:
    quote = connection.ops.quote_name
    log = LearnerRecordView._meta
    table = quote(log.db_table)
    columns = ", ".join(quote(log.get_field(name).column) for name in ["learner", *FIELDS])
    values = ", ".join(["%s"] * len(FIELDS))
    learners = ", ".join(["%s"] * count)
    guardians = quote(Learner.guardians.through._meta.db_table)
    # Only quoted table and column names are formatted in; every value is a parameter.
    # SQLite needs the WHERE before ON CONFLICT to read the statement as INSERT … SELECT.
    return (
        f"INSERT INTO {table} ({columns}) SELECT l.id, {values} "  # noqa: S608
        f"FROM {quote(Learner._meta.db_table)} l WHERE l.id IN ({learners}) "
        "AND (l.user_id IS NULL OR l.user_id <> %s) "
        f"AND NOT EXISTS (SELECT 1 FROM {guardians} g "
        "WHERE g.learner_id = l.id AND g.user_id = %s) "
        "ON CONFLICT DO NOTHING"
    )
