"""JSON API of search and buy leads (API.md, section Search and buy leads)."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import buy_leads
from .params import api_price_range, api_text, page_number
from .schema import (
    BUY_LEAD_PARAMETERS,
    ESCROW_ONLY,
    FIXED_PRICE_ONLY,
    SEARCH_PARAMETERS,
    SORT,
    SUPPLIER_PARAMETERS,
    TRUSTPASS_ONLY,
    VERIFIED_ONLY,
    BuyLeadDetailSerializer,
    BuyLeadPageSerializer,
    SearchPageSerializer,
    SupplierPageSerializer,
)
from .selectors import SearchHit, SearchPage, listing_search
from .suppliers import supplier_json, supplier_search


def _iso(value, tz) -> str | None:
    """What DRF's DateTimeField gives (ISO 8601 in the current time zone, `Z` for UTC), with
    the time zone looked up once per response rather than once per field."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _page_number(request) -> int:
    raw = request.query_params.get("page", "1")
    number = page_number(raw)
    if number is None:
        if raw.isascii() and raw.isdigit() and raw.strip("0"):
            raise NotFound(gettext("页码超出范围。"))
        raise NotFound(gettext("页码无效，请从 1 开始。"))
    return number


def _links(request, page: int, has_next: bool) -> tuple[str | None, str | None]:
    def url(n: int) -> str:
        params = request.query_params.copy()
        params["page"] = str(n)
        return request.build_absolute_uri(request.path + "?" + params.urlencode())

    return (url(page + 1) if has_next else None, url(page - 1) if page > 1 else None)


def hit_json(hit: SearchHit, tz=None) -> dict:
    listing = hit.listing
    company = listing.company
    return {
        "id": listing.pk,
        "kind": listing.kind,
        "title": listing.title,
        "keyword": listing.keyword,
        "match_level": hit.match_level,
        "demoted": hit.demoted,
        "company": {
            "member_id": company.member_id,
            "name": company.name,
            "is_trustpass": hit.trustpass,
            "verified": company.verified,
            "credit_score": company.credit_score,
        },
        "fixed_price": listing.fixed_price,
        "supports_escrow": listing.supports_escrow,
        "price": str(listing.price) if listing.price is not None else None,
        "price_max": str(listing.price_max) if listing.price_max is not None else None,
        "unit": listing.unit,
        "min_order": listing.min_order,
        "province": listing.province or company.province,
        "category": listing.category.slug if listing.category_id else None,
        "published_at": _iso(listing.published_at, tz or timezone.get_current_timezone()),
        "image": hit.image_url,
        "url": f"/listings/{listing.pk}/",
    }


def page_json(request, result: SearchPage, items: list[dict]) -> dict:
    nxt, prev = _links(request, result.page, result.has_next)
    return {
        "count": result.count,
        "count_capped": result.capped,
        "next": nxt,
        "previous": prev,
        "results": items,
    }


class SearchApi(APIView):
    """GET /api/v1/search/?q=&kind=supply|demand&category=&province=&trustpass=1&fixed_price=1
    &escrow=1&verified=1&price_min=&price_max=&sort=default|newest|price_asc|price_desc
    &page=&page_size= — live listings in R-S2/R-S3 order, or by the chosen key (R-S1–R-S3)."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="search_list", parameters=SEARCH_PARAMETERS, responses=SearchPageSerializer
    )
    def get(self, request):
        p = request.query_params
        q, kind = api_text(p, "q"), api_text(p, "kind")
        category, province = api_text(p, "category"), api_text(p, "province")
        price_min, price_max = api_price_range(p)
        page = _page_number(request)
        result = listing_search(
            q=q,
            kind=kind or "supply",
            category=category or None,
            province=province,
            trustpass_only=TRUSTPASS_ONLY.read(request),
            fixed_price_only=FIXED_PRICE_ONLY.read(request),
            escrow_only=ESCROW_ONLY.read(request),
            verified_only=VERIFIED_ONLY.read(request),
            price_min=price_min,
            price_max=price_max,
            sort=SORT.read(request),
            page=page,
            page_size=p.get("page_size", 20),
        )
        if page > result.num_pages:
            raise NotFound(gettext("页码超出范围。"))
        tz = timezone.get_current_timezone()
        return Response(page_json(request, result, [hit_json(h, tz) for h in result.hits]))


class SupplierSearchApi(APIView):
    """GET /api/v1/suppliers/?q=&province=&page=&page_size= — companies by name, main
    products and summary, TrustPass first (search.suppliers)."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="suppliers_list",
        parameters=SUPPLIER_PARAMETERS,
        responses=SupplierPageSerializer,
    )
    def get(self, request):
        p = request.query_params
        page = _page_number(request)
        result = supplier_search(
            q=api_text(p, "q"),
            province=api_text(p, "province"),
            page=page,
            page_size=p.get("page_size", 20),
        )
        if page > result.num_pages:
            raise NotFound(gettext("页码超出范围。"))
        nxt, prev = _links(request, result.page, result.has_next)
        return Response(
            {
                "count": result.count,
                "next": nxt,
                "previous": prev,
                "results": [supplier_json(hit) for hit in result.hits],
            }
        )


class BuyLeadListApi(APIView):
    """GET /api/v1/buy-leads/ — live demand listings; contacts for TrustPass callers only."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="buy_leads_list",
        parameters=BUY_LEAD_PARAMETERS,
        responses=BuyLeadPageSerializer,
    )
    def get(self, request):
        p = request.query_params
        q, category, province = api_text(p, "q"), api_text(p, "category"), api_text(p, "province")
        page = _page_number(request)
        result = buy_leads.buy_lead_list(
            viewer=request.user,
            q=q,
            category=category or None,
            province=province,
            page=page,
            page_size=p.get("page_size", 20),
        )
        if page > result.num_pages:
            raise NotFound(gettext("页码超出范围。"))
        nxt, prev = _links(request, result.page, result.has_next)
        return Response(
            {
                "count": result.count,
                "next": nxt,
                "previous": prev,
                "results": [buy_leads.lead_json(lead) for lead in result.leads],
            }
        )


class BuyLeadDetailApi(APIView):
    """GET /api/v1/buy-leads/{id}/ — one live demand listing (R-M3.1)."""

    permission_classes = [AllowAny]

    @extend_schema(operation_id="buy_leads_retrieve", responses=BuyLeadDetailSerializer)
    def get(self, request, pk: int):
        lead = buy_leads.buy_lead_get_for_viewer(listing_id=pk, viewer=request.user)
        return Response(buy_leads.lead_json(lead, detail=True))


def health(request):
    """A trivial JSON endpoint (the search benchmark's same-server baseline)."""
    return JsonResponse({"ok": True})
