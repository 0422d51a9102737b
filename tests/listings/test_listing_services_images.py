"""Listing services against PostgreSQL: images (R-L5)."""

import pytest

from listings import image_services, services
from listings.exceptions import TooManyImages
from listings.models import Listing, ListingImage
from marketplace.exceptions import FileTooLarge
from marketplace.uploads import LISTING_UPLOAD_MAX_BYTES, NotAnImage
from tests.listings.helpers import live_listing
from tests.listings.listing_factories import (
    HTML_AS_JPEG,
    image_bytes,
    listing_values,
    upload,
)

pytestmark = pytest.mark.django_db
Status = Listing.Status


# --- images (R-L5) ------------------------------------------------------------------------------


def test_image_add_stores_a_200_jpeg(company, category):
    listing = services.listing_create(company=company, **listing_values(category))
    image = image_services.listing_image_add(listing=listing, upload=upload(image_bytes("PNG")))
    assert (image.width, image.height, image.format) == (200, 200, "JPEG")
    assert image.image.name.endswith(".jpg")
    assert image.bytes == image.image.size < 200 * 1024


def test_at_most_six_images(company, category):
    listing = services.listing_create(company=company, **listing_values(category))
    for _ in range(6):
        image_services.listing_image_add(listing=listing, upload=upload(image_bytes()))
    with pytest.raises(TooManyImages):
        image_services.listing_image_add(listing=listing, upload=upload(image_bytes()))
    assert listing.images.count() == 6


def test_a_failed_upload_leaves_the_images_as_they_were(company, category, settings):
    import os

    listing = services.listing_create(company=company, **listing_values(category))
    kept = image_services.listing_image_add(listing=listing, upload=upload(image_bytes()))
    before = list(ListingImage.objects.filter(listing=listing).values_list("pk", "image"))
    files_before = sorted(_files(settings.MEDIA_ROOT))
    for bad, error in (
        (upload(HTML_AS_JPEG), NotAnImage),
        (upload(b"\xff" * (LISTING_UPLOAD_MAX_BYTES + 1)), FileTooLarge),
    ):
        with pytest.raises(error):
            image_services.listing_image_add(listing=listing, upload=bad)
    assert list(ListingImage.objects.filter(listing=listing).values_list("pk", "image")) == before
    assert sorted(_files(settings.MEDIA_ROOT)) == files_before
    assert os.path.exists(kept.image.path)


def test_a_refused_seventh_image_leaves_no_file_behind(company, category, settings):
    listing = services.listing_create(company=company, **listing_values(category))
    for _ in range(6):
        image_services.listing_image_add(listing=listing, upload=upload(image_bytes()))
    files_before = sorted(_files(settings.MEDIA_ROOT))
    with pytest.raises(TooManyImages):
        image_services.listing_image_add(listing=listing, upload=upload(image_bytes()))
    assert sorted(_files(settings.MEDIA_ROOT)) == files_before


def _files(root):
    import os

    return [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs]


def test_image_change_on_a_live_listing_goes_back_to_review(
    company, category, django_capture_on_commit_callbacks
):
    listing = live_listing(company, category)
    with django_capture_on_commit_callbacks(execute=True):
        image = image_services.listing_image_add(listing=listing, upload=upload(image_bytes()))
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW
    listing.status = Status.LIVE
    listing.save()
    with django_capture_on_commit_callbacks(execute=True):
        image_services.listing_image_remove(image=image)
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW
    assert listing.images.count() == 0
