"""Inquiries (询盘), quotations on buy leads, views, favourites and reports (R-I1, R-M3.1, R-L5).

The tables keep the names they had inside the listings app (`db_table`): the models moved
with `SeparateDatabaseAndState`, no row was copied.

An `Inquiry` is a thread between two companies: the one that opened it (`buyer`, who
inquires about a supply listing or contacts a storefront, or who quotes on a buy lead) and
the one that received it (`seller`, the listing's or storefront's owner). There is one
thread per listing and counterpart; a later inquiry on the same listing adds a message.
Only the two parties ever see a thread.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from members.models import Company

__all__ = ["Favourite", "Inquiry", "InquiryMessage", "ListingReport", "ListingView", "Quote"]


class InquiryQuerySet(models.QuerySet):
    def for_company(self, company):
        """Threads `company` is a party to (the only ones it may ever see)."""
        if company is None:
            return self.none()
        return self.filter(Q(buyer=company) | Q(seller=company))

    def received_by(self, company):
        return self.filter(seller=company)

    def sent_by(self, company):
        return self.filter(buyer=company)


#: The subject of a thread opened from a storefront: stored in Chinese (the thread's data),
#: shown in the reader's language by `Inquiry.display_subject`.
STOREFRONT_SUBJECT = gettext_noop("来自商铺的留言：%(name)s")


class Inquiry(models.Model):
    """A thread of messages about one listing (or a storefront) between two companies."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("询盘")
        QUOTE = "quote", _("报价")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.INQUIRY)
    listing = models.ForeignKey(
        "listings.Listing",
        null=True,
        blank=True,
        # A listing with inquiries is withdrawn, never deleted (the thread keeps it).
        on_delete=models.PROTECT,
        related_name="inquiries",
        verbose_name=_("相关信息"),
    )
    # The listing's title when the thread was opened (the listing may change or go).
    subject = models.CharField(_("主题"), max_length=120)
    buyer = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="inquiries_sent", verbose_name=_("发起方")
    )
    seller = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="inquiries_received",
        verbose_name=_("接收方"),
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True, db_index=True)
    last_message_at = models.DateTimeField(_("最近消息时间"), db_index=True)
    # The seller's first reply: the response statistics read it (R-I1).
    first_response_at = models.DateTimeField(_("首次回复时间"), null=True, blank=True)

    objects = InquiryQuerySet.as_manager()

    class Meta:
        db_table = "listings_inquiry"  # kept from when inquiries were part of listings
        verbose_name = _("询盘")
        verbose_name_plural = _("询盘")
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "buyer", "seller"],
                nulls_distinct=False,
                name="inquiry_one_thread_per_listing_and_counterpart",
            ),
            models.CheckConstraint(
                condition=~Q(buyer=models.F("seller")), name="inquiry_not_to_oneself"
            ),
        ]
        indexes = [
            models.Index(fields=["seller", "-last_message_at"]),
            models.Index(fields=["buyer", "-last_message_at"]),
            models.Index(fields=["seller", "created_at"]),
        ]

    def __str__(self) -> str:
        return gettext("%(subject)s（%(buyer)s → %(seller)s）") % {
            "subject": self.display_subject,
            "buyer": self.buyer.member_id,
            "seller": self.seller.member_id,
        }

    @property
    def display_subject(self) -> str:
        """The subject for the reader: a listing's title as it is; a storefront thread's
        stored (Chinese) subject in the active language."""
        prefix = STOREFRONT_SUBJECT.partition("%(name)s")[0]
        if self.listing_id is None and self.subject.startswith(prefix):
            return gettext(STOREFRONT_SUBJECT) % {"name": self.subject[len(prefix) :]}
        return self.subject

    def counterpart(self, company) -> Company:
        return self.seller if company.pk == self.buyer_id else self.buyer


class InquiryMessage(models.Model):
    """One message of a thread. `read_at` is set when the receiving company reads it."""

    class Kind(models.TextChoices):
        INQUIRY = "inquiry", _("询盘")
        QUOTE = "quote", _("报价")
        REPLY = "reply", _("回复")

    inquiry = models.ForeignKey(
        Inquiry, on_delete=models.CASCADE, related_name="messages", verbose_name=_("询盘")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="inquiry_messages",
        verbose_name=_("发送人"),
    )
    sender_company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("发送方")
    )
    recipient_company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("接收方")
    )
    body = models.TextField(_("内容"))
    quantity = models.PositiveIntegerField(_("采购数量"), null=True, blank=True)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # (Its e-mail is the receiver's notice's: members.notices, sent once via Notice.emailed_at.)

    class Meta:
        db_table = "listings_inquirymessage"  # kept from when inquiries were part of listings
        verbose_name = _("询盘消息")
        verbose_name_plural = _("询盘消息")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["recipient_company"],
                condition=Q(read_at__isnull=True),
                name="inquiry_msg_unread_idx",
            ),
            # A thread's first and last message (the inbox rows, issue 16): without it
            # PostgreSQL walked the created_at index filtering on the thread.
            models.Index(fields=["inquiry", "created_at", "id"], name="inquiry_msg_thread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}#{self.pk}"


class Quote(models.Model):
    """R-M3.1: a TrustPass member's quotation on a buy lead (demand listing)."""

    message = models.OneToOneField(
        InquiryMessage, on_delete=models.CASCADE, related_name="quote", verbose_name=_("消息")
    )
    listing = models.ForeignKey(
        "listings.Listing",
        null=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
        verbose_name=_("求购信息"),
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("报价企业")
    )
    unit_price = models.DecimalField(_("单价（元）"), max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField(_("数量"))
    created_at = models.DateTimeField(_("报价时间"), auto_now_add=True)

    class Meta:
        db_table = "listings_quote"  # kept from when inquiries were part of listings
        verbose_name = _("报价")
        verbose_name_plural = _("报价")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="quote_price_positive"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quote_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"¥{self.unit_price} × {self.quantity}"


class ListingView(models.Model):
    """R-L5: one counted view: a visitor, a listing, a day (Asia/Shanghai)."""

    listing = models.ForeignKey(
        "listings.Listing",
        on_delete=models.CASCADE,
        related_name="view_records",
        verbose_name=_("信息"),
    )
    day = models.DateField(_("日期"))
    # "u:<user id>" for a signed-in visitor, "a:<hash of address and browser>" otherwise.
    visitor = models.CharField(_("访客"), max_length=80)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        db_table = "listings_listingview"  # kept from when inquiries were part of listings
        verbose_name = _("浏览记录")
        verbose_name_plural = _("浏览记录")
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "day", "visitor"], name="listing_view_once_per_visitor_day"
            ),
        ]
        indexes = [models.Index(fields=["day", "listing"])]

    def __str__(self) -> str:
        return f"{self.listing_id} {self.day} {self.visitor}"


class Favourite(models.Model):
    """A buyer's favourite listing or supplier (收藏)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="favourites",
        verbose_name=_("用户"),
    )
    listing = models.ForeignKey(
        "listings.Listing",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="favourited_by",
        verbose_name=_("信息"),
    )
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="favourited_by",
        verbose_name=_("供应商"),
    )
    created_at = models.DateTimeField(_("收藏时间"), auto_now_add=True)

    class Meta:
        db_table = "listings_favourite"  # kept from when inquiries were part of listings
        verbose_name = _("收藏")
        verbose_name_plural = _("收藏")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(listing__isnull=False, company__isnull=True)
                | Q(listing__isnull=True, company__isnull=False),
                name="favourite_listing_xor_company",
            ),
            models.UniqueConstraint(
                fields=["user", "listing"],
                condition=Q(listing__isnull=False),
                name="favourite_listing_once",
            ),
            models.UniqueConstraint(
                fields=["user", "company"],
                condition=Q(company__isnull=False),
                name="favourite_company_once",
            ),
        ]

    def __str__(self) -> str:
        return str(self.listing or self.company)


class ListingReport(models.Model):
    """A signed-in member's report of a listing; staff work the queue in the admin."""

    class Reason(models.TextChoices):
        PROHIBITED = "prohibited", _("禁售或违法产品")
        FAKE = "fake", _("虚假信息（产品、价格或企业不实）")
        FRAUD = "fraud", _("涉嫌诈骗")
        INFRINGEMENT = "infringement", _("侵犯知识产权（假冒品牌）")
        DUPLICATE = "duplicate", _("重复发布")
        WRONG_CATEGORY = "wrong_category", _("类目错放")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        RESOLVED = "resolved", _("已处理（举报属实）")
        DISMISSED = "dismissed", _("已驳回（举报不实）")

    listing = models.ForeignKey(
        "listings.Listing", on_delete=models.CASCADE, related_name="reports", verbose_name=_("信息")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="listing_reports",
        verbose_name=_("举报人"),
    )
    reason = models.CharField(_("举报原因"), max_length=20, choices=Reason.choices)
    detail = models.TextField(_("补充说明"), blank=True)
    status = models.CharField(
        _("处理状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(_("举报时间"), auto_now_add=True)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("处理人"),
    )
    resolution = models.CharField(_("处理说明"), max_length=300, blank=True)

    class Meta:
        db_table = "listings_listingreport"  # kept from when inquiries were part of listings
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "reporter"],
                condition=Q(status="open"),
                name="report_one_open_per_reporter",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(reason)s：%(listing)s") % {
            "reason": self.get_reason_display(),
            "listing": self.listing_id,
        }
