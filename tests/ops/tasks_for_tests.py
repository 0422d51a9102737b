"""Tasks that exist only in the test process (the worker does not know them)."""

from celery import shared_task

CALLS: list[tuple] = []
FAIL = {"times": 0}


class Flaky(Exception):
    pass


@shared_task(name="tests.ops.flaky", autoretry_for=(Flaky,), max_retries=2, retry_backoff=True)
def flaky(item: int, *, label: str = "") -> str:
    """Fails while FAIL["times"] > 0 (each call spends one), then succeeds."""
    CALLS.append((item, label))
    if FAIL["times"] > 0:
        FAIL["times"] -= 1
        raise Flaky(f"still failing ({FAIL['times']} to go)")
    return f"ok {item} {label}"
