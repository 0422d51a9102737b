# Search documents and stored ranking keys (R-S1–R-S3), written by listings.search_index.

from django.db import migrations, models

import listings.search_fields

# Partial indexes over live listings. The btree ones work on SQLite too (same syntax);
# the GIN indexes on the tsvector documents exist on PostgreSQL only.
BTREE = [
    (
        "listing_search_order",
        "CREATE INDEX listing_search_order ON listings_listing "
        "(kind, rank_demoted, rank_key DESC, published_at DESC, id DESC) WHERE status = 'live'",
    ),
    (
        "listing_rank_stale",
        "CREATE INDEX listing_rank_stale ON listings_listing (rank_valid_until) "
        "WHERE status = 'live' AND rank_valid_until IS NOT NULL",
    ),
    (
        "listing_flood_group",
        "CREATE INDEX listing_flood_group ON listings_listing "
        "(company_id, flood_key, published_at) WHERE status = 'live'",
    ),
]
GIN = [
    (
        "listing_search_document_gin",
        "CREATE INDEX listing_search_document_gin ON listings_listing "
        "USING gin (search_document) WHERE status = 'live'",
    ),
    (
        "listing_search_title_gin",
        "CREATE INDEX listing_search_title_gin ON listings_listing "
        "USING gin (search_title) WHERE status = 'live'",
    ),
]


def create_indexes(apps, schema_editor):
    indexes = BTREE + (GIN if schema_editor.connection.vendor == "postgresql" else [])
    for _name, sql in indexes:
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    indexes = BTREE + (GIN if schema_editor.connection.vendor == "postgresql" else [])
    for name, _sql in indexes:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0002_inquiries"),
    ]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="flood_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=60),
        ),
        migrations.AddField(
            model_name="listing",
            name="rank_demoted",
            field=models.BooleanField(default=False, editable=False, verbose_name="刷屏降权"),
        ),
        migrations.AddField(
            model_name="listing",
            name="rank_key",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="listing",
            name="rank_valid_until",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="listing",
            name="search_document",
            field=listings.search_fields.TsVectorField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="listing",
            name="search_title",
            field=listings.search_fields.TsVectorField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
