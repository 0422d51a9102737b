"""Refunds that are safe to retry (R-T1; issue 17).

A refund is asked of the payment gateway only *after* the transaction that records it has
committed, and always with an idempotency key of the payment's own:

1. `refund_request`, inside the caller's transaction with the business object locked: a
   `Refund` row, `pending`, with the key. An order keeps its status but is marked "refund
   requested" (`trade.services.order_refund`), so nothing else can move it meanwhile.
2. `refund_complete`, after that commit and outside any transaction: the gateway is called
   with the key, and `_refund_apply` records its answer in one transaction: the refund
   succeeded, the payment refunded, the order refunded (and `order_settled` sent in that
   same transaction, trade.signals).
3. `refunds_retry_due` (beat `trade.refunds_retry_due`, every minute): pending refunds whose
   last attempt is older than `REFUND_RETRY_AFTER_SECONDS` go through step 2 again.

A crash or a gateway error between 1 and 2 leaves a pending refund that the sweep finishes;
a crash after the gateway refunded but before 2 recorded it is retried with the same key,
which the gateway answers with its first refund (no money moves twice); and an order never
says refunded before the gateway has refunded.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .exceptions import RefundFailed
from .gateway import get_gateway
from .models import Order, Payment, Refund

log = logging.getLogger(__name__)

SWEEP_BATCH = 50  # refunds per sweep run (each one gateway call), well within the time limit
RETRY_DETAIL = _(
    "支付机构暂未完成退款。退款申请已记录，系统将自动重试，完成后订单状态变为「已退款」，"
    "无需重复申请。"
)


def refund_key(payment: Payment) -> str:
    """The idempotency key of the refund of `payment`. A refund is always of the whole
    payment, so there is one key per payment: a refund asked again after anything at all
    went wrong (even a rolled-back request) reuses it."""
    return f"refund-{payment.number}"


def refund_request(*, payment: Payment, reason: str, requested_by: str = "") -> Refund:
    """Step 1, in the caller's transaction, with the payment's business object locked: the
    pending refund of the whole payment (the existing one if it was asked before)."""
    refund, _created = Refund.objects.get_or_create(
        payment=payment,
        defaults={
            "idempotency_key": refund_key(payment),
            "amount": payment.amount,
            "reason": reason[:200],
            "requested_by": requested_by[:20],
        },
    )
    return refund


def refund_complete_after_commit(refund: Refund) -> Refund | None:
    """Step 2 once step 1 is committed: at once when the caller holds no transaction of
    its own (a request, a task, the admin), else when the caller's transaction commits
    (nothing is asked of the gateway if it rolls back). The refund if completed now."""
    if _inside_callers_transaction():
        refund_id = refund.pk
        transaction.on_commit(lambda: _complete_quietly(refund_id))
        return None
    return refund_complete(refund_id=refund.pk)


def _inside_callers_transaction() -> bool:
    """Inside a caller's atomic block (what `atomic(durable=True)` refuses). As for
    `durable`, the transaction a Django test case wraps each test in does not count."""
    connection = transaction.get_connection()
    return connection.in_atomic_block and not all(
        getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
    )


def refund_complete(*, refund_id: int) -> Refund:
    """Step 2: ask the gateway, with the refund's key, and record its answer. Safe to call
    any number of times, also concurrently. `RefundFailed` when the gateway did not refund
    now: the refund stays pending, with the error, and the sweep tries again."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status == Refund.Status.SUCCEEDED:
        return refund
    payment = refund.payment
    Refund.objects.filter(pk=refund.pk).update(
        attempts=F("attempts") + 1, attempted_at=timezone.now()
    )
    try:
        refund_no = get_gateway(payment.gateway).refund(
            payment,
            amount=refund.amount,
            reason=refund.reason,
            idempotency_key=refund.idempotency_key,
        )
    except Exception as exc:  # refused, unreachable, timed out: all retried with the key
        Refund.objects.filter(pk=refund.pk).update(last_error=f"{type(exc).__name__}: {exc}"[:300])
        logger = log.warning if isinstance(exc, RefundFailed) else log.exception
        logger("refund %s of payment %s not done by the gateway", refund.pk, payment.number)
        raise RefundFailed(RETRY_DETAIL) from exc
    return _refund_apply(refund.pk, refund_no)


def _refund_apply(refund_id: int, refund_no: str) -> Refund:
    """Record the gateway's refund: the refund, the payment and the order (with its notices
    and `order_settled`), in one transaction; a second call changes nothing."""
    from . import services  # the order's side; services imports this module

    with transaction.atomic():
        payment = Refund.objects.select_related("payment").get(pk=refund_id).payment
        order = None
        if payment.reference_prefix == "order":
            # The order first, as every order move locks it: no lock-order deadlock.
            order = Order.objects.select_for_update().filter(pk=payment.reference_id).first()
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status == Refund.Status.SUCCEEDED:
            return refund
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        now = timezone.now()
        payment.refund_no = refund_no[:64]
        payment.refund_reason = refund.reason
        payment.status = Payment.Status.REFUNDED
        payment.refunded_at = now
        payment.save(update_fields=["refund_no", "refund_reason", "status", "refunded_at"])
        refund.status = Refund.Status.SUCCEEDED
        refund.refund_no = refund_no[:64]
        refund.succeeded_at = now
        refund.last_error = ""
        refund.save(update_fields=["status", "refund_no", "succeeded_at", "last_error"])
        if order is not None and order.payment_ref == payment.number and order.refund_pending:
            services.order_refund_applied(order, refund)
    return refund


def _complete_quietly(refund_id: int) -> None:
    try:
        refund_complete(refund_id=refund_id)
    except RefundFailed:
        pass  # logged; pending for the sweep
    except Exception:
        log.exception("refund %s: left to the sweep", refund_id)


def refunds_retry_due(*, older_than_seconds: float | None = None) -> int:
    """Step 3: complete the pending refunds not attempted for `older_than_seconds` (default
    `REFUND_RETRY_AFTER_SECONDS`): asked but never sent (the process died), or refused or
    unanswered by the gateway. A fresh one is left to the request that made it. Returns
    how many were completed in this run."""
    if older_than_seconds is None:
        older_than_seconds = settings.REFUND_RETRY_AFTER_SECONDS
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    due = list(
        Refund.objects.filter(status=Refund.Status.PENDING)
        .annotate(last_try=Coalesce("attempted_at", "created_at"))
        .filter(last_try__lte=cutoff)
        .order_by("last_try")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    done = 0
    for refund_id in due:
        try:
            refund_complete(refund_id=refund_id)
        except RefundFailed:
            continue  # logged; tried again next run
        except Exception:  # one broken refund must not hold up the others
            log.exception("refund %s: sweep failed, tried again next run", refund_id)
            continue
        done += 1
    return done
