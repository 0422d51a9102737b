"""Celery tasks of listings: thin, take ids, call the service of the same name, safe to run
twice (the services check the review round and the status under a row lock)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services
from .review import services as review_services


@shared_task(
    name="listings.listing_review",
    ignore_result=True,
    # A database blip is retried after 1, 2, 4 s (the round check makes a rerun harmless),
    # rather than waiting for the review sweep.
    autoretry_for=(ConnectionError, OperationalError),
    max_retries=3,
    retry_backoff=True,
)
def listing_review(listing_id: int, review_round: int) -> str:
    """R-L3: the automatic checks of one review round."""
    return review_services.listing_review(listing_id=listing_id, review_round=review_round)


@shared_task(name="listings.listing_expire_due", ignore_result=True)
def listing_expire_due() -> int:
    """R-L2: the beat task that expires live listings at the end of their validity."""
    return services.listing_expire_due()


@shared_task(name="listings.listing_expiring_notify_due", ignore_result=True)
def listing_expiring_notify_due() -> int:
    """The beat task that tells owners, once, that a live listing expires in 3 days."""
    return services.listing_expiring_notify_due()


@shared_task(name="listings.listing_review_sweep", ignore_result=True)
def listing_review_sweep() -> int:
    """R-L3: run again the reviews whose message or commit was lost (beat, every minute)."""
    return review_services.listing_review_sweep()
