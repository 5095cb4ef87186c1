"""On PostgreSQL, enable pg_trgm so the site search forgives misspellings.

The search backend's `Fuzzy` query compares words by trigram similarity ("fractoins"
finds "fractions"), which needs this extension; without it the query fails. SQLite has
no such thing, so there the site search matches exact words only and this does nothing.
pg_trgm is a trusted extension: the database's owner may create it without superuser.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm;")


class Migration(migrations.Migration):
    dependencies = [("commons", "0007_booking_no_overlap_postgresql")]

    # Dropping the extension on the way back could break whatever else came to use it.
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
