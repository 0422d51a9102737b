"""Celery tasks of trade: the refund sweep (trade/refunds.py)."""

from celery import shared_task

from . import refunds


@shared_task(name="trade.refunds_retry_due", acks_late=True)
def refunds_retry_due_task(older_than_seconds: float | None = None) -> int:
    """R-T1: complete the refunds asked for but not confirmed by the gateway (the process
    died after the request committed, or the gateway refused or did not answer). Beat
    runs it every minute; each refund is asked with its own idempotency key, so running
    it twice, or alongside the request, refunds nothing twice."""
    return refunds.refunds_retry_due(older_than_seconds=older_than_seconds)
