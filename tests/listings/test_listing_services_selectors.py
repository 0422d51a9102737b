"""Listing selectors against PostgreSQL: counts, the review queue, time to live."""

from datetime import timedelta

import pytest
from django.utils import timezone

from listings import selectors
from listings.models import Listing
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db
Status = Listing.Status


# --- selectors --------------------------------------------------------------------------------------


def test_company_listing_counts(company, category):
    ListingFactory.create_batch(2, company=company, category=category)
    ListingFactory(company=company, category=category, status=Status.REJECTED)
    ListingFactory(category=category)  # someone else's
    counts = selectors.company_listing_counts(company)
    assert counts["live"] == 2 and counts["rejected"] == 1
    assert counts["draft"] == counts["pending_review"] == counts["expired"] == 0
    assert set(counts) == set(Status.values)
    assert selectors.company_listing_counts(None)["live"] == 0


def test_review_queue_is_ordered_by_deadline(company):
    now = timezone.now()
    late = ListingFactory(
        company=company, status=Status.PENDING_REVIEW, review_deadline=now + timedelta(hours=2)
    )
    soon = ListingFactory(
        company=company, status=Status.PENDING_REVIEW, review_deadline=now + timedelta(minutes=5)
    )
    ListingFactory(company=company)  # live, not in the queue
    assert list(selectors.review_queue()) == [soon, late]


def test_time_to_live_median_and_p95_of_the_last_7_days(company):
    now = timezone.now()
    for minutes in range(1, 21):  # 1..20 minutes
        ListingFactory(
            company=company,
            submitted_at=now - timedelta(hours=1),
            went_live_at=now - timedelta(hours=1) + timedelta(minutes=minutes),
        )
    ListingFactory(  # went live 8 days ago: outside the window
        company=company,
        submitted_at=now - timedelta(days=8, hours=5),
        went_live_at=now - timedelta(days=8),
    )
    stats = selectors.time_to_live_stats(now=now)
    assert stats["count"] == 20
    assert stats["median_seconds"] == 10.5 * 60
    assert stats["p95_seconds"] == 19 * 60
