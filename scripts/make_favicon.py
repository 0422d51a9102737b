"""Draws the site's favicon (issue 15) with Pillow: an orange rounded square with a white
诚 (诚信通), as static/favicon.ico (16, 32, 48 px) and static/img/favicon-180.png (touch
icon). Run once when the mark changes: `python scripts/make_favicon.py`."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

STATIC = Path(__file__).resolve().parent.parent / "static"
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
BRAND = (255, 106, 0)


def mark(size: int = 512) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=BRAND)
    font = ImageFont.truetype(FONT, int(size * 0.78))
    box = d.textbbox((0, 0), "诚", font=font)
    x = (size - (box[2] - box[0])) / 2 - box[0]
    y = (size - (box[3] - box[1])) / 2 - box[1]
    d.text(
        (x, y),
        "诚",
        font=font,
        fill=(255, 255, 255),
        stroke_width=size // 64,
        stroke_fill=(255, 255, 255),
    )
    return img


if __name__ == "__main__":
    big = mark()
    big.save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    big.resize((180, 180), Image.Resampling.LANCZOS).save(
        STATIC / "img" / "favicon-180.png", optimize=True
    )
    big.resize((32, 32), Image.Resampling.LANCZOS).save(
        STATIC / "img" / "favicon-32.png", optimize=True
    )
