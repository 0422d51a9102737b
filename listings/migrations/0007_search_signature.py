# R-S1: the document signature, carried by the search order index so that a probe for
# whole-document matches (level 1) reads the document of likely matches only; and finer
# statistics of the two search columns, from which the selector estimates how many
# listings a query's tokens match (listings.search_stats).
#
# Existing live listings get their signature from `manage.py search_reindex`; until then
# the selector treats a missing signature as "may match" (no result is lost).

from django.db import migrations

import listings.search_fields

COVERING = (
    "CREATE INDEX listing_search_order ON listings_listing "
    "(kind, rank_demoted, rank_key DESC, published_at DESC, id DESC) "
    "INCLUDE (search_title, search_sig, rank_valid_until, category_id, province, fixed_price) "
    "WHERE status = 'live'"
)
COVERING_BEFORE = (
    "CREATE INDEX listing_search_order ON listings_listing "
    "(kind, rank_demoted, rank_key DESC, published_at DESC, id DESC) "
    "INCLUDE (search_title, rank_valid_until, category_id, province, fixed_price) "
    "WHERE status = 'live'"
)
# Elements kept per column: 10 × the target. The default (100) lists 1,000 lexemes, far
# fewer than the bigrams of a catalogue; unlisted ones are all estimated at the floor.
STATISTICS = (
    "ALTER TABLE listings_listing ALTER COLUMN search_title SET STATISTICS {n}, "
    "ALTER COLUMN search_document SET STATISTICS {n}"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite keeps the plain order index of 0006
    schema_editor.execute("DROP INDEX IF EXISTS listing_search_order")
    schema_editor.execute(COVERING)
    schema_editor.execute(STATISTICS.format(n=1000))


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(STATISTICS.format(n=-1))
    schema_editor.execute("DROP INDEX IF EXISTS listing_search_order")
    schema_editor.execute(COVERING_BEFORE)


class Migration(migrations.Migration):
    dependencies = [("listings", "0006_search_covering_index")]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="search_sig",
            field=listings.search_fields.SignatureField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(forwards, backwards),
    ]
