"""Celery tasks of search (R-S1–R-S3): thin, take ids, call `search.index`, safe to run twice
(a reindex writes what the listing is now, whatever ran before).

Task names keep the `listings.` prefix where the task existed before search was its own
app, so messages queued by the previous release still find their task.
"""

from celery import shared_task

from . import index

_RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 8,
    "ignore_result": True,
}


@shared_task(name="search.listing_reindex", **_RETRY)
def search_listing_reindex(listing_id: int) -> None:
    """Rebuild one listing's search documents and stored keys (published, edited, …)."""
    index.listing_reindex(listing_id=listing_id)


@shared_task(name="search.company_reindex", **_RETRY)
def search_company_reindex(company_id: int) -> int:
    """R-S2 key 2: a company's membership changed; store its live listings' keys again."""
    return index.company_reindex(company_id=company_id)


@shared_task(name="listings.search_refresh_rank_keys", ignore_result=True)
def search_refresh_rank_keys() -> int:
    """Store the keys that ran out (3-day windows over, TrustPass runs ended or started).
    Idempotent; searches are exact without it, only slower for the rows it has not done."""
    return index.refresh_stale_rank_keys()


@shared_task(name="search.index_sweep", ignore_result=True)
def search_index_sweep() -> int:
    """Beat: reindex live listings whose search document is missing or older than the
    listing (a reindex task lost with the broker, or failed for good)."""
    return index.listing_reindex_stale()
