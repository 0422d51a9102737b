# The btree indexes of the orders a searcher chooses (API.md `sort`, search.engine_sorted):
# live listings of one kind in order of publication time or of price, the id deciding ties,
# so the first page of `newest`, `price_asc` or `price_desc` is read in index order (forwards
# or backwards) instead of sorting every match. Rows without the value are left out: they
# come last and are read apart. Kept here, with the search code that reads them; the table is
# the listings app's (as listing_search_order of listings 0006).

from django.db import migrations

INDEXES = [
    (
        "listing_sort_newest",
        "CREATE INDEX listing_sort_newest ON listings_listing (kind, published_at, id) "
        "WHERE status = 'live' AND published_at IS NOT NULL",
    ),
    (
        "listing_sort_price",
        "CREATE INDEX listing_sort_price ON listings_listing (kind, price, id) "
        "WHERE status = 'live' AND price IS NOT NULL",
    ),
]


def forwards(apps, schema_editor):
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("listings", "0010_search_indexed_at")]

    operations = [migrations.RunPython(forwards, backwards)]
