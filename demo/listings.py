"""Demo data of the listings app for `manage.py seed_demo` (idempotent).

A two-level category tree of Chinese trade categories (from `demo.listings_catalogue`), the
staff term lists (R-L3b/R-L3d), and about 300 listings of the demo companies with product
pictures drawn by `demo.pictures` (issue 15), driven through the services (create, image pipeline, submit, the automatic
checks, approve or reject) exactly as sellers and staff would, then dated back so the site
looks lived in: most are live, some wait in the review queue, some were rejected, a few are
drafts, expired or withdrawn. Running it again adds nothing.
"""

from __future__ import annotations

import io
import random
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from demo.listings_catalogue import BRANDS, QUALITY, SERVICE, TREE, USES
from demo.members import COMPANIES
from demo.pictures import product_picture
from listings import image_services, services
from listings.models import BrandTerm, Category, Listing, ProhibitedTerm
from listings.review import services as review_services
from members.models import Company

# The staff term lists (R-L3b/R-L3d).
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
            # Every supply listing has pictures (one to three); demand listings have none.
            {"values": values, "fate": fate, "images": 0 if demand else rng.choice([1, 1, 2, 3])}
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
    # Issue 15: a drawn product photo per image, the same for this listing on every run.
    note = " · ".join(v for v in (values.get("brand"), values.get("model")) if v) or "规格齐全"
    for k in range(plan["images"]):
        picture = product_picture(
            values["title"],
            values["keyword"],
            seed=company.member_id,
            variant=k,
            note=f"{note} · 量大从优",
            maker=company.name,
        )
        image_services.listing_image_add(listing=listing, upload=io.BytesIO(picture))
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
    from listings.review.deadline import review_deadline

    minutes = rng.choice([2, 4, 6, 9, 12, 30, 100]) if pending else rng.uniform(60, 4000)
    submitted = now - timedelta(minutes=minutes)
    Listing.objects.filter(pk=listing.pk).update(
        submitted_at=submitted, review_deadline=review_deadline(submitted)
    )
