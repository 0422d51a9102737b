"""Tags that write what search engines read into a page's <head> (search.seo says which
address is canonical and why). Each page renders exactly one canonical link: base.html's
`seo` block has the default, and a page with a better one overrides the block.

    {% load search_seo %}
    {% seo_head title=… description=… image=… og_type="product" keep="kind,page" %}
    {% listing_seo %}        on the listing page (needs listing, company, images)
    {% company_seo company %}
    {% category_seo category kind %}
    {% shop_seo %}           on storefront pages (needs shop, active, company)
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from search import seo

register = template.Library()


def _head(request, *, title, description, canonical, image="", og_type="website") -> str:
    tags = [
        ("name", "description", description),
        ("property", "og:site_name", settings.SITE_NAME),
        ("property", "og:type", og_type),
        ("property", "og:title", title or settings.SITE_NAME),
        ("property", "og:description", description),
        ("property", "og:url", canonical),
        ("property", "og:locale", "zh_CN"),
    ]
    if image:
        tags.append(("property", "og:image", seo.absolute(request, image)))
    meta = format_html_join("\n", '<meta {}="{}" content="{}">', tags)
    return format_html('<link rel="canonical" href="{}">\n{}', canonical, meta)


@register.simple_tag(takes_context=True)
def seo_head(context, title="", description="", image="", og_type="website", keep="", canonical=""):
    """The canonical link, meta description and Open Graph tags of a page (defaults: the
    site's name and description, the request's path)."""
    request = context.get("request")
    if request is None:
        return ""
    names = tuple(n.strip() for n in keep.split(",") if n.strip())
    return _head(
        request,
        title=title,
        description=description
        or _("诚信通商务平台：供应信息、求购信息与诚信通会员企业，按诚信档案和信用积分放心采购。"),
        canonical=canonical or seo.canonical_url(request, keep=names),
        image=image,
        og_type=og_type,
    )


def _image_url(image) -> str:
    for name in ("large", "image"):
        file = getattr(image, name, None)
        if file:
            return file.url
    return ""


@register.simple_tag(takes_context=True)
def listing_seo(context):
    """A listing page's head: canonical (a demand listing's is its buy-lead page), meta
    description, Open Graph and, for a live supply listing, its Product JSON-LD."""
    request, listing = context.get("request"), context.get("listing")
    if request is None or listing is None:
        return ""
    company = context.get("company") or listing.company
    images = [u for u in (_image_url(i) for i in context.get("images") or ()) if u]
    url = seo.site_url(request) + seo.listing_path(listing)
    head = _head(
        request,
        title=listing.title,
        description=seo.listing_description(listing, company),
        canonical=url,
        image=images[0] if images else "",
        og_type="product" if listing.kind == "supply" else "website",
    )
    if listing.kind != "supply" or listing.status != "live":
        return head
    data = seo.product_jsonld(
        listing,
        company,
        url=url,
        company_url=seo.site_url(request) + seo.company_path(company),
        images=[seo.absolute(request, u) for u in images],
    )
    return head + format_html(
        '\n<script type="application/ld+json">{}</script>', mark_safe(seo.json_for_script(data))
    )


@register.simple_tag(takes_context=True)
def company_seo(context, company):
    request = context.get("request")
    if request is None:
        return ""
    logo = getattr(company, "logo", None)
    return _head(
        request,
        title=company.name,
        description=seo.company_description(company),
        canonical=seo.site_url(request) + seo.company_path(company),
        image=logo.url if logo else "",
        og_type="profile",
    )


@register.simple_tag(takes_context=True)
def category_seo(context, category, kind="supply"):
    """A category page: canonical keeps `kind=demand` and a page number past the first."""
    request = context.get("request")
    if request is None:
        return ""
    return _head(
        request,
        title=category.name,
        description=seo.category_description(category, kind),
        canonical=seo.canonical_url(
            request, keep=("kind", "page") if kind == "demand" else ("page",)
        ),
    )


def shop_canonical_url(context) -> str:
    """A storefront page's canonical address: on `<member-id>.<STOREFRONT_DOMAIN>`, whichever
    of its three addresses served it (search.seo), with a page number past the first; "" on
    a page that is no shop page (offline, unknown shop)."""
    request, shop, active = context.get("request"), context.get("shop"), context.get("active")
    base = getattr(shop, "subdomain_url", "")
    if request is None or not base or not active:
        return ""
    try:
        path = reverse(f"storefront:{active}", urlconf="storefront.host_urls")
    except NoReverseMatch:
        return ""
    page = request.GET.get("page", "")
    query = f"?page={page}" if page.isdigit() and page != "1" else ""
    return base.rstrip("/") + path + query


@register.simple_tag(takes_context=True)
def shop_seo(context):
    """A storefront page's head: its canonical address and the company's description."""
    canonical = shop_canonical_url(context)
    company = context.get("company")
    if not canonical or company is None:
        return ""
    return _head(
        context["request"],
        title=company.name,
        description=seo.company_description(company),
        canonical=canonical,
    )
