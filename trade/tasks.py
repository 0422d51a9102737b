"""Celery tasks of trade: the refund sweep (trade/refunds.py) and the order timers
(trade/order_timers.py, R-T1a, R-T1b)."""

from celery import shared_task

from . import order_timers, refunds


@shared_task(name="trade.refunds_retry_due", acks_late=True)
def refunds_retry_due_task(older_than_seconds: float | None = None) -> int:
    """R-T1: complete the refunds asked for but not confirmed by the gateway (the process
    died after the request committed, or the gateway refused or did not answer). Beat
    runs it every minute; each refund is asked with its own idempotency key, so running
    it twice, or alongside the request, refunds nothing twice."""
    return refunds.refunds_retry_due(older_than_seconds=older_than_seconds)


@shared_task(name="trade.orders_expire_due", acks_late=True)
def orders_expire_due_task() -> int:
    """R-T1a: unpaid orders past ORDER_PAYMENT_HOURS expire. Each order is moved under its
    row lock after asking the rule again, so a second run (or a redelivery) moves none."""
    return order_timers.orders_expire_due()


@shared_task(name="trade.orders_auto_confirm_due", acks_late=True)
def orders_auto_confirm_due_task() -> int:
    """R-T1b: shipped orders past ORDER_AUTO_CONFIRM_DAYS are confirmed (money released).
    Safe to run twice, as above."""
    return order_timers.orders_auto_confirm_due()
