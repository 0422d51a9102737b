"""Project-level tasks: a probe used by the worker integration test and `make` health checks."""

from celery import shared_task


@shared_task(name="marketplace.ping")
def ping() -> str:
    return "pong"


@shared_task(name="marketplace.noop")
def noop(listing_id: int | None = None) -> None:
    """Does nothing: the baseline the review benchmark compares its checks against."""
    return None
