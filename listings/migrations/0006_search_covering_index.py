# The search order index also carries the title document and the filter columns, so the
# probes of match levels 3 and 2 are index-only scans (no heap, no TOAST). R-S1–R-S3.

from django.db import migrations

COVERING = (
    "CREATE INDEX listing_search_order ON listings_listing "
    "(kind, rank_demoted, rank_key DESC, published_at DESC, id DESC) "
    "INCLUDE (search_title, rank_valid_until, category_id, province, fixed_price) "
    "WHERE status = 'live'"
)
PLAIN = (
    "CREATE INDEX listing_search_order ON listings_listing "
    "(kind, rank_demoted, rank_key DESC, published_at DESC, id DESC) WHERE status = 'live'"
)


def forwards(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS listing_search_order")
    # INCLUDE is PostgreSQL's; SQLite keeps the plain index.
    schema_editor.execute(COVERING if schema_editor.connection.vendor == "postgresql" else PLAIN)


def backwards(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS listing_search_order")
    schema_editor.execute(PLAIN)


class Migration(migrations.Migration):
    dependencies = [("listings", "0005_review_queue_proxy")]

    operations = [migrations.RunPython(forwards, backwards)]
