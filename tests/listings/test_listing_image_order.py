"""Issue 15: several images per listing, in order (the first on cards), each stored as the
R-L5 display image plus a large version; owners reorder and delete them in the back
office and through the API; a failed upload leaves the listing as it was."""

import os

import pytest
from django.test import Client
from PIL import Image

from listings import image_services, services
from listings.exceptions import InvalidListing
from listings.models import Listing, ListingImage
from marketplace.uploads import NotAnImage
from tests.conftest import auth_client
from tests.factories import ListingFactory
from tests.listings.helpers import live_listing
from tests.listings.listing_factories import (
    HTML_AS_JPEG,
    image_bytes,
    listing_values,
    noisy_png,
    upload,
)

pytestmark = pytest.mark.django_db
Status = Listing.Status
COLOURS = [(200, 30, 30), (30, 160, 60), (30, 60, 200)]


def _with_images(listing, n=3):
    return [
        image_services.listing_image_add(
            listing=listing, upload=upload(image_bytes("PNG", size=(900, 600), color=COLOURS[k]))
        )
        for k in range(n)
    ]


def _order(listing) -> list[int]:
    return list(listing.images.order_by("position", "id").values_list("pk", flat=True))


def _files(root):
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)


def test_each_image_keeps_a_display_image_and_a_large_version_in_upload_order(company, category):
    listing = services.listing_create(company=company, **listing_values(category))
    images = _with_images(listing)
    assert _order(listing) == [i.pk for i in images]
    assert [i.position for i in images] == [0, 1, 2]
    first = images[0]
    with Image.open(first.image.path) as display, Image.open(first.large.path) as large:
        assert display.size == (200, 200) and large.size == (900, 600)
        assert large.getpixel((450, 300))[0] > 150  # the first upload (red)
    assert (first.large_width, first.large_height) == (900, 600)
    assert first.large_bytes == os.path.getsize(first.large.path)
    assert first.large_url.endswith(".jpg") and first.large_url != first.image.url


def test_reorder_puts_the_images_in_the_given_order(company, category):
    listing = services.listing_create(company=company, **listing_values(category))
    a, b, c = _with_images(listing)
    result = image_services.listing_image_reorder(listing=listing, image_ids=[c.pk, a.pk, b.pk])
    assert [i.pk for i in result] == [c.pk, a.pk, b.pk] == _order(listing)
    assert list(listing.images.order_by("position").values_list("position", flat=True)) == [0, 1, 2]


@pytest.mark.parametrize("ids", ["missing", "extra", "twice"])
def test_reorder_refuses_a_list_that_is_not_each_image_once(company, category, ids):
    listing = services.listing_create(company=company, **listing_values(category))
    a, b, c = _with_images(listing)
    other = _with_images(services.listing_create(company=company, **listing_values(category)), 1)
    bad = {
        "missing": [a.pk, b.pk],
        "extra": [a.pk, b.pk, c.pk, other[0].pk],
        "twice": [a.pk, a.pk, b.pk],
    }
    with pytest.raises(InvalidListing):
        image_services.listing_image_reorder(listing=listing, image_ids=bad[ids])
    assert _order(listing) == [a.pk, b.pk, c.pk]


def test_a_changed_order_of_a_live_listing_sends_it_back_to_review(
    company, category, django_capture_on_commit_callbacks
):
    listing = live_listing(company, category)
    a, b = (
        ListingImage.objects.create(listing=listing, image=f"listings/{n}.jpg", position=p)
        for p, n in enumerate("ab")
    )
    with django_capture_on_commit_callbacks(execute=True):
        image_services.listing_image_reorder(listing=listing, image_ids=[a.pk, b.pk])  # same
    listing.refresh_from_db()
    assert listing.status == Status.LIVE
    with django_capture_on_commit_callbacks(execute=True):
        image_services.listing_image_reorder(listing=listing, image_ids=[b.pk, a.pk])
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW  # R-L2: an edit of its images


def test_delete_removes_both_files_and_closes_the_gap(
    company, category, django_capture_on_commit_callbacks
):
    listing = services.listing_create(company=company, **listing_values(category))
    a, b, c = _with_images(listing)
    with django_capture_on_commit_callbacks(execute=True):
        image_services.listing_image_remove(image=a)
    assert not os.path.exists(a.image.path) and not os.path.exists(a.large.path)
    assert os.path.exists(b.large.path)
    assert list(listing.images.values_list("pk", "position")) == [(b.pk, 0), (c.pk, 1)]


def test_a_failed_upload_leaves_images_order_and_files_unchanged(company, category, settings):
    listing = services.listing_create(company=company, **listing_values(category))
    _with_images(listing, 2)
    before = list(listing.images.values_list("pk", "image", "large", "position"))
    files = _files(settings.MEDIA_ROOT)
    with pytest.raises(NotAnImage):
        image_services.listing_image_add(listing=listing, upload=upload(HTML_AS_JPEG))
    assert list(listing.images.values_list("pk", "image", "large", "position")) == before
    assert _files(settings.MEDIA_ROOT) == files


def test_a_database_failure_after_the_files_were_written_removes_them(
    company, category, settings, monkeypatch
):
    listing = services.listing_create(company=company, **listing_values(category))
    files = _files(settings.MEDIA_ROOT)

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ListingImage, "save", broken_save)
    with pytest.raises(RuntimeError):
        image_services.listing_image_add(listing=listing, upload=upload(image_bytes()))
    assert _files(settings.MEDIA_ROOT) == files
    assert not ListingImage.objects.filter(listing=listing).exists()


# --- the API ----------------------------------------------------------------------------------------


def test_api_upload_keeps_its_contract_and_adds_the_large_version(member):
    listing = ListingFactory(company=member.company, status=Status.DRAFT)
    client = auth_client(member)
    response = client.post(
        f"/api/v1/listings/{listing.pk}/images/",
        {"image": upload(noisy_png((4000, 3000)), "big.png", "image/png")},
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert {"url", "width", "height", "format", "bytes"} <= body.keys()
    assert (body["width"], body["height"], body["format"]) == (200, 200, "JPEG")
    assert (body["large_width"], body["large_height"]) == (1200, 900)
    assert body["large_url"].startswith("http://testserver/media/listings/large/")


def test_api_detail_lists_images_in_order_and_the_order_endpoint_changes_it(member):
    listing = ListingFactory(company=member.company, status=Status.DRAFT)
    a, b, c = _with_images(listing)
    client = auth_client(member)
    detail = client.get(f"/api/v1/listings/{listing.pk}/").json()
    assert [u.rsplit("/", 1)[1] for u in detail["images"]] == [
        i.image.name.rsplit("/", 1)[1] for i in (a, b, c)
    ]
    response = client.post(
        f"/api/v1/listings/{listing.pk}/images/order/", {"ids": [b.pk, c.pk, a.pk]}, format="json"
    )
    assert response.status_code == 200
    assert [i["id"] for i in response.json()] == [b.pk, c.pk, a.pk]
    detail = client.get(f"/api/v1/listings/{listing.pk}/").json()
    assert detail["images"][0].endswith(b.image.name.rsplit("/", 1)[1])
    wrong = client.post(
        f"/api/v1/listings/{listing.pk}/images/order/", {"ids": [b.pk]}, format="json"
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid"


def test_api_order_is_for_the_owner_only(member, other):
    listing = ListingFactory(company=member.company, status=Status.DRAFT)
    response = auth_client(other).post(
        f"/api/v1/listings/{listing.pk}/images/order/", {"ids": []}, format="json"
    )
    assert response.status_code in (403, 404)


# --- the back office page -------------------------------------------------------------------------------


def test_owner_moves_images_in_the_manage_page(member):
    listing = ListingFactory(company=member.company, status=Status.DRAFT)
    a, b, c = _with_images(listing)
    client = Client()
    client.force_login(member)
    html = client.get(f"/my/listings/{listing.pk}/").content.decode()
    assert "首图" in html and "设为首图" in html and "后移" in html
    assert f"/my/listings/{listing.pk}/images/{a.pk}/delete/" in html
    edit = client.get(f"/my/listings/{listing.pk}/edit/").content.decode()
    assert "产品图片：3 张" in edit and f"/my/listings/{listing.pk}/#images" in edit
    url = f"/my/listings/{listing.pk}/images/{c.pk}/move/"
    assert client.post(url, {"to": "first"}).status_code == 302
    assert _order(listing) == [c.pk, a.pk, b.pk]
    client.post(f"/my/listings/{listing.pk}/images/{c.pk}/move/", {"to": "down"})
    assert _order(listing) == [a.pk, c.pk, b.pk]
    client.post(f"/my/listings/{listing.pk}/images/{a.pk}/move/", {"to": "up"})  # at the top
    assert _order(listing) == [a.pk, c.pk, b.pk]
    client.post(url, {"to": "sideways"})
    assert _order(listing) == [a.pk, c.pk, b.pk]


def test_nobody_else_moves_an_owners_images(member, other):
    listing = ListingFactory(company=member.company, status=Status.DRAFT)
    a, b = _with_images(listing, 2)
    client = Client()
    client.force_login(other)
    response = client.post(f"/my/listings/{listing.pk}/images/{b.pk}/move/", {"to": "first"})
    assert response.status_code == 404
    assert _order(listing) == [a.pk, b.pk]


def test_the_public_page_shows_the_gallery_with_large_images_first_to_last(member):
    listing = ListingFactory(company=member.company, status=Status.DRAFT)
    a, b, c = _with_images(listing)
    Listing.objects.filter(pk=listing.pk).update(status=Status.LIVE)
    html = Client().get(f"/listings/{listing.pk}/").content.decode()
    assert "data-gallery" in html and "js/listing-gallery.js" in html
    assert html.index(a.large.url) < html.index(b.large.url) < html.index(c.large.url)
    assert f'src="{a.large.url}"' in html  # the main picture is the large version
    assert 'class="lightbox"' in html and "下一张" in html
