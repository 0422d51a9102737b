"""What search engines read of the marketplace (issue 15, part 7): one canonical address per
page, meta descriptions, Open Graph tags, schema.org `Product`/`Offer` JSON-LD of listing
pages. Pure helpers of plain values and model instances; `search.templatetags.seo` puts them
in pages, `search.sitemaps` uses the same addresses.

Canonical addresses:
- main-site pages: `MAIN_SITE_URL` (when set, else the request's own scheme and host) and the
  path, without the query except what names another page of content (`keep`: a category's
  `kind=demand`, a page number past the first);
- a listing: `/listings/<id>/` for supply; a demand listing is a buy lead and its page is
  `/buy-leads/<id>/` (the listing page of a demand listing points there);
- a storefront page (R-F1: `<member-id>.<STOREFRONT_DOMAIN>`, a registered own domain and
  `/shop/<member-id>/…` all serve it): the `<member-id>.<STOREFRONT_DOMAIN>` address. Every
  TrustPass company has it and keeps it while it is TrustPass; an own domain is an alias the
  member may let lapse, and the path form is the platform's fallback.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

DESCRIPTION_CHARS = 150
# What json_script escapes, and the two line separators JavaScript once refused in strings:
# the JSON then cannot end its <script> element or open a comment or CDATA in it.
_JSON_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}
_SPACE = re.compile(r"\s+")


def site_url(request) -> str:
    """The main site's scheme and host, no trailing slash."""
    if settings.MAIN_SITE_URL:
        return settings.MAIN_SITE_URL.rstrip("/")
    return f"{request.scheme}://{request.get_host()}"


def absolute(request, url: str | None) -> str:
    """`url` made absolute on the main site (a storage URL that is already absolute stays)."""
    if not url:
        return ""
    if url.startswith(("http://", "https://", "//")):
        return url
    return site_url(request) + url


def canonical_url(request, *, path: str | None = None, keep: tuple[str, ...] = ()) -> str:
    """The canonical address of the page at `path` (the request's): the query left out except
    the parameters named in `keep` (in that order; `page` only past the first)."""
    kept = []
    for name in keep:
        value = request.GET.get(name, "")
        if value and not (name == "page" and value == "1"):
            kept.append((name, value))
    query = "?" + urlencode(kept) if kept else ""
    return site_url(request) + (path if path is not None else request.path) + query


def listing_path(listing) -> str:
    """The one page of a listing: its buy-lead page when it is a demand listing."""
    if listing.kind == "demand":
        return f"/buy-leads/{listing.pk}/"
    return f"/listings/{listing.pk}/"


def company_path(company) -> str:
    return f"/companies/{company.member_id}/"


def describe(*parts: str | None, limit: int = DESCRIPTION_CHARS) -> str:
    """A meta description: the parts as plain text (markup dropped, spaces collapsed) joined
    into one sentence run, cut at `limit` characters with an ellipsis."""
    text = " ".join(_SPACE.sub(" ", strip_tags(p or "")).strip() for p in parts if p)
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def price_text(listing) -> str:
    if listing.price is None:
        return _("价格面议")
    price = f"¥{listing.price}"
    if listing.price_max is not None and listing.price_max != listing.price:
        price += f"–{listing.price_max}"
    price = f"{price}/{listing.unit_one}"
    return _("一口价 %(price)s") % {"price": price} if listing.fixed_price else price


def listing_description(listing, company) -> str:
    where = listing.province or company.province
    head = _("%(title)s，%(price)s，%(moq)s%(unit)s起订。") % {
        "title": listing.title,
        "price": price_text(listing),
        "moq": listing.min_order,
        "unit": listing.unit_moq,
    }
    seller = (
        _("%(company)s（%(where)s）。") % {"company": company.name, "where": where}
        if where
        else _("%(company)s。") % {"company": company.name}
    )
    return describe(head, seller, listing.description)


def company_description(company) -> str:
    where = f"{company.province}{company.city}"
    head = (
        _("%(company)s，%(where)s。") % {"company": company.name, "where": where}
        if where
        else _("%(company)s。") % {"company": company.name}
    )
    products = _("主营：%(products)s。") % {"products": company.main_products}
    return describe(head, products if company.main_products else "", company.summary)


def category_description(category, kind: str = "supply") -> str:
    if kind == "demand":
        text = _("%(name)s求购信息：采购商发布的求购需求，诚信通会员可查看联系方式并在线报价。")
    else:
        text = _(
            "%(name)s供应信息和供应商：按价格、诚信通会员、已认证企业和支付宝交易筛选，"
            "查看价格、起订量和企业信用积分，在线询价下单。"
        )
    return describe(text % {"name": category.name})


def product_jsonld(listing, company, *, url: str, company_url: str, images: list[str]) -> dict:
    """schema.org `Product` of a supply listing, with its `Offer` when it has a price (a
    range: the offer's price is the lower end, its priceSpecification the range)."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": listing.title,
        "description": describe(listing.description, limit=500) or listing.title,
        "sku": str(listing.pk),
        "url": url,
    }
    if images:
        data["image"] = images
    if listing.category_id:
        data["category"] = listing.category.name
    if listing.brand:
        data["brand"] = {"@type": "Brand", "name": listing.brand}
    if listing.model:
        data["model"] = listing.model
    if listing.price is None:
        return data
    offer: dict = {
        "@type": "Offer",
        "url": url,
        "price": str(listing.price),
        "priceCurrency": "CNY",
        "availability": "https://schema.org/InStock",
        "eligibleQuantity": {
            "@type": "QuantitativeValue",
            "minValue": listing.min_order,
            "unitText": listing.unit,
        },
        "seller": {"@type": "Organization", "name": company.name, "url": company_url},
    }
    if listing.price_max is not None and listing.price_max != listing.price:
        offer["priceSpecification"] = {
            "@type": "UnitPriceSpecification",
            "minPrice": str(listing.price),
            "maxPrice": str(listing.price_max),
            "priceCurrency": "CNY",
            "unitText": listing.unit,
        }
    data["offers"] = offer
    return data


def json_for_script(data) -> str:
    """`data` as JSON that is safe inside a <script> element (as Django's json_script)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_JSON_ESCAPES)
