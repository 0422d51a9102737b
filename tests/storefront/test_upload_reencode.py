"""Issue 17, finding 7: shop banners and company-introduction images are re-encoded from
pixels; HTML hidden in an upload never reaches the stored file, and the stored name
never comes from the upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from storefront.models import IntroductionImage, ShopSettings
from tests.hostile_images import (
    UPLOAD_NAME,
    assert_name_is_ours,
    assert_pixels_only,
    hostile_gif,
    hostile_jpeg,
    hostile_png,
)

pytestmark = pytest.mark.django_db

CASES = [
    pytest.param(hostile_jpeg, "jpg", "image/jpeg", id="jpeg"),
    pytest.param(hostile_gif, "gif", "image/gif", id="gif"),
    pytest.param(hostile_png, "png", "image/png", id="png"),
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _read(field) -> bytes:
    with field.open("rb") as fh:
        return fh.read()


@pytest.mark.parametrize("build,ext,content_type", CASES)
def test_banner_stores_pixels_only(shop_user, build, ext, content_type):
    upload = SimpleUploadedFile(f"{UPLOAD_NAME}.{ext}", build(), content_type=content_type)
    assert _client(shop_user).post("/my/shop/banner/", {"image": upload}).status_code == 302
    banner = ShopSettings.objects.get(company=shop_user.company).banner
    assert_name_is_ours(banner.name)
    assert assert_pixels_only(_read(banner), size=(200, 200)).format == "JPEG"


@pytest.mark.parametrize("build,ext,content_type", CASES)
def test_introduction_image_stores_pixels_only(shop_user, build, ext, content_type):
    upload = SimpleUploadedFile(f"{UPLOAD_NAME}.{ext}", build(), content_type=content_type)
    assert _client(shop_user).post("/my/shop/images/", {"image": upload}).status_code == 302
    row = IntroductionImage.objects.get(company=shop_user.company)
    assert_name_is_ours(row.image.name)
    stored = assert_pixels_only(_read(row.image), size=(200, 200))
    assert stored.format == "JPEG" and (row.width, row.height) == stored.size


def test_admin_cannot_replace_an_introduction_image_file(shop_user, staff_user):
    """The admin change form shows the file but has no upload field that would store a
    file without re-encoding it."""
    upload = SimpleUploadedFile(f"{UPLOAD_NAME}.jpg", hostile_jpeg(), content_type="image/jpeg")
    _client(shop_user).post("/my/shop/images/", {"image": upload})
    row = IntroductionImage.objects.get(company=shop_user.company)
    page = _client(staff_user).get(f"/admin/storefront/introductionimage/{row.pk}/change/")
    assert page.status_code == 200
    assert 'type="file"' not in page.content.decode()
