"""Upload guards shared by every app (R-L5 and the 300 KB / 1 MB limits).

A file over its limit is refused with 413 `file_too_large`; a file that is not an image, or
would decompress past Pillow's limit, is refused with 400. Images are always re-encoded by
Pillow before they are stored, so nothing a client sent reaches the disk as is.
"""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler
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


# --- Refusing oversized uploads before the body is read (R-L5) ---------------------------

# A multipart body is the file plus a few hundred bytes of headers and other fields. A body
# declared larger than the limit plus this slack is refused without reading a byte; a body
# within it is streamed through `MaxBytesUploadHandler`, which stops at the limit.
MULTIPART_SLACK_BYTES = 64 * KB


def _too_large(limit: int, label: str, rule: str, size: int | None = None) -> FileTooLarge:
    now = f"（当前约 {size / MB:.1f} MB）" if size else ""
    return FileTooLarge(
        f"{label}不能超过 {_human(limit)}{now}，请压缩或缩小后重新上传。",
        rule=rule,
        fields={"image": [f"{label}不能超过 {_human(limit)}。"]},
    )


class MaxBytesUploadHandler(FileUploadHandler):
    """Stops a multipart upload as soon as one file passes `limit` bytes.

    Raises FileTooLarge from inside the parser, so the rest of the body is never read.
    Put it first in `request.upload_handlers` before anything reads request.POST/FILES.
    """

    def __init__(self, request=None, *, limit: int, label: str = "图片", rule: str = "R-L5"):
        super().__init__(request)
        self.limit = limit
        self.label = label
        self.rule = rule

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            raise _too_large(self.limit, self.label, self.rule)
        return raw_data

    def file_complete(self, file_size):
        return None


def guard_upload_request(request, *, limit: int, label: str = "图片", rule: str = "R-L5") -> None:
    """Refuse (FileTooLarge, 413) a request whose declared body is over `limit` plus the
    multipart slack, and make the parser stop at `limit` bytes for any single file.

    Call before request.POST / request.FILES (or DRF's request.data) are touched; with
    Django's CSRF middleware that means a `csrf_exempt` view that applies `csrf_protect`
    itself after this call. `request` may be a Django or DRF request.
    """
    raw = getattr(request, "_request", request)
    try:
        declared = int(raw.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit + MULTIPART_SLACK_BYTES:
        raise _too_large(limit, label, rule, declared)
    handlers = raw.upload_handlers
    if not any(isinstance(h, MaxBytesUploadHandler) for h in handlers):
        handlers.insert(0, MaxBytesUploadHandler(raw, limit=limit, label=label, rule=rule))


# --- Validators reusable by other apps (R-L5: 300 KB introduction, 1 MB certificate) ------


def validate_introduction_image(upload) -> None:
    """R-L5: a company-introduction image is at most 300 KB and a real image."""
    validate_max_bytes(upload, INTRODUCTION_IMAGE_MAX_BYTES, label="公司介绍图片")
    open_image(upload)
    upload.seek(0)


def validate_certificate_image(upload) -> None:
    """R-C5 / R-L5: a certificate image is at most 1 MB and a real image."""
    validate_max_bytes(upload, CERTIFICATE_IMAGE_MAX_BYTES, label="证书图片", rule="R-C5")
    open_image(upload)
    upload.seek(0)


def _as_validation_error(check, upload) -> None:
    try:
        check(upload)
    except DomainError as exc:
        raise ValidationError(str(exc.detail), code=exc.code)


def introduction_image_validator(upload) -> None:
    """For FileField/ImageField(validators=[...]) in forms and models (300 KB)."""
    _as_validation_error(validate_introduction_image, upload)


def certificate_image_validator(upload) -> None:
    """For FileField/ImageField(validators=[...]) in forms and models (1 MB)."""
    _as_validation_error(validate_certificate_image, upload)
