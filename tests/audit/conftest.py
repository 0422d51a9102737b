"""Fixtures of the audit log and staff console tests (issue 15)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from listings.models import Listing, ListingCheck
from listings.review import checks
from tests.factories import CompanyFactory, ListingFactory, UserFactory

# The trade fixtures (an escrow listing, orders driven through the services).
from tests.trade.conftest import (  # noqa: F401
    buyer_user,
    credit_calls,
    listing,
    make_order,
    seller_user,
)


@pytest.fixture
def staff(db):
    """A superuser staff account (the admin's usual moderator in these tests)."""
    return UserFactory(
        username="moderator", is_staff=True, is_superuser=True, company=CompanyFactory()
    )


@pytest.fixture
def admin_client(staff):
    client = Client()
    client.force_login(staff)
    return client


def pending_listing(deadline_minutes: int = 10, failed=(), **kw) -> Listing:
    """A pending listing whose automatic checks ran (all passed unless `failed`)."""
    now = timezone.now()
    row = ListingFactory(
        status=Listing.Status.PENDING_REVIEW,
        submitted_at=now - timedelta(minutes=30),
        review_deadline=now + timedelta(minutes=deadline_minutes),
        published_at=None,
        first_published_at=None,
        checked_at=now,
        **kw,
    )
    for code in checks.CHECK_CODES:
        ListingCheck.objects.create(
            listing=row,
            code=code,
            passed=code not in failed,
            detail="不合格" * (code in failed),
        )
    return row
