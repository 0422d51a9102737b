"""Template helpers of escrow trades: `{% load trade_tags %}`."""

from django import template

from trade import pricing, selectors
from trade import state_machine as sm

register = template.Library()


@register.filter
def orderable(listing) -> bool:
    """R-T1: the listing can be ordered online (fixed price, escrow, live supply)."""
    if listing is None:
        return False
    return pricing.is_orderable(
        kind=listing.kind,
        status=listing.status,
        fixed_price=listing.fixed_price,
        supports_escrow=listing.supports_escrow,
        price=listing.price,
        price_max=listing.price_max,
    )


@register.filter
def order_status_label(status: str) -> str:
    return sm.STATUS_LABELS.get(status, status)


@register.simple_tag
def order_counts(company) -> dict:
    return selectors.order_counts_for_company(company=company)
