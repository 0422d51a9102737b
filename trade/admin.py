"""Admin of escrow trades, payments and TrustPass orders: read-only rows; the one change
staff make (a refund settling a dispute) goes through `trade.services.order_refund`."""

from django.contrib import admin, messages

from marketplace.exceptions import DomainError

from . import services
from .models import MembershipOrder, Order, Payment, Refund


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "listing",
        "buyer",
        "seller",
        "quantity",
        "total",
        "status",
        "created_at",
        "paid_at",
    ]
    list_filter = ["status", "created_at", "paid_at", "completed_at"]
    search_fields = [
        "=id",
        "listing__title",
        "buyer__member_id",
        "buyer__name",
        "seller__member_id",
        "seller__name",
        "payment_ref",
        "tracking_no",
    ]
    list_select_related = ["listing", "buyer", "seller"]
    date_hierarchy = "created_at"
    actions = ["refund_selected"]

    @admin.action(description="为选中的交易退款（客服处理纠纷，仅限已付款或已发货）")
    def refund_selected(self, request, queryset):
        done, failed = 0, []
        for order_id in queryset.values_list("pk", flat=True):
            try:
                services.order_refund(
                    order_id=order_id,
                    by=None,
                    staff_user=request.user,
                    reason=f"客服 {request.user.username} 处理纠纷退款",
                )
                done += 1
            except DomainError as exc:
                failed.append(f"订单 {order_id}：{exc.detail}")
        if done:
            self.message_user(request, f"已退款 {done} 笔交易。", messages.SUCCESS)
        for line in failed:
            self.message_user(request, line, messages.ERROR)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "reference",
        "amount",
        "payer",
        "gateway",
        "status",
        "created_at",
        "succeeded_at",
    ]
    list_filter = ["status", "gateway", "created_at"]
    search_fields = ["number", "reference", "provider_trade_no", "refund_no", "payer__member_id"]
    list_select_related = ["payer"]
    date_hierarchy = "created_at"


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    """Refunds and their gateway attempts (trade/refunds.py): a pending one with an error is
    retried every minute by the sweep; one pending for long needs a look at the provider."""

    list_display = [
        "payment",
        "amount",
        "status",
        "requested_by",
        "attempts",
        "last_error",
        "created_at",
        "succeeded_at",
    ]
    list_filter = ["status", "created_at"]
    search_fields = ["payment__number", "payment__reference", "idempotency_key", "refund_no"]
    list_select_related = ["payment"]


@admin.register(MembershipOrder)
class MembershipOrderAdmin(admin.ModelAdmin):
    """R-M2: TrustPass years bought online (read only; periods are members')."""

    list_display = [
        "pk",
        "company",
        "years",
        "amount",
        "status",
        "payment_ref",
        "period",
        "created_at",
        "paid_at",
    ]
    list_filter = ["status", "years", "created_at"]
    search_fields = ["company__member_id", "company__name", "payment_ref"]
    list_select_related = ["company", "period"]
    readonly_fields = [f.name for f in MembershipOrder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
