"""Celery tasks of listings: thin, take ids, call the service of the same name, safe to run
twice (the services check the review round and the status under a row lock)."""

from __future__ import annotations

from celery import shared_task

from . import services
from .review import services as review_services


@shared_task(
    name="listings.listing_review",
    ignore_result=True,
    autoretry_for=(ConnectionError,),
    max_retries=3,
    retry_backoff=True,
)
def listing_review(listing_id: int, review_round: int) -> str:
    """R-L3: the automatic checks of one review round."""
    return review_services.listing_review(listing_id=listing_id, review_round=review_round)


@shared_task(
    name="listings.listing_rejection_email",
    ignore_result=True,
    autoretry_for=(ConnectionError, OSError),
    max_retries=5,
    retry_backoff=True,
)
def listing_rejection_email(listing_id: int, review_round: int) -> bool:
    """R-L3: tell the seller by e-mail why a listing was rejected (once per round)."""
    return review_services.listing_rejection_email_send(
        listing_id=listing_id, review_round=review_round
    )


@shared_task(name="listings.listing_expire_due", ignore_result=True)
def listing_expire_due() -> int:
    """R-L2: the beat task that expires live listings at the end of their validity."""
    return services.listing_expire_due()


@shared_task(name="listings.listing_review_sweep", ignore_result=True)
def listing_review_sweep() -> int:
    """R-L3: run again the reviews whose message or commit was lost (beat, every minute)."""
    return review_services.listing_review_sweep()
