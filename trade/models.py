from django.db import models
from django.db.models import F, Q

from listings.models import Listing
from members.models import Company


class Order(models.Model):
    """An escrow trade (支付宝交易, R-T1) on a fixed-price, escrow-supporting listing.

    created → paid → shipped → completed; paid/shipped → refunded. Transitions are services.
    """

    class Status(models.TextChoices):
        CREATED = "created", "待付款"
        PAID = "paid", "已付款（担保中）"
        SHIPPED = "shipped", "已发货"
        COMPLETED = "completed", "交易成功"
        REFUNDED = "refunded", "已退款"

    listing = models.ForeignKey(
        Listing, on_delete=models.PROTECT, related_name="orders", verbose_name="信息"
    )
    buyer = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="purchases", verbose_name="买家"
    )
    seller = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="sales", verbose_name="卖家"
    )
    quantity = models.PositiveIntegerField("数量")
    unit_price = models.DecimalField("单价（元）", max_digits=12, decimal_places=2)
    total = models.DecimalField("总价（元）", max_digits=14, decimal_places=2)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.CREATED, db_index=True
    )
    payment_ref = models.CharField("支付流水号", max_length=64, blank=True)
    created_at = models.DateTimeField("下单时间", auto_now_add=True)
    paid_at = models.DateTimeField("付款时间", null=True, blank=True)
    shipped_at = models.DateTimeField("发货时间", null=True, blank=True)
    completed_at = models.DateTimeField("成交时间", null=True, blank=True)
    refunded_at = models.DateTimeField("退款时间", null=True, blank=True)

    class Meta:
        verbose_name = "支付宝交易"
        verbose_name_plural = "支付宝交易"
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
        ]

    def __str__(self) -> str:
        return f"订单 {self.pk}（{self.get_status_display()}）"
