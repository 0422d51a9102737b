"""Helpers shared by the listing service tests: a submitted and a live listing."""

from datetime import timedelta

from django.utils import timezone

from listings import services
from tests.factories import ListingFactory
from tests.listings.listing_factories import listing_values


def submit(company, category, capture, **overrides):
    """Create and submit; the review task runs (eagerly) once the transaction commits."""
    with capture(execute=True):
        listing = services.listing_create(
            company=company, submit=True, **listing_values(category, **overrides)
        )
    listing.refresh_from_db()
    return listing


def live_listing(company, category, **kw):
    now = timezone.now()
    return ListingFactory(
        company=company,
        category=category,
        published_at=now - timedelta(days=2),
        expires_at=now + timedelta(days=28),
        **kw,
    )
