"""On PostgreSQL, let the database itself refuse overlapping confirmed bookings.

An exclusion constraint over (space, [start, blocked_until)) for confirmed rows. SQLite
has no such constraint; there the booking service's IMMEDIATE transaction serialises
the check and the write instead (DESIGN.md, invariant 1). The constraint is not in the
model state because SQLite could not build it; this migration runs only on PostgreSQL.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE commons_booking ADD CONSTRAINT booking_confirmed_no_overlap
    EXCLUDE USING gist (space_id WITH =, tstzrange(start, blocked_until, '[)') WITH &&)
    WHERE (status = 'confirmed');
"""
DROP = "ALTER TABLE commons_booking DROP CONSTRAINT IF EXISTS booking_confirmed_no_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("commons", "0006_spaces_and_bookings")]

    operations = [migrations.RunPython(create, drop)]
