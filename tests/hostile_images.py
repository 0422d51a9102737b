"""Hostile uploads for the re-encoding tests (issue 17, finding 7).

Each builder gives a valid image that Pillow opens, carrying HTML/script in every place a
file format lets a client hide bytes: a JPEG comment (COM), EXIF, XMP, an ICC profile,
trailing bytes after the image end; a GIF comment and application extension; PNG text
chunks. `assert_pixels_only` checks that a stored file holds none of it.
"""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageCms

HTML = b"<html><script>alert(1)</script></html>"
TRAILER = b"<script>alert('trailing')</script>"
MARKERS = (b"<html", b"<script", b"alert(", b"Exif", b"ICC_PROFILE", b"http://ns.adobe.com")
UPLOAD_NAME = "evil-upload-name"  # must never reach a storage path


def _jpeg(size=(200, 200), color=(30, 120, 200), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=90, **save)
    return out.getvalue()


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def swapped_profile() -> bytes:
    """The sRGB profile with its red and green primaries swapped: a pixel stored as pure
    red in a file carrying it is green on screen (colour must be converted, not dropped)."""
    data = bytearray(srgb_profile())
    count = struct.unpack(">I", data[128:132])[0]
    entries = {}
    for i in range(count):
        at = 132 + 12 * i
        entries[bytes(data[at : at + 4])] = at
    red, green = entries[b"rXYZ"], entries[b"gXYZ"]
    data[red + 4 : red + 12], data[green + 4 : green + 12] = (
        data[green + 4 : green + 12],
        data[red + 4 : red + 12],
    )
    return bytes(data)


def hostile_jpeg(size=(200, 200), color=(30, 120, 200), icc: bytes | None = None) -> bytes:
    """A small valid JPEG (already R-L5's size and format) with a COM segment holding
    HTML right after SOI, EXIF and XMP carrying HTML, an ICC profile, and HTML after EOI."""
    exif = Image.Exif()
    exif[0x010E] = HTML.decode()  # ImageDescription
    exif[0x0112] = 1  # orientation: as stored
    body = _jpeg(
        size,
        color,
        exif=exif.tobytes(),
        xmp=b"<x:xmpmeta>" + HTML + b"</x:xmpmeta>",
        icc_profile=icc if icc is not None else srgb_profile(),
    )
    assert body[:2] == b"\xff\xd8"
    com = b"\xff\xfe" + struct.pack(">H", len(HTML) + 2) + HTML
    return body[:2] + com + body[2:] + TRAILER


def hostile_gif(size=(200, 200)) -> bytes:
    """A valid GIF with a comment extension and an application extension holding HTML,
    and HTML after the trailer."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).quantize(16).save(out, "GIF", comment=HTML)
    data = out.getvalue()
    packed = data[10]
    table = 3 * (2 ** ((packed & 7) + 1)) if packed & 0x80 else 0
    at = 13 + table  # after the header, screen descriptor and global colour table
    app = b"!\xff\x0bXMP DataXMP" + bytes([len(HTML)]) + HTML + b"\x00"
    return data[:at] + app + data[at:] + TRAILER


def hostile_png(size=(200, 200)) -> bytes:
    """A valid PNG with text chunks (one named "comment", which Pillow would carry into a
    JPEG comment) holding HTML, and HTML after IEND."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("comment", HTML.decode())
    info.add_text("Description", HTML.decode(), zip=True)
    info.add_itxt("XML:com.adobe.xmp", HTML.decode())
    out = io.BytesIO()
    Image.new("RGBA", size, (40, 160, 60, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue() + TRAILER


def _jpeg_segments(data: bytes) -> list[int]:
    """The marker of every JPEG segment, in order; raises if anything follows EOI."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    markers, at = [], 2
    while True:
        assert data[at] == 0xFF, f"no marker at {at}"
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xD9:
            assert at + 2 == len(data), f"{len(data) - at - 2} bytes after EOI"
            return markers
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        at += 2 + length
        if marker == 0xDA:  # entropy-coded data up to the next real marker
            while not (data[at] == 0xFF and data[at + 1] not in (0x00, *range(0xD0, 0xD8))):
                at += 1


def _gif_extensions(data: bytes) -> list[int]:
    """The label of every GIF extension block; raises if anything follows the trailer."""
    assert data[:6] in (b"GIF87a", b"GIF89a"), "not a GIF"
    packed = data[10]
    at = 13 + (3 * (2 ** ((packed & 7) + 1)) if packed & 0x80 else 0)
    labels = []

    def skip_sub_blocks(at: int) -> int:
        while data[at]:
            at += data[at] + 1
        return at + 1

    while True:
        block = data[at]
        if block == 0x3B:
            assert at + 1 == len(data), f"{len(data) - at - 1} bytes after the trailer"
            return labels
        if block == 0x21:
            labels.append(data[at + 1])
            at = skip_sub_blocks(at + 2)
        elif block == 0x2C:
            local = data[at + 9]
            at += 10 + (3 * (2 ** ((local & 7) + 1)) if local & 0x80 else 0)
            at = skip_sub_blocks(at + 1)  # LZW minimum code size, then the data
        else:
            raise AssertionError(f"unknown GIF block {block:#x} at {at}")


def assert_pixels_only(data: bytes, *, size=None) -> Image.Image:
    """The stored bytes are a plain RGB JPEG or GIF made from pixels only: none of the
    hostile bytes, no metadata segment or extension, nothing after the image end."""
    for marker in MARKERS + (TRAILER,):
        assert marker.lower() not in data.lower(), marker
    if data[:2] == b"\xff\xd8":
        markers = _jpeg_segments(data)
        assert 0xFE not in markers, "JPEG comment (COM) kept"
        kept_app = [m for m in markers if 0xE1 <= m <= 0xEF]
        assert not kept_app, f"APP segments kept: {[hex(m) for m in kept_app]}"
    else:
        labels = _gif_extensions(data)
        assert 0xFE not in labels and 0xFF not in labels, f"GIF extensions kept: {labels}"
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format in ("JPEG", "GIF")
    assert image.convert("RGB").mode == "RGB"
    assert "icc_profile" not in image.info and "exif" not in image.info
    assert "comment" not in image.info and "xmp" not in image.info
    if image.format == "JPEG":
        assert image.mode == "RGB"
    if size is not None:
        assert image.size == size
    return image


def assert_name_is_ours(name: str) -> None:
    assert UPLOAD_NAME not in name and "evil" not in name, name
