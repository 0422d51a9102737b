"""Issue 17, finding 7: a listing image is always re-encoded from its pixels (R-L5).

Whatever a client hides in an upload (a JPEG comment holding HTML, EXIF, XMP, ICC, a GIF
comment or application extension, PNG text, bytes after the image end) never reaches the
stored file, even when the upload already has R-L5's size and format; the stored name
never comes from the upload.
"""

import io

import pytest
from django.test import Client
from PIL import Image

from listings.images import STORED_MAX_BYTES, process_listing_image
from listings.models import Listing
from tests.conftest import auth_client
from tests.factories import ListingFactory
from tests.hostile_images import (
    UPLOAD_NAME,
    assert_name_is_ours,
    assert_pixels_only,
    hostile_gif,
    hostile_jpeg,
    hostile_png,
    swapped_profile,
)
from tests.listings.listing_factories import upload

pytestmark = pytest.mark.django_db

CASES = [
    pytest.param(hostile_jpeg, "jpg", "image/jpeg", "JPEG", id="jpeg"),
    pytest.param(hostile_gif, "gif", "image/gif", "GIF", id="gif"),
    pytest.param(hostile_png, "png", "image/png", "JPEG", id="png"),
]


def _stored(listing) -> tuple[str, bytes]:
    image = listing.images.get()
    with image.image.open("rb") as fh:
        return image.image.name, fh.read()


@pytest.mark.parametrize("build,ext,content_type,stored_format", CASES)
def test_api_upload_stores_pixels_only(seller, build, ext, content_type, stored_format):
    listing = ListingFactory(company=seller.company, status=Listing.Status.DRAFT)
    content = build()
    response = auth_client(seller).post(
        f"/api/v1/listings/{listing.pk}/images/",
        {"image": upload(content, f"{UPLOAD_NAME}.{ext}", content_type)},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    name, data = _stored(listing)
    assert_name_is_ours(name)
    assert UPLOAD_NAME not in response.json()["url"]
    stored = assert_pixels_only(data, size=(200, 200))
    assert stored.format == stored_format == response.json()["format"]
    assert len(data) < STORED_MAX_BYTES and response.json()["bytes"] == len(data)


@pytest.mark.parametrize("build,ext,content_type,stored_format", CASES)
def test_page_upload_stores_pixels_only(seller, build, ext, content_type, stored_format):
    listing = ListingFactory(company=seller.company, status=Listing.Status.DRAFT)
    client = Client()
    client.force_login(seller)
    response = client.post(
        f"/my/listings/{listing.pk}/images/",
        {"image": upload(build(), f"{UPLOAD_NAME}.{ext}", content_type)},
    )
    assert response.status_code == 302
    name, data = _stored(listing)
    assert_name_is_ours(name)
    assert assert_pixels_only(data, size=(200, 200)).format == stored_format


def test_an_upload_already_in_the_stored_form_is_still_re_encoded():
    """A 200×200 RGB JPEG under 200 KB is not kept as sent: its bytes are Pillow's."""
    content = hostile_jpeg()
    assert Image.open(io.BytesIO(content)).size == (200, 200) and len(content) < 200 * 1024
    processed = process_listing_image(io.BytesIO(content))
    assert processed.content != content
    assert_pixels_only(processed.content, size=(200, 200))


def test_colour_profile_is_applied_then_dropped():
    """An ICC profile is not kept, but the colours it describes are: the pixels are
    converted to sRGB first (here a profile whose red primary is sRGB's green)."""
    content = hostile_jpeg(color=(255, 0, 0), icc=swapped_profile())
    processed = process_listing_image(io.BytesIO(content))
    stored = assert_pixels_only(processed.content, size=(200, 200))
    r, g, b = stored.convert("RGB").getpixel((100, 100))
    assert g > 200 and r < 60 and b < 60, (r, g, b)


def test_gif_keeps_its_format_and_only_the_first_frame():
    frames = [Image.new("RGB", (200, 200), c).quantize(8) for c in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(
        out, "GIF", save_all=True, append_images=frames[1:], loop=0, duration=100, comment=b"<x>"
    )
    processed = process_listing_image(io.BytesIO(out.getvalue()))
    assert processed.format == "GIF"
    stored = assert_pixels_only(processed.content, size=(200, 200))
    assert getattr(stored, "n_frames", 1) == 1
