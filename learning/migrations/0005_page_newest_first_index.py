"""Index pages by type, newest first, so the library's first page of curricula is a seek.

The library lists live curricula newest first (`first_published_at DESC NULLS LAST, id
DESC`), narrowed to the curriculum page type. Without an index PostgreSQL joins all 26,000
pages to the 3,000 curricula at city scale and sorts them for every page of twelve cards;
with it, it walks the newest curricula until it has twelve (by date alone it would walk
thousands of newer units and sessions first). SQLite sorts NULL first in ascending order,
so its descending index already puts them last as the query asks.
"""

from django.db import migrations

NEWEST_FIRST = "learning_page_newest_first"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        columns = "content_type_id, first_published_at DESC NULLS LAST, id DESC"
    else:
        columns = "content_type_id, first_published_at DESC, id DESC"
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NEWEST_FIRST} ON wagtailcore_page ({columns})"
    )


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NEWEST_FIRST}")


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0004_progressentry_learner_time_index"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
