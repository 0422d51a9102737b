"""Answers listings' signals: a shown listing page counts a view (R-L5)."""

from listings.signals import listing_displayed

from . import stats


def _on_listing_displayed(sender, listing, request, **kwargs) -> None:
    stats.listing_view_record(listing=listing, request=request)


listing_displayed.connect(_on_listing_displayed, dispatch_uid="inquiries.listing_displayed")
