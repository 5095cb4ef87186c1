"""On PostgreSQL, index the search index's title and body together.

Wagtail's PostgreSQL backend matches a query against `title || body` (the two tsvectors
joined), which neither of its own GIN indexes, on title and on body apart, can answer: at
city size the site search read all 26,000 entries, twice a search (about 40 ms each).
With this index it reads only the entries that match. SQLite searches its FTS5 table.
"""

from django.db import migrations

INDEX = "commons_search_title_body_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            "USING gin ((title || body));"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX};")


class Migration(migrations.Migration):
    dependencies = [
        ("commons", "0011_booking_status_start"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create, drop)]
