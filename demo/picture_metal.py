"""Demo product pictures (demo/pictures.py): metals and parts — pipes, plates and boards,
bolts and nuts, bearings and seals, electronic parts on a tray. Each `draw_*` takes the
canvas, a seeded `random.Random`, the palette (`main`, `alt`, `accent`, hints) and the box
to draw in, standing on the floor line `box[3]`; the random choices make two listings of
the same product look different.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from .picture_kit import (
    box_faces,
    cylinder,
    ellipse_mask,
    fill_poly,
    font,
    lathe,
    linear,
    mix,
    paste,
    shadow,
    tone,
)


def draw_pipes(canvas, rng: random.Random, pal, box):
    """A bundle of pipes seen at their ends, running back to the upper right."""
    x0, y0, x1, y1 = box
    rows = rng.randint(3, 4)
    length = rng.randint(260, 380)
    ang = math.radians(rng.randint(18, 32))
    dx = length * math.cos(ang)
    r = min(rng.randint(38, 58), int((x1 - x0 - 110 - dx) / (2 * rows + 2)))  # all in frame
    square = pal.get("square", False)
    ends = []
    for row in range(rows):
        n = rows - row + 1
        for i in range(n):
            cx = x0 + 90 + r + i * 2 * r + row * r
            cy = y1 - r - row * r * 1.72
            ends.append((cx, cy))
    shadow(canvas, (x0 + 40, y1 - 40, x0 + 90 + 2 * r * (rows + 1) + dx, y1 + 20), strength=0.45)
    body = cylinder(int(length), int(2 * r), pal["main"], vertical=False, metal=True, gloss=0.8)
    for cx, cy in sorted(ends, key=lambda e: (e[1], -e[0])):  # far (upper) pipes first
        patch = body.convert("RGBA").rotate(
            math.degrees(ang), expand=True, resample=Image.Resampling.BICUBIC
        )
        px, py = cx, cy - r
        paste(
            canvas,
            patch,
            (px - r * math.sin(ang), py - patch.height + 2 * r * math.cos(ang)),
            patch,
        )
    d = ImageDraw.Draw(canvas)
    for cx, cy in ends:
        rim = tone(pal["main"], 1.15 + 0.1 * math.sin(cx))
        if square:
            d.rectangle(
                (cx - r, cy - r, cx + r, cy + r), fill=rim, outline=tone(pal["main"], 0.6), width=2
            )
            d.rectangle(
                (cx - r * 0.78, cy - r * 0.78, cx + r * 0.78, cy + r * 0.78), fill=(46, 46, 50)
            )
            continue
        ring = Image.new("RGB", (int(2 * r), int(2 * r)), rim)
        ImageDraw.Draw(ring).ellipse((r * 0.22, r * 0.22, r * 1.78, r * 1.78), fill=(40, 40, 44))
        ImageDraw.Draw(ring).ellipse((r * 0.3, r * 0.38, r * 1.7, r * 1.76), fill=(24, 24, 28))
        paste(canvas, ring, (cx - r, cy - r), ellipse_mask((int(2 * r), int(2 * r))))


def draw_sheets(canvas, rng, pal, box):
    """A stack of plates or boards in perspective; the surface follows `pal['surface']`."""
    x0, y0, x1, y1 = box
    surface = pal.get("surface", "metal")
    n = rng.randint(5, 9)
    thick = rng.randint(14, 26) if surface != "glass" else 12
    w, depth = rng.randint(430, 540), rng.randint(300, 380)
    x = x0 + (x1 - x0 - w - depth * 0.75) / 2
    shadow(canvas, (x - 20, y1 - 60, x + w + depth * 0.8 + 20, y1 + 20), strength=0.4)
    for k in range(n):
        y = y1 - k * thick
        off = rng.uniform(-8, 8)
        rgb = mix(pal["main"], pal["alt"], rng.random() * 0.3)
        box_faces(canvas, x + off, y, w, thick - 2, depth, rgb)
    top_y = y1 - n * thick
    top = [
        (x, top_y),
        (x + depth * 0.75, top_y - depth * 0.5),
        (x + w + depth * 0.75, top_y - depth * 0.5),
        (x + w, top_y),
    ]
    tw, th = int(w + depth * 0.75) + 2, int(depth * 0.5) + 2
    face = linear((tw, th), tone(pal["main"], 1.3), tone(pal["main"], 0.95), vertical=False)
    d = ImageDraw.Draw(face)
    if surface == "wood":
        for i in range(0, th, 5):
            d.line(
                [(0, i + 3 * math.sin(i)), (tw, i + 6 * math.sin(i * 0.3))],
                fill=tone(pal["main"], 0.85),
                width=1,
            )
    elif surface == "pcb":
        face = Image.new("RGB", (tw, th), (28, 110, 60))
        d = ImageDraw.Draw(face)
        for _ in range(40):
            yy = rng.randrange(th)
            xx = rng.randrange(tw)
            d.line([(xx, yy), (xx + rng.randint(30, 120), yy)], fill=(200, 170, 80), width=2)
            d.rectangle((xx - 4, yy - 4, xx + 4, yy + 4), fill=(220, 210, 200))
    elif surface == "glass":
        face = linear((tw, th), (200, 230, 235), (150, 200, 210), vertical=False)
        ImageDraw.Draw(face).line([(tw * 0.2, th), (tw * 0.45, 0)], fill=(245, 252, 252), width=10)
    else:
        for _ in range(60):  # brushed streaks
            yy = rng.randrange(th)
            d.line(
                [(0, yy), (tw, yy - th * 0.2)],
                fill=tone(pal["main"], rng.uniform(0.95, 1.35)),
                width=1,
            )
    fill_poly(canvas, top, face)


def _bolt(size, rng, pal) -> Image.Image:
    """One hex bolt lying horizontally (RGBA), to be rotated."""
    length, r = size, size * 0.11
    head = r * 1.9
    img = Image.new("RGBA", (int(length + head + 20), int(2 * head + 20)), (0, 0, 0, 0))
    cy = img.height / 2
    shaft = cylinder(int(length), int(2 * r), pal["main"], vertical=False, metal=True, gloss=0.9)
    sd = ImageDraw.Draw(shaft)
    thread_from = length * rng.uniform(0.25, 0.55)
    for x in range(int(thread_from), int(length), 7):
        sd.line([(x, 0), (x + 5, 2 * r)], fill=tone(pal["main"], 0.55), width=2)
    img.paste(shaft, (int(head * 0.9 + 10), int(cy - r)))
    hx = 10
    faces = [
        (
            [
                (hx, cy - head),
                (hx + head, cy - head),
                (hx + head, cy - head * 0.35),
                (hx, cy - head * 0.35),
            ],
            1.25,
        ),
        (
            [
                (hx, cy - head * 0.35),
                (hx + head, cy - head * 0.35),
                (hx + head, cy + head * 0.35),
                (hx, cy + head * 0.35),
            ],
            0.95,
        ),
        (
            [
                (hx, cy + head * 0.35),
                (hx + head, cy + head * 0.35),
                (hx + head, cy + head),
                (hx, cy + head),
            ],
            0.62,
        ),
    ]
    d = ImageDraw.Draw(img)
    for pts, b in faces:
        d.polygon(pts, fill=tone(pal["main"], b) + (255,))
    d.line(
        [(hx + head * 0.15, cy - head), (hx + head * 0.15, cy + head)],
        fill=tone(pal["main"], 1.4) + (255,),
        width=3,
    )
    return img


def draw_bolts(canvas, rng, pal, box):
    """Hex bolts and nuts scattered on the floor."""
    x0, y0, x1, y1 = box
    n = rng.randint(4, 6)
    for i in range(n):
        bolt = _bolt(rng.randint(300, 430), rng, pal)
        bolt = bolt.rotate(rng.uniform(-35, 35), expand=True, resample=Image.Resampling.BICUBIC)
        x = x0 + rng.uniform(0, max(1, x1 - x0 - bolt.width))
        y = y0 + 80 + (y1 - y0 - 120) * (i + 0.5) / n - bolt.height / 2
        shadow(
            canvas,
            (x + 20, y + bolt.height * 0.55, x + bolt.width, y + bolt.height * 0.85),
            strength=0.3,
        )
        paste(canvas, bolt, (x, y), bolt)
    d = ImageDraw.Draw(canvas)
    for _ in range(rng.randint(2, 4)):  # nuts
        cx, cy, r = (
            rng.uniform(x0 + 60, x1 - 60),
            rng.uniform(y1 - 140, y1 - 40),
            rng.randint(34, 48),
        )
        hexagon = [
            (cx + r * math.cos(a), cy + r * 0.7 * math.sin(a))
            for a in (math.pi / 3 * k for k in range(6))
        ]
        shadow(canvas, (cx - r, cy, cx + r, cy + r * 0.8), strength=0.3)
        fill_poly(canvas, [(x, y + 16) for x, y in hexagon], tone(pal["main"], 0.6))
        fill_poly(canvas, hexagon, tone(pal["main"], 1.15))
        d.ellipse(
            (cx - r * 0.45, cy - r * 0.32, cx + r * 0.45, cy + r * 0.32),
            fill=tone(pal["main"], 0.45),
        )


def draw_rings(canvas, rng, pal, box):
    """Bearings or seals: annuli shaded across their section, a few leaning or lying."""
    x0, y0, x1, y1 = box
    n = rng.choice([2, 3])
    shadow(canvas, (x0 + 40, y1 - 50, x1 - 40, y1 + 25), strength=0.42)
    for i in range(n):
        R = rng.randint(120, 170) * (1.0 if i == 0 else 0.72)
        cx = x0 + (x1 - x0) * [0.3, 0.62, 0.84][i] + rng.uniform(-15, 15)
        cy = y1 - R * 0.62 - (0 if i else 60)
        inner = R * (0.62 if pal.get("bearing") else 0.78)
        img = Image.new("RGB", (int(2 * R), int(2 * R * 0.62)), (0, 0, 0))
        d = ImageDraw.Draw(img)
        steps = 40
        for k in range(steps):  # outer to inner: a rounded section
            rr = R - (R - inner) * k / steps
            x = (k / steps) * 2 - 1
            b = 0.45 + 0.75 * math.sqrt(max(0, 1 - x * x)) + (0.35 if abs(x + 0.3) < 0.12 else 0)
            d.ellipse(
                (R - rr, R * 0.62 - rr * 0.62, R + rr, R * 0.62 + rr * 0.62),
                fill=tone(pal["main"], b),
            )
        d.ellipse(
            (R - inner, R * 0.62 - inner * 0.62, R + inner, R * 0.62 + inner * 0.62), fill=(0, 0, 0)
        )
        m = ellipse_mask(img.size)
        hole = ellipse_mask((int(2 * inner), int(2 * inner * 0.62)))
        m.paste(0, (int(R - inner), int(R * 0.62 - inner * 0.62)), hole)
        if pal.get("bearing"):
            for a in range(0, 360, 30):
                bx = R + (R + inner) / 2 * math.cos(math.radians(a))
                by = R * 0.62 + (R + inner) / 2 * 0.62 * math.sin(math.radians(a))
                d.ellipse((bx - 10, by - 7, bx + 10, by + 7), fill=tone(pal["alt"], 1.3))
        paste(canvas, img, (cx - R, cy - R * 0.62), m)


def draw_chips(canvas, rng, pal, box):
    """Electronic parts on an anti-static tray: ICs with pins, or capacitors / LEDs."""
    x0, y0, x1, y1 = box
    kind = pal.get("part", "ic")
    tray = [(x0 + 30, y1), (x1 - 30, y1), (x1 - 110, y1 - 330), (x0 + 110, y1 - 330)]
    shadow(canvas, (x0 + 20, y1 - 40, x1 - 20, y1 + 25), strength=0.4)
    fill_poly(canvas, tray, linear((x1 - x0, 332), (60, 64, 70), (28, 30, 34)))
    d = ImageDraw.Draw(canvas)
    cols, rows = (4, 3) if kind == "ic" else (5, 3)
    for row in range(rows):
        t = (row + 0.5) / rows
        yy = y1 - 330 + 330 * t
        inset = 110 - 80 * t
        span = x1 - x0 - 2 * inset - 60
        for c in range(cols):
            cx = x0 + 30 + inset + span * (c + 0.5) / cols
            s = 52 + 36 * t
            if kind == "ic":
                for p in range(6):
                    px = cx - s * 0.6 + p * s * 0.24
                    d.rectangle(
                        (px, yy - s * 0.55, px + s * 0.08, yy + s * 0.45), fill=(200, 200, 205)
                    )
                d.rounded_rectangle(
                    (cx - s * 0.7, yy - s * 0.42, cx + s * 0.7, yy + s * 0.32),
                    radius=4,
                    fill=(30, 30, 34),
                )
                d.rectangle(
                    (cx - s * 0.7, yy - s * 0.42, cx + s * 0.7, yy - s * 0.3), fill=(58, 58, 64)
                )
                d.ellipse(
                    (cx - s * 0.55, yy - s * 0.2, cx - s * 0.45, yy - s * 0.1), fill=(70, 70, 76)
                )
                d.text(
                    (cx - s * 0.4, yy - s * 0.12),
                    pal.get("mark", "MCU"),
                    font=font(int(s * 0.24)),
                    fill=(190, 190, 190),
                )
            elif kind == "led":
                d.rectangle(
                    (cx - s * 0.4, yy - s * 0.3, cx + s * 0.4, yy + s * 0.3), fill=(235, 235, 230)
                )
                d.ellipse(
                    (cx - s * 0.28, yy - s * 0.2, cx + s * 0.28, yy + s * 0.2), fill=(250, 220, 90)
                )
            else:
                lathe(
                    canvas,
                    cx,
                    yy - s * 1.1,
                    [(0, s * 0.32), (s * 0.05, s * 0.36), (s * 1.1, s * 0.36)],
                    pal["main"],
                    gloss=0.9,
                )
                d.ellipse(
                    (cx - s * 0.3, yy - s * 1.12, cx + s * 0.3, yy - s * 1.0), fill=(200, 200, 205)
                )
