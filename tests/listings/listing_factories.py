"""Helpers for the listing tests (issue 3): valid listing values and generated images."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import CategoryFactory

DESCRIPTION = (
    "本公司长期供应各种规格的不锈钢无缝钢管，材质有三零四和三一六等，质量可靠，价格优惠，"
    "交货及时，欢迎新老客户来电洽谈合作。"
)


def leaf_category():
    parent = CategoryFactory(name="冶金矿产")
    return CategoryFactory(name="钢管", parent=parent)


def listing_values(category, **overrides) -> dict:
    values = {
        "kind": "supply",
        "title": "不锈钢无缝钢管",
        "keyword": "无缝钢管",
        "category": category,
        "description": DESCRIPTION,
        "brand": "宝钢",
        "model": "TP304",
        "spec": "Φ57×3.5",
        "unit": "吨",
        "min_order": 1,
        "price": "12800.00",
    }
    values.update(overrides)
    return values


def api_payload(category, **overrides) -> dict:
    values = listing_values(category, **overrides)
    values["category"] = category.pk
    return values


def image_bytes(fmt="JPEG", size=(800, 600), mode="RGB", color=None, **save) -> bytes:
    if color is None:
        color = {"CMYK": (0, 120, 200, 0), "L": 128, "RGBA": (200, 30, 30, 128)}.get(
            mode, (200, 30, 30)
        )
    image = Image.new(mode, size, color)
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def noisy_png(size=(4000, 3000)) -> bytes:
    """A large PNG with real detail (random noise compresses badly: a heavy upload)."""
    import os

    w, h = size
    small = Image.frombytes("RGB", (w // 8, h // 8), os.urandom((w // 8) * (h // 8) * 3))
    image = small.resize(size, Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def bomb_png(width=30000, height=30000) -> bytes:
    """A tiny PNG file whose header claims width×height pixels (900 megapixels): Pillow
    refuses it as a decompression bomb before decoding anything."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * width
    data = zlib.compress(row * 16, 9)  # a few rows: the file stays small
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


HTML_AS_JPEG = b"<!DOCTYPE html><html><head><title>x</title></head><body>not an image</body></html>"
