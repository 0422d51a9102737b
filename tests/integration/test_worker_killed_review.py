"""Issue 17, item 6: a worker killed with SIGKILL in the middle of a listing review loses
nothing. Its message stays unacknowledged until the broker's visibility timeout, so the
review sweep (`listing_review_sweep`, beat every minute) queues the round again and another
worker finishes it: the listing is checked once, with one set of check results."""

import os
import signal
from datetime import timedelta

import psycopg2
import pytest
from django.db import connection
from django.utils import timezone

from listings.models import Listing, ListingCheck
from listings.review import services as review_services
from listings.tasks import listing_review
from tests.factories import ListingFactory
from tests.integration.conftest import start_worker, wait_for, wait_ready
from tests.listings.listing_factories import leaf_category

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _raw_connection():
    s = connection.settings_dict
    return psycopg2.connect(
        dbname=s["NAME"],
        user=s.get("USER") or "postgres",
        password=s.get("PASSWORD") or None,
        host=s.get("HOST") or "127.0.0.1",
        port=s.get("PORT") or 5432,
    )


def _worker_waits_on_the_listing() -> bool:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s",
            ["%listings_listing%"],
        )
        return cur.fetchone()[0] > 0


def test_worker_killed_mid_review_the_sweep_finishes_the_round(celery_worker, tmp_path):
    listing = ListingFactory(
        category=leaf_category(),
        status=Listing.Status.PENDING_REVIEW,
        review_round=1,
        submitted_at=timezone.now() - timedelta(minutes=5),
        checked_at=None,
        published_at=None,
    )
    blocker = _raw_connection()
    try:
        # Lock the listings table: the worker takes the message and waits at its first read
        # of the round, before it has stored anything. (The store itself is one statement: a
        # worker killed while that statement runs has done the work; nothing to lose there.)
        with blocker.cursor() as cur:
            cur.execute("LOCK TABLE listings_listing IN ACCESS EXCLUSIVE MODE")
        listing_review.delay(listing.pk, 1)
        log = celery_worker["log"]
        assert wait_for(_worker_waits_on_the_listing, timeout=10), log.read_text()[-3000:]
        os.kill(celery_worker["process"].pid, signal.SIGKILL)
        celery_worker["process"].wait(timeout=10)
    finally:
        blocker.rollback()
        blocker.close()

    # The killed worker committed nothing: the round is still unchecked.
    listing.refresh_from_db()
    assert listing.checked_at is None and not ListingCheck.objects.filter(listing=listing)

    assert review_services.listing_review_sweep(older_than_seconds=60) == 1
    second = start_worker(celery_worker["queue"], tmp_path / "worker2.log")
    try:
        wait_ready(celery_worker["queue"])
        checked = wait_for(
            lambda: Listing.objects.filter(pk=listing.pk, checked_at__isnull=False).exists(),
            timeout=10,
        )
        assert checked, (tmp_path / "worker2.log").read_text(errors="replace")[-3000:]
        listing.refresh_from_db()
        assert listing.status == Listing.Status.PENDING_REVIEW  # waits for staff
        assert ListingCheck.objects.filter(listing=listing).count() == 5
        # Nothing left for the sweep: a second run queues nothing.
        assert review_services.listing_review_sweep(older_than_seconds=60) == 0
    finally:
        second.terminate()
        second.wait(timeout=15)
