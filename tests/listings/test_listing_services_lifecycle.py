"""Listing services against PostgreSQL: create and validate (R-L1), lifecycle of a live
listing: edit, refresh, withdraw, expire (R-L2)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from listings import services
from listings.exceptions import (
    InvalidListing,
    InvalidTransition,
    NoCompany,
    RefreshTooSoon,
)
from listings.models import Listing
from tests.factories import ListingFactory
from tests.listings.helpers import live_listing
from tests.listings.listing_factories import listing_values

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
Status = Listing.Status


# --- create and validate (R-L1) ----------------------------------------------------------------


def test_create_makes_a_draft_with_every_field(company, category):
    listing = services.listing_create(
        company=company,
        **listing_values(
            category,
            price="10.00",
            price_max="12.50",
            price_tiers=[{"min_qty": 1, "price": "12"}, {"min_qty": 100, "price": "10"}],
            validity_days=90,
            province="江苏",
            city="无锡",
        ),
    )
    listing.refresh_from_db()
    assert listing.status == Status.DRAFT
    assert listing.price_tiers == [
        {"min_qty": 1, "price": "12.00"},
        {"min_qty": 100, "price": "10.00"},
    ]
    assert (listing.province, listing.city, listing.validity_days) == ("江苏", "无锡", 90)
    assert listing.title_key == "不锈钢无缝钢管"


def test_location_defaults_to_the_company(company, category):
    listing = services.listing_create(company=company, **listing_values(category))
    assert (listing.province, listing.city) == (company.province, company.city)


def test_demand_listing_takes_company_contacts_by_default(company, category):
    listing = services.listing_create(
        company=company, **listing_values(category, kind="demand", title="求购无缝钢管")
    )
    assert listing.contact_name == company.contact_name
    assert listing.contact_phone == company.phone


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"price": "12", "price_max": "10"}, "price_max"),
        ({"fixed_price": True, "price": None}, "price"),
        ({"price": "0"}, "price"),
        ({"validity_days": 15}, "validity_days"),
        ({"title": ""}, "title"),
        ({"title": "钢" * 61}, "title"),
        (
            {"price_tiers": [{"min_qty": 100, "price": "10"}, {"min_qty": 100, "price": "9"}]},
            "price_tiers",
        ),
        ({"price_tiers": [{"min_qty": 0, "price": "10"}]}, "price_tiers"),
        ({"contact_email": "not-an-email", "kind": "demand"}, "contact_email"),
    ],
)
def test_invalid_values_are_refused_with_a_field_message(company, category, overrides, field):
    with pytest.raises(InvalidListing) as exc:
        services.listing_create(company=company, **listing_values(category, **overrides))
    assert field in exc.value.fields
    assert Listing.objects.count() == 0


def test_a_first_level_category_with_children_is_refused(company, category):
    with pytest.raises(InvalidListing) as exc:
        services.listing_create(company=company, **listing_values(category.parent))
    assert "二级类目" in exc.value.fields["category"][0]


def test_no_company_no_listing(category):
    with pytest.raises(NoCompany):
        services.listing_create(company=None, **listing_values(category))


# --- live listings: edit, refresh, withdraw, expire (R-L2) ---------------------------------------


def test_edit_of_a_live_listing_goes_back_to_review_and_leaves_search(
    company, category, django_capture_on_commit_callbacks, reindexed
):
    listing = live_listing(company, category)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_update(listing=listing, price="13000")
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW
    assert reindexed == [listing.pk]


def test_saving_a_live_listing_unchanged_keeps_it_live(company, category):
    listing = live_listing(company, category)
    services.listing_update(listing=listing, title=listing.title)
    listing.refresh_from_db()
    assert listing.status == Status.LIVE


def test_refresh_once_a_calendar_day(
    company, category, reindexed, django_capture_on_commit_callbacks
):
    listing = live_listing(company, category)
    first_published = listing.first_published_at
    evening = datetime(2026, 3, 10, 23, 59, tzinfo=SH)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_refresh(listing=listing, now=evening)
    assert listing.published_at == evening == listing.refreshed_at
    with pytest.raises(RefreshTooSoon) as exc:
        services.listing_refresh(listing=listing, now=evening + timedelta(seconds=30))
    assert exc.value.status_code == 409
    midnight = datetime(2026, 3, 11, 0, 0, tzinfo=SH)
    services.listing_refresh(listing=listing, now=midnight)
    listing.refresh_from_db()
    assert listing.published_at == midnight
    assert listing.first_published_at == first_published
    assert listing.status == Status.LIVE
    assert reindexed == [listing.pk]


def test_only_live_listings_are_refreshed(company, category):
    listing = ListingFactory(company=company, category=category, status=Status.REJECTED)
    with pytest.raises(InvalidTransition):
        services.listing_refresh(listing=listing)


def test_withdraw_takes_a_live_listing_off_search(
    company, category, django_capture_on_commit_callbacks, reindexed
):
    listing = live_listing(company, category)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_withdraw(listing=listing)
    assert listing.status == Status.WITHDRAWN and listing.withdrawn_at
    assert reindexed == [listing.pk]
    with pytest.raises(InvalidTransition):
        services.listing_withdraw(listing=listing)


def test_withdrawn_listing_can_be_submitted_again(
    company, category, django_capture_on_commit_callbacks
):
    listing = live_listing(company, category, status=Status.WITHDRAWN)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_submit(listing=listing)
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW


def test_expiry_at_the_end_of_validity(
    company, category, django_capture_on_commit_callbacks, reindexed
):
    now = timezone.now()
    due = live_listing(company, category)
    due.expires_at = now
    due.save()
    not_yet = live_listing(company, category, title="碳钢钢管")
    not_yet.expires_at = now + timedelta(seconds=1)
    not_yet.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.listing_expire_due(now=now) == 1
    due.refresh_from_db()
    not_yet.refresh_from_db()
    assert (due.status, not_yet.status) == (Status.EXPIRED, Status.LIVE)
    assert reindexed == [due.pk]
    assert services.listing_expire(listing_id=due.pk, now=now) is False


def test_expire_beat_task_is_scheduled(settings):
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "listings.listing_expire_due" in entries
