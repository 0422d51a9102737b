"""Issue 15: the large version of a listing image (the gallery's zoom), next to the R-L5
display image: longest side ≤ 1200 px, never upscaled, re-encoded by Pillow with no EXIF
(orientation applied first, GPS gone). The display image stays exactly what R-L5 says."""

import io

import pytest
from PIL import Image

from listings.images import (
    LARGE_MAX_SIDE,
    SIDE,
    STORED_MAX_BYTES,
    process_listing_image,
    process_listing_upload,
)
from tests.listings.listing_factories import image_bytes, noisy_png, upload

ORIENTATION = 0x0112
GPS_IFD = 0x8825


def _open(processed) -> Image.Image:
    return Image.open(io.BytesIO(processed.content))


def test_a_4000_by_3000_upload_gives_a_1200_by_900_large_version():
    result = process_listing_upload(upload(noisy_png((4000, 3000)), "big.png", "image/png"))
    large = _open(result.large)
    assert large.size == (1200, 900) == (result.large.width, result.large.height)
    assert large.format == "JPEG" and large.mode == "RGB"
    assert result.large.bytes == len(result.large.content)
    # …and the display image is the R-L5 form, unchanged.
    assert (result.display.width, result.display.height) == (SIDE, SIDE)
    assert result.display.bytes < STORED_MAX_BYTES


def test_a_tall_upload_is_bounded_by_its_height():
    result = process_listing_upload(upload(image_bytes("PNG", size=(1000, 3000)), "t.png"))
    assert _open(result.large).size == (400, LARGE_MAX_SIDE)


@pytest.mark.parametrize("size", [(300, 200), (1200, 800), (64, 64)])
def test_a_small_upload_is_not_upscaled(size):
    result = process_listing_upload(upload(image_bytes("JPEG", size=size)))
    assert _open(result.large).size == size


def test_a_gif_keeps_its_gif_display_image_and_gets_a_jpeg_large_version():
    result = process_listing_upload(upload(image_bytes("GIF", mode="P", color=3), "a.gif"))
    assert result.display.format == "GIF"
    assert result.large.format == "JPEG" and _open(result.large).format == "JPEG"


def test_the_display_image_is_the_one_of_rule_r_l5():
    content = image_bytes("PNG", size=(900, 500), color=(10, 120, 200))
    assert process_listing_image(upload(content)) == process_listing_upload(upload(content)).display


def _photo_with_exif() -> bytes:
    """A 400×200 JPEG whose EXIF says "rotate 90° clockwise to show" and where it was taken:
    stored left half red, right half blue."""
    image = Image.new("RGB", (400, 200), (220, 20, 20))
    image.paste((20, 20, 220), (200, 0, 400, 200))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneMaker"  # camera make
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (30.0, 16.0, 12.0), 3: "E", 4: (120.0, 9.0, 30.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    content = out.getvalue()
    check = Image.open(io.BytesIO(content)).getexif()
    assert check[ORIENTATION] == 6 and check.get_ifd(GPS_IFD)  # the fixture is what it says
    return content


def test_exif_is_stripped_after_its_orientation_is_applied():
    result = process_listing_upload(upload(_photo_with_exif()))
    large = _open(result.large)
    assert large.size == (200, 400)  # turned upright, not upscaled
    assert not large.getexif() and "exif" not in large.info
    for marker in (b"Exif", b"PhoneMaker", b"GPS"):
        assert marker not in result.large.content and marker not in result.display.content
    # The stored left half (red) is now the top, as the camera meant.
    top, bottom = large.getpixel((100, 40)), large.getpixel((100, 360))
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]
    display = _open(result.display)
    assert not display.getexif() and display.size == (SIDE, SIDE)
