"""When search last wrote a listing's documents (issue 13: the search sweep repairs live
listings whose document is missing or older than the listing).

Rows already indexed get their edit time as the stamp, so the sweep starts with only the
listings that really lack a document (on PostgreSQL; elsewhere the column stays empty by
design and every live row counts as indexed)."""

from django.conf import settings
from django.db import migrations, models


def stamp_indexed(apps, schema_editor):
    Listing = apps.get_model("listings", "Listing")
    live = Listing.objects.using(schema_editor.connection.alias).filter(status="live")
    if schema_editor.connection.vendor == "postgresql":
        live = live.filter(search_document__isnull=False)
    live.update(search_indexed_at=models.F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0009_inquiries_moved_out"),
        ("members", "0002_verification_reminders_orders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="search_indexed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(stamp_indexed, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="listing",
            index=models.Index(
                condition=models.Q(
                    ("status", "live"),
                    models.Q(
                        ("search_indexed_at__isnull", True),
                        ("search_indexed_at__lt", models.F("updated_at")),
                        ("search_document__isnull", True),
                        _connector="OR",
                    ),
                ),
                fields=["id"],
                name="listing_search_stale",
            ),
        ),
    ]
