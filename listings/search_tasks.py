"""Celery tasks of search (R-S2): keys that change with time alone."""

from celery import shared_task


@shared_task(name="listings.search_refresh_rank_keys")
def search_refresh_rank_keys() -> int:
    """Store the keys that ran out (3-day windows over, TrustPass runs ended or started).
    Idempotent; searches are exact without it, only slower for the rows it has not done."""
    from .search_index import refresh_stale_rank_keys

    return refresh_stale_rank_keys()
