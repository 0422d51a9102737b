"""Business actions of escrow trades (支付宝交易, R-T1).

Orders: `order_create`, then the transitions of `trade/state_machine.py`, each a service
that locks the order row (select_for_update) and refuses an illegal move with
`IllegalTransition` (409), a move of the other party with `WrongParty` (403) and a
non-party with `OrderNotFound` (404): `order_pay`, `order_ship`, `order_confirm`,
`order_refund`, `order_cancel` (R-T1a). A payment arriving (`order_payment_succeeded`, the
handler for references "order:<id>") moves an order from created to paid. Before any move
the order's timers are applied (trade/order_timers.py: expiry R-T1a, automatic
confirmation R-T1b), so a move never starts from a state the clock has already ended.
Disputes (R-T1c) are trade/disputes.py. A settled order (completed or refunded) is
announced with `trade.signals.order_settled`, and every move notifies the other party
(trade/order_events.py), inside its transaction. Refunds are asked of the gateway after
the request for them commits (trade/refunds.py).

Payments live in trade/payments.py (re-exported here); TrustPass purchases in
trade/trustpass_services.py.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Action as AuditAction
from audit.services import audit_record
from listings.models import Listing
from members.models import Company, User

from . import order_timers, pricing, refunds
from . import state_machine as sm
from .exceptions import (
    CompanyRequired,
    IllegalTransition,
    InvalidQuantity,
    ListingNotOrderable,
    OrderNotFound,
    OwnListing,
    WrongParty,
)
from .gateway import get_gateway
from .models import Order, Payment, Refund
from .order_events import order_notify, order_settled
from .payments import payment_callback_receive as payment_callback_receive
from .payments import payment_confirm_on_test_gateway as payment_confirm_on_test_gateway
from .payments import payment_create, payment_settle_directly, payments_close_open
from .payments import payment_refund as payment_refund

log = logging.getLogger(__name__)
BUYER_SELLER = (sm.BUYER, sm.SELLER)


# == Orders ===========================================================================
@transaction.atomic
def order_create(*, buyer: Company | None, listing_id: int, quantity: int) -> Order:
    """R-T1: a buyer orders a live, fixed-price, escrow-supporting supply listing at its
    firm unit price. The order starts `created` (waiting for payment)."""
    if buyer is None:
        raise CompanyRequired()
    listing = Listing.objects.select_related("company").filter(pk=listing_id).first()
    if listing is None or (
        listing.status != Listing.Status.LIVE and listing.company_id != buyer.pk
    ):
        # Another member's listing that is not live is private: same answer as "no such".
        detail = _("该信息不存在或当前未上网，不能下单；请检查信息编号。")
        raise ListingNotOrderable(detail, fields={"listing": [detail]})
    if listing.company_id == buyer.pk:
        raise OwnListing(fields={"listing": [OwnListing.default_detail]})
    problem = pricing.orderable_problem(
        kind=listing.kind,
        status=listing.status,
        fixed_price=listing.fixed_price,
        supports_escrow=listing.supports_escrow,
        price=listing.price,
        price_max=listing.price_max,
    )
    if problem:
        raise ListingNotOrderable(problem, fields={"listing": [problem]})
    problem = pricing.quantity_problem(
        quantity=quantity, min_order=listing.min_order, unit=listing.unit
    )
    if problem:
        raise InvalidQuantity(problem, fields={"quantity": [problem]})
    unit_price = pricing.unit_price_for(
        price=listing.price, price_tiers=listing.price_tiers, quantity=quantity
    )
    total = pricing.order_total(unit_price=unit_price, quantity=quantity)
    problem = pricing.total_problem(total)
    if problem:
        raise InvalidQuantity(problem, fields={"quantity": [problem]})
    order = Order.objects.create(
        listing=listing,
        buyer=buyer,
        seller=listing.company,
        quantity=quantity,
        unit_price=unit_price,
        total=total,
        status=Order.Status.CREATED,
    )
    order_notify(order, "order_created", (sm.SELLER,), buyer_name=buyer.name, quantity=quantity)
    return order


def lock_for_party(order_id: int, company: Company | None, action: str) -> Order:
    """Lock the order row and check the caller may take `action` now (R-T1).

    Order of refusals: not a party → 404; the other party's move → 403; illegal move from
    the current status → 409."""
    if company is None:
        raise OrderNotFound()
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    role = order.role_of(company.pk) if order else None
    if role is None:
        raise OrderNotFound()
    if not sm.may_act(role, action):
        raise WrongParty(sm.wrong_party_message(action))
    check_move(order, action)
    return order


def check_move(order: Order, action: str) -> None:
    """Refuse a move the order's status, a refund in progress or the clock forbids."""
    if not sm.can_transition(order.status, action):
        raise IllegalTransition(sm.illegal_move_message(order.status, action))
    if order.refund_pending:  # asked for, not yet confirmed by the gateway (trade/refunds.py)
        raise IllegalTransition(
            _(
                "该订单的退款正在处理中，完成后订单状态将变为「已退款」，不能再进行其他操作。"
                "请稍后刷新页面查看。"
            )
        )
    # R-T1a / R-T1b: the deadline passed a moment ago and the timer has not written it yet.
    if order_timers.payment_overdue(order) and action != sm.EXPIRE:
        raise IllegalTransition(
            _(
                "订单已超过付款期限（下单后 %(hours)s 小时），"
                "已自动关闭，不能再付款或取消；如仍需购买，请重新下单。"
            )
            % {"hours": order_timers.payment_hours()}
        )
    if order_timers.auto_confirm_due(order) and action != sm.AUTO_CONFIRM:
        raise IllegalTransition(
            _("该订单发货已满自动确认收货期限，系统已确认收货、放款给卖家。请刷新页面查看。")
        )


def order_pay(
    *, order_id: int, by: Company | None, interactive: bool = False, return_url: str = ""
) -> tuple[Order, Payment]:
    """R-T1 created → paid, by the buyer, through the payment gateway.

    Starts (or reuses) the order's open payment. `interactive` (browser): the buyer is sent
    to `payment.pay_url` and the order becomes paid when the gateway's signed callback
    arrives. Not interactive (API): a gateway that can settle at once (the test gateway)
    does so now, inside this transaction, so two concurrent pays make one transition.
    An order past its payment deadline (R-T1a) is expired first and refused."""
    order_timers.order_timers_apply(order_id=order_id)
    with transaction.atomic():
        order = lock_for_party(order_id, by, sm.PAY)
        payment = payment_create(
            reference=order.payment_reference,
            amount=order.total,
            subject=order.payment_subject()[:128],
            payer=order.buyer,
            return_url=return_url or reverse("trade:order_detail", args=[order.pk]),
        )
        if not interactive and get_gateway(payment.gateway).can_settle_directly:
            payment = payment_settle_directly(payment_id=payment.pk)
            order.refresh_from_db()
    return order, payment


def order_payment_succeeded(payment: Payment) -> bool:
    """Payment handler for references "order:<id>" (registered in trade/apps.py).

    Called with the payment locked inside the transaction that marks it succeeded.
    Idempotent: a payment already applied returns True again; a payment the order does not
    want (no longer waiting for payment, past its deadline, or a different amount) returns
    False and is refunded by the caller."""
    order = Order.objects.select_for_update().filter(pk=int(payment.reference_id)).first()
    if order is None:
        return False
    if order.payment_ref == payment.number:
        return True
    now = timezone.now()
    if order_timers.payment_overdue(order, now):
        # R-T1a: paid after the deadline: the order expires here, the money goes back.
        order_timers.expire_locked(order, now)
        return False
    if order.status != Order.Status.CREATED or payment.amount != order.total:
        log.warning(
            "payment %s not applied to order %s (%s)", payment.number, order.pk, order.status
        )
        return False
    order.status = sm.next_status(order.status, sm.PAY)
    order.paid_at = now
    order.payment_ref = payment.number
    order.save(update_fields=["status", "paid_at", "payment_ref"])
    order_notify(order, "order_paid", (sm.SELLER,))
    return True


def order_ship(*, order_id: int, by: Company | None, tracking_no: str = "") -> Order:
    """R-T1 paid → shipped, by the seller. From now the R-T1b clock runs (`shipped_at`)."""
    order_timers.order_timers_apply(order_id=order_id)
    with transaction.atomic():
        order = lock_for_party(order_id, by, sm.SHIP)
        order.status = sm.next_status(order.status, sm.SHIP)
        order.shipped_at = timezone.now()
        order.tracking_no = (tracking_no or "").strip()[:60]
        order.save(update_fields=["status", "shipped_at", "tracking_no"])
        order_notify(
            order,
            "order_shipped",
            (sm.BUYER,),
            confirm_by=order_timers.auto_confirm_deadline(order),
            days=order_timers.confirm_days(),
        )
    return order


def order_confirm(*, order_id: int, by: Company | None) -> Order:
    """R-T1 shipped → completed, by the buyer: the money is released to the seller."""
    order_timers.order_timers_apply(order_id=order_id)
    with transaction.atomic():
        order = lock_for_party(order_id, by, sm.CONFIRM)
        order.status = sm.next_status(order.status, sm.CONFIRM)
        order.completed_at = timezone.now()
        order.save(update_fields=["status", "completed_at"])
        order_notify(order, "order_completed", (sm.SELLER,), auto=False)
        order_settled(order, sm.COMPLETED)
    return order


def order_cancel(*, order_id: int, by: Company | None) -> Order:
    """R-T1a created → cancelled, by the buyer, before paying. Its open payment is closed
    (a payment reported later is refunded: the order no longer wants it)."""
    order_timers.order_timers_apply(order_id=order_id)
    with transaction.atomic():
        order = lock_for_party(order_id, by, sm.CANCEL)
        order.status = sm.next_status(order.status, sm.CANCEL)
        order.cancelled_at = timezone.now()
        order.save(update_fields=["status", "cancelled_at"])
        payments_close_open(reference=order.payment_reference)
        order_notify(order, "order_cancelled", (sm.SELLER,), expired=False)
    return order


def order_refund(
    *,
    order_id: int,
    by: Company | None,
    reason: str = "",
    staff_user: User | None = None,
) -> Order:
    """R-T1 paid/shipped → refunded, by the buyer or the seller (or staff, with
    `staff_user`; a disputed order is refunded by the staff decision, trade/disputes.py):
    the escrowed money goes back through the gateway.

    Safe to retry (trade/refunds.py): our transaction records the request (the order marked
    `refund_requested_at`, a pending refund with its idempotency key); the gateway is called
    after it commits; the order turns `refunded` in the transaction that records the
    gateway's refund. Returns the order, refunded, in the usual case; `RefundFailed` (502)
    when the gateway did not refund now: the order keeps its status, the request stays and
    the sweep completes it. Called inside a transaction of the caller's, the gateway is
    called when that commits, and the order returned is not refunded yet."""
    order_timers.order_timers_apply(order_id=order_id)
    with transaction.atomic():
        if staff_user is not None and staff_user.is_staff:
            order = Order.objects.select_for_update().filter(pk=order_id).first()
            if order is None:
                raise OrderNotFound()
            check_move(order, sm.REFUND)
            who = "客服"
            _audit_staff_refund(order, staff_user, reason)
        else:
            order = lock_for_party(order_id, by, sm.REFUND)
            who = "买家" if by and by.pk == order.buyer_id else "卖家"
        refund = order_refund_request_locked(order, who=who, reason=reason)
    if refund is not None:
        refunds.refund_complete_after_commit(refund)
    order.refresh_from_db()
    return order


def _audit_staff_refund(order: Order, staff_user: User, reason: str) -> None:
    """Issue 15: a refund staff decided (outside a dispute) in the audit log."""
    detail = Order.objects.select_related("listing", "buyer", "seller").get(pk=order.pk)
    audit_record(
        action=AuditAction.ORDER_REFUND,
        target=order,
        by=staff_user,
        reason=(reason or "").strip(),
        company=detail.seller,
        target_label=f"#{order.pk} {detail.listing.title}",
        details={
            "status_before": order.status,
            "buyer": detail.buyer.member_id,
            "seller": detail.seller.member_id,
        },
    )


def order_refund_request_locked(order: Order, *, who: str, reason: str) -> Refund | None:
    """Inside the caller's transaction, the order locked and the move checked: record the
    refund request (step 1 of trade/refunds.py). None when there is no gateway payment to
    give back (paid outside any gateway): then the order is refunded at once."""
    order.refund_reason = (reason or "").strip()[:200]
    order.refund_requested_at = timezone.now()
    order.save(update_fields=["refund_reason", "refund_requested_at"])
    payment = Payment.objects.filter(
        reference=order.payment_reference, status=Payment.Status.SUCCEEDED
    ).first()
    if payment is None:  # paid outside any gateway (e.g. data imported by staff)
        log.warning("order %s refunded without a successful payment", order.pk)
        _order_refunded(order, who)
        return None
    return refunds.refund_request(
        payment=payment,
        reason=order.refund_reason or _("订单 %(id)s 退款") % {"id": order.pk},
        requested_by=who,
    )


def order_refund_applied(order: Order, refund: Refund) -> None:
    """The gateway refunded the order's payment (trade/refunds.py calls this in the
    transaction that records it, with the order locked): now the order is refunded."""
    _order_refunded(order, refund.requested_by)


def _order_refunded(order: Order, who: str) -> None:
    # A disputed order is refunded by the staff decision (R-T1c), others by a party (R-T1).
    action = sm.RESOLVE_REFUND if order.status == sm.DISPUTED else sm.REFUND
    order.status = sm.next_status(order.status, action)
    order.refunded_at = timezone.now()
    order.save(update_fields=["status", "refunded_at"])
    order_notify(
        order,
        "order_refunded",
        BUYER_SELLER,
        # `who` is kept in Chinese on the refund (Refund.requested_by); the notice speaks the
        # active language.
        who=_(who) if who else _("平台"),
        reason=order.refund_reason,
    )
    order_settled(order, sm.REFUNDED)
