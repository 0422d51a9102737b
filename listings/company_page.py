"""The 供求信息 section of the public company page (registered with members.company_page):
the company's live listings with their first picture, 12 to a page."""

from django.core.paginator import Paginator

from .selectors import company_live_listings

LISTINGS_PER_PAGE = 12


def company_listings_section(company, request) -> dict:
    page = Paginator(company_live_listings(company), LISTINGS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return {"listing_page": page}
