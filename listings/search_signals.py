"""Connects membership changes to the stored TrustPass ranking key (R-S2 key 2)."""

from members.signals import membership_changed


def _on_membership_changed(sender, company_id: int, **kwargs) -> None:
    from .search_index import company_reindex

    company_reindex(company_id=company_id)


membership_changed.connect(_on_membership_changed, dispatch_uid="listings.search.membership")
