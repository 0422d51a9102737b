"""The clocks of an escrow trade (R-T1a, R-T1b):

- an unpaid order expires (`created → expired`) ORDER_PAYMENT_HOURS after it was made;
- a shipped order is confirmed by itself (`shipped → completed`, the money released to the
  seller) ORDER_AUTO_CONFIRM_DAYS after shipment.

Beat runs the sweeps (`trade.orders_expire_due` every minute, `trade.orders_auto_confirm_due`
every five); the same check runs before every move of an order and when it is read
(`order_timers_apply`), so a 24-hour-old order cannot be paid even before the beat has run.
Each order is moved in its own transaction with its row locked and the rule asked again
there, so running a sweep twice, or alongside a buyer's click, moves nothing twice. Every
function takes `now` (default: the clock) so tests can move time.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from members.models import Company

from . import state_machine as sm
from .models import Order
from .order_events import order_notify, order_settled
from .payments import payments_close_open

log = logging.getLogger(__name__)

SWEEP_BATCH = 500  # orders per sweep run; the next run takes the rest


def payment_hours() -> int:
    return settings.ORDER_PAYMENT_HOURS


def confirm_days() -> int:
    return settings.ORDER_AUTO_CONFIRM_DAYS


def payment_deadline(order: Order) -> datetime:
    """R-T1a: when the unpaid order expires."""
    return sm.payment_deadline(order.created_at, payment_hours())


def auto_confirm_deadline(order: Order) -> datetime | None:
    """R-T1b: when the shipped order is confirmed by itself (None before shipment)."""
    if order.shipped_at is None:
        return None
    return sm.auto_confirm_deadline(order.shipped_at, confirm_days())


def payment_overdue(order: Order, now: datetime | None = None) -> bool:
    return sm.payment_overdue(
        status=order.status,
        created_at=order.created_at,
        now=now or timezone.now(),
        payment_hours=payment_hours(),
    )


def auto_confirm_due(order: Order, now: datetime | None = None) -> bool:
    # An order whose refund is being processed is left to the refund (trade/refunds.py).
    return not order.refund_pending and sm.auto_confirm_due(
        status=order.status,
        shipped_at=order.shipped_at,
        now=now or timezone.now(),
        confirm_days=confirm_days(),
    )


def timers_due(order: Order, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return payment_overdue(order, now) or auto_confirm_due(order, now)


# -- the moves, inside the caller's transaction with the order locked --------------------
def expire_locked(order: Order, now: datetime) -> None:
    """R-T1a created → expired: close its open payment and tell both parties."""
    order.status = sm.next_status(order.status, sm.EXPIRE)
    order.expired_at = now
    order.save(update_fields=["status", "expired_at"])
    payments_close_open(reference=order.payment_reference)
    order_notify(
        order, "order_cancelled", (sm.BUYER, sm.SELLER), expired=True, hours=payment_hours()
    )


def auto_confirm_locked(order: Order, now: datetime) -> None:
    """R-T1b shipped → completed by the clock: the money is released to the seller."""
    order.status = sm.next_status(order.status, sm.AUTO_CONFIRM)
    order.completed_at = now
    order.auto_confirmed = True
    order.save(update_fields=["status", "completed_at", "auto_confirmed"])
    order_notify(order, "order_completed", (sm.BUYER, sm.SELLER), auto=True, days=confirm_days())
    order_settled(order, sm.COMPLETED)


# -- one order ---------------------------------------------------------------------------
def order_expire(*, order_id: int, now: datetime | None = None) -> bool:
    """Expire the order if it is unpaid past its deadline; True when it was expired now."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or not payment_overdue(order, now):
            return False
        expire_locked(order, now)
    return True


def order_auto_confirm(*, order_id: int, now: datetime | None = None) -> bool:
    """Confirm the order if it was shipped ORDER_AUTO_CONFIRM_DAYS ago; True when done now."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or not auto_confirm_due(order, now):
            return False
        auto_confirm_locked(order, now)
    return True


def order_timers_apply(*, order_id: int, now: datetime | None = None) -> bool:
    """Before a move or a read: apply whichever timer is due on this order (in its own
    transaction, committed before the move is tried). True when the order moved."""
    now = now or timezone.now()
    order = (
        Order.objects.filter(pk=order_id)
        .only("status", "created_at", "shipped_at", "refund_requested_at")
        .first()
    )
    if order is None or not timers_due(order, now):
        return False
    if order.status == sm.CREATED:
        return order_expire(order_id=order_id, now=now)
    return order_auto_confirm(order_id=order_id, now=now)


def orders_timers_apply_for_company(*, company: Company | None, now: datetime | None = None) -> int:
    """Before a company's order list is shown: its due orders move first."""
    if company is None:
        return 0
    now = now or timezone.now()
    ids = (
        Order.objects.filter(Q(buyer=company) | Q(seller=company))
        .filter(_expire_due_q(now) | _auto_confirm_due_q(now))
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return sum(order_timers_apply(order_id=pk, now=now) for pk in list(ids))


# -- the sweeps (beat) ---------------------------------------------------------------------
def _expire_due_q(now: datetime) -> Q:
    return Q(status=sm.CREATED, created_at__lte=now - timedelta(hours=payment_hours()))


def _auto_confirm_due_q(now: datetime) -> Q:
    return Q(
        status=sm.SHIPPED,
        shipped_at__lte=now - timedelta(days=confirm_days()),
        refund_requested_at__isnull=True,
    )


def _sweep(ids, move, now: datetime) -> int:
    done = 0
    for order_id in list(ids):
        try:
            done += move(order_id=order_id, now=now)
        except Exception:  # one broken order must not hold up the others
            log.exception("order %s: timer failed, tried again next run", order_id)
    return done


def orders_expire_due(*, now: datetime | None = None) -> int:
    """R-T1a beat: expire every unpaid order past its deadline. Returns how many."""
    now = now or timezone.now()
    ids = (
        Order.objects.filter(_expire_due_q(now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return _sweep(ids, order_expire, now)


def orders_auto_confirm_due(*, now: datetime | None = None) -> int:
    """R-T1b beat: confirm every shipped order past its deadline. Returns how many."""
    now = now or timezone.now()
    ids = (
        Order.objects.filter(_auto_confirm_due_q(now))
        .order_by("shipped_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return _sweep(ids, order_auto_confirm, now)
