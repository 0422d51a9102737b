"""The Listings API of API.md: listing images (R-L5)."""

import pytest
from PIL import Image

from listings.models import Listing
from marketplace.uploads import LISTING_UPLOAD_MAX_BYTES
from tests.conftest import auth_client
from tests.factories import ListingFactory
from tests.listings.listing_factories import (
    HTML_AS_JPEG,
    bomb_png,
    image_bytes,
    noisy_png,
    upload,
)

pytestmark = pytest.mark.django_db
Status = Listing.Status


# --- images (R-L5) ------------------------------------------------------------------------------


def _post_image(client, listing, content, name="photo.jpg", content_type="image/jpeg"):
    return client.post(
        f"/api/v1/listings/{listing.pk}/images/",
        {"image": upload(content, name, content_type)},
        format="multipart",
    )


def test_image_upload_gives_the_stored_form(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    response = _post_image(
        auth_client(seller), listing, noisy_png((4000, 3000)), "big.png", "image/png"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["width"], body["height"], body["format"]) == (200, 200, "JPEG")
    assert body["bytes"] < 200 * 1024
    assert body["url"].startswith("http://testserver/media/listings/")
    detail = auth_client(seller).get(f"/api/v1/listings/{listing.pk}/").json()
    assert detail["images"] == [body["url"]]


def test_cmyk_upload_is_stored_rgb(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    response = _post_image(auth_client(seller), listing, image_bytes("JPEG", mode="CMYK"))
    assert response.status_code == 201
    stored = Image.open(listing.images.get().image.path)
    assert stored.mode == "RGB" and stored.size == (200, 200)


def test_upload_of_5_mb_plus_one_byte_is_413(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    jpeg = image_bytes("JPEG", size=(100, 100))
    content = jpeg + b"\0" * (LISTING_UPLOAD_MAX_BYTES + 1 - len(jpeg))
    response = _post_image(auth_client(seller), listing, content)
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "file_too_large" and body["rule"] == "R-L5"
    assert "5 MB" in body["detail"]
    assert listing.images.count() == 0


def test_upload_of_exactly_5_mb_is_accepted(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    jpeg = image_bytes("JPEG", size=(100, 100))
    content = jpeg + b"\0" * (LISTING_UPLOAD_MAX_BYTES - len(jpeg))
    assert _post_image(auth_client(seller), listing, content).status_code == 201


def test_declared_oversized_body_is_413_before_reading(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    client = auth_client(seller)
    response = client.generic(
        "POST",
        f"/api/v1/listings/{listing.pk}/images/",
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(20 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"


def test_bomb_and_html_are_400(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    client = auth_client(seller)
    bomb = _post_image(client, listing, bomb_png(), "bomb.png", "image/png")
    assert bomb.status_code == 400 and bomb.json()["code"] == "image_too_large"
    html = _post_image(client, listing, HTML_AS_JPEG)
    assert html.status_code == 400 and html.json()["code"] == "not_an_image"
    assert listing.images.count() == 0


def test_failed_upload_leaves_images_as_they_were(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    client = auth_client(seller)
    assert _post_image(client, listing, image_bytes()).status_code == 201
    before = list(listing.images.values_list("pk", "image", "bytes"))
    assert _post_image(client, listing, HTML_AS_JPEG).status_code == 400
    assert list(listing.images.values_list("pk", "image", "bytes")) == before


def test_seventh_image_is_refused(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    client = auth_client(seller)
    for _ in range(6):
        assert _post_image(client, listing, image_bytes("PNG", size=(30, 30))).status_code == 201
    response = _post_image(client, listing, image_bytes())
    assert response.status_code == 400 and response.json()["code"] == "too_many_images"


def test_image_delete(seller, other):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    client = auth_client(seller)
    image_id = _post_image(client, listing, image_bytes()).json()["id"]
    assert (
        auth_client(other).delete(f"/api/v1/listings/{listing.pk}/images/{image_id}/").status_code
        == 404
    )
    assert client.delete(f"/api/v1/listings/{listing.pk}/images/{image_id}/").status_code == 204
    assert listing.images.count() == 0
