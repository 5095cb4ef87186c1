"""Index the page tree's paths so that finding pages seeks instead of reading every page.

- url_path, on every database: HomePage.route finds the page a URL names by its url_path
  (commons/models/pages.py), for every page below the home page. Wagtail does not index
  url_path, so each request read all 26,000 pages of a city-sized commons.
- path, ignoring case, on SQLite: Wagtail finds children and descendants with
  `path LIKE 'prefix%'`. SQLite's LIKE ignores case, so it can use an index only if the
  index ignores case too (its "LIKE optimisation"); Wagtail's unique index on path does
  not. Paths are digits and capital letters, so ignoring case changes no match.
  PostgreSQL needs nothing: Django gives it a varchar_pattern_ops index on path for LIKE.
"""

from django.db import migrations

URL_PATH = "groups_page_url_path"
PATH_NOCASE = "groups_page_path_nocase"


def create(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {URL_PATH} ON wagtailcore_page (url_path)")
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PATH_NOCASE} ON wagtailcore_page (path COLLATE NOCASE)"
        )


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {URL_PATH}")
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PATH_NOCASE}")


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0005_session_count_indexes"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
