# R-S2 key 2 puts TrustPass listings (rank_key >= 4, about a fifth of them) before all others
# of their group, so the first page of a search usually comes from them alone. These GIN
# indexes cover that slice only: a search reads the matches of the slice (a fifth of the
# rows to fetch and sort) and the full indexes of 0003 only when the slice holds too few.
# PostgreSQL keeps a row's membership current whenever its stored key changes.

from django.db import migrations

INDEXES = [
    (
        "listing_search_title_top_gin",
        "CREATE INDEX listing_search_title_top_gin ON listings_listing "
        "USING gin (search_title) WHERE status = 'live' AND rank_key >= 4",
    ),
    (
        "listing_search_document_top_gin",
        "CREATE INDEX listing_search_document_top_gin ON listings_listing "
        "USING gin (search_document) WHERE status = 'live' AND rank_key >= 4",
    ),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite searches in Python (listings.search)
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("listings", "0007_search_signature")]

    operations = [migrations.RunPython(forwards, backwards)]
