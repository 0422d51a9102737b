"""Drawing helpers of the demo product pictures (demo/pictures.py), Pillow only.

Shading comes from one idea: a surface's brightness along one axis (a cylinder lit from the
upper left, a sphere's concentric falloff), written as a one-pixel strip and stretched, then
pasted through an anti-aliased mask (shapes are drawn at 2× and scaled down). Cheap enough
to draw a few hundred pictures while `seed_demo` runs.
"""

from __future__ import annotations

import colorsys
import math
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIDE = 900  # the drawn picture is SIDE × SIDE (the large version keeps it; R-L5 pads it)
AA = 2  # supersampling of masks (anti-aliased edges)

RGB = tuple[int, int, int]
FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


@cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb((h % 360) / 360, s, v)
    return int(r * 255), int(g * 255), int(b * 255)


def tone(rgb: RGB, b: float) -> RGB:
    """Brightness `b`: 0 black, 1 the colour itself, up to 1.5 towards white (highlights)."""
    if b <= 1:
        return tuple(max(0, int(c * b)) for c in rgb)
    t = min(1.0, (b - 1) / 0.5)
    return tuple(int(c + (255 - c) * t) for c in rgb)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(3))


def lit(x: float, *, gloss: float = 0.5, metal: bool = False) -> float:
    """Brightness across a cylinder at x ∈ [−1, 1], light from the upper left and front."""
    nz = math.sqrt(max(0.0, 1 - x * x))
    d = max(0.0, -0.55 * x + 0.83 * nz)
    b = 0.32 + 0.72 * d + gloss * d**28 * 0.6
    if metal:  # brushed metal: bands of reflected surroundings
        b += 0.16 * math.sin(5.5 * x + 0.8) - 0.1 * (1 - nz)
    return max(0.05, b)


def strip(rgb: RGB, n: int, **kw) -> Image.Image:
    """A 1-pixel RGB row of `n` pixels shaded like a cylinder across it."""
    row = Image.new("RGB", (max(1, n), 1))
    row.putdata([tone(rgb, lit((i + 0.5) / n * 2 - 1, **kw)) for i in range(max(1, n))])
    return row


def cylinder(w: int, h: int, rgb: RGB, *, vertical: bool = True, **kw) -> Image.Image:
    """A w×h patch of a cylinder: axis vertical (shading across x) or horizontal."""
    if vertical:
        return strip(rgb, w, **kw).resize((w, h), Image.Resampling.NEAREST)
    return strip(rgb, h, **kw).rotate(-90, expand=True).resize((w, h), Image.Resampling.NEAREST)


def linear(size: tuple[int, int], top: RGB, bottom: RGB, *, vertical: bool = True) -> Image.Image:
    n = size[1] if vertical else size[0]
    row = Image.new("RGB", (1, n) if vertical else (n, 1))
    row.putdata([mix(top, bottom, i / max(1, n - 1)) for i in range(n)])
    return row.resize(size, Image.Resampling.BILINEAR)


def mask(size: tuple[int, int], draw_fn) -> Image.Image:
    """An anti-aliased 'L' mask: `draw_fn(draw, k)` draws at k× (multiply coordinates by k)."""
    w, h = max(1, int(size[0])), max(1, int(size[1]))
    big = Image.new("L", (w * AA, h * AA), 0)
    draw_fn(ImageDraw.Draw(big), AA)
    return big.resize((w, h), Image.Resampling.BOX)


def poly_mask(size, points) -> Image.Image:
    return mask(size, lambda d, k: d.polygon([(x * k, y * k) for x, y in points], fill=255))


def ellipse_mask(size) -> Image.Image:
    return mask(size, lambda d, k: d.ellipse((0, 0, size[0] * k - 1, size[1] * k - 1), fill=255))


def paste(canvas: Image.Image, patch: Image.Image, xy, m: Image.Image | None = None) -> None:
    canvas.paste(patch, (int(xy[0]), int(xy[1])), m)


def fill_poly(canvas: Image.Image, points, colour_or_patch) -> None:
    """Fill a polygon (canvas coordinates) with a colour or a patch covering its box."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, y0 = int(min(xs)), int(min(ys))
    size = (int(max(xs)) - x0 + 2, int(max(ys)) - y0 + 2)
    m = poly_mask(size, [(x - x0, y - y0) for x, y in points])
    patch = colour_or_patch
    if not isinstance(patch, Image.Image):
        patch = Image.new("RGB", size, patch)
    elif patch.size != size:
        patch = patch.resize(size, Image.Resampling.BILINEAR)
    paste(canvas, patch, (x0, y0), m)


def shadow(canvas: Image.Image, box, *, strength: float = 0.38, blur: float = 0.18) -> None:
    """A soft contact shadow: a blurred ellipse in `box`, drawn small and scaled up."""
    x0, y0, x1, y1 = (int(v) for v in box)
    w, h = max(8, x1 - x0), max(8, y1 - y0)
    pad = int(max(w, h) * blur) + 2
    small = Image.new("L", ((w + 2 * pad) // 4 + 1, (h + 2 * pad) // 4 + 1), 0)
    ImageDraw.Draw(small).ellipse(
        (pad // 4, pad // 4, (pad + w) // 4, (pad + h) // 4), fill=int(255 * strength)
    )
    small = small.filter(ImageFilter.GaussianBlur(max(1, pad / 8)))
    m = small.resize((w + 2 * pad, h + 2 * pad), Image.Resampling.BILINEAR)
    canvas.paste((20, 20, 24), (x0 - pad, y0 - pad), m)


@cache
def _sphere(rgb: RGB, gloss: float, n: int = 240) -> Image.Image:
    """An RGBA sphere n×n: concentric discs shrinking towards the highlight (upper left)."""
    k = 2
    big = Image.new("RGB", (n * k, n * k), tone(rgb, 0.3))
    d = ImageDraw.Draw(big)
    c, hl = n * k / 2, n * k * 0.34
    steps = 60
    for i in range(steps):
        t = i / steps
        r = n * k / 2 * (1 - t) ** 0.9
        cx = c + (hl - c) * t
        b = 0.35 + 0.8 * math.sin(t * math.pi / 2) + gloss * max(0.0, t - 0.8) * 2.5
        d.ellipse((cx - r, cx - r, cx + r, cx + r), fill=tone(rgb, b))
    img = big.resize((n, n), Image.Resampling.LANCZOS).convert("RGBA")
    img.putalpha(ellipse_mask((n, n)))
    return img


def sphere(canvas: Image.Image, centre, radius: float, rgb: RGB, *, gloss: float = 0.5) -> None:
    q = (tuple(int(c) // 8 * 8 for c in rgb), round(gloss, 1))  # a few cached sprites
    sprite = _sphere(*q).resize((int(2 * radius),) * 2, Image.Resampling.BILINEAR)
    canvas.paste(sprite, (int(centre[0] - radius), int(centre[1] - radius)), sprite)


def lathe(
    canvas: Image.Image, cx: float, top: float, profile, rgb: RGB, **kw
) -> tuple[int, int, int, int]:
    """A turned object (bottle, bucket, vase…) standing at `cx`: `profile` is [(y, half
    width)] from its top down, interpolated row by row; each row is the cylinder strip
    stretched to its width. Returns its bounding box."""
    height = int(profile[-1][0])
    widest = int(max(r for _, r in profile)) + 1
    master = strip(rgb, 256, **kw)
    patch = Image.new("RGB", (2 * widest, height + 1), (0, 0, 0))
    m = Image.new("L", (2 * widest * AA, (height + 1) * AA), 0)
    dm = ImageDraw.Draw(m)
    left, right = [], []
    j = 0
    for y in range(height + 1):
        while j < len(profile) - 2 and profile[j + 1][0] < y:
            j += 1
        (ya, ra), (yb, rb) = profile[j], profile[j + 1]
        r = ra + (rb - ra) * ((y - ya) / (yb - ya) if yb > ya else 0)
        w = max(1, int(2 * r))
        patch.paste(master.resize((w, 1), Image.Resampling.BILINEAR), (int(widest - r), y))
        left.append(((widest - r) * AA, y * AA))
        right.append(((widest + r) * AA, y * AA))
    dm.polygon(left + right[::-1], fill=255)
    m = m.resize(patch.size, Image.Resampling.BOX)
    paste(canvas, patch, (cx - widest, top), m)
    return int(cx - widest), int(top), int(cx + widest), int(top + height)


def box_faces(canvas, x, y, w, h, depth, rgb, *, top_rgb=None, patch=None):
    """A box seen from the front-right and above: front, right side and top faces.
    (x, y) is the front face's lower-left corner on the floor."""
    dx, dy = depth * 0.75, depth * 0.5
    front = [(x, y - h), (x + w, y - h), (x + w, y), (x, y)]
    side = [(x + w, y - h), (x + w + dx, y - h - dy), (x + w + dx, y - dy), (x + w, y)]
    top = [(x, y - h), (x + dx, y - h - dy), (x + w + dx, y - h - dy), (x + w, y - h)]
    fill_poly(
        canvas, front, patch or linear((int(w) + 2, int(h) + 2), tone(rgb, 1.0), tone(rgb, 0.82))
    )
    fill_poly(canvas, side, linear((int(dx) + 2, int(h + dy) + 2), tone(rgb, 0.7), tone(rgb, 0.55)))
    fill_poly(canvas, top, tone(top_rgb or rgb, 1.18))
    return front, side, top


def text_centre(draw: ImageDraw.ImageDraw, xy, text: str, size: int, fill, **kw) -> None:
    f = font(size)
    box = draw.textbbox((0, 0), text, font=f)
    draw.text((xy[0] - (box[2] - box[0]) / 2, xy[1]), text, font=f, fill=fill, **kw)


def fit_text(draw: ImageDraw.ImageDraw, text: str, width: int, size: int) -> int:
    """The largest font size ≤ `size` that fits `text` into `width`."""
    while size > 18:
        box = draw.textbbox((0, 0), text, font=font(size))
        if box[2] - box[0] <= width:
            break
        size -= 4
    return size
