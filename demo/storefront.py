"""Demo data of the storefront app for `manage.py seed_demo` (idempotent).

Every TrustPass demo company gets shop settings (slogan, introduction) and, when it has
live listings, up to four featured ones; hzsteel also gets a banner, the own domain
hzsteel.cn (through the local registrar) and a welcome message in its mailbox.
"""

from __future__ import annotations

import io
from email.message import EmailMessage

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from listings.models import Listing
from members import privileges
from members.models import Company
from storefront import rules, services
from storefront.models import Domain, MailMessage, ShopSettings

SHOWCASE = "hzsteel"

INTRODUCTION = """<h2>公司概况</h2>
<p>{name}位于{province}{city}，主营{industry}相关产品，坚持“诚信经营、质量第一”，产品销往全国各地。</p>
<h3>我们的优势</h3>
<ul><li>自有工厂，规格齐全，可按图定制</li><li>质量检测完备，出厂附质保书</li>
<li>支持支付宝担保交易，货到满意再付款</li></ul>
<p>欢迎新老客户来电洽谈，或在“联系我们”页面在线发送询盘。</p>"""


def _banner() -> SimpleUploadedFile:
    image = Image.new("RGB", (1200, 160), (255, 106, 0))
    draw = ImageDraw.Draw(image)
    for x in range(1200):
        shade = int(255 - x * 75 / 1200)
        draw.line([(x, 0), (x, 160)], fill=(255, max(90, shade - 150), max(0, shade - 255 + 60)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile("banner.jpg", out.getvalue(), content_type="image/jpeg")


def _welcome_mail(company: Company) -> bytes:
    message = EmailMessage()
    message["From"] = "诚信通客服 <service@chengxintong.localhost>"
    message["To"] = rules.mailbox_address(company.member_id, settings.MAIL_DOMAIN)
    message["Subject"] = "欢迎使用诚信通企业邮箱"
    message.set_content(
        f"{company.name}：\n\n您的企业邮箱已开通，空间 5 MB。发往此地址的邮件会出现在"
        "“商铺管理 › 企业邮箱”中。\n\n诚信通客服"
    )
    message.add_alternative(
        f"<p>{company.name}：</p><p>您的企业邮箱已开通，空间 <b>5 MB</b>。</p><p>诚信通客服</p>",
        subtype="html",
    )
    return message.as_bytes()


def seed(stdout) -> None:
    shops = featured = 0
    for company in Company.objects.order_by("member_id"):
        if not privileges.storefront_online(company):
            continue
        if ShopSettings.objects.filter(company=company).exists():
            continue
        services.shop_settings_update(
            company=company,
            slogan=f"专注{company.industry or '优质产品'}，诚信经营",
            introduction=INTRODUCTION.format(
                name=company.name,
                province=company.province,
                city=company.city,
                industry=company.industry or "各类",
            ),
        )
        shops += 1
        ids = list(
            Listing.objects.live()
            .filter(company=company, kind=Listing.Kind.SUPPLY)
            .order_by("-published_at")
            .values_list("pk", flat=True)[:4]
        )
        if ids:
            services.featured_set(company=company, listing_ids=ids)
            featured += 1
        if company.member_id == SHOWCASE:
            services.shop_banner_set(company=company, upload=_banner())

    showcase = Company.objects.filter(member_id=SHOWCASE).first()
    notes = []
    if showcase and privileges.can_register_domain(showcase):
        if not Domain.objects.filter(company=showcase).exists():
            domain = services.domain_register(company=showcase, name=SHOWCASE, suffix=".cn")
            notes.append(f"独立域名 {domain.name}")
        if not MailMessage.objects.filter(company=showcase).exists():
            address = rules.mailbox_address(showcase.member_id, settings.MAIL_DOMAIN)
            services.mail_deliver(
                recipients=[address],
                envelope_from="service@chengxintong.localhost",
                raw=_welcome_mail(showcase),
            )
            notes.append(f"邮箱 {address} 欢迎邮件")
    extra = f"；{SHOWCASE}：" + "、".join(notes) if notes else ""
    stdout.write(
        f"商铺：新设置 {shops} 家（{featured} 家有推荐产品）{extra}。"
        f"商铺网址形如 http://{SHOWCASE}.{settings.STOREFRONT_DOMAIN}:8000/"
    )
