"""R-L5: the listing image pipeline, its refusals, and the reusable upload validators."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from listings.images import SIDE, STORED_MAX_BYTES, process_listing_image
from marketplace.exceptions import FileTooLarge
from marketplace.uploads import (
    CERTIFICATE_IMAGE_MAX_BYTES,
    INTRODUCTION_IMAGE_MAX_BYTES,
    LISTING_UPLOAD_MAX_BYTES,
    ImageTooLargeToDecode,
    MaxBytesUploadHandler,
    NotAnImage,
    certificate_image_validator,
    guard_upload_request,
    introduction_image_validator,
    validate_certificate_image,
    validate_introduction_image,
)
from tests.listings.listing_factories import (
    HTML_AS_JPEG,
    bomb_png,
    image_bytes,
    noisy_png,
    upload,
)


def _stored(processed) -> Image.Image:
    return Image.open(io.BytesIO(processed.content))


def test_cmyk_jpeg_becomes_rgb():
    processed = process_listing_image(upload(image_bytes("JPEG", mode="CMYK")))
    stored = _stored(processed)
    assert stored.mode == "RGB"
    assert stored.format == "JPEG"
    assert stored.size == (SIDE, SIDE)


def test_large_png_becomes_a_small_200_jpeg():
    content = noisy_png((4000, 3000))
    assert len(content) < LISTING_UPLOAD_MAX_BYTES  # accepted input
    processed = process_listing_image(upload(content, "big.png", "image/png"))
    stored = _stored(processed)
    assert (processed.format, stored.format, stored.mode) == ("JPEG", "JPEG", "RGB")
    assert stored.size == (200, 200)
    assert processed.bytes == len(processed.content) < STORED_MAX_BYTES


def test_proportions_are_kept_and_padded_white_never_cropped():
    wide = image_bytes("PNG", size=(1000, 250), color=(0, 0, 0))
    stored = _stored(process_listing_image(upload(wide, "wide.png"))).convert("RGB")
    assert stored.getpixel((100, 100)) < (40, 40, 40)  # the picture, centred
    assert stored.getpixel((100, 5)) > (230, 230, 230)  # white band above
    assert stored.getpixel((100, 195)) > (230, 230, 230)  # and below


def test_transparent_png_is_laid_on_white():
    transparent = image_bytes("PNG", mode="RGBA", color=(255, 0, 0, 0))
    stored = _stored(process_listing_image(upload(transparent, "t.png")))
    assert stored.mode == "RGB"
    assert stored.getpixel((100, 100)) > (230, 230, 230)


def test_small_webp_and_greyscale_are_converted():
    for content in (image_bytes("WEBP", size=(50, 40)), image_bytes("PNG", mode="L")):
        stored = _stored(process_listing_image(upload(content, "x.webp")))
        assert (stored.format, stored.mode, stored.size) == ("JPEG", "RGB", (200, 200))


def test_gif_stays_gif_at_200():
    processed = process_listing_image(upload(image_bytes("GIF", mode="P", color=3), "a.gif"))
    stored = _stored(processed)
    assert processed.format == "GIF" and stored.format == "GIF"
    assert stored.size == (200, 200)
    assert processed.extension == "gif"


def test_exif_rotation_is_applied():
    image = Image.new("RGB", (400, 200), (0, 0, 0))
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90° on display: a portrait picture
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    stored = _stored(process_listing_image(upload(out.getvalue()))).convert("RGB")
    assert stored.getpixel((100, 100)) < (40, 40, 40)
    assert stored.getpixel((5, 100)) > (230, 230, 230)  # white bands left and right


def test_exactly_5_mb_passes_the_size_guard_and_one_byte_more_is_413():
    jpeg = image_bytes("JPEG", size=(100, 100))
    padded = jpeg + b"\0" * (LISTING_UPLOAD_MAX_BYTES - len(jpeg))  # trailing bytes are ignored
    assert len(padded) == LISTING_UPLOAD_MAX_BYTES
    assert process_listing_image(upload(padded)).format == "JPEG"
    with pytest.raises(FileTooLarge) as exc:
        process_listing_image(upload(padded + b"\0"))
    assert exc.value.status_code == 413
    assert exc.value.code == "file_too_large"
    assert "5 MB" in exc.value.detail


def test_decompression_bomb_is_refused():
    content = bomb_png()
    assert len(content) < 100_000
    with pytest.raises(ImageTooLargeToDecode) as exc:
        process_listing_image(upload(content, "bomb.png", "image/png"))
    assert exc.value.code == "image_too_large"
    assert exc.value.status_code == 400
    assert "缩小" in exc.value.detail


def test_html_named_jpg_is_refused():
    with pytest.raises(NotAnImage) as exc:
        process_listing_image(upload(HTML_AS_JPEG, "photo.jpg", "image/jpeg"))
    assert exc.value.code == "not_an_image"
    assert "JPG" in exc.value.detail


def test_truncated_image_is_refused():
    with pytest.raises(NotAnImage):
        process_listing_image(upload(image_bytes("PNG")[:200], "cut.png"))


# --- the streaming guard ----------------------------------------------------------------------


def test_upload_handler_stops_at_the_limit():
    handler = MaxBytesUploadHandler(None, limit=10)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    assert handler.receive_data_chunk(b"67890", 5) == b"67890"  # exactly 10: fine
    with pytest.raises(FileTooLarge):
        handler.receive_data_chunk(b"x", 10)


def test_guard_refuses_a_declared_oversized_body_without_reading_it(rf):
    class Unreadable(io.BytesIO):
        def read(self, *args):  # pragma: no cover - reaching it fails the test
            raise AssertionError("the body was read")

    request = rf.post("/x/", data=b"", content_type="multipart/form-data; boundary=x")
    request.META["CONTENT_LENGTH"] = str(LISTING_UPLOAD_MAX_BYTES * 2)
    request.META["wsgi.input"] = Unreadable()
    with pytest.raises(FileTooLarge) as exc:
        guard_upload_request(request, limit=LISTING_UPLOAD_MAX_BYTES)
    assert exc.value.status_code == 413


def test_guard_installs_the_streaming_handler_once(rf):
    request = rf.post("/x/", data={"a": "b"})
    guard_upload_request(request, limit=100)
    guard_upload_request(request, limit=100)
    handlers = [h for h in request.upload_handlers if isinstance(h, MaxBytesUploadHandler)]
    assert len(handlers) == 1 and request.upload_handlers[0] is handlers[0]


# --- validators for other apps ------------------------------------------------------------------


def _sized(limit: int, extra: int) -> bytes:
    jpeg = image_bytes("JPEG", size=(50, 50))
    return jpeg + b"\0" * (limit + extra - len(jpeg))


def test_introduction_image_limit_300_kb():
    validate_introduction_image(upload(_sized(INTRODUCTION_IMAGE_MAX_BYTES, 0)))
    with pytest.raises(FileTooLarge) as exc:
        validate_introduction_image(upload(_sized(INTRODUCTION_IMAGE_MAX_BYTES, 1)))
    assert "300 KB" in exc.value.detail
    with pytest.raises(ValidationError):
        introduction_image_validator(upload(_sized(INTRODUCTION_IMAGE_MAX_BYTES, 1)))
    with pytest.raises(ValidationError):
        introduction_image_validator(upload(HTML_AS_JPEG))


def test_certificate_image_limit_1_mb():
    validate_certificate_image(upload(_sized(CERTIFICATE_IMAGE_MAX_BYTES, 0)))
    with pytest.raises(FileTooLarge) as exc:
        validate_certificate_image(upload(_sized(CERTIFICATE_IMAGE_MAX_BYTES, 1)))
    assert "1 MB" in exc.value.detail and exc.value.rule == "R-C5"
    certificate_image_validator(upload(_sized(CERTIFICATE_IMAGE_MAX_BYTES, 0)))
    with pytest.raises(ValidationError):
        certificate_image_validator(upload(_sized(CERTIFICATE_IMAGE_MAX_BYTES, 1)))
