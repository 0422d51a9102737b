"""Demo data of the credit app for `manage.py seed_demo` (idempotent).

Reviews on the demo trades (through `review_record`, so R-C4 holds), certificates with
generated images (uploaded and decided through the services), credit references, then one
set-based recomputation so every archive shows its score. Running it again adds nothing;
without demo trades it still makes certificates and references.
"""

from __future__ import annotations

import functools
import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from credit import services
from credit.models import Certificate, CreditReference, Review
from demo.members import COMPANIES
from marketplace.exceptions import DomainError
from members.models import Company
from members.privileges import is_trustpass
from trade.models import Order

POSITIVE = [
    "货真价实，发货及时，包装很好，合作愉快！",
    "质量与描述一致，卖家服务热情，值得信赖。",
    "第二次合作了，一如既往的好，推荐。",
    "价格公道，物流很快，下次还来。",
]
NEUTRAL = ["货物还可以，发货稍慢，总体一般。", "沟通顺畅，但包装有些简陋。"]
NEGATIVE = ["交易未成功，卖家迟迟不发货，只能退款。", "货物与描述不符，已退款处理。"]
BUYER_REVIEWS = ["买家付款爽快，沟通顺畅，欢迎再来。", "诚信买家，收货确认及时。"]

# kind, title, decision (verified / pending / rejected)
CERTIFICATE_SETS = [
    [
        ("tax", "税务登记证", "verified"),
        ("licence", "企业法人营业执照", "verified"),
        ("product", "ISO9001 质量管理体系认证证书", "verified"),
        ("other", "2025 年度诚信经营示范单位", "pending"),
    ],
    [
        ("tax", "税务登记证（副本）", "verified"),
        ("product", "产品质量检验合格证书", "verified"),
        ("other", "重合同守信用企业", "rejected"),
    ],
    [
        ("licence", "营业执照", "verified"),
        ("product", "3C 强制性产品认证证书", "pending"),
    ],
]
REFERENCES = [
    ("李明", "中国工商银行{city}分行", "开户银行", "0571-87{n:06d}"),
    ("周海涛", "{city}市钢材流通行业协会", "行业协会", "zhouht@assoc-{n}.example.cn"),
    ("陈晓燕", "{city}恒达贸易有限公司", "长期客户", "139{n:08d}"),
]


def seed(stdout) -> None:
    demo_ids = [row[0] for row in COMPANIES]
    companies = list(Company.objects.filter(member_id__in=demo_ids).order_by("member_id"))
    if not companies:
        stdout.write("诚信档案：没有演示企业，跳过。")
        return
    reviews = _seed_reviews(demo_ids)
    certificates = _seed_certificates(companies)
    references = _seed_references(companies)
    counts = services.credit_recalculate_all(cause="demo")
    stdout.write(
        f"诚信档案：新增评价 {reviews} 条、证书 {certificates} 张、资信参考人 {references} 位；"
        f"重新计算 {counts['companies']} 家企业的信用积分（{counts['changed']} 家有变化）。"
    )


def _seed_reviews(demo_ids: list[str]) -> int:
    orders = list(
        Order.objects.filter(buyer__member_id__in=demo_ids, seller__member_id__in=demo_ids)
        .filter(status__in=["paid", "shipped", "completed", "refunded"])
        .select_related("buyer", "seller")
        .order_by("pk")
    )
    if not orders:
        return 0
    made = 0
    for i, order in enumerate(orders):
        if not (is_trustpass(order.buyer) and is_trustpass(order.seller)):
            continue
        plans = [(order.buyer, _buyer_rating(order, i))]
        if order.status == "completed" and i % 2 == 0:
            plans.append((order.seller, ("positive", BUYER_REVIEWS[i % len(BUYER_REVIEWS)])))
        for reviewer, plan in plans:
            if plan is None or Review.objects.filter(order=order, reviewer=reviewer).exists():
                continue
            rating, comment = plan
            try:
                review = services.review_record(
                    order_id=order.pk, reviewer=reviewer, rating=rating, comment=comment
                )
            except DomainError:
                continue
            # What the worker does on commit, done here at once (R-C7), so the archive's score
            # history shows each review as its own line ("收到会员评价 +2").
            services.credit_recalculate(company_id=review.reviewee_id, cause=f"review:{review.pk}")
            # Date it a few days after the trade ended, so the archive reads like history.
            ended = order.completed_at or order.refunded_at or order.paid_at or order.created_at
            Review.objects.filter(pk=review.pk).update(created_at=ended + timedelta(days=1 + i % 3))
            made += 1
    return made


def _buyer_rating(order, i: int) -> tuple[str, str] | None:
    if order.status == "completed":
        if i % 5 == 4:
            return "neutral", NEUTRAL[i % len(NEUTRAL)]
        return "positive", POSITIVE[i % len(POSITIVE)]
    if order.status == "refunded":
        return "negative", NEGATIVE[i % len(NEGATIVE)]
    return None  # still running: buyers wait for the goods before reviewing


def _seed_certificates(companies: list[Company]) -> int:
    made = 0
    for i, company in enumerate(c for c in companies if is_trustpass(c)):
        if Certificate.objects.filter(company=company).exists():
            continue
        for kind, title, decision in CERTIFICATE_SETS[i % len(CERTIFICATE_SETS)]:
            upload = SimpleUploadedFile(
                f"{company.member_id}-{kind}.png",
                _certificate_image(company, kind, i),
                content_type="image/png",
            )
            certificate = services.certificate_upload(
                company=company, kind=kind, title=title, image=upload
            )
            if decision == "verified":
                services.certificate_verify(certificate_id=certificate.pk)
                services.credit_recalculate(  # as for reviews: one history line each
                    company_id=company.pk, cause=f"certificate:{certificate.pk}:verified"
                )
            elif decision == "rejected":
                services.certificate_reject(
                    certificate_id=certificate.pk,
                    reason="图片不清晰，无法辨认证书编号，请上传清晰的原件照片。",
                )
            made += 1
    return made


def _seed_references(companies: list[Company]) -> int:
    made = 0
    for i, company in enumerate(c for c in companies if is_trustpass(c)):
        if CreditReference.objects.filter(company=company).exists():
            continue
        for j in range(1 + i % 2):
            name, firm, relation, contact = REFERENCES[(i + j) % len(REFERENCES)]
            n = (company.pk * 7919 + j) % 10**6
            services.reference_add(
                company=company,
                name=name,
                firm=firm.format(city=company.city or "杭州"),
                relation=relation,
                contact=contact.format(n=n),
            )
            made += 1
    return made


def _certificate_image(company: Company, kind: str, i: int) -> bytes:
    """A certificate-like picture (no CJK font is assumed on the machine: Latin text)."""
    colours = {
        "tax": (196, 40, 40),
        "licence": (176, 120, 20),
        "product": (20, 90, 170),
        "other": (40, 130, 60),
    }
    colour = colours[kind]
    image = Image.new("RGB", (800, 560), (253, 250, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle([12, 12, 787, 547], outline=colour, width=8)
    draw.rectangle([28, 28, 771, 531], outline=colour, width=2)
    draw.rectangle([28, 28, 771, 110], fill=colour)
    font_big = _font(40)
    font = _font(24)
    draw.text((400, 69), "CERTIFICATE", fill=(255, 255, 255), font=font_big, anchor="mm")
    draw.text((400, 190), kind.upper(), fill=colour, font=font_big, anchor="mm")
    draw.text((400, 270), company.member_id, fill=(40, 40, 40), font=font, anchor="mm")
    draw.text(
        (400, 320),
        f"No. {company.pk:04d}-{i:03d}-{kind[:3].upper()}",
        fill=(90, 90, 90),
        font=font,
        anchor="mm",
    )
    draw.ellipse([580, 380, 720, 520], outline=colour, width=6)
    draw.text((650, 450), "SEAL", fill=colour, font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@functools.cache
def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without scalable default font
        return ImageFont.load_default()
