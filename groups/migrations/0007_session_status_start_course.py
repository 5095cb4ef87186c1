"""Index sessions by (status, start, course) instead of (status, start).

Every query that used the old index can use this one; counting the sessions of live
courses in a time window now reads only the index, not each session's row.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("groups", "0006_page_path_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="session",
            index=models.Index(
                fields=["status", "start", "course"], name="session_status_start_course"
            ),
        ),
        migrations.RemoveIndex(model_name="session", name="groups_sess_status_1519de_idx"),
    ]
