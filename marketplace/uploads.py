"""Upload guards shared by every app (R-L5 and the 300 KB / 1 MB limits).

A file over its limit is refused with 413 `file_too_large`; a file that is not an image, or
would decompress past Pillow's limit, is refused with 400. Images are always re-encoded by
Pillow before they are stored, so nothing a client sent reaches the disk as is.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from .exceptions import DomainError, FileTooLarge

KB = 1024
MB = 1024 * 1024
LISTING_UPLOAD_MAX_BYTES = 5 * MB  # R-L5: refused before conversion
INTRODUCTION_IMAGE_MAX_BYTES = 300 * KB  # R-L5: company introduction
CERTIFICATE_IMAGE_MAX_BYTES = 1 * MB  # R-C5 / R-L5: certificates


class NotAnImage(DomainError):
    code = "not_an_image"
    rule = "R-L5"
    default_detail = "上传的文件不是有效的图片，请上传 JPG、PNG、GIF 或 WebP 格式的图片。"


class ImageTooLargeToDecode(DomainError):
    code = "image_too_large"
    rule = "R-L5"
    default_detail = "图片像素过大，无法处理，请缩小图片尺寸（建议不超过 4000×4000）后再上传。"


def _human(limit: int) -> str:
    return f"{limit // MB} MB" if limit % MB == 0 else f"{limit // KB} KB"


def validate_max_bytes(upload, limit: int, *, label: str = "文件", rule: str = "R-L5") -> None:
    """Refuse an upload over `limit` bytes (exactly `limit` is allowed)."""
    size = getattr(upload, "size", None)
    if size is None:
        pos = upload.tell()
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(pos)
    if size > limit:
        raise FileTooLarge(
            f"{label}不能超过 {_human(limit)}（当前 {size / KB:.0f} KB），请压缩后重新上传。",
            rule=rule,
            fields={"image": [f"{label}不能超过 {_human(limit)}。"]},
        )


def open_image(upload) -> Image.Image:
    """Open and fully decode an uploaded image, refusing non-images and decompression bombs."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(upload)
            probe.verify()  # structure check; the object is unusable afterwards
            upload.seek(0)
            image = Image.open(upload)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLargeToDecode()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise NotAnImage()
    return image


def reencode_image(
    upload, *, max_bytes: int, label: str = "图片", rule: str = "R-L5", max_side: int = 1600
) -> tuple[bytes, Image.Image]:
    """Validate size, decode, and re-encode as RGB JPEG (bounded to `max_side` pixels).

    Returns the JPEG bytes and the decoded image. Used for certificate and introduction
    images; listing images have their own 200×200 pipeline (listings/images.py).
    """
    validate_max_bytes(upload, max_bytes, label=label, rule=rule)
    image = open_image(upload)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), image
