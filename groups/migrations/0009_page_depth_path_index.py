"""Index the page tree by depth, then path, so that a page's children are found by a seek.

Wagtail finds children with `depth = n AND path LIKE 'prefix%'`. Under the group directory
sit every group's courses, curricula and units: 25,000 pages at city scale, all read for
the 500 groups on depth alone (the path index of 0006 narrows only by prefix). With depth
first the directory, the group page's courses and the space directory read just their
rows. As in 0006: SQLite's LIKE uses an index only if it ignores case; PostgreSQL needs
the pattern operator class.
"""

from django.db import migrations

DEPTH_PATH = "groups_page_depth_path"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        columns = "depth, path COLLATE NOCASE"
    elif schema_editor.connection.vendor == "postgresql":
        columns = "depth, path varchar_pattern_ops"
    else:
        columns = "depth, path"
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {DEPTH_PATH} ON wagtailcore_page ({columns})"
    )


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {DEPTH_PATH}")


class Migration(migrations.Migration):
    dependencies = [("groups", "0008_membership_group_role_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
