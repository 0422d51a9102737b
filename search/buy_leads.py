"""Buy leads (求购信息): live demand listings, with the buyer's contacts shown to TrustPass
members only (R-M3.1), asked of `members.privileges` once per request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils.translation import gettext
from rest_framework import serializers

from listings.models import Listing, ListingImage
from marketplace.exceptions import NotFound
from members import privileges
from members.models import Company

from .results import PageNumbers
from .selectors import MAX_PAGE_SIZE, listing_search

_dt = serializers.DateTimeField()


@dataclass
class BuyLead:
    listing: Listing
    contact: dict | None  # {name, phone, email} for TrustPass viewers, else None
    masked: dict  # always: a masked preview for the page (王**, 138****8888)
    can_quote: bool

    @property
    def contact_masked(self) -> bool:
        return self.contact is None


@dataclass
class BuyLeadPage(PageNumbers):
    leads: list[BuyLead]
    count: int
    page: int
    page_size: int


def viewer_company(viewer) -> Company | None:
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return None
    return getattr(viewer, "company", None)


def mask_name(name: str) -> str:
    name = (name or "").strip()
    return (name[0] + "**") if name else ""


def mask_phone(phone: str) -> str:
    digits = (phone or "").strip()
    if len(digits) <= 4:
        return "****" if digits else ""
    keep = 3 if len(digits) >= 11 else 2
    return digits[:keep] + "****" + digits[-4:]


def mask_email(email: str) -> str:
    local, _, domain = (email or "").partition("@")
    if not domain:
        return ""
    return (local[:1] or "*") + "***@" + domain


def _contact(listing: Listing) -> dict:
    """The buyer's contacts: the listing's own, or else its company's."""
    company = listing.company
    return {
        "name": listing.contact_name or company.contact_name,
        "phone": listing.contact_phone or company.phone,
        "email": listing.contact_email or company.email,
    }


def _lead(listing: Listing, *, sees_contacts: bool, can_quote: bool) -> BuyLead:
    contact = _contact(listing)
    return BuyLead(
        listing=listing,
        contact=contact if sees_contacts else None,
        masked={
            "name": mask_name(contact["name"]),
            "phone": mask_phone(contact["phone"]),
            "email": mask_email(contact["email"]),
        },
        can_quote=can_quote,
    )


def _rights(viewer) -> tuple[bool, bool]:
    company = viewer_company(viewer)
    return (
        privileges.can_see_buy_lead_contacts(company),
        privileges.can_quote(company),
    )


def _queryset():
    return (
        Listing.objects.filter(kind=Listing.Kind.DEMAND, status=Listing.Status.LIVE)
        .select_related("company", "category")
        .prefetch_related(
            Prefetch("images", queryset=ListingImage.objects.order_by("position", "id"))
        )
    )


def buy_lead_list(
    *,
    viewer,
    q: str = "",
    category=None,
    province: str = "",
    page: int = 1,
    page_size: int = 20,
    now: datetime | None = None,
) -> BuyLeadPage:
    """Live demand listings: newest first, or in search order when `q` is given."""
    sees, quotes = _rights(viewer)
    try:
        page_size = min(MAX_PAGE_SIZE, max(1, int(page_size)))
    except (TypeError, ValueError):
        page_size = 20
    page = max(1, int(page))
    if (q or "").strip() or category:
        result = listing_search(
            q=q,
            kind=Listing.Kind.DEMAND,
            category=category,
            province=province,
            page=page,
            page_size=page_size,
            now=now,
        )
        listings = [h.listing for h in result.hits]
        count = result.count
    else:
        qs = _queryset()
        if province:
            qs = qs.filter(province=province)
        count = qs.count()
        start = (page - 1) * page_size
        # A page past the last reads nothing (and an OFFSET past bigint would be a 500).
        listings = (
            list(qs.order_by("-published_at", "-id")[start : start + page_size])
            if start < count
            else []
        )
    return BuyLeadPage(
        leads=[_lead(x, sees_contacts=sees, can_quote=quotes) for x in listings],
        count=count,
        page=page,
        page_size=page_size,
    )


def buy_lead_get_for_viewer(*, listing_id: int, viewer) -> BuyLead:
    """One live demand listing; anything else is a 404."""
    listing = _queryset().filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(gettext("该求购信息不存在或已下架。"))
    sees, quotes = _rights(viewer)
    return _lead(listing, sees_contacts=sees, can_quote=quotes)


def lead_json(lead: BuyLead, *, detail: bool = False) -> dict:
    x = lead.listing
    data = {
        "id": x.pk,
        "title": x.title,
        "keyword": x.keyword,
        "category": x.category.slug if x.category_id else None,
        "quantity": x.min_order,
        "unit": x.unit,
        "price": str(x.price) if x.price is not None else None,
        "province": x.province or x.company.province,
        "published_at": _dt.to_representation(x.published_at) if x.published_at else None,
        "expires_at": _dt.to_representation(x.expires_at) if x.expires_at else None,
        "company": {"member_id": x.company.member_id, "name": x.company.name},
        "contact": lead.contact,
        "contact_masked": lead.contact_masked,
        "can_quote": lead.can_quote,
        "url": f"/buy-leads/{x.pk}/",
    }
    if lead.contact is None:
        data["contact_hint"] = gettext(
            "联系方式仅对诚信通会员开放，开通诚信通后即可查看并报价（/trustpass/）。"
        )
    if detail:
        data["description"] = x.description
        data["brand"], data["model"], data["spec"] = x.brand, x.model, x.spec
        data["quotes_url"] = f"/api/v1/buy-leads/{x.pk}/quotes/"
    return data
