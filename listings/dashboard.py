"""The 我的供求信息 card of the member dashboard (registered with members.dashboard)."""

from .models import Listing
from .selectors import company_listing_counts


def dashboard_listing_counts(company) -> dict:
    counts = company_listing_counts(company)
    return {
        "listing_counts": [(v, label, counts.get(v, 0)) for v, label in Listing.Status.choices],
        "listing_total": sum(counts.values()),
    }
