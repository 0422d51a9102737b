"""Template tags of the inquiries area, used by the partials other pages include:
`_inquiry_box.html` (listing page), `_quote_box.html` (buy-lead page),
`_dashboard_stats.html` (dashboard) and `_response_stats.html` (storefront, credit archive).
"""

from django import template

from inquiries import selectors
from inquiries.forms import InquiryForm, QuoteForm, ReportForm
from members import privileges

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def inquiry_box_data(context, listing):
    """What the listing page's inquiry box shows to this visitor."""
    user = _user(context)
    signed_in = bool(user and user.is_authenticated)
    company_id = getattr(user, "company_id", None) if signed_in else None
    is_owner = bool(listing is not None and company_id and company_id == listing.company_id)
    data = {
        "listing": listing,
        "signed_in": signed_in,
        "is_owner": is_owner,
        "is_live": listing is not None and listing.status == "live",
        "is_supply": listing is not None and listing.kind == "supply",
        "favourite": selectors.favourite_of(user=user, listing=listing) if signed_in else None,
        "counts": selectors.listing_counts(listing) if is_owner else None,
        "form": InquiryForm(initial={"quantity": getattr(listing, "min_order", None)}),
        "report_form": ReportForm(),
    }
    return data


@register.simple_tag(takes_context=True)
def quote_box_data(context, lead=None):
    """What the buy-lead page's quotation box shows: a form for TrustPass members, the
    TrustPass notice for others (R-M3.1). The lead is `lead` or else `listing` of the
    including page."""
    if lead is None:
        lead = context.get("lead") or context.get("listing")
    user = _user(context)
    signed_in = bool(user and user.is_authenticated)
    company = getattr(user, "company", None) if signed_in else None
    return {
        "lead": lead,
        "signed_in": signed_in,
        "is_owner": bool(company and lead is not None and company.pk == lead.company_id),
        "can_quote": privileges.can_quote(company),
        "form": QuoteForm(),
        "quote_count": selectors.quotes_on(lead).count() if lead is not None else 0,
    }


@register.simple_tag
def dashboard_stats_data(company):
    if company is None:
        return None
    return {
        "summary": selectors.company_stats_summary(company),
        "response": selectors.company_response_stats(company),
        "images": selectors.company_image_share(company),
        "unread": selectors.inbox_unread_count(company),
    }


@register.simple_tag
def response_stats(company):
    """`{% response_stats company as rs %}`: response rate and median first response."""
    return selectors.company_response_stats(company) if company is not None else None
