"""Storefront data: shop settings and introduction (R-F1), own domain (R-F2), mailbox (R-F3).

The database guards what it can: one own domain per company and each domain held once,
domains stored lower-case in their ASCII (IDNA) form, one featured slot per listing.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from listings.models import Listing
from members.models import Company

from .storage import mailbox_storage


class ShopSettings(models.Model):
    """商铺设置: banner, one-line slogan and the sanitised company introduction (公司介绍)."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, related_name="shop", verbose_name=_("企业")
    )
    slogan = models.CharField(_("商铺标语"), max_length=100, blank=True)
    banner = models.FileField(_("商铺横幅"), upload_to="storefront/banners/", blank=True)
    # Always the output of storefront.sanitize.introduction_clean (never raw input).
    introduction = models.TextField(_("公司介绍（已过滤）"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("商铺设置")
        verbose_name_plural = _("商铺设置")

    def __str__(self) -> str:
        return gettext("%(member_id)s 商铺") % {"member_id": self.company.member_id}


class IntroductionImage(models.Model):
    """An image for the company introduction: at most 300 KB uploaded, re-encoded (R-L5)."""

    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="introduction_images",
        verbose_name=_("企业"),
    )
    image = models.FileField(_("图片"), upload_to="storefront/intro/%Y/%m/")
    width = models.PositiveIntegerField(_("宽"), default=0)
    height = models.PositiveIntegerField(_("高"), default=0)
    bytes = models.PositiveIntegerField(_("字节数"), default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公司介绍图片")
        verbose_name_plural = _("公司介绍图片")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.image.name


class FeaturedListing(models.Model):
    """A listing the company shows first on its storefront home (推荐产品)."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="featured_listings", verbose_name=_("企业")
    )
    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="+", verbose_name=_("信息")
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("推荐产品")
        verbose_name_plural = _("推荐产品")
        ordering = ["company", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "listing"], name="featured_listing_once_per_company"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company_id}: {self.listing_id}"


class Domain(models.Model):
    """R-F2: a company's own domain (独立域名), at most one per company."""

    class Suffix(models.TextChoices):
        CN = ".cn", ".cn"
        COM_CN = ".com.cn", ".com.cn"
        NET_CN = ".net.cn", ".net.cn"

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="domains", verbose_name=_("企业")
    )
    # ASCII form (A-label for Chinese names), lower-case: what a browser sends as Host.
    name = models.CharField(_("域名"), max_length=253)
    display_name = models.CharField(_("显示名称"), max_length=253, blank=True)
    suffix = models.CharField(_("后缀"), max_length=10, choices=Suffix.choices)
    registrar = models.CharField(_("注册商"), max_length=40)
    registrar_ref = models.CharField(_("注册编号"), max_length=80)
    # A context of its own: the main catalogue reads 注册时间 as a member's "Member since".
    registered_at = models.DateTimeField(pgettext_lazy("domain", "注册时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("独立域名")
        verbose_name_plural = _("独立域名")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["company"], name="domain_one_per_company"),
            models.UniqueConstraint(fields=["name"], name="domain_unique_name"),
            models.CheckConstraint(condition=Q(name=Lower("name")), name="domain_name_lowercase"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.name


class LocalRegistration(models.Model):
    """The ledger of the local registrar (storefront.registrar.LocalRegistrar).

    Stands in for a real registry in development and tests: each row is one domain the
    local registrar has registered.
    """

    domain = models.CharField(_("域名"), max_length=253, unique=True)
    registrant = models.CharField(_("注册人（会员ID）"), max_length=30)
    reference = models.CharField(_("注册编号"), max_length=80, unique=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("本地注册记录")
        verbose_name_plural = _("本地注册记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.domain


class MailMessage(models.Model):
    """R-F3: one message received into a company's enterprise mailbox."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="mail_messages", verbose_name=_("企业")
    )
    recipient = models.CharField(_("收件地址"), max_length=254)
    envelope_from = models.CharField(_("信封发件人"), max_length=254, blank=True)
    from_header = models.CharField(_("发件人"), max_length=300, blank=True)
    to_header = models.CharField(_("收件人"), max_length=1000, blank=True)
    subject = models.CharField(_("主题"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    text_body = models.TextField(_("纯文本正文"), blank=True)
    # Always the output of storefront.sanitize.mail_html_clean.
    html_body = models.TextField(_("HTML 正文（已过滤）"), blank=True)
    # Size of the message as received (bytes after SMTP dot-unstuffing): counts to the quota.
    size = models.PositiveIntegerField(_("大小（字节）"))
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("企业邮件")
        verbose_name_plural = _("企业邮件")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["company", "-received_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="mail_message_size_positive"),
        ]

    def __str__(self) -> str:
        return self.subject or gettext("（无主题）")


class MailAttachment(models.Model):
    message = models.ForeignKey(
        MailMessage, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("邮件")
    )
    filename = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=100)
    content_id = models.CharField("Content-ID", max_length=255, blank=True)
    # Private storage (settings.MAILBOX_ROOT), outside MEDIA_ROOT.
    file = models.FileField(_("文件"), storage=mailbox_storage, max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))

    class Meta:
        verbose_name = _("邮件附件")
        verbose_name_plural = _("邮件附件")
        ordering = ["message", "id"]

    def __str__(self) -> str:
        return self.filename
