"""Pages of search, category browsing and buy leads (R-S1–R-S3, R-M3.1). Thin: they read
the request, call the selectors and render."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from listings.models import Category, Listing
from listings.selectors import category_tree
from marketplace.exceptions import NotFound

from . import buy_leads
from .params import page_number, page_text
from .selectors import listing_search

PROVINCES = [
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "台湾",
]
PAGE_SIZE = 20


def _page_number(request) -> int:
    return page_number(request.GET.get("page", "1")) or 1


def _pager(result) -> SimpleNamespace:
    """What templates/partials/pagination.html needs (a Django Page look-alike)."""
    return SimpleNamespace(
        number=result.page,
        has_previous=result.has_previous,
        has_next=result.has_next,
        previous_page_number=result.page - 1,
        next_page_number=result.page + 1,
        paginator=SimpleNamespace(num_pages=result.num_pages, count=result.count),
    )


def _params(request) -> dict:
    g = request.GET
    kind = g.get("kind") if g.get("kind") in Listing.Kind.values else Listing.Kind.SUPPLY
    province = g.get("province", "")
    return {
        "q": page_text(g, "q")[:200],
        "kind": kind,
        "category": page_text(g, "category"),
        "province": province if province in PROVINCES else "",
        "trustpass_only": g.get("tp") == "1",
        "fixed_price_only": g.get("fixed") == "1",
    }


def _suggestions(params: dict, result) -> list[dict]:
    """Ways out of an empty result: fewer or shorter words, no filters, the other kind."""
    out = []
    base = {"kind": params["kind"]}
    terms = [t.text for t in result.query.terms]
    if len(terms) > 1:
        for t in terms:
            out.append({"label": t, "url": "/search/?" + urlencode({**base, "q": t})})
    elif terms and len(terms[0]) > 2:
        short = terms[0][:2]
        out.append({"label": short, "url": "/search/?" + urlencode({**base, "q": short})})
    if (
        params["category"]
        or params["province"]
        or params["trustpass_only"]
        or params["fixed_price_only"]
    ):
        out.append(
            {
                "label": "去掉筛选条件",
                "url": "/search/?" + urlencode({**base, "q": params["q"]}),
            }
        )
    other = "demand" if params["kind"] == "supply" else "supply"
    out.append(
        {
            "label": "在求购信息中搜索" if other == "demand" else "在供应信息中搜索",
            "url": "/search/?" + urlencode({"kind": other, "q": params["q"]}),
        }
    )
    return out


def search(request):
    """/search/?q=&kind=&category=&province=&tp=1&fixed=1&page="""
    params = _params(request)
    result = listing_search(
        q=params["q"],
        kind=params["kind"],
        category=params["category"] or None,
        province=params["province"],
        trustpass_only=params["trustpass_only"],
        fixed_price_only=params["fixed_price_only"],
        page=_page_number(request),
        page_size=PAGE_SIZE,
    )
    return render(
        request,
        "search/search.html",
        {
            "result": result,
            "page_obj": _pager(result),
            "params": params,
            "categories": category_tree(),
            "provinces": PROVINCES,
            "suggestions": _suggestions(params, result) if not result.hits else [],
        },
    )


def category(request, slug: str):
    """/categories/<slug>/: live listings of a category (and its subcategories)."""
    cat = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    params = _params(request)
    result = listing_search(
        q=params["q"],
        kind=params["kind"],
        category=cat,
        province=params["province"],
        trustpass_only=params["trustpass_only"],
        fixed_price_only=params["fixed_price_only"],
        page=_page_number(request),
        page_size=PAGE_SIZE,
    )
    return render(
        request,
        "search/category.html",
        {
            "category": cat,
            "children": list(cat.children.order_by("position", "id")),
            "result": result,
            "page_obj": _pager(result),
            "params": params,
            "provinces": PROVINCES,
        },
    )


def buy_lead_list(request):
    """/buy-leads/: live demand listings, contacts masked unless TrustPass (R-M3.1)."""
    q = page_text(request.GET, "q")[:200]
    cat = page_text(request.GET, "category")
    result = buy_leads.buy_lead_list(
        viewer=request.user, q=q, category=cat or None, page=_page_number(request)
    )
    return render(
        request,
        "search/buy_leads.html",
        {
            "result": result,
            "page_obj": _pager(result),
            "q": q,
            "category": cat,
            "categories": category_tree(),
        },
    )


def buy_lead_detail(request, pk: int):
    """/buy-leads/<id>/: one buy lead, its contacts (TrustPass) and the quotation box."""
    try:
        lead = buy_leads.buy_lead_get_for_viewer(listing_id=pk, viewer=request.user)
    except NotFound:
        raise Http404("该求购信息不存在或已下架。") from None
    return render(
        request,
        "search/buy_lead_detail.html",
        {"buy_lead": lead, "lead": lead.listing, "listing": lead.listing},
    )
