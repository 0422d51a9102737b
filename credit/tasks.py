"""Celery tasks of the credit archive: thin wrappers that take ids and call the
recomputation (credit/recalculation.py), and the enqueueing of them.

Every task recomputes from the sources (R-C7), so it is safe to run twice and to be
redelivered after a lost worker (acks_late, see settings).
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError

from . import recalculation

logger = logging.getLogger(__name__)


@shared_task(
    name="credit.recalculate",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def credit_recalculate_task(company_id: int, cause: str = "event") -> int | None:
    """R-C7: recompute one company's score; returns the new total (None if it is gone)."""
    breakdown = recalculation.credit_recalculate(company_id=company_id, cause=cause)
    return breakdown.total if breakdown else None


@shared_task(name="credit.recalculate_all", acks_late=True, soft_time_limit=1800, time_limit=1900)
def credit_recalculate_all_task() -> dict:
    """R-C7 nightly: every company, set-based (archive years grow with time alone)."""
    return recalculation.credit_recalculate_all(cause="nightly")


@shared_task(name="credit.recalculate_pending", acks_late=True)
def credit_recalculate_pending_task(older_than_seconds: float = 60) -> int:
    """Re-enqueue recomputations whose events are not yet reflected (lost message or a
    worker killed mid-task). Beat runs it every minute; each worker runs it on start."""
    return credit_recalculate_pending(older_than_seconds=older_than_seconds)


def enqueue_recalculation(company_id: int, cause: str) -> None:
    """Send one recomputation to the workers. A broker that cannot be reached is logged and
    left to the sweep: the event's marker stays until a recomputation has seen it."""
    try:
        credit_recalculate_task.delay(company_id, cause)
    except Exception:
        # The broker is unreachable: the marker stays and the sweep enqueues it later.
        if credit_recalculate_task.app.conf.task_always_eager:
            raise
        logger.exception("credit: could not enqueue recalculation of company %s", company_id)


def credit_recalculate_pending(*, older_than_seconds: float = 0) -> int:
    """Re-enqueue the recomputations whose markers are still there (lost message, worker
    killed mid-task). Returns how many were enqueued. Duplicates are harmless (R-C7)."""
    pending = recalculation.pending_recalculations(older_than_seconds=older_than_seconds)
    for company_id, cause in pending:
        enqueue_recalculation(company_id, cause)
    return len(pending)


@worker_ready.connect
def _sweep_when_a_worker_starts(sender=None, **kwargs) -> None:
    # A worker that starts after another was killed picks up what that one left behind.
    credit_recalculate_pending_task.delay(0)
