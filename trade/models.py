from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from listings.models import Listing
from members.models import Company, TrustPassPeriod, User


class Order(models.Model):
    """An escrow trade (支付宝交易, R-T1) on a fixed-price, escrow-supporting listing.

    created → paid → shipped → completed; paid/shipped → refunded; created → cancelled or
    expired; paid/shipped → disputed → refunded or completed (trade/state_machine.py).
    Transitions are services.
    """

    class Status(models.TextChoices):
        CREATED = "created", _("待付款")
        PAID = "paid", _("已付款（担保中）")
        SHIPPED = "shipped", _("已发货")
        DISPUTED = "disputed", _("纠纷处理中")
        COMPLETED = "completed", _("交易成功")
        REFUNDED = "refunded", _("已退款")
        CANCELLED = "cancelled", _("已取消")
        EXPIRED = "expired", _("已关闭（超时未付款）")

    listing = models.ForeignKey(
        Listing, on_delete=models.PROTECT, related_name="orders", verbose_name=_("信息")
    )
    buyer = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="purchases", verbose_name=_("买家")
    )
    seller = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="sales", verbose_name=_("卖家")
    )
    quantity = models.PositiveIntegerField(_("数量"))
    unit_price = models.DecimalField(_("单价（元）"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("总价（元）"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.CREATED, db_index=True
    )
    payment_ref = models.CharField(_("支付流水号"), max_length=64, blank=True)
    tracking_no = models.CharField(_("物流单号"), max_length=60, blank=True)
    refund_reason = models.CharField(_("退款原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("下单时间"), auto_now_add=True)
    paid_at = models.DateTimeField(_("付款时间"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("发货时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("成交时间"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("退款时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    expired_at = models.DateTimeField(_("超时关闭时间"), null=True, blank=True)
    # R-T1b: completed by the clock (ORDER_AUTO_CONFIRM_DAYS after shipment), not the buyer.
    auto_confirmed = models.BooleanField(_("系统自动确认收货"), default=False)
    # Set in the transaction that asks for the refund; the order turns `refunded` only once
    # the gateway has refunded (trade/refunds.py). Meanwhile no other move is allowed.
    refund_requested_at = models.DateTimeField(_("申请退款时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("支付宝交易")
        verbose_name_plural = _("支付宝交易")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(buyer=F("seller")), name="order_buyer_is_not_seller"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_quantity_positive"),
        ]
        indexes = [
            models.Index(fields=["buyer", "status"]),
            models.Index(fields=["seller", "status"]),
            # The timers' sweeps (trade/order_timers.py, R-T1a, R-T1b).
            models.Index(fields=["status", "created_at"], name="order_status_created"),
            models.Index(fields=["status", "shipped_at"], name="order_status_shipped"),
        ]

    def __str__(self) -> str:
        return gettext("订单 %(id)s（%(status)s）") % {
            "id": self.pk,
            "status": self.get_status_display(),
        }

    @property
    def payment_reference(self) -> str:
        """The `reference` its payments carry (see trade/gateway.py)."""
        return f"order:{self.pk}"

    def payment_subject(self) -> str:
        """What its payment is for, in the active language (a payment's `subject`)."""
        return gettext("订单 %(id)s：%(title)s") % {"id": self.pk, "title": self.listing.title}

    @property
    def refund_pending(self) -> bool:
        """A refund was asked for and the gateway has not confirmed it yet."""
        return self.refund_requested_at is not None and self.status != self.Status.REFUNDED

    def role_of(self, company_id: int | None) -> str | None:
        """ "buyer", "seller" or None for a company that is not a party."""
        if company_id is None:
            return None
        if company_id == self.buyer_id:
            return "buyer"
        if company_id == self.seller_id:
            return "seller"
        return None


class Dispute(models.Model):
    """R-T1c: the buyer's dispute of a paid or shipped order and the staff decision on it
    (who, when, why), made through `trade.disputes` (the admin's actions call it)."""

    class Decision(models.TextChoices):
        REFUND = "refund", _("退款给买家")
        RELEASE = "release", _("放款给卖家")

    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, related_name="dispute", verbose_name=_("交易")
    )
    reason = models.TextField(_("纠纷原因"), max_length=500)
    status_before = models.CharField(_("申请时订单状态"), max_length=12)
    opened_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("申请人"),
    )
    opened_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decision = models.CharField(
        _("裁决"), max_length=10, choices=Decision.choices, blank=True, db_index=True
    )
    decision_reason = models.TextField(_("裁决理由"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("裁决人"),
    )
    decided_at = models.DateTimeField(_("裁决时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("交易纠纷")
        verbose_name_plural = _("交易纠纷")
        ordering = ["-opened_at", "-id"]
        permissions = [("decide_dispute", _("可以裁决交易纠纷（退款或放款）"))]
        constraints = [
            # A decision is always recorded with its reason and time (R-T1c).
            models.CheckConstraint(
                condition=Q(decision="") | (~Q(decision_reason="") & Q(decided_at__isnull=False)),
                name="dispute_decision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return gettext("订单 %(id)s 的纠纷（%(decision)s）") % {
            "id": self.order_id,
            "decision": self.get_decision_display() or gettext("待裁决"),
        }


class Payment(models.Model):
    """One payment through a payment gateway (trade/gateway.py), for any business object.

    `reference` names what is paid for ("order:12", "trustpass:5"); once the gateway's
    signed callback says the money arrived, the handler registered for the reference's
    prefix is called. At most one open and one successful payment per reference.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待付款")
        SUCCEEDED = "succeeded", _("已付款")
        REFUNDED = "refunded", _("已退款")
        CLOSED = "closed", _("已关闭")

    number = models.CharField(_("支付单号"), max_length=40, unique=True)
    reference = models.CharField(_("业务引用"), max_length=64, db_index=True)
    subject = models.CharField(_("商品说明"), max_length=128)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    payer = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("付款企业"),
    )
    gateway = models.CharField(_("支付渠道"), max_length=30)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    pay_url = models.CharField(_("付款页面"), max_length=500, blank=True)
    return_url = models.CharField(_("付款后返回"), max_length=500, blank=True)
    provider_trade_no = models.CharField(_("渠道交易号"), max_length=64, blank=True)
    refund_no = models.CharField(_("退款单号"), max_length=64, blank=True)
    refund_reason = models.CharField(_("退款原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    succeeded_at = models.DateTimeField(_("付款时间"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("退款时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("支付单")
        verbose_name_plural = _("支付单")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(status="pending"),
                name="payment_one_open_per_reference",
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(status="succeeded"),
                name="payment_one_success_per_reference",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(number)s（%(reference)s，%(status)s）") % {
            "number": self.number,
            "reference": self.reference,
            "status": self.get_status_display(),
        }

    @property
    def reference_prefix(self) -> str:
        return self.reference.split(":", 1)[0]

    @property
    def reference_id(self) -> str:
        return self.reference.split(":", 1)[1] if ":" in self.reference else ""


class Refund(models.Model):
    """Giving one successful payment's money back (R-T1; issue 17: safe to retry).

    Written `pending` in the transaction that asks for it; the gateway is called after that
    commits, always with `idempotency_key` (one per payment), so calling it again after a
    crash or a timeout returns the first refund instead of making a second; the transaction
    that records the gateway's answer marks it `succeeded` (and the payment and the order
    refunded). Pending ones are retried by `trade.refunds_retry_due` (beat).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("退款处理中")
        SUCCEEDED = "succeeded", _("已退款")

    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, related_name="refund", verbose_name=_("支付单")
    )
    idempotency_key = models.CharField(_("幂等键"), max_length=64, unique=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("退款原因"), max_length=200, blank=True)
    requested_by = models.CharField(_("申请方"), max_length=20, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    refund_no = models.CharField(_("退款单号"), max_length=64, blank=True)
    attempts = models.PositiveIntegerField(_("调用支付渠道次数"), default=0)
    last_error = models.CharField(_("最近一次失败原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    attempted_at = models.DateTimeField(_("最近调用时间"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("退款完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("退款")
        verbose_name_plural = _("退款")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return gettext("退款 %(id)s（%(status)s）") % {
            "id": self.payment_id,
            "status": self.get_status_display(),
        }


class LocalGatewayRefund(models.Model):
    """The local test gateway's own books (the provider's side, trade/gateway.py): one row
    per refund it made, by idempotency key, so a repeated call is answered with the first
    refund and the money of a payment cannot go back twice. No real provider uses it."""

    idempotency_key = models.CharField(_("幂等键"), max_length=64, unique=True)
    payment_number = models.CharField(_("支付单号"), max_length=40, db_index=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    refund_no = models.CharField(_("退款单号"), max_length=64, unique=True)
    reason = models.CharField(_("退款原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("退款时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("测试网关退款记录")
        verbose_name_plural = _("测试网关退款记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.refund_no


class MembershipOrder(models.Model):
    """R-M2: TrustPass years bought online in the back office, paid through the gateway
    (payment reference "trustpass:<id>", trade/trustpass_services.py).

    Once paid it holds the period it created (exactly one). The table kept its name when
    the model moved here from members (migrations members 0003, trade 0003).
    """

    class Status(models.TextChoices):
        CREATED = "created", _("待付款")
        PAID = "paid", _("已付款")
        FAILED = "failed", _("付款失败")

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="membership_orders", verbose_name=_("企业")
    )
    years = models.PositiveSmallIntegerField(_("年数"), default=1)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.CREATED, db_index=True
    )
    payment_ref = models.CharField(_("支付流水号"), max_length=64, blank=True)
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    period = models.OneToOneField(
        TrustPassPeriod,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order",
        verbose_name=_("会员期"),
    )
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("下单人"),
    )
    created_at = models.DateTimeField(_("下单时间"), auto_now_add=True)
    paid_at = models.DateTimeField(_("付款时间"), null=True, blank=True)

    class Meta:
        db_table = "members_membershiporder"
        verbose_name = _("诚信通订购")
        verbose_name_plural = _("诚信通订购")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(years__gte=1), name="membership_order_years_positive"
            ),
        ]

    def __str__(self) -> str:
        return gettext("诚信通订购 %(id)s（%(status)s）") % {
            "id": self.pk,
            "status": self.get_status_display(),
        }

    @property
    def payment_reference(self) -> str:
        """The `reference` its payments carry (see trade/gateway.py)."""
        return f"trustpass:{self.pk}"

    def payment_subject(self) -> str:
        """What its payment is for, in the active language (a payment's `subject`)."""
        return gettext("诚信通会员 %(years)s 年（%(member_id)s）") % {
            "years": self.years,
            "member_id": self.company.member_id,
        }
