"""listings 0011 (issue 15) adds the large version to listing images: a database migrated
forward keeps every image row, its file, size and order; the gallery then shows the
200×200 file until a new upload brings a large one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from listings.models import ListingImage
from tests.factories import ListingFactory

BEFORE = [("listings", "0010_search_indexed_at")]
AFTER = [("listings", "0011_listing_image_large")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_image_rows_survive_and_show_their_display_image():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        # Only the image table differs between the two states: the listing is made with
        # today's models (other apps have migrated on), its images with 0010's.
        listing = ListingFactory()
        OldImage = old.get_model("listings", "ListingImage")
        rows = [
            OldImage.objects.create(
                listing_id=listing.pk,
                image=f"listings/2025/01/{n}.jpg",
                bytes=9000 + n,
                position=p,
            )
            for n, p in ((1, 1), (2, 0), (3, 2))
        ]
        before = sorted(OldImage.objects.values_list("pk", "image", "bytes", "position"))

        _migrate(AFTER)

        images = ListingImage.objects.filter(listing_id=listing.pk)
        assert sorted(images.values_list("pk", "image", "bytes", "position")) == before
        assert [i.pk for i in images] == [rows[1].pk, rows[0].pk, rows[2].pk]  # by position
        for image in images:
            assert not image.large and image.large_url == image.image.url
            assert image.large_size == (200, 200)
    finally:
        _migrate(latest)
