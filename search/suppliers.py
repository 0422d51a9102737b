"""Supplier search (API.md `GET /api/v1/suppliers/?q=`, the search page's 供应商 tab):
companies by name, main products (主营产品) and summary.

Matching: the query is cut into terms as a listing search cuts it (`search.tokenize`:
normalised, case-folded, split at spaces and punctuation); a company matches when every term
occurs, as typed, in its name, main products or summary (`钢管` finds 杭州钢管有限公司 and a
company whose main products are 无缝钢管). Substrings, not words: companies are few next to
listings, and a name is short, so a plain scan is quick enough and finds what a buyer types.

Order: TrustPass members now first (R-M3.4 ranking priority, R-M2 at today's date), then
companies whose name holds every term, then credit score (R-C6) high to low, then member ID.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.utils import timezone

from listings.models import Listing
from members.models import Company

from .results import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageNumbers, trustpass_day
from .tokenize import Query, highlight_spans, parse_query

FIELDS = ("name", "main_products", "summary")
SHOWN = (
    "id",
    "member_id",
    "name",
    "main_products",
    "summary",
    "province",
    "city",
    "verified",
    "credit_score",
)


@dataclass
class SupplierHit:
    company: Company
    trustpass: bool
    live_listings: int = 0  # live supply listings
    name_parts: list = field(default_factory=list)


@dataclass
class SupplierPage(PageNumbers):
    query: Query
    hits: list[SupplierHit]
    count: int
    page: int
    page_size: int


def _matching(query: Query) -> Q:
    condition = Q()
    for term in query.terms:
        any_field = Q()
        for name in FIELDS:
            any_field |= Q(**{f"{name}__icontains": term.text})
        condition &= any_field
    return condition


def supplier_search(
    *,
    q: str | None = "",
    province: str = "",
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
    now=None,
) -> SupplierPage:
    """One page of the companies matching `q` (every term), TrustPass first."""
    try:
        page = max(1, int(page))
    except (TypeError, ValueError):
        page = 1
    try:
        page_size = min(MAX_PAGE_SIZE, max(1, int(page_size)))
    except (TypeError, ValueError):
        page_size = DEFAULT_PAGE_SIZE
    query = parse_query(q)
    if query.empty and (q or "").strip():  # only punctuation or symbols: nothing can match
        return SupplierPage(query=query, hits=[], count=0, page=page, page_size=page_size)
    qs = Company.objects.filter(_matching(query))
    if province:
        qs = qs.filter(province=province.strip()[:20])
    count = qs.count()
    in_name = Q()
    for term in query.terms:
        in_name &= Q(name__icontains=term.text)
    name_hit = (
        Case(When(in_name, then=Value(True)), default=Value(False))
        if in_name
        else Value(False, output_field=BooleanField())
    )
    ordered = (
        qs.with_trustpass(trustpass_day(now or timezone.now()))
        .annotate(name_hit=name_hit)
        .only(*SHOWN)
        .order_by("-trustpass_now", "-name_hit", "-credit_score", "member_id")
    )
    start = (page - 1) * page_size
    companies = list(ordered[start : start + page_size]) if count > start else []
    live = dict(
        Listing.objects.filter(
            company__in=[c.pk for c in companies],
            status=Listing.Status.LIVE,
            kind=Listing.Kind.SUPPLY,
        )
        .order_by()
        .values_list("company_id")
        .annotate(n=Count("id"))
    )
    hits = [
        SupplierHit(
            company=c,
            trustpass=c.trustpass_now,
            live_listings=live.get(c.pk, 0),
            name_parts=highlight_spans(c.name, query),
        )
        for c in companies
    ]
    return SupplierPage(query=query, hits=hits, count=count, page=page, page_size=page_size)


def supplier_json(hit: SupplierHit) -> dict:
    c = hit.company
    return {
        "member_id": c.member_id,
        "name": c.name,
        "is_trustpass": hit.trustpass,
        "verified": c.verified,
        "credit_score": c.credit_score,
        "province": c.province,
        "city": c.city,
        "main_products": c.main_products,
        "url": f"/companies/{c.member_id}/",
    }
