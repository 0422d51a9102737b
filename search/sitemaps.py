"""`/sitemap.xml` and `/robots.txt` (API.md, Operations; issue 15 part 7), with
django.contrib.sitemaps.

Three sections, each at the canonical addresses of search.seo: live listings (a demand
listing at its buy-lead page; lastmod: the listing's last change), companies, categories.
`/sitemap.xml` is one sitemap while all of them fit in one (`SITEMAP_LIMIT`, 50,000 URLs, the
sitemaps.org limit; a setting so tests can lower it); past that it is a sitemap index naming
`/sitemap-<section>.xml?p=N`, each page at most `SITEMAP_LIMIT` URLs.

Pages are read in id order, so page N stays page N while listings come and go at the end.
Nothing is cached here: the statements are a count per section and one indexed read of a
page (a `values_list`, no model instances).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from listings.models import Category, Listing
from members.models import Company

from . import seo

# Paths no crawler needs: private pages, forms, the API, searches (the categories and the
# listings they link are the pages to index).
DISALLOW = (
    "/admin/",
    "/api/",
    "/my/",
    "/search/",
    "/login/",
    "/logout/",
    "/register/",
    "/password-reset/",
    "/account/",
    "/colleagues/",
    "/pay/",
    "/i18n/",
    "/listings/*/inquire/",
    "/listings/*/report/",
    "/buy-leads/*/quote/",
)


def sitemap_limit() -> int:
    """URLs per sitemap (sitemaps.org: at most 50,000)."""
    return int(getattr(settings, "SITEMAP_LIMIT", 50_000))


class MainSiteSitemap(Sitemap):
    """A section on the main site's address (`MAIN_SITE_URL` when set, as canonical links)."""

    @property
    def limit(self) -> int:  # read per request: the setting can change (tests lower it)
        return sitemap_limit()

    def get_urls(self, page=1, site=None, protocol=None):
        if settings.MAIN_SITE_URL:
            main = urlsplit(settings.MAIN_SITE_URL)
            site = RequestSiteLike(main.netloc)
            protocol = main.scheme or protocol
        return super().get_urls(page=page, site=site, protocol=protocol)


class RequestSiteLike:
    def __init__(self, domain: str):
        self.domain = self.name = domain


class ListingSitemap(MainSiteSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return (
            Listing.objects.filter(status=Listing.Status.LIVE)
            .order_by("id")
            .values_list("id", "kind", "updated_at")
        )

    def location(self, item) -> str:
        pk, kind, _updated = item
        return f"/buy-leads/{pk}/" if kind == Listing.Kind.DEMAND else f"/listings/{pk}/"

    def lastmod(self, item):
        return item[2]


class CompanySitemap(MainSiteSitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Company.objects.order_by("id").values_list("member_id", flat=True)

    def location(self, item) -> str:
        return f"/companies/{item}/"


class CategorySitemap(MainSiteSitemap):
    changefreq = "daily"
    priority = 0.7

    def items(self):
        return Category.objects.order_by("id").values_list("slug", flat=True)

    def location(self, item) -> str:
        return f"/categories/{item}/"


SECTIONS = {
    "listings": ListingSitemap,
    "companies": CompanySitemap,
    "categories": CategorySitemap,
}


def _sections() -> dict[str, Sitemap]:
    return {name: cls() for name, cls in SECTIONS.items()}


def sitemap(request):
    """/sitemap.xml: every URL in one sitemap, or past SITEMAP_LIMIT a sitemap index."""
    sections = _sections()
    counts = {name: s.paginator.count for name, s in sections.items()}
    if sum(counts.values()) <= sitemap_limit():
        return sitemap_views.sitemap(request, sitemaps=sections)
    base = seo.site_url(request)
    entries = []
    for name, section in sections.items():
        url = base + reverse("sitemap-section", kwargs={"section": name})
        pages = section.paginator.num_pages if counts[name] else 0
        entries += [sitemap_views.SitemapIndexItem(url, None)] if pages else []
        entries += [
            sitemap_views.SitemapIndexItem(f"{url}?p={n}", None) for n in range(2, pages + 1)
        ]
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
        headers={"X-Robots-Tag": "noindex, noodp, noarchive"},
    )


def sitemap_section(request, section: str):
    """/sitemap-<section>.xml?p=N: one page of one section (named by the index)."""
    if section not in SECTIONS:
        raise Http404(gettext("没有这个网站地图。"))
    return sitemap_views.sitemap(request, sitemaps=_sections(), section=section)


def robots(request):
    """/robots.txt: what crawlers may read, and where the sitemap is."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOW), "Allow: /", ""]
    lines.append(f"Sitemap: {seo.site_url(request)}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
