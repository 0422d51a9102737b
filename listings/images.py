"""R-L5: the one pipeline listing images go through (Pillow).

Each upload gives two stored files from one decode: the R-L5 *display* image (below, what
the rule and the API's 201 describe; cards and thumbnails use it) and a *large* version for
the listing page's gallery (issue 15): longest side at most 1200 px, never upscaled, always
a progressive JPEG re-encoded from the pixels (EXIF, GPS, ICC and comments
dropped; EXIF orientation applied first).

Stored listing images are RGB, 200×200 px, JPEG (or GIF when a GIF was sent), under
200 KB. What can be brought to that form is converted (larger, smaller, PNG/WebP/BMP,
CMYK, palette, transparency, EXIF rotation); what cannot is refused with a clear message:
not an image (400 `not_an_image`), over 5 MB (413 `file_too_large`, refused before
decoding, and for HTTP uploads before the whole body is read: see
`marketplace.uploads.guard_upload_request`), or past Pillow's decompression-bomb limit
(400 `image_too_large`).

Every upload is re-encoded, also one already in the stored form: the stored bytes are
written by Pillow from the pixels alone (`marketplace.uploads.pixels_only`), so no
comment, metadata, extra frame or trailing byte of the upload is ever stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext
from PIL import Image, ImageOps

from marketplace.uploads import (
    KB,
    LISTING_UPLOAD_MAX_BYTES,
    WHITE,
    NotAnImage,
    encode_gif,
    encode_jpeg,
    open_image,
    pixels_only,
    validate_max_bytes,
)

SIDE = 200
STORED_MAX_BYTES = 200 * KB  # stored files are strictly under this
MAX_IMAGES_PER_LISTING = 6
BACKGROUND = WHITE
JPEG_QUALITIES = (88, 80, 70, 60, 45, 30)
LARGE_MAX_SIDE = 1200  # issue 15: the gallery's zoom view
LARGE_JPEG_QUALITY = 85


@dataclass(frozen=True)
class ProcessedImage:
    content: bytes
    format: str  # "JPEG" or "GIF"
    width: int
    height: int

    @property
    def bytes(self) -> int:
        return len(self.content)

    @property
    def extension(self) -> str:
        return "gif" if self.format == "GIF" else "jpg"


def _fit(image: Image.Image) -> Image.Image:
    """Scale to fit 200×200 keeping the proportions; the rest is white (never cropped)."""
    return ImageOps.pad(
        image, (SIDE, SIDE), method=Image.Resampling.LANCZOS, color=BACKGROUND, centering=(0.5, 0.5)
    )


def _encode_jpeg(image: Image.Image) -> bytes:
    for quality in JPEG_QUALITIES:
        content = encode_jpeg(image, quality=quality, progressive=True)
        if len(content) < STORED_MAX_BYTES:
            return content
    raise NotAnImage(gettext("图片无法压缩到 200 KB 以内，请换一张图片。"))


def _encode_gif(image: Image.Image) -> bytes | None:
    content = encode_gif(image)
    return content if len(content) < STORED_MAX_BYTES else None


@dataclass(frozen=True)
class ProcessedUpload:
    display: ProcessedImage  # R-L5: 200×200, what the API's 201 describes
    large: ProcessedImage  # issue 15: the gallery's large version


def _display(clean: Image.Image, source_format: str) -> ProcessedImage:
    try:
        fitted = _fit(clean)
    except (OSError, ValueError) as exc:
        raise NotAnImage() from exc
    if source_format == "GIF":
        content = _encode_gif(fitted)
        if content is not None:
            return ProcessedImage(content=content, format="GIF", width=SIDE, height=SIDE)
    return ProcessedImage(content=_encode_jpeg(fitted), format="JPEG", width=SIDE, height=SIDE)


def _large(clean: Image.Image) -> ProcessedImage:
    """Longest side ≤ 1200 px, proportions kept, never upscaled (a small photo stays small)."""
    try:
        large = clean.copy()
        large.thumbnail((LARGE_MAX_SIDE, LARGE_MAX_SIDE), Image.Resampling.LANCZOS)
    except (OSError, ValueError) as exc:
        raise NotAnImage() from exc
    content = encode_jpeg(large, quality=LARGE_JPEG_QUALITY, progressive=True)
    return ProcessedImage(content=content, format="JPEG", width=large.width, height=large.height)


def process_listing_upload(upload) -> ProcessedUpload:
    """R-L5: validate and decode an upload once, then make the display image and the large
    version from the same clean pixels.

    `upload` is a file-like object (Django UploadedFile or BytesIO). Raises FileTooLarge
    (413), NotAnImage or ImageTooLargeToDecode (400); nothing is stored here.
    """
    validate_max_bytes(upload, LISTING_UPLOAD_MAX_BYTES, label=gettext("图片"))
    image = open_image(upload)
    source_format = (image.format or "").upper()
    # Pixels only (orientation and colour applied): nothing else of the upload is kept.
    clean = pixels_only(image)
    return ProcessedUpload(display=_display(clean, source_format), large=_large(clean))


def process_listing_image(upload) -> ProcessedImage:
    """R-L5: the display image alone (200×200, the stored form of the rule)."""
    return process_listing_upload(upload).display
