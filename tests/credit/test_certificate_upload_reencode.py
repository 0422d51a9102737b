"""Issue 17, finding 7: a certificate image and its thumbnail are re-encoded from pixels.

HTML hidden in an upload (JPEG comment, EXIF, XMP, ICC, GIF comment and application
extension, PNG text, trailing bytes) never reaches the stored image or thumbnail, and
the stored names never come from the upload. Certificates accept images only (R-C5).
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from credit.models import Certificate
from credit.services import THUMBNAIL_SIDE
from tests.conftest import auth_client
from tests.factories import UserFactory
from tests.hostile_images import (
    UPLOAD_NAME,
    assert_name_is_ours,
    assert_pixels_only,
    hostile_gif,
    hostile_jpeg,
    hostile_png,
    swapped_profile,
)

pytestmark = pytest.mark.django_db

CASES = [
    pytest.param(hostile_jpeg, "jpg", "image/jpeg", id="jpeg"),
    pytest.param(hostile_gif, "gif", "image/gif", id="gif"),
    pytest.param(hostile_png, "png", "image/png", id="png"),
]


def _upload(content: bytes, ext: str, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{UPLOAD_NAME}.{ext}", content, content_type=content_type)


def _read(field) -> bytes:
    with field.open("rb") as fh:
        return fh.read()


def _assert_stored(certificate: Certificate, size) -> None:
    for field in (certificate.image, certificate.thumbnail):
        assert_name_is_ours(field.name)
    image = assert_pixels_only(_read(certificate.image), size=size)
    assert image.format == "JPEG"
    thumb = assert_pixels_only(_read(certificate.thumbnail))
    assert thumb.format == "JPEG" and max(thumb.size) <= THUMBNAIL_SIDE


@pytest.mark.parametrize("build,ext,content_type", CASES)
def test_api_upload_stores_pixels_only(build, ext, content_type):
    user = UserFactory()
    res = auth_client(user).post(
        "/api/v1/certificates/",
        {"kind": "tax", "title": "税务登记证", "image": _upload(build(), ext, content_type)},
        format="multipart",
    )
    assert res.status_code == 201, res.json()
    _assert_stored(Certificate.objects.get(pk=res.json()["id"]), (200, 200))


@pytest.mark.parametrize("build,ext,content_type", CASES)
def test_page_upload_stores_pixels_only(build, ext, content_type):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    res = client.post(
        "/my/credit/certificates/",
        {"kind": "licence", "title": "营业执照", "image": _upload(build(), ext, content_type)},
    )
    assert res.status_code == 302
    _assert_stored(Certificate.objects.get(company=user.company), (200, 200))


def test_large_certificate_and_its_thumbnail_are_clean():
    user = UserFactory()
    res = auth_client(user).post(
        "/api/v1/certificates/",
        {
            "kind": "product",
            "title": "产品证书",
            "image": _upload(hostile_jpeg(size=(1000, 700)), "jpg", "image/jpeg"),
        },
        format="multipart",
    )
    assert res.status_code == 201, res.json()
    _assert_stored(Certificate.objects.get(pk=res.json()["id"]), (1000, 700))


def test_colour_profile_is_applied_then_dropped():
    user = UserFactory()
    content = hostile_jpeg(color=(255, 0, 0), icc=swapped_profile())
    res = auth_client(user).post(
        "/api/v1/certificates/",
        {"kind": "other", "title": "荣誉", "image": _upload(content, "jpg", "image/jpeg")},
        format="multipart",
    )
    assert res.status_code == 201, res.json()
    certificate = Certificate.objects.get(pk=res.json()["id"])
    for field in (certificate.image, certificate.thumbnail):
        from PIL import Image

        r, g, b = Image.open(io.BytesIO(_read(field))).convert("RGB").getpixel((50, 50))
        assert g > 200 and r < 60 and b < 60, (r, g, b)
