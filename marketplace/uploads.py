"""Upload guards shared by every app (R-L5 and the 300 KB / 1 MB limits).

A file over its limit is refused with 413 `file_too_large`; a file that is not an image, or
would decompress past Pillow's limit, is refused with 400. Images are always re-encoded by
Pillow before they are stored, so nothing a client sent reaches the disk as is.
"""

from __future__ import annotations

import functools
import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .exceptions import DomainError, FileTooLarge

KB = 1024
MB = 1024 * 1024
LISTING_UPLOAD_MAX_BYTES = 5 * MB  # R-L5: refused before conversion
INTRODUCTION_IMAGE_MAX_BYTES = 300 * KB  # R-L5: company introduction
CERTIFICATE_IMAGE_MAX_BYTES = 1 * MB  # R-C5 / R-L5: certificates


class NotAnImage(DomainError):
    code = "not_an_image"
    rule = "R-L5"
    default_detail = _("上传的文件不是有效的图片，请上传 JPG、PNG、GIF 或 WebP 格式的图片。")


class ImageTooLargeToDecode(DomainError):
    code = "image_too_large"
    rule = "R-L5"
    default_detail = _("图片像素过大，无法处理，请缩小图片尺寸（建议不超过 4000×4000）后再上传。")


def _human(limit: int) -> str:
    return f"{limit // MB} MB" if limit % MB == 0 else f"{limit // KB} KB"


def validate_max_bytes(upload, limit: int, *, label: str = _("文件"), rule: str = "R-L5") -> None:
    """Refuse an upload over `limit` bytes (exactly `limit` is allowed)."""
    size = getattr(upload, "size", None)
    if size is None:
        pos = upload.tell()
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(pos)
    if size > limit:
        raise FileTooLarge(
            gettext("%(label)s不能超过 %(limit)s（当前 %(size)s KB），请压缩后重新上传。")
            % {"label": label, "limit": _human(limit), "size": f"{size / KB:.0f}"},
            rule=rule,
            fields={"image": [_limit_message(label, limit)]},
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


# --- The one re-encoding path every stored upload goes through (issue 17) -----------------
#
# Nothing a client sent is written as is: the upload is decoded, its pixels are copied into
# a new image (EXIF orientation applied and colours converted to sRGB first), and the stored
# bytes are written by Pillow from that image alone, with explicit parameters that write no
# comment, EXIF, XMP or ICC profile. Comments, metadata, extra GIF frames and extensions,
# PNG text and bytes after the image end are dropped.

WHITE = (255, 255, 255)


@functools.cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert pixels described by an embedded ICC profile to sRGB (the profile itself is
    then dropped). A profile LittleCMS cannot use is ignored."""
    icc = image.info.get("icc_profile")
    if not icc:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if image.mode == "P":
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        if image.mode in ("RGB", "CMYK", "L", "LAB"):
            return ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode="RGB")
        if image.mode in ("RGBA", "LA"):
            alpha = image.getchannel("A")
            base = image.convert("RGB" if image.mode == "RGBA" else "L")
            out = ImageCms.profileToProfile(base, source, _srgb_profile(), outputMode="RGB")
            out.putalpha(alpha)
            return out
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        pass
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any mode to RGB; transparency is laid on a white background."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, WHITE)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode == "RGB":
        return image
    if image.mode.startswith("I;16"):
        image = image.point(lambda v: v / 256).convert("L")
    elif image.mode in ("I", "F"):
        image = image.convert("L")
    return image.convert("RGB")


def _fresh(image: Image.Image) -> Image.Image:
    """A new RGB image holding `image`'s pixels and nothing else (no `info` at all)."""
    return Image.frombytes("RGB", image.size, image.convert("RGB").tobytes())


def pixels_only(image: Image.Image) -> Image.Image:
    """A decoded upload (from `open_image`) as a new RGB image built from its pixels only:
    EXIF orientation applied, colours converted to sRGB, transparency on white; the first
    frame only. Raises NotAnImage if the pixels cannot be read."""
    try:
        image = ImageOps.exif_transpose(image)  # read before EXIF is dropped
        return _fresh(_to_rgb(_to_srgb(image)))
    except (OSError, ValueError, SyntaxError) as exc:
        raise NotAnImage() from exc


def encode_jpeg(image: Image.Image, *, quality: int, progressive: bool = False) -> bytes:
    """RGB JPEG bytes written by Pillow from the pixels alone: no comment, EXIF, XMP, ICC."""
    out = io.BytesIO()
    _fresh(image).save(
        out,
        "JPEG",
        quality=quality,
        optimize=True,
        progressive=progressive,
        exif=b"",
        comment=b"",
        icc_profile=None,
    )
    return out.getvalue()


def encode_gif(image: Image.Image) -> bytes:
    """A single-frame GIF (256 colours) written by Pillow from the pixels alone: no comment,
    application extension, loop or ICC."""
    paletted = _fresh(image).quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    paletted.info = {}
    out = io.BytesIO()
    paletted.save(out, "GIF", optimize=True, comment=b"")
    return out.getvalue()


def reencode_image(
    upload, *, max_bytes: int, label: str = _("图片"), rule: str = "R-L5", max_side: int = 1600
) -> tuple[bytes, Image.Image]:
    """Validate size, decode, and re-encode as RGB JPEG (bounded to `max_side` pixels).

    Returns the JPEG bytes and the clean image they were written from (pixels only, see
    `pixels_only`). Used for certificate and introduction images; listing images have
    their own 200×200 pipeline (listings/images.py) over the same functions.
    """
    validate_max_bytes(upload, max_bytes, label=label, rule=rule)
    image = pixels_only(open_image(upload))
    image.thumbnail((max_side, max_side))
    return encode_jpeg(image, quality=85), image


# --- Refusing oversized uploads before the body is read (R-L5) ---------------------------

# A multipart body is the file plus a few hundred bytes of headers and other fields. A body
# declared larger than the limit plus this slack is refused without reading a byte; a body
# within it is streamed through `MaxBytesUploadHandler`, which stops at the limit.
MULTIPART_SLACK_BYTES = 64 * KB


def _limit_message(label: str, limit: int) -> str:
    return gettext("%(label)s不能超过 %(limit)s。") % {"label": label, "limit": _human(limit)}


def _too_large(limit: int, label: str, rule: str, size: int | None = None) -> FileTooLarge:
    if size:
        detail = gettext(
            "%(label)s不能超过 %(limit)s（当前约 %(size)s MB），请压缩或缩小后重新上传。"
        ) % {"label": label, "limit": _human(limit), "size": f"{size / MB:.1f}"}
    else:
        detail = gettext("%(label)s不能超过 %(limit)s，请压缩或缩小后重新上传。") % {
            "label": label,
            "limit": _human(limit),
        }
    return FileTooLarge(detail, rule=rule, fields={"image": [_limit_message(label, limit)]})


class MaxBytesUploadHandler(FileUploadHandler):
    """Stops a multipart upload as soon as one file passes `limit` bytes.

    Raises FileTooLarge from inside the parser, so the rest of the body is never read.
    Put it first in `request.upload_handlers` before anything reads request.POST/FILES.
    """

    def __init__(self, request=None, *, limit: int, label: str = _("图片"), rule: str = "R-L5"):
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


def guard_upload_request(
    request, *, limit: int, label: str = _("图片"), rule: str = "R-L5"
) -> None:
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
    validate_max_bytes(upload, INTRODUCTION_IMAGE_MAX_BYTES, label=gettext("公司介绍图片"))
    open_image(upload)
    upload.seek(0)


def validate_certificate_image(upload) -> None:
    """R-C5 / R-L5: a certificate image is at most 1 MB and a real image."""
    validate_max_bytes(upload, CERTIFICATE_IMAGE_MAX_BYTES, label=gettext("证书图片"), rule="R-C5")
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
