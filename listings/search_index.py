"""Keeps the search document and the stored ranking keys of listings current (R-S1–R-S3).

Called by the listing services (publish, edit, refresh, withdraw, expire) and on membership
changes. The search issue implements these; until then they do nothing.
"""

from __future__ import annotations


def listing_reindex(*, listing_id: int) -> None:
    """Rebuild one listing's search document and stored ranking keys."""


def company_reindex(*, company_id: int) -> None:
    """Rebuild the stored keys of every live listing of a company (membership changed)."""
