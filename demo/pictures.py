"""Demo product pictures (issue 15): a shaded object chosen by the product's name and
keyword (steel pipes, plates, bolts, fabric rolls, cartons, bottles, pellets, fruit,
chips, bearings, machines, lights) in a studio setting, with the product's name on a
label. Deterministic: the same listing always gets the same picture, two listings of the
same product get different ones (the seed is the listing's identity, not Python's salted
`hash`).
"""

from __future__ import annotations

import io
import random
import zlib

from PIL import Image, ImageDraw

from . import picture_goods as goods
from . import picture_machines as machines
from . import picture_metal as metal
from .picture_kit import SIDE, fit_text, font, hsv, linear, mix, text_centre, tone

# (words in the product name or keyword, how it is drawn, palette hints). First match wins.
RULES: list[tuple[tuple[str, ...], str, dict]] = [
    (("轴承",), "rings", {"main": (176, 180, 188), "alt": (220, 224, 230), "bearing": True}),
    (("密封圈",), "rings", {"main": (48, 48, 52), "alt": (70, 70, 74)}),
    (("链条",), "rings", {"main": (120, 124, 130), "alt": (90, 90, 96)}),
    (("蓝莓",), "fruit", {"main": (60, 70, 140), "alt": (90, 90, 170), "radius": 34}),
    (("西红柿",), "fruit", {"main": (220, 50, 40), "alt": (240, 90, 50), "stem": True}),
    (("苹果",), "fruit", {"main": (200, 40, 40), "alt": (230, 160, 60), "stem": True}),
    (("沃柑", "橙", "柑"), "fruit", {"main": (245, 140, 30), "alt": (250, 170, 40)}),
    (("黄瓜",), "fruit", {"main": (60, 130, 50), "alt": (90, 160, 60), "long": True}),
    (
        ("圣诞", "挂件"),
        "fruit",
        {"main": (200, 30, 40), "alt": (30, 120, 60), "gloss": 1.0, "cap": True},
    ),
    (("灯珠",), "chips", {"part": "led"}),
    (("平板灯", "投光灯"), "lamp", {"panel": True}),
    (("灯", "LED"), "lamp", {}),
    (("电容",), "chips", {"part": "cap", "main": (40, 70, 160)}),
    (("芯片", "单片机"), "chips", {"part": "ic"}),
    (("型材",), "pipes", {"main": (190, 194, 200), "square": True}),
    (("钢管", "装饰管", "不锈钢管", "管材"), "pipes", {"main": (170, 174, 182)}),
    (("线路板", "铝基板"), "sheets", {"main": (28, 110, 60), "surface": "pcb"}),
    (("玻璃",), "sheets", {"main": (150, 200, 210), "surface": "glass"}),
    (("胶合板", "免漆板", "相框", "竹编"), "sheets", {"main": (205, 160, 105), "surface": "wood"}),
    (("铜",), "sheets", {"main": (196, 112, 70)}),
    (("牛皮", "皮草"), "sheets", {"main": (120, 72, 40), "surface": "wood"}),
    (("板", "锭", "标签", "不干胶", "吊牌", "刹车片"), "sheets", {"main": (178, 182, 190)}),
    (("螺栓", "螺丝", "扳手", "钢丝钳"), "bolts", {"main": (150, 154, 162)}),
    (("输送带",), "rolls", {"main": (44, 44, 48), "alt": (60, 60, 64)}),
    (("缠绕膜",), "rolls", {"main": (200, 215, 220), "alt": (225, 235, 238)}),
    (("面料", "春亚纺", "府绸", "真丝", "牛仔"), "rolls", {}),
    (("线束",), "rings", {"main": (200, 60, 40), "alt": (40, 90, 190)}),
    (("棉纱", "涤纶丝"), "bottles", {"shape": "cone"}),
    (("漆",), "bottles", {"shape": "bucket"}),
    (("花瓶", "茶具", "白瓷"), "bottles", {"shape": "vase", "main": (236, 236, 230)}),
    (("电饭煲", "水壶", "净化器"), "bottles", {"shape": "cooker", "main": (236, 236, 232)}),
    (("减震器", "滤清器", "插头"), "bottles", {"shape": "can"}),
    (("柠檬酸", "片碱", "化工"), "bottles", {"shape": "bottle"}),
    (("龙井", "绿茶", "菠菜"), "pile", {"main": (90, 140, 60), "leafy": True}),
    (("颗粒", "聚丙烯", "聚乙烯", "聚苯乙烯", "再生料", "焦炭", "铁精粉", "糖"), "pile", {}),
    (("芯片", "单片机"), "chips", {"part": "ic"}),
    (("泵",), "motor", {"pump": True}),
    (("减速机",), "motor", {}),
    (("球阀",), "valve", {"lever": True}),
    (("阀",), "valve", {}),
    (("冲击钻", "电钻"), "tool", {}),
    (("角磨机",), "tool", {"grinder": True}),
    (("车床", "加工中心", "钻床", "电磁炉"), "machine", {}),
    (("纸箱", "包装袋", "真空袋"), "boxes", {"carton": True}),
    (("礼盒", "月饼", "黑茶", "伞"), "boxes", {"gift": True}),
]
DRAW = {
    "pipes": metal.draw_pipes,
    "sheets": metal.draw_sheets,
    "bolts": metal.draw_bolts,
    "rings": metal.draw_rings,
    "chips": metal.draw_chips,
    "rolls": goods.draw_rolls,
    "boxes": goods.draw_boxes,
    "bottles": goods.draw_bottles,
    "pile": goods.draw_pile,
    "fruit": goods.draw_fruit,
    "machine": machines.draw_machine,
    "motor": machines.draw_motor,
    "valve": machines.draw_valve,
    "tool": machines.draw_tool,
    "lamp": machines.draw_lamp,
}
INDUSTRIAL = [(30, 90, 160), (40, 120, 80), (200, 90, 30), (90, 96, 104), (220, 180, 40)]
TAGS = ["厂家直销", "现货供应", "品质保证", "支持定制", "源头工厂", "批发价"]


def choose(product: str, keyword: str = "") -> tuple[str, dict]:
    """Which object a product is drawn as, with its palette hints (cartons by default)."""
    text = f"{product} {keyword}"
    for words, kind, hints in RULES:
        if any(w in text for w in words):
            return kind, hints
    return "boxes", {}


def _palette(kind: str, hints: dict, rng: random.Random) -> dict:
    hue = rng.randrange(360)
    pal = {
        "main": hsv(hue, rng.uniform(0.45, 0.7), rng.uniform(0.6, 0.85)),
        "alt": hsv(hue + rng.choice([30, 150, 200]), 0.5, 0.8),
        "accent": hsv(rng.choice([0, 8, 24, 210]), 0.85, 0.85),
    }
    if kind == "boxes":
        gift = hints.get("gift", rng.random() < 0.3 and not hints.get("carton"))
        pal.update(
            {"main": tone((200, 160, 110), rng.uniform(0.9, 1.05)), "alt": (185, 145, 95)}
            if not gift
            else {"main": hsv(rng.choice([0, 350, 40, 20]), 0.75, 0.72), "gift": True}
        )
        pal["accent"] = (220, 180, 60) if gift else pal["accent"]
    if kind in ("machine", "motor", "valve", "tool"):  # industrial paint
        pal["main"] = tone(rng.choice(INDUSTRIAL), rng.uniform(0.9, 1.08))
        pal["alt"] = (170, 174, 180)
    if kind == "pile" and "main" not in hints:
        pal["main"] = rng.choice(
            [(236, 236, 232), (240, 226, 160), (200, 210, 220), (52, 52, 56), (120, 80, 50)]
        )
        pal["alt"] = (200, 200, 196)
    pal.update(hints)
    if "main" in hints:  # the object's own colour, nudged so two listings differ a little
        pal["main"] = tone(hints["main"], rng.uniform(0.9, 1.08))
        pal.setdefault("alt", tone(pal["main"], 1.15))
    return pal


def _backdrop(rng: random.Random, floor_y: int) -> Image.Image:
    """A studio sweep: a light wall fading into a slightly warmer floor."""
    hue = rng.randrange(360)
    wall = mix(hsv(hue, 0.06, 0.98), (250, 250, 250), 0.4)
    img = linear((SIDE, SIDE), wall, tone(wall, 0.9))
    floor = linear((SIDE, SIDE - floor_y + 60), tone(wall, 0.95), tone(wall, 0.82))
    img.paste(floor, (0, floor_y - 60))
    return img


def _label(img: Image.Image, rng: random.Random, title: str, note: str, maker: str) -> None:
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((28, SIDE - 158, SIDE - 28, SIDE - 28), radius=14, fill=(255, 255, 255))
    d.rectangle((28, SIDE - 158, 40, SIDE - 28), fill=(255, 106, 0))
    size = fit_text(d, title, SIDE - 120, 62)
    d.text(
        (64, SIDE - 148),
        title,
        font=font(size),
        fill=(34, 34, 34),
        stroke_width=1,
        stroke_fill=(34, 34, 34),
    )
    if note:
        d.text((66, SIDE - 72), note, font=font(30), fill=(110, 110, 110))
    tag = rng.choice(TAGS)
    d.rounded_rectangle((28, 28, 64 + 34 * len(tag), 86), radius=10, fill=(255, 106, 0))
    d.text((46, 36), tag, font=font(34), fill=(255, 255, 255))
    if maker:
        text_centre(d, (SIDE - 30 - 13 * len(maker), 40), maker, 26, (150, 150, 150))


def product_picture(
    title: str,
    keyword: str = "",
    *,
    seed: str = "",
    variant: int = 0,
    note: str = "",
    maker: str = "",
) -> bytes:
    """A SIDE × SIDE picture of the product `title`, the same for the same (seed, variant).
    Written as BMP: the upload pipeline re-encodes it anyway (R-L5), and BMP costs nothing
    to write or read, which keeps `seed_demo` quick."""
    rng = random.Random(zlib.crc32(f"{seed}|{title}|{keyword}|{variant}".encode()))  # noqa: S311
    kind, hints = choose(title, keyword)
    floor_y = 700
    img = _backdrop(rng, floor_y)
    DRAW[kind](img, rng, _palette(kind, hints, rng), (60, 110, SIDE - 60, floor_y))
    _label(img, rng, title, note, maker)
    out = io.BytesIO()
    img.save(out, "BMP")
    return out.getvalue()
