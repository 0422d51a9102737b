"""Business actions of escrow trades (支付宝交易, R-T1) and of payments.

Orders: `order_create`, then the transitions of `trade/state_machine.py`, each a service
that locks the order row (select_for_update) and refuses an illegal move with
`IllegalTransition` (409), a move of the other party with `WrongParty` (403) and a
non-party with `OrderNotFound` (404): `order_pay`, `order_ship`, `order_confirm`,
`order_refund`. A payment arriving (`order_payment_succeeded`, the handler for references
"order:<id>") moves an order from created to paid. A settled order (completed or
refunded) is announced with `trade.signals.order_settled`, inside its transaction.
Refunds are asked of the gateway after the request for them commits (trade/refunds.py).

Payments (for orders and anything else, see trade/gateway.py): `payment_create`,
`payment_callback_receive`, `payment_settle_directly`, `payment_refund`. TrustPass
purchases are in trade/trustpass_services.py.
"""

from __future__ import annotations

import logging
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from listings.models import Listing
from members.models import Company, User
from members.services import notice_send

from . import pricing, refunds, signals
from . import state_machine as sm
from .exceptions import (
    CompanyRequired,
    IllegalTransition,
    InvalidQuantity,
    ListingNotOrderable,
    OrderNotFound,
    OwnListing,
    PaymentAmountMismatch,
    PaymentError,
    PaymentNotFound,
    PaymentNotRefundable,
    WrongParty,
)
from .gateway import get_gateway, get_payment_handler, parse_reference
from .models import Order, Payment, Refund

log = logging.getLogger(__name__)


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
        detail = "该信息不存在或当前未上网，不能下单；请检查信息编号。"
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
    _notify(
        order,
        order.seller,
        "新订单",
        f"买家 {buyer.name} 下单购买「{listing.title}」{quantity} {listing.unit}，等待买家付款。",
    )
    return order


def _lock_for(order_id: int, company: Company | None, action: str) -> Order:
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
    _check_move(order, action)
    return order


def _check_move(order: Order, action: str) -> None:
    if not sm.can_transition(order.status, action):
        raise IllegalTransition(sm.illegal_move_message(order.status, action))
    if order.refund_pending:  # asked for, not yet confirmed by the gateway (trade/refunds.py)
        raise IllegalTransition(
            "该订单的退款正在处理中，完成后订单状态将变为「已退款」，不能再进行其他操作。"
            "请稍后刷新页面查看。"
        )


@transaction.atomic
def order_pay(
    *, order_id: int, by: Company | None, interactive: bool = False, return_url: str = ""
) -> tuple[Order, Payment]:
    """R-T1 created → paid, by the buyer, through the payment gateway.

    Starts (or reuses) the order's open payment. `interactive` (browser): the buyer is sent
    to `payment.pay_url` and the order becomes paid when the gateway's signed callback
    arrives. Not interactive (API): a gateway that can settle at once (the test gateway)
    does so now, inside this transaction, so two concurrent pays make one transition."""
    order = _lock_for(order_id, by, sm.PAY)
    payment = payment_create(
        reference=order.payment_reference,
        amount=order.total,
        subject=f"订单 {order.pk}：{order.listing.title}"[:128],
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
    want (no longer waiting for payment, or a different amount) returns False and is
    refunded by the caller."""
    order = Order.objects.select_for_update().filter(pk=int(payment.reference_id)).first()
    if order is None:
        return False
    if order.payment_ref == payment.number:
        return True
    if order.status != Order.Status.CREATED or payment.amount != order.total:
        log.warning(
            "payment %s not applied to order %s (%s)", payment.number, order.pk, order.status
        )
        return False
    order.status = sm.next_status(order.status, sm.PAY)
    order.paid_at = timezone.now()
    order.payment_ref = payment.number
    order.save(update_fields=["status", "paid_at", "payment_ref"])
    _notify(
        order,
        order.seller,
        "买家已付款",
        f"订单 {order.pk} 买家已付款 ¥{order.total}，货款由平台担保，请尽快发货。",
    )
    return True


@transaction.atomic
def order_ship(*, order_id: int, by: Company | None, tracking_no: str = "") -> Order:
    """R-T1 paid → shipped, by the seller."""
    order = _lock_for(order_id, by, sm.SHIP)
    order.status = sm.next_status(order.status, sm.SHIP)
    order.shipped_at = timezone.now()
    order.tracking_no = (tracking_no or "").strip()[:60]
    order.save(update_fields=["status", "shipped_at", "tracking_no"])
    _notify(
        order,
        order.buyer,
        "卖家已发货",
        f"订单 {order.pk} 卖家已发货"
        + (f"（物流单号 {order.tracking_no}）" if order.tracking_no else "")
        + "，收到货物并确认无误后请确认收货。",
    )
    return order


@transaction.atomic
def order_confirm(*, order_id: int, by: Company | None) -> Order:
    """R-T1 shipped → completed, by the buyer: the money is released to the seller."""
    order = _lock_for(order_id, by, sm.CONFIRM)
    order.status = sm.next_status(order.status, sm.CONFIRM)
    order.completed_at = timezone.now()
    order.save(update_fields=["status", "completed_at"])
    _notify(
        order,
        order.seller,
        "交易成功",
        f"订单 {order.pk} 买家已确认收货，货款 ¥{order.total} 已放款，交易成功。",
    )
    _order_settled(order, "completed")
    return order


def order_refund(
    *,
    order_id: int,
    by: Company | None,
    reason: str = "",
    staff_user: User | None = None,
) -> Order:
    """R-T1 paid/shipped → refunded, by the buyer or the seller (or staff settling a
    dispute, with `staff_user`): the escrowed money goes back through the gateway.

    Safe to retry (trade/refunds.py): our transaction records the request (the order marked
    `refund_requested_at`, a pending refund with its idempotency key); the gateway is called
    after it commits; the order turns `refunded` in the transaction that records the
    gateway's refund. Returns the order, refunded, in the usual case; `RefundFailed` (502)
    when the gateway did not refund now: the order keeps its status, the request stays and
    the sweep completes it. Called inside a transaction of the caller's, the gateway is
    called when that commits, and the order returned is not refunded yet."""
    with transaction.atomic():
        if staff_user is not None and staff_user.is_staff:
            order = Order.objects.select_for_update().filter(pk=order_id).first()
            if order is None:
                raise OrderNotFound()
            _check_move(order, sm.REFUND)
        else:
            order = _lock_for(order_id, by, sm.REFUND)
        order.refund_reason = (reason or "").strip()[:200]
        order.refund_requested_at = timezone.now()
        order.save(update_fields=["refund_reason", "refund_requested_at"])
        who = (
            "客服"
            if staff_user is not None
            else ("买家" if by and by.pk == order.buyer_id else "卖家")
        )
        payment = Payment.objects.filter(
            reference=order.payment_reference, status=Payment.Status.SUCCEEDED
        ).first()
        if payment is None:  # paid outside any gateway (e.g. data imported by staff)
            log.warning("order %s refunded without a successful payment", order.pk)
            _order_refunded(order, who)
            return order
        refund = refunds.refund_request(
            payment=payment,
            reason=order.refund_reason or f"订单 {order.pk} 退款",
            requested_by=who,
        )
    refunds.refund_complete_after_commit(refund)
    order.refresh_from_db()
    return order


def order_refund_applied(order: Order, refund: Refund) -> None:
    """The gateway refunded the order's payment (trade/refunds.py calls this in the
    transaction that records it, with the order locked): now the order is refunded."""
    _order_refunded(order, refund.requested_by)


def _order_refunded(order: Order, who: str) -> None:
    order.status = sm.next_status(order.status, sm.REFUND)
    order.refunded_at = timezone.now()
    order.save(update_fields=["status", "refunded_at"])
    reason = order.refund_reason
    text = f"订单 {order.pk} 已由{who or '平台'}退款，¥{order.total} 已退回买家。" + (
        f"原因：{reason}" if reason else ""
    )
    for company in (order.buyer, order.seller):
        _notify(order, company, "订单已退款", text)
    _order_settled(order, "refunded")


def _order_settled(order: Order, outcome: str) -> None:
    """R-C7: a completed or refunded trade is a credit source of both parties (R-C1 activity,
    R-C4 review rights). Sent inside the transaction (trade.signals): credit records the
    recalculation of both scores there, so it commits with the settlement."""
    signals.order_settled.send(
        sender=Order,
        order_id=order.pk,
        buyer_id=order.buyer_id,
        seller_id=order.seller_id,
        outcome=outcome,
    )


def _notify(order: Order, company: Company, title: str, body: str) -> None:
    notice_send(
        company=company,
        kind="trade",
        title=f"{title}（订单 {order.pk}）",
        body=body,
        url=reverse("trade:order_detail", args=[order.pk]),
        dedupe_key=f"trade:{order.pk}:{order.status}:{company.pk}",
    )


# == Payments =========================================================================
def _new_payment_number() -> str:
    return "P" + timezone.localtime().strftime("%Y%m%d%H%M%S") + secrets.token_hex(5).upper()


@transaction.atomic
def payment_create(
    *,
    reference: str,
    amount: Decimal,
    subject: str,
    payer: Company | None = None,
    return_url: str = "",
    gateway_name: str | None = None,
) -> Payment:
    """Start paying for `reference` ("order:12", "trustpass:5") through the configured
    gateway; the payer is then sent to `payment.pay_url`.

    There is at most one open payment per reference: an open one with the same amount and
    gateway is returned again; one that no longer matches is closed and replaced."""
    parse_reference(reference)
    amount = Decimal(amount)
    if amount <= 0:
        raise PaymentError("支付金额必须大于 0。")
    gateway = get_gateway(gateway_name)
    if Payment.objects.filter(reference=reference, status=Payment.Status.SUCCEEDED).exists():
        raise PaymentError("该业务已付款成功，无需再次付款。", status_code=409)
    open_payment = (
        Payment.objects.select_for_update()
        .filter(reference=reference, status=Payment.Status.PENDING)
        .first()
    )
    if open_payment is not None:
        if open_payment.amount == amount and open_payment.gateway == gateway.name:
            return open_payment
        open_payment.status = Payment.Status.CLOSED
        open_payment.save(update_fields=["status"])
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                number=_new_payment_number(),
                reference=reference,
                subject=subject[:128],
                amount=amount,
                payer=payer,
                gateway=gateway.name,
                return_url=return_url[:500],
            )
    except IntegrityError:
        # Another request opened a payment for this reference at the same moment: use it.
        payment = Payment.objects.select_for_update().get(
            reference=reference, status=Payment.Status.PENDING
        )
        return payment
    payment.pay_url = gateway.create_payment(payment)[:500]
    payment.save(update_fields=["pay_url"])
    return payment


@transaction.atomic
def payment_callback_receive(*, gateway_name: str, data) -> Payment:
    """A gateway's signed callback (异步通知). Verifies the signature, locks the payment,
    marks it succeeded and calls the handler of its reference prefix, all in one
    transaction. Replays are harmless: a payment already settled is returned unchanged."""
    gateway = get_gateway(gateway_name)
    callback = gateway.verify_callback(data)
    payment = (
        Payment.objects.select_for_update()
        .filter(number=callback.number, gateway=gateway.name)
        .first()
    )
    if payment is None:
        raise PaymentNotFound()
    if callback.amount != payment.amount:
        raise PaymentAmountMismatch()
    if payment.status in (Payment.Status.SUCCEEDED, Payment.Status.REFUNDED):
        return payment
    if not callback.succeeded:
        if payment.status == Payment.Status.PENDING:
            payment.status = Payment.Status.CLOSED
            payment.save(update_fields=["status"])
        return payment
    payment.provider_trade_no = callback.provider_trade_no[:64]
    payment.succeeded_at = timezone.now()
    already_paid = (
        Payment.objects.filter(reference=payment.reference, status=Payment.Status.SUCCEEDED)
        .exclude(pk=payment.pk)
        .exists()
    )
    if already_paid:
        # Paid twice (e.g. a closed, superseded payment paid late): give this one back.
        return _refund_unwanted(gateway, payment, "重复付款，自动退款")
    payment.status = Payment.Status.SUCCEEDED
    payment.save(update_fields=["status", "provider_trade_no", "succeeded_at"])
    prefix, _ = parse_reference(payment.reference)
    if not get_payment_handler(prefix)(payment):
        return _refund_unwanted(gateway, payment, "业务对象已不需要此付款，自动退款")
    return payment


def _refund_unwanted(gateway, payment: Payment, reason: str) -> Payment:
    """Inside the callback's transaction: if it rolls back after the gateway refunded, the
    callback is answered "fail", the provider sends it again, and the same key (the
    payment's own) gets the first refund back instead of a second one."""
    payment.refund_no = gateway.refund(
        payment, amount=payment.amount, reason=reason, idempotency_key=refunds.refund_key(payment)
    )[:64]
    payment.refund_reason = reason
    payment.status = Payment.Status.REFUNDED
    payment.refunded_at = timezone.now()
    payment.save()
    return payment


@transaction.atomic
def payment_settle_directly(*, payment_id: int) -> Payment:
    """Have a gateway that can (the test gateway) pay an open payment at once, through the
    same signed-callback path a real provider uses."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status != Payment.Status.PENDING:
        return payment
    gateway = get_gateway(payment.gateway)
    return payment_callback_receive(
        gateway_name=gateway.name, data=gateway.settle_directly(payment)
    )


@transaction.atomic
def payment_confirm_on_test_gateway(*, number: str, payer: Company | None) -> Payment:
    """The payer pressed 确认付款 on the test gateway's page (trade.views)."""
    payment = Payment.objects.select_for_update().filter(number=number, gateway="test").first()
    if (
        payment is None
        or (payment.payer_id is not None and payer is None)
        or (payment.payer_id is not None and payment.payer_id != payer.pk)
    ):
        raise PaymentNotFound()
    if payment.status != Payment.Status.PENDING:
        return payment
    gateway = get_gateway("test")
    return payment_callback_receive(gateway_name="test", data=gateway.notification_for(payment))


def payment_refund(*, payment_id: int, reason: str) -> Payment:
    """Give a successful payment's money back through the gateway that took it, safe to
    retry like an order's refund (trade/refunds.py): `RefundFailed` leaves it pending for
    the sweep."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != Payment.Status.SUCCEEDED or hasattr(payment, "refund"):
            raise PaymentNotRefundable()
        refund = refunds.refund_request(payment=payment, reason=reason)
    refunds.refund_complete_after_commit(refund)
    payment.refresh_from_db()
    return payment
