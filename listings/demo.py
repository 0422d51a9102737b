"""Demo data of the listings app for `manage.py seed_demo` (idempotent).

A two-level category tree of Chinese trade categories, the staff term lists (R-L3b/R-L3d),
and about 300 listings of the demo companies with generated product images, driven through
the services (create, image pipeline, submit, the automatic checks, approve or reject)
exactly as sellers and staff would, then dated back so the site looks lived in: most are
live, some wait in the review queue, some were rejected, a few are drafts, expired or
withdrawn. Running it again adds nothing.
"""

from __future__ import annotations

import io
import random
from datetime import timedelta
from pathlib import Path

from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from members.demo import COMPANIES
from members.models import Company

from . import services
from .models import BrandTerm, Category, Listing, ProhibitedTerm
from .review import services as review_services

# (top name, slug, [(child name, slug, [(product, keyword, unit, low price, high price)])])
TREE = [
    (
        "冶金矿产",
        "metallurgy",
        [
            (
                "钢管",
                "steel-pipe",
                [
                    ("无缝钢管", "无缝钢管", "吨", 5200, 9800),
                    ("焊接钢管", "焊接钢管", "吨", 4300, 6200),
                    ("镀锌钢管", "镀锌钢管", "吨", 4800, 6900),
                    ("不锈钢装饰管", "不锈钢管", "吨", 13800, 21000),
                    ("精密光亮钢管", "精密钢管", "吨", 7200, 9800),
                ],
            ),
            (
                "钢板",
                "steel-plate",
                [
                    ("热轧中厚板", "中厚板", "吨", 4100, 5200),
                    ("冷轧薄板", "冷轧板", "吨", 4600, 5800),
                    ("花纹防滑钢板", "花纹板", "吨", 4500, 5600),
                ],
            ),
            (
                "有色金属",
                "nonferrous",
                [
                    ("电解铜板", "电解铜", "吨", 68000, 72000),
                    ("铝合金型材", "铝型材", "吨", 19000, 23500),
                    ("锌合金锭", "锌锭", "吨", 21000, 23800),
                ],
            ),
            (
                "矿产品",
                "minerals",
                [
                    ("冶金焦炭", "焦炭", "吨", 1800, 2600),
                    ("高品位铁精粉", "铁精粉", "吨", 780, 1050),
                ],
            ),
        ],
    ),
    (
        "机械设备",
        "machinery",
        [
            (
                "泵阀",
                "pumps-valves",
                [
                    ("不锈钢离心泵", "离心泵", "台", 1800, 8600),
                    ("法兰截止阀", "截止阀", "个", 120, 980),
                    ("铸铁闸阀", "闸阀", "个", 160, 1200),
                    ("潜水排污泵", "排污泵", "台", 900, 5200),
                    ("气动球阀", "球阀", "个", 260, 1800),
                ],
            ),
            (
                "机床",
                "machine-tools",
                [
                    ("数控车床", "数控车床", "台", 68000, 260000),
                    ("立式加工中心", "加工中心", "台", 180000, 460000),
                    ("摇臂钻床", "钻床", "台", 18000, 56000),
                ],
            ),
            (
                "轴承",
                "bearings",
                [
                    ("深沟球轴承", "深沟球轴承", "套", 6, 180),
                    ("圆锥滚子轴承", "滚子轴承", "套", 15, 320),
                ],
            ),
            (
                "减速机",
                "reducers",
                [
                    ("蜗轮蜗杆减速机", "减速机", "台", 680, 6800),
                    ("行星齿轮减速机", "行星减速机", "台", 1200, 9800),
                ],
            ),
        ],
    ),
    (
        "化工",
        "chemicals",
        [
            (
                "塑料原料",
                "plastics",
                [
                    ("聚丙烯颗粒", "聚丙烯", "吨", 7600, 8900),
                    ("高密度聚乙烯", "聚乙烯", "吨", 8200, 9600),
                    ("通用级聚苯乙烯", "聚苯乙烯", "吨", 8800, 10500),
                    ("再生塑料颗粒", "再生料", "吨", 4200, 6800),
                ],
            ),
            (
                "涂料油漆",
                "coatings",
                [
                    ("环氧地坪漆", "地坪漆", "公斤", 18, 46),
                    ("防腐防锈漆", "防锈漆", "公斤", 12, 35),
                ],
            ),
            (
                "化学试剂",
                "reagents",
                [
                    ("工业级片碱", "片碱", "吨", 3300, 4100),
                    ("食品级柠檬酸", "柠檬酸", "吨", 5600, 7200),
                ],
            ),
            (
                "橡胶制品",
                "rubber",
                [
                    ("耐油橡胶密封圈", "密封圈", "个", 1, 26),
                    ("输送带", "输送带", "米", 60, 380),
                ],
            ),
        ],
    ),
    (
        "电子元器件",
        "electronics",
        [
            (
                "集成电路",
                "ic",
                [
                    ("单片机芯片", "单片机", "片", 2, 38),
                    ("电源管理芯片", "电源芯片", "片", 1, 16),
                ],
            ),
            (
                "电容器",
                "capacitors",
                [
                    ("铝电解电容", "电解电容", "只", 1, 5),
                    ("贴片陶瓷电容", "贴片电容", "盘", 18, 120),
                ],
            ),
            (
                "连接器",
                "connectors",
                [
                    ("端子线束", "线束", "条", 1, 25),
                    ("工业航空插头", "航空插头", "套", 12, 160),
                ],
            ),
            (
                "LED器件",
                "led",
                [
                    ("贴片灯珠", "灯珠", "千只", 18, 90),
                    ("大功率LED光源", "LED光源", "个", 3, 45),
                ],
            ),
            (
                "电路板",
                "pcb",
                [
                    ("双面线路板", "线路板", "平方米", 260, 980),
                    ("铝基板", "铝基板", "平方米", 320, 1200),
                ],
            ),
        ],
    ),
    (
        "纺织皮革",
        "textiles",
        [
            (
                "面料",
                "fabrics",
                [
                    ("真丝双绉面料", "真丝面料", "米", 45, 160),
                    ("涤纶春亚纺", "春亚纺", "米", 3, 9),
                    ("纯棉府绸", "府绸", "米", 8, 26),
                ],
            ),
            (
                "纱线",
                "yarns",
                [
                    ("精梳棉纱", "棉纱", "吨", 23000, 29000),
                    ("涤纶长丝", "涤纶丝", "吨", 7600, 9800),
                ],
            ),
            (
                "皮革",
                "leather",
                [
                    ("头层牛皮", "牛皮", "平方尺", 9, 28),
                    ("水貂皮草", "皮草", "件", 3800, 16800),
                ],
            ),
        ],
    ),
    (
        "农业",
        "agriculture",
        [
            (
                "蔬菜",
                "vegetables",
                [
                    ("寿光大棚黄瓜", "黄瓜", "公斤", 2, 6),
                    ("新鲜西红柿", "西红柿", "公斤", 2, 7),
                    ("有机菠菜", "菠菜", "公斤", 4, 12),
                ],
            ),
            (
                "水果",
                "fruits",
                [
                    ("云南高原蓝莓", "蓝莓", "公斤", 40, 120),
                    ("冰糖心苹果", "苹果", "公斤", 5, 14),
                    ("沃柑", "沃柑", "公斤", 4, 11),
                ],
            ),
            (
                "茶叶",
                "tea",
                [
                    ("安化黑茶茯砖", "黑茶", "块", 68, 580),
                    ("明前龙井绿茶", "龙井", "斤", 380, 2600),
                ],
            ),
            (
                "糖类",
                "sugar",
                [
                    ("一级白砂糖", "白砂糖", "吨", 5600, 6500),
                    ("古法红糖", "红糖", "公斤", 12, 36),
                ],
            ),
        ],
    ),
    (
        "包装印刷",
        "packaging",
        [
            (
                "纸箱纸盒",
                "cartons",
                [
                    ("五层瓦楞纸箱", "瓦楞纸箱", "个", 1, 9),
                    ("精品礼盒", "礼盒", "个", 6, 48),
                ],
            ),
            (
                "塑料包装",
                "plastic-packaging",
                [
                    ("食品真空包装袋", "真空袋", "个", 0.1, 1.2),
                    ("缠绕拉伸膜", "缠绕膜", "卷", 28, 85),
                ],
            ),
            (
                "标签印刷",
                "labels",
                [
                    ("不干胶标签", "不干胶", "张", 0.02, 0.6),
                    ("吊牌印刷", "吊牌", "个", 0.1, 1.5),
                ],
            ),
        ],
    ),
    (
        "礼品工艺",
        "gifts",
        [
            (
                "陶瓷工艺品",
                "ceramics",
                [
                    ("德化白瓷茶具", "白瓷茶具", "套", 68, 680),
                    ("陶瓷花瓶摆件", "花瓶", "个", 35, 380),
                ],
            ),
            (
                "节日礼品",
                "festival-gifts",
                [
                    ("圣诞装饰挂件", "圣诞挂件", "个", 1, 15),
                    ("中秋月饼礼盒", "月饼礼盒", "盒", 48, 380),
                    ("定制广告雨伞", "广告伞", "把", 9, 45),
                ],
            ),
            (
                "木竹工艺",
                "wood-crafts",
                [
                    ("竹编收纳篮", "竹编篮", "个", 12, 88),
                    ("实木相框", "相框", "个", 8, 65),
                ],
            ),
        ],
    ),
    (
        "五金工具",
        "hardware",
        [
            (
                "手动工具",
                "hand-tools",
                [
                    ("铬钒钢扳手套装", "扳手", "套", 38, 260),
                    ("绝缘钢丝钳", "钢丝钳", "把", 9, 48),
                ],
            ),
            (
                "紧固件",
                "fasteners",
                [
                    ("高强度螺栓", "螺栓", "千件", 180, 1200),
                    ("不锈钢自攻螺丝", "自攻螺丝", "千件", 25, 160),
                ],
            ),
            (
                "电动工具",
                "power-tools",
                [
                    ("锂电冲击钻", "冲击钻", "台", 168, 780),
                    ("角磨机", "角磨机", "台", 98, 420),
                ],
            ),
        ],
    ),
    (
        "照明电器",
        "lighting",
        [
            (
                "室内照明",
                "indoor-lighting",
                [
                    ("水晶吊灯", "吊灯", "盏", 380, 6800),
                    ("LED平板灯", "平板灯", "盏", 45, 260),
                ],
            ),
            (
                "户外照明",
                "outdoor-lighting",
                [
                    ("太阳能路灯", "路灯", "套", 580, 3800),
                    ("投光灯", "投光灯", "盏", 88, 960),
                ],
            ),
        ],
    ),
    (
        "汽摩配件",
        "auto-parts",
        [
            (
                "摩托车配件",
                "motorcycle-parts",
                [
                    ("摩托车刹车片", "刹车片", "副", 8, 45),
                    ("摩托车链条", "链条", "条", 25, 120),
                ],
            ),
            (
                "汽车配件",
                "car-parts",
                [
                    ("汽车减震器", "减震器", "只", 120, 680),
                    ("空气滤清器", "滤清器", "个", 15, 85),
                ],
            ),
        ],
    ),
    (
        "建筑建材",
        "building",
        [
            (
                "玻璃",
                "glass",
                [
                    ("钢化玻璃", "钢化玻璃", "平方米", 45, 180),
                    ("中空玻璃", "中空玻璃", "平方米", 98, 320),
                ],
            ),
            (
                "板材",
                "boards",
                [
                    ("生态免漆板", "免漆板", "张", 88, 260),
                    ("多层胶合板", "胶合板", "张", 45, 160),
                ],
            ),
        ],
    ),
    (
        "家用电器",
        "appliances",
        [
            (
                "厨房电器",
                "kitchen",
                [
                    ("家用电饭煲", "电饭煲", "台", 88, 680),
                    ("电磁炉", "电磁炉", "台", 99, 460),
                ],
            ),
            (
                "小家电",
                "small-appliances",
                [
                    ("电热水壶", "电热水壶", "个", 29, 168),
                    ("空气净化器", "净化器", "台", 380, 2600),
                ],
            ),
        ],
    ),
]

BRANDS = {
    "metallurgy": ["华菱", "沙钢", "太钢", "永洋"],
    "machinery": ["东方", "永嘉", "大元", "锦江"],
    "chemicals": ["海湾", "恒利", "镇海"],
    "electronics": ["华强", "芯源", "联合"],
    "textiles": ["盛泽", "海宁", "吴江"],
    "agriculture": ["绿源", "高原", "安化"],
    "packaging": ["华美", "龙港"],
    "gifts": ["德化", "义乌"],
    "hardware": ["京工", "钢盾"],
    "lighting": ["古镇", "欧普达"],
    "auto-parts": ["嘉陵", "渝安"],
    "building": ["秦川", "临沂"],
    "appliances": ["美菱", "皖电"],
}
PROHIBITED = [
    ("枪支", "枪支弹药及其配件"),
    ("弹药", "枪支弹药及其配件"),
    ("仿真枪", "仿真枪械"),
    ("象牙", "濒危野生动物制品"),
    ("犀牛角", "濒危野生动物制品"),
    ("穿山甲", "濒危野生动物制品"),
    ("假币", "伪造货币"),
    ("窃听器", "专用间谍器材"),
    ("迷药", "违禁药品"),
    ("冰毒", "毒品"),
    ("假发票", "伪造票据"),
    ("烟花爆竹", "易燃易爆危险品（需许可）"),
]
BRAND_LIST = [
    "宝钢",
    "鞍钢",
    "首钢",
    "武钢",
    "西门子",
    "施耐德",
    "博世",
    "三星",
    "松下",
    "飞利浦",
    "格力",
    "美的",
    "海尔",
    "耐克",
    "阿迪达斯",
    "华为",
]

USES = [
    "广泛用于石油化工、电力、船舶、机械制造和建筑工程等行业",
    "适用于工厂、商场、学校和住宅等各类场所",
    "可满足批发零售、出口贸易和工程配套的需要",
    "深受国内外客户好评，远销东南亚、中东和欧美市场",
]
QUALITY = [
    "严格按照国家标准组织生产，每批产品出厂前均经过质检部门检验",
    "采用进口生产线和先进工艺，质量稳定可靠",
    "通过质量管理体系认证，可提供材质证明和检测报告",
]
SERVICE = [
    "常年现货供应，量大从优，可按客户要求定制加工",
    "支持来样来图定做，交货及时，售后服务完善",
    "专车配送到厂，也可代办物流，欢迎来电来厂考察洽谈",
]


def _category_tree(stdout) -> dict[str, list[tuple[Category, list]]]:
    made = 0
    leaves: dict[str, list[tuple[Category, list]]] = {}
    for i, (name, slug, children) in enumerate(TREE):
        top, created = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": i}
        )
        made += created
        for j, (child_name, child_slug, products) in enumerate(children):
            child, created = Category.objects.get_or_create(
                slug=child_slug, defaults={"name": child_name, "parent": top, "position": j}
            )
            made += created
            leaves.setdefault(name, []).append((child, products))
    stdout.write(f"类目：新建 {made} 个，共 {Category.objects.count()} 个。")
    return leaves


def _terms(stdout) -> None:
    made = 0
    for term, note in PROHIBITED:
        made += ProhibitedTerm.objects.get_or_create(term=term, defaults={"note": note})[1]
    for term in BRAND_LIST:
        made += BrandTerm.objects.get_or_create(term=term)[1]
    stdout.write(f"禁售词与品牌词：新建 {made} 个。")


def _font(size: int):
    for path in (
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    ):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return None


def product_image(label: str, rng: random.Random, variant: int = 0) -> bytes:
    """An 800×600 'product photo': a coloured object on a light background with a label."""
    hue = rng.randrange(360)
    base = Image.new("RGB", (800, 600), (246, 246, 243))
    draw = ImageDraw.Draw(base)
    colour = tuple(int(c) for c in _hsv(hue, 0.55, 0.75))
    dark = tuple(int(c * 0.6) for c in colour)
    shape = (rng.randrange(3) + variant) % 3
    if shape == 0:
        draw.rounded_rectangle((180, 150, 620, 420), radius=40, fill=colour, outline=dark, width=8)
    elif shape == 1:
        draw.ellipse((230, 110, 570, 450), fill=colour, outline=dark, width=8)
    else:
        for k in range(5):
            y = 150 + k * 55
            draw.rounded_rectangle(
                (140, y, 660, y + 38), radius=19, fill=colour, outline=dark, width=4
            )
    font = _font(54)
    if font is not None:
        box = draw.textbbox((0, 0), label, font=font)
        x = (800 - (box[2] - box[0])) // 2
        draw.text((x, 480), label, fill=(60, 60, 60), font=font)
    out = io.BytesIO()
    base.save(out, "JPEG", quality=90)
    return out.getvalue()


def _hsv(h: float, s: float, v: float) -> tuple[float, float, float]:
    import colorsys

    r, g, b = colorsys.hsv_to_rgb(h / 360, s, v)
    return r * 255, g * 255, b * 255


def _description(product: str, keyword: str, rng: random.Random, company: Company) -> str:
    parts = [
        f"{company.name}专业生产和销售{product}，",
        rng.choice(QUALITY) + "。",
        f"本公司{keyword}规格齐全，" + rng.choice(USES) + "。",
        rng.choice(SERVICE) + "。",
        f"联系人：{company.contact_name}。",
    ]
    return "".join(parts)


def _price(low: float, high: float, rng: random.Random) -> str:
    value = rng.uniform(low, high)
    return f"{value:.2f}" if value < 100 else f"{round(value):d}.00"


# Of every 20 listings of a company: what becomes of it.
FATES = ["live"] * 15 + ["pending", "rejected", "draft", "expired", "withdrawn"]


def _plan(company: Company, leaves, rng: random.Random, count: int) -> list[dict]:
    products = [(cat, p) for cat, ps in leaves for p in ps]
    rng.shuffle(products)
    brands = BRANDS.get(leaves[0][0].parent.slug, ["优品"])
    plans = []
    for n in range(count):
        category, (product, keyword, unit, low, high) = products[n % len(products)]
        demand = n % 7 == 3
        fate = FATES[(n * 7 + len(company.member_id)) % len(FATES)]
        title = ("求购" + product) if demand else product
        if n >= len(products):  # a second listing of the same product: another grade
            title = ("求购" if demand else "") + ["优质", "精品", "特级", "出口级"][n % 4] + product
        model = f"{company.member_id[:2].upper()}-{100 + n * 7}"
        values = {
            "kind": "demand" if demand else "supply",
            "title": title,
            "keyword": keyword,
            "category": category,
            "description": _description(product, keyword, rng, company),
            "brand": "" if demand else rng.choice(brands),
            "model": "" if demand else model,
            "spec": rng.choice(["国标", "企标", "定制", "常规", ""]),
            "unit": unit,
            "min_order": rng.choice([1, 1, 5, 10, 50, 100]),
            "price": _price(low, high, rng),
            "validity_days": rng.choice([30, 30, 90, 7]),
        }
        if not demand and rng.random() < 0.35:
            tier_price = float(values["price"])
            values["price_tiers"] = [
                {"min_qty": values["min_order"], "price": f"{tier_price:.2f}"},
                {"min_qty": values["min_order"] * 10, "price": f"{tier_price * 0.92:.2f}"},
            ]
        if not demand:
            values["fixed_price"] = rng.random() < 0.45
            values["supports_escrow"] = values["fixed_price"] or rng.random() < 0.3
        if fate == "rejected":
            # A typical mistake the checks catch: the model in the product name (R-L3d).
            values["title"] = f"{values['model']}{product}" if not demand else title
            if demand:
                values["description"] = "急需，价格好说"  # R-L3e: too thin
        plans.append(
            {"values": values, "fate": fate, "images": 0 if demand else rng.choice([1, 1, 2, 0])}
        )
    return plans


def seed(stdout) -> None:
    leaves_by_top = _category_tree(stdout)
    _terms(stdout)
    demo_ids = [row[0] for row in COMPANIES]
    companies = {c.member_id: c for c in Company.objects.filter(member_id__in=demo_ids)}
    existing = Listing.objects.filter(company__member_id__in=demo_ids)
    if existing.exists():
        stdout.write(f"供求信息：已有 {existing.count()} 条演示信息，跳过。")
        return
    if not companies:
        stdout.write("供求信息：没有演示企业，跳过。")
        return
    rng = random.Random(20260301)  # noqa: S311 (demo data, reproducible)
    now = timezone.now()
    counts: dict[str, int] = {}
    for member_id, _name, _prov, _city, industry, _years, _verified in COMPANIES:
        company = companies.get(member_id)
        if company is None:
            continue
        leaves = leaves_by_top.get(industry)
        if not leaves:
            continue
        for plan in _plan(company, leaves, rng, count=10):
            fate = _make(company, plan, rng, now)
            counts[fate] = counts.get(fate, 0) + 1
    total = sum(counts.values())
    shown = "，".join(f"{Listing.Status(k).label} {v}" for k, v in sorted(counts.items()))
    stdout.write(f"供求信息：新建 {total} 条（{shown}）。")


def _make(company: Company, plan: dict, rng: random.Random, now) -> str:
    values, fate = plan["values"], plan["fate"]
    listing = services.listing_create(company=company, **values)
    keyword = values["keyword"]
    for k in range(plan["images"]):
        services.listing_image_add(
            listing=listing, upload=io.BytesIO(product_image(keyword, rng, variant=k))
        )
    if fate == "draft":
        return Listing.Status.DRAFT
    services.listing_submit(listing=listing)
    outcome = review_services.listing_review(
        listing_id=listing.pk, review_round=listing.review_round
    )
    listing.refresh_from_db()
    # Demo only: no e-mails for the rejections made here (the in-site notice stays).
    Listing.objects.filter(pk=listing.pk).update(rejection_emailed_round=F("review_round"))
    if outcome != "queued" or fate == "pending":
        _date_back_submission(listing, rng, now, pending=fate == "pending")
        return listing.status
    services.listing_approve(listing=listing, by=None)
    days_ago = rng.uniform(0.2, min(25, listing.validity_days - 0.5))
    published = now - timedelta(days=days_ago)
    submitted = published - timedelta(minutes=rng.choice([4, 7, 9, 12, 14, 25, 48, 95, 110]))
    Listing.objects.filter(pk=listing.pk).update(
        submitted_at=submitted,
        review_deadline=submitted + timedelta(minutes=15),
        reviewed_at=published,
        published_at=published,
        first_published_at=published,
        went_live_at=published,
        expires_at=published + timedelta(days=listing.validity_days),
    )
    listing.refresh_from_db()
    if fate == "expired" or listing.expires_at <= now:
        Listing.objects.filter(pk=listing.pk).update(expires_at=now - timedelta(hours=1))
        services.listing_expire(listing_id=listing.pk, now=now)
        return Listing.Status.EXPIRED
    if fate == "withdrawn":
        services.listing_withdraw(listing=listing)
        return Listing.Status.WITHDRAWN
    return Listing.Status.LIVE


def _date_back_submission(listing: Listing, rng: random.Random, now, *, pending: bool) -> None:
    from .review.deadline import review_deadline

    minutes = rng.choice([2, 4, 6, 9, 12, 30, 100]) if pending else rng.uniform(60, 4000)
    submitted = now - timedelta(minutes=minutes)
    Listing.objects.filter(pk=listing.pk).update(
        submitted_at=submitted, review_deadline=review_deadline(submitted)
    )
