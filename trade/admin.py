"""Admin of escrow trades, payments and TrustPass orders: read-only rows. The changes staff
make go through services: a refund (`trade.services.order_refund`) and the decision of a
dispute (R-T1c, `trade.disputes.dispute_decide`: refund the buyer or release the money to
the seller, with a reason, recorded on the dispute and in the admin log)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import Case, F, When
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.exceptions import DomainError

from . import disputes, services
from .models import Dispute, MembershipOrder, Order, Payment, Refund


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


class DisputeInline(admin.StackedInline):
    """R-T1c on the order's page: the buyer's reason and the decision (who, when, why)."""

    model = Dispute
    can_delete = False
    extra = 0
    max_num = 0
    fk_name = "order"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Dispute._meta.fields if f.name != "order"]

    def has_add_permission(self, request, obj=None):
        return False


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
    list_filter = ["status", "auto_confirmed", "created_at", "paid_at", "completed_at"]
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
    inlines = [DisputeInline]
    actions = ["refund_selected", "decide_refund", "decide_release"]

    @admin.action(description=_("为选中的交易退款（客服处理纠纷，仅限已付款或已发货）"))
    def refund_selected(self, request, queryset):
        done, failed = 0, []
        for order_id in queryset.values_list("pk", flat=True):
            try:
                services.order_refund(
                    order_id=order_id,
                    by=None,
                    staff_user=request.user,
                    reason=gettext("客服 %(username)s 处理纠纷退款")
                    % {"username": request.user.username},
                )
                done += 1
            except DomainError as exc:
                failed.append(
                    gettext("订单 %(id)s：%(detail)s") % {"id": order_id, "detail": exc.detail}
                )
        if done:
            self.message_user(
                request, gettext("已退款 %(count)s 笔交易。") % {"count": done}, messages.SUCCESS
            )
        for line in failed:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("纠纷裁决：退款给买家（需填写理由）"), permissions=["decide"])
    def decide_refund(self, request, queryset):
        return decide_disputes(self, request, queryset.values_list("pk", flat=True), "refund")

    @admin.action(description=_("纠纷裁决：放款给卖家（需填写理由）"), permissions=["decide"])
    def decide_release(self, request, queryset):
        return decide_disputes(self, request, queryset.values_list("pk", flat=True), "release")

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("trade.decide_dispute")


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("裁决理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("必填，最多 500 字；买卖双方会在站内信中看到，并记录在纠纷和管理日志中。"),
        error_messages={"required": _("请填写裁决理由。")},
    )


def decide_disputes(model_admin, request, order_ids, decision: str):
    """R-T1c: the intermediate page asks for the reason, then each order's dispute is
    decided through the service; each decision is also written to the admin log."""
    order_ids = list(order_ids)
    form = DecisionForm(request.POST if "apply" in request.POST else None)
    label = dict(Dispute.Decision.choices)[decision]
    if "apply" in request.POST and form.is_valid():
        reason = form.cleaned_data["reason"]
        done = 0
        for order_id in order_ids:
            try:
                order = disputes.dispute_decide(
                    order_id=order_id, decision=decision, reason=reason, staff_user=request.user
                )
            except DomainError as exc:
                model_admin.message_user(
                    request,
                    gettext("订单 %(id)s：%(detail)s") % {"id": order_id, "detail": exc.detail},
                    messages.ERROR,
                )
                continue
            done += 1
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=[order],
                action_flag=CHANGE,
                change_message=gettext("纠纷裁决：%(label)s。理由：%(reason)s")
                % {"label": label, "reason": reason},
                single_object=True,
            )
        if done:
            model_admin.message_user(
                request,
                gettext("已裁决 %(count)s 笔纠纷：%(label)s。") % {"count": done, "label": label},
                messages.SUCCESS,
            )
        return None
    orders = Order.objects.filter(pk__in=order_ids).select_related("dispute", "buyer", "seller")
    return render(
        request,
        "admin/trade/dispute/decide.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": gettext("纠纷裁决：%(label)s") % {"label": label},
            "decision": decision,
            "label": label,
            "orders": orders,
            "form": form,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            # The changelist's own selection (order or dispute ids) goes back unchanged.
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "opts": model_admin.model._meta,
        },
    )


class DisputeStateFilter(admin.SimpleListFilter):
    """Waiting for a decision, or decided (the staff console links to the first)."""

    title = _("处理状态")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("待裁决")), ("decided", _("已裁决"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(decision="")
        if self.value() == "decided":
            return queryset.exclude(decision="")
        return queryset


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    """R-T1c: disputes waiting for a decision first (filter 裁决 = 空), with who decided,
    when and why. Decide with the actions (a reason is asked for)."""

    list_display = [
        "order",
        "order_status",
        "status_before_label",
        "reason",
        "opened_at",
        "decision",
        "decided_by",
        "decided_at",
        "decision_reason",
    ]
    list_filter = [DisputeStateFilter, "decision", "opened_at", "decided_at"]
    search_fields = ["=order__id", "order__buyer__member_id", "order__seller__member_id", "reason"]
    list_select_related = ["order", "decided_by"]
    actions = ["decide_refund", "decide_release"]

    def get_ordering(self, request):
        # The queue: undecided first, the oldest first; then the latest decisions.
        open_first = Case(When(decision="", then=0), default=1)
        return [open_first.asc(), F("decided_at").desc(nulls_last=True), "opened_at", "pk"]

    @admin.display(description=_("订单状态"), ordering="order__status")
    def order_status(self, obj: Dispute) -> str:
        return obj.order.get_status_display()

    @admin.display(description=_("申请时订单状态"), ordering="status_before")
    def status_before_label(self, obj: Dispute) -> str:
        return dict(Order.Status.choices).get(obj.status_before, obj.status_before)

    @admin.action(description=_("纠纷裁决：退款给买家（需填写理由）"), permissions=["decide"])
    def decide_refund(self, request, queryset):
        return decide_disputes(self, request, queryset.values_list("order_id", flat=True), "refund")

    @admin.action(description=_("纠纷裁决：放款给卖家（需填写理由）"), permissions=["decide"])
    def decide_release(self, request, queryset):
        return decide_disputes(
            self, request, queryset.values_list("order_id", flat=True), "release"
        )

    def has_decide_permission(self, request) -> bool:
        return request.user.has_perm("trade.decide_dispute")


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
        "requested_by_label",
        "attempts",
        "last_error",
        "created_at",
        "succeeded_at",
    ]
    list_filter = ["status", "created_at"]
    search_fields = ["payment__number", "payment__reference", "idempotency_key", "refund_no"]
    list_select_related = ["payment"]

    @admin.display(description=_("申请方"), ordering="requested_by")
    def requested_by_label(self, obj: Refund) -> str:
        # Stored as the Chinese role label ("买家", "卖家", "客服"), shown in the staff's language.
        return gettext(obj.requested_by) if obj.requested_by else "—"


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
