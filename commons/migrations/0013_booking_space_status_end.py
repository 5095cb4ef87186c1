"""Index bookings by space, status and end: a space's week reads those ending after its Monday."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commons", "0012_search_title_body_index_postgresql"),
        ("groups", "0009_page_depth_path_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                fields=["space", "status", "end"], name="commons_boo_space_i_eab6cd_idx"
            ),
        ),
    ]
