"""Listing statistics (R-L5): views once per visitor per day, not owner, staff or bots.

The inquiries issue fills this in; the listing detail view calls it.
"""

from __future__ import annotations


def listing_view_record(*, listing, request) -> bool:
    """Count one view of `listing` by this request's visitor; True when it counted."""
    return False
