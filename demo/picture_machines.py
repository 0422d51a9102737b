"""Demo product pictures (demo/pictures.py): machines — machine tools and appliances,
motors with a pump or gearbox, valves, hand tools, lights. Same conventions as
demo/picture_metal.py.
"""

from __future__ import annotations

from PIL import ImageDraw

from .picture_kit import (
    box_faces,
    cylinder,
    ellipse_mask,
    lathe,
    paste,
    shadow,
    sphere,
    tone,
)


def draw_machine(canvas, rng, pal, box):
    """A machine tool or appliance: a painted cabinet on a base, a control panel with a
    screen and buttons, a work area or motor drum, vents; the layout mirrors at random."""
    x0, y0, x1, y1 = box
    w, h, depth = rng.randint(380, 470), rng.randint(250, 330), rng.randint(170, 230)
    x = x0 + (x1 - x0 - w - depth * 0.75) / 2
    shadow(canvas, (x - 20, y1 - 50, x + w + depth * 0.8 + 20, y1 + 25), strength=0.45)
    box_faces(canvas, x - 10, y1, w + 20, 40, depth, (70, 72, 78))  # base
    top = y1 - 40 - h
    box_faces(canvas, x, y1 - 40, w, h, depth, pal["main"])
    d = ImageDraw.Draw(canvas)
    flip = rng.random() < 0.5
    px = x + w * 0.55 if flip else x + 28  # the control panel's side
    wx = x + 28 if flip else x + w * 0.5  # the work area's side
    d.rounded_rectangle(
        (px, top + 28, px + w * 0.4, top + 28 + h * 0.45), radius=8, fill=(36, 40, 46)
    )
    d.rectangle((px + 14, top + 42, px + w * 0.4 - 14, top + 42 + h * 0.15), fill=(90, 200, 150))
    for k in range(3):
        bx = px + 20 + k * 38
        colour = [(220, 60, 50), (60, 180, 90), (240, 200, 60)][k]
        d.ellipse((bx, top + h * 0.3 + 10, bx + 24, top + h * 0.3 + 34), fill=colour)
    if rng.random() < 0.5:  # a window onto the work area
        d.rounded_rectangle(
            (wx, top + 28, wx + w * 0.42, top + h * 0.7), radius=6, fill=(60, 70, 80)
        )
        glass = cylinder(int(w * 0.42) - 16, int(h * 0.7) - 44, (150, 190, 210), gloss=0.6)
        paste(canvas, glass, (wx + 8, top + 36))
    else:  # a motor drum with cooling fins
        r = h * 0.26
        drum = cylinder(int(w * 0.4), int(2 * r), (170, 174, 180), vertical=False, metal=True)
        dd = ImageDraw.Draw(drum)
        for fx in range(8, drum.width, 14):
            dd.line([(fx, 0), (fx, drum.height)], fill=(110, 112, 118), width=3)
        paste(canvas, drum, (wx, top + h * 0.45 - r))
    for k in range(5):  # vents
        vy = y1 - 40 - h * 0.2 + k * 9
        d.line([(x + 30, vy), (x + w - 30, vy)], fill=tone(pal["main"], 0.6), width=3)


def draw_motor(canvas, rng, pal, box):
    """An electric motor with cooling fins on a base plate, driving a pump casing or a
    gearbox (painted), with a terminal box on top."""
    x0, y0, x1, y1 = box
    r = rng.randint(95, 120)
    length = rng.randint(300, 360)
    cy = y1 - 60 - r
    x = x0 + (x1 - x0 - length - 2.4 * r) / 2 + (2.4 * r if pal.get("pump") else 0)
    shadow(canvas, (x0 + 40, y1 - 50, x1 - 40, y1 + 25), strength=0.45)
    box_faces(canvas, x0 + 60, y1, x1 - x0 - 160, 30, 120, (70, 72, 78))
    motor = cylinder(length, 2 * r, pal["main"], vertical=False, gloss=0.7)
    md = ImageDraw.Draw(motor)
    for fy in range(10, 2 * r, 13):
        md.line([(20, fy), (length - 20, fy)], fill=tone(pal["main"], 0.65), width=3)
    paste(canvas, motor, (x, cy - r))
    box_faces(canvas, x + length * 0.35, cy - r + 8, length * 0.3, 55, 60, pal["main"])
    d = ImageDraw.Draw(canvas)
    for lx in (x + 30, x + length - 80):
        d.polygon(
            [(lx, cy + r - 10), (lx + 50, cy + r - 10), (lx + 60, y1 - 30), (lx - 10, y1 - 30)],
            fill=tone(pal["main"], 0.55),
        )
    if pal.get("pump"):  # the volute of a centrifugal pump, its outlet upward
        sphere(canvas, (x - r * 1.05, cy + 10), r * 1.15, pal["main"], gloss=0.5)
        outlet = cylinder(int(r * 0.8), int(r * 1.4), pal["main"], gloss=0.5)
        paste(canvas, outlet, (x - r * 1.45, cy - r * 1.9))
        d.ellipse((x - r * 1.5, cy - r * 2.0, x - r * 0.6, cy - r * 1.75), fill=(50, 50, 54))
    else:  # a gearbox block with its output shaft
        bw = int(r * 2.0)
        box_faces(canvas, x + length, cy + r + 10, bw, int(r * 2.4), 120, tone(pal["main"], 0.9))
        shaft = cylinder(70, int(r * 0.5), (180, 184, 190), vertical=False, metal=True)
        paste(canvas, shaft, (x + length + bw + 60, cy - r * 0.1))


def draw_valve(canvas, rng, pal, box):
    """A flanged valve: a pipe run with flanges, a painted body, bonnet, stem and a
    handwheel (or a lever for a ball valve)."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2 + rng.uniform(-30, 30), y1 - 150
    r, length = rng.randint(48, 62), rng.randint(480, 580)
    shadow(canvas, (cx - length / 2, y1 - 50, cx + length / 2, y1 + 20), strength=0.45)
    paste(
        canvas,
        cylinder(length, 2 * r, (170, 174, 180), vertical=False, metal=True),
        (cx - length / 2, cy - r),
    )
    d = ImageDraw.Draw(canvas)
    for fx in (cx - length / 2, cx + length / 2 - 36):
        flange = cylinder(36, int(r * 3), pal["main"], gloss=0.6)
        paste(
            canvas,
            flange,
            (fx, cy - r * 1.5),
            ellipse_mask(flange.size).point(lambda v: 255 if v else 0),
        )
        for k in range(4):
            d.ellipse(
                (fx + 10, cy - r * 1.2 + k * r * 0.8, fx + 26, cy - r * 1.2 + k * r * 0.8 + 16),
                fill=(200, 200, 205),
            )
    sphere(canvas, (cx, cy), r * 1.7, pal["main"], gloss=0.5)
    bonnet_h = int(r * 2.4)
    paste(
        canvas,
        cylinder(int(r * 1.1), bonnet_h, pal["main"], gloss=0.5),
        (cx - r * 0.55, cy - r * 1.4 - bonnet_h),
    )
    stem_top = cy - r * 1.4 - bonnet_h - 70
    paste(canvas, cylinder(18, 80, (190, 192, 196), metal=True), (cx - 9, stem_top))
    if pal.get("lever"):
        d.rounded_rectangle(
            (cx - 12, stem_top - 10, cx + 220, stem_top + 16), radius=8, fill=(200, 40, 40)
        )
        return
    hw = r * 2.4
    d.ellipse(
        (cx - hw, stem_top - hw * 0.3, cx + hw, stem_top + hw * 0.3), outline=(40, 40, 44), width=16
    )
    d.ellipse(
        (cx - hw + 4, stem_top - hw * 0.3 + 2, cx + hw - 4, stem_top + hw * 0.3 - 2),
        outline=tone(pal["alt"], 1.0),
        width=8,
    )
    for k in (-1, 1):
        d.line([(cx, stem_top), (cx + k * hw * 0.95, stem_top)], fill=(60, 60, 64), width=8)


def draw_tool(canvas, rng, pal, box):
    """A cordless power tool lying on its side: a motor housing, a pistol grip with a
    trigger, a battery pack and a chuck (drill) or a grinding disc with a guard."""
    x0, y0, x1, y1 = box
    grinder = pal.get("grinder", False)
    bx, by = (x0 + x1) / 2 - 160, y1 - 360
    shadow(canvas, (bx - 60, y1 - 50, bx + 420, y1 + 20), strength=0.45)
    d = ImageDraw.Draw(canvas)
    body_w = 360 if grinder else 300
    paste(canvas, cylinder(body_w, 130, pal["main"], vertical=False, gloss=0.8), (bx, by))
    d.rounded_rectangle(
        (bx + body_w * 0.3, by + 20, bx + body_w * 0.7, by + 50), radius=10, fill=(40, 40, 44)
    )
    grip = [(bx + 60, by + 120), (bx + 150, by + 120), (bx + 170, y1 - 120), (bx + 80, y1 - 120)]
    d.polygon(grip, fill=(40, 40, 44))
    d.polygon(
        [(bx + 60, by + 120), (bx + 90, by + 120), (bx + 110, y1 - 120), (bx + 80, y1 - 120)],
        fill=tone(pal["main"], 0.8),
    )
    d.rounded_rectangle((bx + 150, by + 140, bx + 175, by + 200), radius=8, fill=(30, 30, 30))
    box_faces(canvas, bx + 20, y1 - 30, 220, 90, 80, (45, 45, 50))  # battery
    d.rectangle((bx + 40, y1 - 90, bx + 120, y1 - 70), fill=tone(pal["main"], 1.0))
    if grinder:
        d.ellipse((bx + body_w - 40, by - 120, bx + body_w + 60, by + 260), fill=(90, 92, 98))
        d.pieslice(
            (bx + body_w - 50, by - 130, bx + body_w + 50, by + 270), 90, 270, fill=(150, 154, 160)
        )
    else:
        paste(
            canvas,
            cylinder(90, 80, (60, 60, 64), vertical=False, metal=True),
            (bx + body_w, by + 25),
        )
        paste(
            canvas,
            cylinder(130, 14, (200, 200, 205), vertical=False, metal=True),
            (bx + body_w + 90, by + 58),
        )


def draw_lamp(canvas, rng, pal, box):
    """Lights with a warm glow: pendant shades with their bulbs, or (`pal['panel']`) a
    square LED panel with a lit diffuser, standing on its edge."""
    x0, y0, x1, y1 = box
    cx = (x0 + x1) / 2
    glow = ellipse_mask((int(x1 - x0), int(y1 - y0))).point(lambda v: v // 3)
    canvas.paste((255, 246, 214), (int(x0), int(y0)), glow)
    shade = rng.choice([(235, 235, 230), (40, 40, 44), (190, 150, 80), (180, 184, 190)])
    d = ImageDraw.Draw(canvas)
    if pal.get("panel"):
        side = rng.randint(380, 440)
        shadow(canvas, (cx - side / 2, y1 - 40, cx + side / 2 + 90, y1 + 20), strength=0.35)
        box_faces(canvas, cx - side / 2, y1, side, side, 60, shade)
        panel = cylinder(int(side - 40), int(side - 40), (255, 250, 235), gloss=0.3)
        paste(canvas, panel, (cx - side / 2 + 20, y1 - side + 20))
        return
    count = rng.choice([1, 3])
    for i in range(count):
        big = i == 0
        r = rng.randint(110, 140) if big else rng.randint(65, 85)
        bx = cx if big else cx + (-1 if i == 1 else 1) * 230
        top = y0 + (40 if big else 130)
        d.line([(bx, y0 - 40), (bx, top)], fill=(60, 60, 60), width=4)
        height = r * 1.2
        sphere(canvas, (bx, top + height - r * 0.1), r * 0.42, (255, 240, 180), gloss=1.0)
        profile = [(0, r * 0.14), (r * 0.2, r * 0.18), (r * 0.75, r * 0.72), (height, r)]
        lathe(canvas, bx, top, profile, shade, gloss=0.8, metal=shade != (235, 235, 230))
    shadow(canvas, (cx - 220, y1 - 40, cx + 220, y1 + 20), strength=0.25)
