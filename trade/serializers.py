from datetime import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from members.serializers import PeriodSerializer

from . import order_timers, pricing
from .models import Dispute, MembershipOrder, Order, Payment
from .selectors import order_actions_for


class OrderCreateInputSerializer(serializers.Serializer):
    listing = serializers.IntegerField(
        min_value=1,
        error_messages={
            "required": _("请填写要购买的信息编号 listing。"),
            "invalid": _("listing 应为信息编号（整数）。"),
        },
    )
    quantity = serializers.IntegerField(
        min_value=1,
        max_value=pricing.MAX_QUANTITY,
        error_messages={
            "required": _("请填写购买数量 quantity。"),
            "invalid": _("购买数量请填写整数。"),
            "min_value": _("购买数量至少为 1。"),
            "max_value": _("单笔订单购买数量不能超过 {max_value}。"),
        },
    )


class ShipInputSerializer(serializers.Serializer):
    tracking_no = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        error_messages={"max_length": _("物流单号最多 60 个字符。")},
    )


class RefundInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        error_messages={"max_length": _("退款原因最多 200 字。")},
    )


class DisputeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500,
        error_messages={
            "required": _("请说明纠纷原因 reason。"),
            "blank": _("请说明纠纷原因 reason。"),
            "max_length": _("纠纷原因最多 500 字。"),
        },
    )


class DisputeSerializer(serializers.ModelSerializer):
    """R-T1c: the dispute of an order and the staff decision, once made."""

    decision_display = serializers.CharField(source="get_decision_display")

    class Meta:
        model = Dispute
        fields = [
            "reason",
            "status_before",
            "opened_at",
            "decision",
            "decision_display",
            "decision_reason",
            "decided_at",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["number", "status", "amount", "gateway", "pay_url", "succeeded_at", "refunded_at"]


class OrderListingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    unit = serializers.CharField()


class OrderSerializer(serializers.ModelSerializer):
    listing = serializers.SerializerMethodField()
    buyer = serializers.CharField(source="buyer.member_id")
    seller = serializers.CharField(source="seller.member_id")
    status_display = serializers.CharField(source="get_status_display")
    # True between a refund request and the gateway's refund (trade/refunds.py): the status
    # is still paid or shipped and turns `refunded` once the gateway confirms.
    refund_pending = serializers.BooleanField(read_only=True)
    actions = serializers.SerializerMethodField()
    # R-T1a / R-T1b: when the clock will end the current state (null when it will not).
    payment_deadline = serializers.SerializerMethodField()
    auto_confirm_at = serializers.SerializerMethodField()
    dispute = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id",
            "status",
            "status_display",
            "listing",
            "buyer",
            "seller",
            "quantity",
            "unit_price",
            "total",
            "tracking_no",
            "refund_reason",
            "created_at",
            "paid_at",
            "shipped_at",
            "completed_at",
            "refunded_at",
            "cancelled_at",
            "expired_at",
            "auto_confirmed",
            "payment_deadline",
            "auto_confirm_at",
            "refund_pending",
            "dispute",
            "actions",
        ]

    @extend_schema_field(OrderListingSerializer)
    def get_listing(self, order) -> dict:
        return {"id": order.listing_id, "title": order.listing.title, "unit": order.listing.unit}

    def get_actions(self, order) -> list[str]:
        return order_actions_for(order, self.context.get("company"))

    def get_payment_deadline(self, order) -> datetime | None:
        return (
            order_timers.payment_deadline(order) if order.status == Order.Status.CREATED else None
        )

    def get_auto_confirm_at(self, order) -> datetime | None:
        if order.status != Order.Status.SHIPPED:
            return None
        return order_timers.auto_confirm_deadline(order)

    @extend_schema_field(DisputeSerializer(allow_null=True))
    def get_dispute(self, order) -> dict | None:
        dispute = getattr(order, "dispute", None)
        return DisputeSerializer(dispute).data if dispute else None


class OrderPaidSerializer(OrderSerializer):
    """What paying answers: the order with the payment (`pay_url` when the payer must act)."""

    payment = PaymentSerializer(read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "payment"]


# == TrustPass purchases (R-M2) =========================================================
class MembershipOrderInputSerializer(serializers.Serializer):
    years = serializers.IntegerField(min_value=1, max_value=3, default=1)


class MembershipOrderSerializer(serializers.ModelSerializer):
    period = PeriodSerializer(read_only=True, allow_null=True)
    pay_url = serializers.SerializerMethodField()

    class Meta:
        model = MembershipOrder
        fields = [
            "id",
            "years",
            "amount",
            "status",
            "payment_ref",
            "period",
            "created_at",
            "paid_at",
            "pay_url",
        ]

    def get_pay_url(self, obj) -> str | None:
        return self.context.get("pay_url")
