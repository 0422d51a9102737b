"""Pages of search, category browsing and buy leads (R-S1–R-S3, R-M3.1). Thin: they read
the request, call the selectors and render."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from listings.models import Category, Listing
from listings.selectors import category_tree
from marketplace.exceptions import NotFound
from members.forms import PROVINCES

from . import buy_leads
from .params import page_number, page_price_range, page_text
from .results import DEFAULT_SORT, SORTS
from .selectors import listing_search
from .suppliers import supplier_search

#: (value, label) of the province filter: the value is the Chinese name the data holds.
PROVINCE_CHOICES = [(name, _(name)) for name in PROVINCES]
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
    """The page's query, filters and order; a value the page does not know is left out."""
    g = request.GET
    kind = g.get("kind") if g.get("kind") in Listing.Kind.values else Listing.Kind.SUPPLY
    province = g.get("province", "")
    price_min, price_max = page_price_range(g)
    return {
        "q": page_text(g, "q")[:200],
        "kind": kind,
        "category": page_text(g, "category"),
        "province": province if province in PROVINCES else "",
        "trustpass_only": g.get("tp") == "1",
        "fixed_price_only": g.get("fixed") == "1",
        "escrow_only": g.get("escrow") == "1",
        "verified_only": g.get("verified") == "1",
        "price_min": price_min,
        "price_max": price_max,
        "sort": g.get("sort") if g.get("sort") in SORTS else DEFAULT_SORT,
    }


FILTER_KEYS = (
    "category",
    "province",
    "trustpass_only",
    "fixed_price_only",
    "escrow_only",
    "verified_only",
    "price_min",
    "price_max",
)


def _search_args(params: dict) -> dict:
    return {k: params[k] for k in ("q", "kind", "sort", *FILTER_KEYS)} | {
        "category": params["category"] or None
    }


def _link(path: str, params: dict, **changes) -> str:
    """The address of `path` for `params` with `changes`, short: defaults and empty values
    are not written."""
    values = {**params, **changes}
    names = {
        "trustpass_only": "tp",
        "fixed_price_only": "fixed",
        "escrow_only": "escrow",
        "verified_only": "verified",
    }
    out = []
    for key in ("q", "kind", "tab", "category", "province", *names, "price_min", "price_max"):
        value = values.get(key)
        if value in (None, "", False) or (key == "kind" and value == Listing.Kind.SUPPLY):
            continue
        out.append((names.get(key, key), "1" if value is True else value))
    if values.get("sort") not in (None, DEFAULT_SORT):
        out.append(("sort", values["sort"]))
    return path + ("?" + urlencode(out) if out else "")


SORT_CHOICES = [
    (DEFAULT_SORT, _("综合排序"), _("按信息匹配度、诚信通会员等排序（见“排序规则”）")),
    ("newest", _("最新发布"), _("按发布时间从新到旧")),
    ("price_asc", _("价格 ↑"), _("按价格从低到高")),
    ("price_desc", _("价格 ↓"), _("按价格从高到低")),
]


def _sort_links(path: str, params: dict) -> list[dict]:
    """The order choices as links (no script needed), the current one marked."""
    return [
        {
            "value": value,
            "label": label,
            "title": title,
            "url": _link(path, params, sort=value),
            "current": params["sort"] == value,
        }
        for value, label, title in SORT_CHOICES
    ]


def _filtered(params: dict) -> bool:
    return any(params[k] not in (None, "", False) for k in FILTER_KEYS)


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
    if _filtered(params):
        out.append(
            {
                "label": gettext("去掉筛选条件"),
                "url": "/search/?" + urlencode({**base, "q": params["q"]}),
            }
        )
    other = "demand" if params["kind"] == "supply" else "supply"
    out.append(
        {
            "label": gettext("在求购信息中搜索")
            if other == "demand"
            else gettext("在供应信息中搜索"),
            "url": "/search/?" + urlencode({"kind": other, "q": params["q"]}),
        }
    )
    return out


def _page_context(request, params: dict, result) -> dict:
    return {
        "result": result,
        "page_obj": _pager(result),
        "params": params,
        "provinces": PROVINCE_CHOICES,
        "sort_links": _sort_links(request.path, params),
        "filtered": _filtered(params),
        "clear_url": _link(request.path, {"q": params["q"], "kind": params["kind"]}),
    }


def search(request):
    """/search/?q=&kind=&category=&province=&tp=1&fixed=1&escrow=1&verified=1&price_min=
    &price_max=&sort=&page= (listings), or ?tab=suppliers&q=&province= (companies)."""
    params = _params(request)
    tabs = {
        kind: _link("/search/", {"q": params["q"], "kind": kind}) for kind in Listing.Kind.values
    }
    tabs["suppliers"] = _link("/search/", {"q": params["q"], "tab": "suppliers"})
    if request.GET.get("tab") == "suppliers":
        return _suppliers(request, params, tabs)
    result = listing_search(**_search_args(params), page=_page_number(request), page_size=PAGE_SIZE)
    context = _page_context(request, params, result)
    context.update(
        tab=params["kind"],
        tabs=tabs,
        categories=category_tree(),
        suggestions=_suggestions(params, result) if not result.hits else [],
    )
    return render(request, "search/search.html", context)


def _suppliers(request, params: dict, tabs: dict):
    result = supplier_search(
        q=params["q"], province=params["province"], page=_page_number(request), page_size=PAGE_SIZE
    )
    return render(
        request,
        "search/suppliers.html",
        {
            "result": result,
            "page_obj": _pager(result),
            "params": params,
            "tab": "suppliers",
            "tabs": tabs,
            "provinces": PROVINCE_CHOICES,
        },
    )


def category(request, slug: str):
    """/categories/<slug>/: live listings of a category (and its subcategories)."""
    cat = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    params = _params(request)
    params["category"] = ""  # the page's own
    result = listing_search(
        **(_search_args(params) | {"category": cat}),
        page=_page_number(request),
        page_size=PAGE_SIZE,
    )
    context = _page_context(request, params, result)
    context.update(
        category=cat,
        children=list(cat.children.order_by("position", "id")),
        tab=params["kind"],
        tabs={k: _link(request.path, {"kind": k}) for k in Listing.Kind.values},
    )
    return render(request, "search/category.html", context)


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
        raise Http404(gettext("该求购信息不存在或已下架。")) from None
    return render(
        request,
        "search/buy_lead_detail.html",
        {"buy_lead": lead, "lead": lead.listing, "listing": lead.listing},
    )
