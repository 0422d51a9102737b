"""Demo product pictures (demo/pictures.py): goods — fabric and film rolls, cartons and
gift boxes, bottles, buckets, vases and other turned objects, heaps of pellets or leaves,
produce in a crate. Same conventions as demo/picture_metal.py.
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from .picture_kit import (
    box_faces,
    cylinder,
    ellipse_mask,
    font,
    lathe,
    linear,
    mask,
    mix,
    paste,
    shadow,
    sphere,
    tone,
)


def draw_rolls(canvas, rng, pal, box):
    """Rolls (fabric, film, belt) lying in a small pyramid, ends towards the viewer."""
    x0, y0, x1, y1 = box
    length = rng.randint(200, 280)
    r = min(rng.randint(95, 125), int((x1 - x0 - 100 - length * 0.85) / 6))  # all in frame
    colours = [mix(pal["main"], pal["alt"], t) for t in (0, 0.5, 1, 0.25)]
    rng.shuffle(colours)
    spots = [(0, 0), (1, 0), (2, 0), (0.5, 1), (1.5, 1)][: rng.choice([3, 5, 5])]
    shadow(canvas, (x0 + 40, y1 - 50, x0 + 120 + 6 * r + length * 0.6, y1 + 20), strength=0.42)
    for k, (i, row) in enumerate(sorted(spots, key=lambda s: -s[1])):
        rgb = colours[k % len(colours)]
        cx = x0 + 80 + r + i * 2 * r
        cy = y1 - r - row * r * 1.7
        bx, by = length * 0.6, length * 0.35
        body = cylinder(int(length), int(2 * r), rgb, vertical=False, gloss=0.25)
        bd = ImageDraw.Draw(body)
        for yy in range(0, int(2 * r), 4):
            bd.line([(0, yy), (length, yy)], fill=tone(rgb, 0.9), width=1)
        body = body.convert("RGBA").rotate(
            math.degrees(math.atan2(by, bx)), expand=True, resample=Image.Resampling.BICUBIC
        )
        paste(canvas, body, (cx - r * 0.55, cy - body.height + r * 0.9), body)
        end = Image.new("RGB", (2 * r, 2 * r), tone(rgb, 1.05))
        ed = ImageDraw.Draw(end)
        for s in range(r, 12, -7):  # the wound layers
            ed.ellipse((r - s, r - s, r + s, r + s), outline=tone(rgb, 0.78), width=1)
        ed.ellipse((r - 16, r - 16, r + 16, r + 16), fill=(120, 95, 70))
        paste(canvas, end, (cx - r, cy - r), ellipse_mask((2 * r, 2 * r)))


def draw_boxes(canvas, rng, pal, box):
    """Cartons or gift boxes, one to three, with tape or ribbon and a printed label."""
    x0, y0, x1, y1 = box
    gift = pal.get("gift", False)
    n = rng.choice([1, 2, 2, 3])
    shadow(canvas, (x0 + 40, y1 - 50, x1 - 40, y1 + 25), strength=0.42)
    x = x0 + 40
    room = (x1 - x0 - 40 - 20 * (n - 1)) / n  # each box with its side face fits
    for i in range(n):
        depth = rng.randint(150, 220) if n > 1 else rng.randint(200, 260)
        w = min(room - depth * 0.75, rng.randint(240, 330) if n > 1 else rng.randint(380, 460))
        h = rng.randint(200, 300) if n > 1 else rng.randint(300, 380)
        rgb = pal["main"] if i % 2 == 0 else mix(pal["main"], pal["alt"], 0.5)
        front, side, top = box_faces(canvas, x, y1, w, h, depth, rgb)
        d = ImageDraw.Draw(canvas)
        band = tone(pal["accent"], 1.0) if gift else tone(rgb, 0.75)
        mid = x + w / 2
        d.polygon(
            [(mid - 14, y1 - h), (mid + 14, y1 - h), (mid + 14, y1), (mid - 14, y1)], fill=band
        )
        d.polygon(
            [
                (mid - 14, y1 - h),
                (mid + 14, y1 - h),
                (mid + 14 + depth * 0.75, y1 - h - depth * 0.5),
                (mid - 14 + depth * 0.75, y1 - h - depth * 0.5),
            ],
            fill=tone(band, 1.15),
        )
        if not gift:
            d.rectangle(
                (x + 24, y1 - h + 30, x + 24 + w * 0.28, y1 - h + 30 + h * 0.22),
                fill=(245, 240, 225),
                outline=(90, 70, 50),
            )
            d.text((x + 32, y1 - h + 38), "↑↑", font=font(28), fill=(40, 40, 40))
        x += w + depth * 0.75 + 20


def _bottle_profile(kind: str, h: float, r: float):
    if kind == "bucket":
        return [(0, r * 1.02), (h * 0.06, r * 1.05), (h * 0.08, r), (h, r * 0.9)]
    if kind == "vase":
        return [
            (0, r * 0.45),
            (h * 0.08, r * 0.35),
            (h * 0.3, r * 0.5),
            (h * 0.62, r),
            (h * 0.9, r * 0.7),
            (h, r * 0.5),
        ]
    if kind == "cone":
        return [(0, r * 0.3), (h * 0.04, r * 0.36), (h, r)]
    if kind == "cooker":
        return [
            (0, r * 0.18),
            (h * 0.06, r * 0.5),
            (h * 0.18, r * 0.9),
            (h * 0.3, r),
            (h * 0.92, r * 0.96),
            (h, r * 0.86),
        ]
    if kind == "can":
        return [(0, r * 0.92), (h * 0.04, r), (h * 0.96, r), (h, r * 0.92)]
    return [
        (0, r * 0.22),
        (h * 0.16, r * 0.22),
        (h * 0.32, r * 0.9),
        (h * 0.38, r),
        (h * 0.97, r),
        (h, r * 0.92),
    ]


def draw_bottles(canvas, rng, pal, box):
    """Turned objects standing in a row: bottles, buckets, vases, cans (`pal['shape']`)."""
    x0, y0, x1, y1 = box
    kind = pal.get("shape", "bottle")
    n = rng.choice([1, 2, 3]) if kind in ("vase", "bucket", "cooker") else rng.choice([2, 3, 4])
    shadow(canvas, (x0 + 40, y1 - 40, x1 - 40, y1 + 25), strength=0.4)
    slots = [(x0 + (x1 - x0) * (i + 0.5) / n) for i in range(n)]
    order = sorted(range(n), key=lambda i: abs(i - (n - 1) / 2), reverse=True)
    for i in order:
        centre = abs(i - (n - 1) / 2) < 0.6
        h = (y1 - y0 - 60) * (0.92 if centre else 0.78) * rng.uniform(0.9, 1.0)
        wide = kind in ("bucket", "can", "cooker", "cone")
        r = min((x1 - x0) / n * 0.42, h * (0.42 if wide else 0.3))
        rgb = pal["main"] if i % 2 == 0 else pal["alt"]
        gx0, gy0, gx1, gy1 = lathe(
            canvas, slots[i], y1 - h, _bottle_profile(kind, h, r), rgb, gloss=0.9
        )
        d = ImageDraw.Draw(canvas)
        if kind == "bottle":
            d.rounded_rectangle(
                (slots[i] - r * 0.26, gy0 - 26, slots[i] + r * 0.26, gy0 + 6),
                radius=5,
                fill=tone(pal["accent"], 0.9),
            )
        if kind == "cooker":
            d.rectangle(
                (slots[i] - r * 0.35, gy0 + h * 0.42, slots[i] + r * 0.35, gy0 + h * 0.56),
                fill=(40, 44, 50),
            )
            d.rectangle(
                (slots[i] - r * 0.28, gy0 + h * 0.45, slots[i] - r * 0.02, gy0 + h * 0.53),
                fill=(90, 200, 150),
            )
            d.ellipse(
                (slots[i] + r * 0.08, gy0 + h * 0.455, slots[i] + r * 0.2, gy0 + h * 0.525),
                fill=tone(pal["accent"], 1.0),
            )
            d.line(
                [(slots[i] - r * 1.0, gy0 + h * 0.3), (slots[i] + r * 1.0, gy0 + h * 0.3)],
                fill=tone(rgb, 0.6),
                width=3,
            )
        if kind in ("bottle", "bucket", "can"):
            ly0, ly1 = gy0 + h * (0.45 if kind == "bottle" else 0.3), gy0 + h * 0.78
            label = cylinder(int(2 * r * 0.98), int(ly1 - ly0), (246, 244, 238), gloss=0.2)
            ImageDraw.Draw(label).rectangle(
                (0, 0, label.width, label.height * 0.18), fill=tone(pal["accent"], 0.9)
            )
            paste(canvas, label, (slots[i] - r * 0.98, ly0))
        if kind == "bucket":
            d.arc(
                (slots[i] - r * 0.9, gy0 - r * 0.7, slots[i] + r * 0.9, gy0 + r * 0.5),
                190,
                350,
                fill=(70, 70, 74),
                width=6,
            )
        if kind == "vase":  # a painted band round the belly (front half of two ellipses)
            for k, yy in enumerate((h * 0.55, h * 0.6)):
                w = r * (0.93 + 0.05 * k)
                d.arc(
                    (slots[i] - w, gy0 + yy - r * 0.2, slots[i] + w, gy0 + yy + r * 0.2),
                    0,
                    180,
                    fill=tone(pal["accent"], 0.8),
                    width=4,
                )
        if kind == "cone":  # yarn wound on a cone: thread lines
            for yy in range(int(gy0 + 30), int(gy1 - 10), 9):
                half = r * (0.35 + 0.65 * (yy - gy0) / h) * 0.98
                d.line(
                    [(slots[i] - half, yy), (slots[i] + half, yy + 3)],
                    fill=tone(rgb, 0.88),
                    width=1,
                )


def draw_pile(canvas, rng, pal, box):
    """A heap of pellets, granules or leaves on a tray, lit from the upper left."""
    x0, y0, x1, y1 = box
    cx, w, h = (x0 + x1) / 2, (x1 - x0) * 0.42, (y1 - y0) * rng.uniform(0.42, 0.55)
    shadow(canvas, (cx - w - 30, y1 - 50, cx + w + 30, y1 + 30), strength=0.45)
    d = ImageDraw.Draw(canvas)
    tray = rng.choice(
        [(236, 232, 224), (206, 176, 128), (210, 214, 220)]
    )  # porcelain, bamboo, steel
    d.ellipse((cx - w - 40, y1 - 70, cx + w + 40, y1 + 30), fill=tone(tray, 0.8))
    d.ellipse((cx - w - 30, y1 - 64, cx + w + 30, y1 + 18), fill=tone(tray, 1.02))
    leafy = pal.get("leafy", False)
    grain = rng.randint(9, 14)
    count = int(w * h / (grain * grain) * 1.6)
    for _ in range(count):
        u = rng.uniform(-1, 1)
        top = y1 - 20 - h * (1 - u * u) ** 0.8
        y = rng.uniform(top, y1 - 8)
        x = cx + u * w
        b = 0.55 + 0.6 * (1 - (y - top) / max(1, y1 - top)) * (0.7 - 0.3 * u)
        rgb = tone(mix(pal["main"], pal["alt"], rng.random() * 0.35), b)
        s = grain * rng.uniform(0.7, 1.2)
        if leafy:
            a = rng.uniform(0, math.pi)
            dx, dy = math.cos(a) * s * 1.4, math.sin(a) * s * 0.5
            d.polygon(
                [
                    (x - dx, y - dy),
                    (x + dy, y - dx * 0.3),
                    (x + dx, y + dy),
                    (x - dy, y + dx * 0.3),
                ],
                fill=rgb,
            )
        else:
            d.ellipse((x - s / 2, y - s / 2.6, x + s / 2, y + s / 2.6), fill=rgb)
            d.ellipse((x - s / 4, y - s / 3.5, x, y - s / 8), fill=tone(rgb, 1.3))


def _capsule(canvas, rng, centre, r, rgb) -> None:
    length, thick = r * 3.4, r * 0.9
    body = cylinder(int(length), int(thick), rgb, vertical=False, gloss=0.5)
    bd = ImageDraw.Draw(body)
    for _ in range(int(length / 6)):
        bx, by = rng.uniform(8, length - 8), rng.uniform(thick * 0.2, thick * 0.8)
        bd.ellipse((bx - 2, by - 2, bx + 2, by + 2), fill=tone(rgb, 1.3))
    m = mask(
        body.size,
        lambda d, k: d.rounded_rectangle(
            (0, 0, length * k - 1, thick * k - 1), radius=thick * k / 2, fill=255
        ),
    )
    patch = body.convert("RGBA")
    patch.putalpha(m)
    patch = patch.rotate(rng.uniform(-18, 18), expand=True, resample=Image.Resampling.BICUBIC)
    paste(canvas, patch, (centre[0] - patch.width / 2, centre[1] - patch.height / 2), patch)


def draw_fruit(canvas, rng, pal, box):
    """Produce or round ornaments heaped in a wooden crate (spheres with highlights)."""
    x0, y0, x1, y1 = box
    r = pal.get("radius", 62) * rng.uniform(0.85, 1.15)
    cw = (x1 - x0) * 0.8
    cx0 = x0 + (x1 - x0 - cw) / 2
    shadow(canvas, (cx0 - 10, y1 - 40, cx0 + cw + 10, y1 + 25), strength=0.45)
    crate_top = y1 - 150
    for row in range(4):
        y = crate_top - row * r * 1.25 + r * 0.3
        span = cw * (1 - row * 0.2)
        n = max(1, int(span / (2 * r)))
        for i in range(n):
            x = cx0 + (cw - span) / 2 + r + i * span / n + rng.uniform(-8, 8)
            rgb = mix(pal["main"], pal["alt"], rng.random() * 0.5)
            if pal.get("long"):  # cucumbers: long shaded capsules with bumps, at a slant
                _capsule(canvas, rng, (x, y), r, rgb)
                continue
            sphere(
                canvas,
                (x, y + rng.uniform(-6, 6)),
                r * rng.uniform(0.9, 1.05),
                rgb,
                gloss=pal.get("gloss", 0.6),
            )
            d = ImageDraw.Draw(canvas)
            if pal.get("stem"):
                d.line([(x + 3, y - r * 0.9), (x + 10, y - r * 1.2)], fill=(90, 60, 30), width=5)
            if pal.get("cap"):  # an ornament's metal cap and loop
                d.rectangle(
                    (x - r * 0.22, y - r * 1.08, x + r * 0.22, y - r * 0.9), fill=(212, 175, 80)
                )
                d.arc(
                    (x - r * 0.14, y - r * 1.3, x + r * 0.14, y - r * 1.02),
                    180,
                    360,
                    fill=(212, 175, 80),
                    width=3,
                )
    wood = (196, 150, 98)
    for k in range(3):  # crate planks in front of the lower row
        top = crate_top + k * 50
        plank = linear((int(cw), 44), tone(wood, 1.15), tone(wood, 0.85))
        pd = ImageDraw.Draw(plank)
        for gx in range(0, int(cw), 37):
            pd.arc((gx, -20, gx + 120, 60), 10, 80, fill=tone(wood, 0.8), width=1)
        paste(canvas, plank, (cx0, top))
    d = ImageDraw.Draw(canvas)
    d.rectangle((cx0, crate_top, cx0 + 18, y1), fill=tone(wood, 0.7))
    d.rectangle((cx0 + cw - 18, crate_top, cx0 + cw, y1), fill=tone(wood, 0.7))
