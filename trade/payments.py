"""Payments through a payment gateway, for orders and anything else (trade/gateway.py):
`payment_create`, `payment_callback_receive`, `payment_settle_directly`,
`payment_confirm_on_test_gateway`, `payment_refund`, and `payments_close_open` for a
business object that no longer wants to be paid (a cancelled or expired order, R-T1a).

`trade.services` re-exports these names (callers keep `services.payment_create`).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Company

from . import refunds
from .exceptions import (
    PaymentAmountMismatch,
    PaymentError,
    PaymentNotFound,
    PaymentNotRefundable,
)
from .gateway import get_gateway, get_payment_handler, parse_reference
from .models import Payment


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
        raise PaymentError(_("支付金额必须大于 0。"))
    gateway = get_gateway(gateway_name)
    if Payment.objects.filter(reference=reference, status=Payment.Status.SUCCEEDED).exists():
        raise PaymentError(_("该业务已付款成功，无需再次付款。"), status_code=409)
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
        return _refund_unwanted(gateway, payment, _("重复付款，自动退款"))
    payment.status = Payment.Status.SUCCEEDED
    payment.save(update_fields=["status", "provider_trade_no", "succeeded_at"])
    prefix, _ident = parse_reference(payment.reference)
    if not get_payment_handler(prefix)(payment):
        return _refund_unwanted(gateway, payment, _("业务对象已不需要此付款，自动退款"))
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


def payments_close_open(*, reference: str) -> int:
    """Close the open payments of `reference` (in the caller's transaction): the order no
    longer waits for payment. A provider that still reports one paid later is answered by
    `payment_callback_receive`, which gives the money back (the handler refuses it)."""
    return Payment.objects.filter(reference=reference, status=Payment.Status.PENDING).update(
        status=Payment.Status.CLOSED
    )
