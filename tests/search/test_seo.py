"""What search engines read (issue 15 part 7; API.md Operations): /sitemap.xml parsed as XML
(live listings, companies, categories; an index past SITEMAP_LIMIT), /robots.txt, one
canonical link per page (the three ways to a storefront give one), meta description and Open
Graph tags, and a listing's schema.org Product/Offer JSON-LD parsed as JSON."""

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from listings.models import Listing
from search import seo
from tests.factories import CategoryFactory, CompanyFactory, ListingFactory, TrustPassPeriodFactory
from tests.storefront.factories import DomainFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
URLSET = "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
INDEX = "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"


class Head(HTMLParser):
    """The canonical links, meta tags and JSON-LD blocks of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.canonical, self.meta, self.jsonld = [], {}, []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical.append(a["href"])
        elif tag == "meta" and ("name" in a or "property" in a):
            self.meta[a.get("name") or a.get("property")] = a.get("content")
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_jsonld = True
            self.jsonld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld[-1] += data


def head(response) -> Head:
    assert response.status_code == 200, response.status_code
    parser = Head()
    parser.feed(response.content.decode())
    return parser


def locations(xml: bytes) -> list[str]:
    root = ET.fromstring(xml)
    return [loc.text for loc in root.iterfind(".//sm:loc", NS)]


@pytest.fixture
def world():
    cat = CategoryFactory(slug="steel-pipe", name="钢管")
    company = CompanyFactory(member_id="hzsteel", name="杭州钢管有限公司")
    live = ListingFactory(company=company, category=cat, title="供应304不锈钢无缝钢管")
    lead = ListingFactory(kind="demand", category=cat, title="求购镀锌钢管")
    hidden = [
        ListingFactory(status=s, category=cat)
        for s in (
            Listing.Status.DRAFT,
            Listing.Status.PENDING_REVIEW,
            Listing.Status.REJECTED,
            Listing.Status.EXPIRED,
            Listing.Status.WITHDRAWN,
        )
    ]
    return {"cat": cat, "company": company, "live": live, "lead": lead, "hidden": hidden}


# --- sitemap and robots ----------------------------------------------------------------------


def test_sitemap_lists_live_listings_companies_and_categories(client, world):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert ET.fromstring(response.content).tag == URLSET
    paths = {urlsplit(u).path for u in locations(response.content)}
    assert f"/listings/{world['live'].pk}/" in paths
    assert f"/buy-leads/{world['lead'].pk}/" in paths  # a demand listing at its one page
    assert f"/listings/{world['lead'].pk}/" not in paths
    assert "/companies/hzsteel/" in paths and "/categories/steel-pipe/" in paths
    for listing in world["hidden"]:
        assert f"/listings/{listing.pk}/" not in paths, listing.status
    companies = {c.member_id for c in world["company"].__class__.objects.all()}
    assert {p.split("/")[2] for p in paths if p.startswith("/companies/")} == companies
    assert all(u.startswith("http://testserver/") for u in locations(response.content))
    assert b"<lastmod>" in response.content


def test_sitemap_splits_into_an_index_past_the_limit(client, settings, world):
    settings.SITEMAP_LIMIT = 2
    for _ in range(3):
        ListingFactory()  # 5 live listings: 3 pages of 2
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)
    assert root.tag == INDEX
    sections = locations(response.content)
    paths = [
        urlsplit(u).path + ("?" + urlsplit(u).query if urlsplit(u).query else "") for u in sections
    ]
    assert paths[:3] == [
        "/sitemap-listings.xml",
        "/sitemap-listings.xml?p=2",
        "/sitemap-listings.xml?p=3",
    ]
    assert "/sitemap-companies.xml" in paths and "/sitemap-categories.xml" in paths
    every = []
    for path in paths:
        page = client.get(path)
        assert page.status_code == 200, path
        urls = locations(page.content)
        assert 1 <= len(urls) <= 2, path
        every += urls
    live = Listing.objects.filter(status=Listing.Status.LIVE)
    listing_urls = [u for u in every if "/listings/" in u or "/buy-leads/" in u]
    assert len(listing_urls) == len(set(listing_urls)) == live.count() == 5
    assert client.get("/sitemap-listings.xml?p=9").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404
    settings.SITEMAP_LIMIT = 50_000
    assert ET.fromstring(client.get("/sitemap.xml").content).tag == URLSET


def test_sitemap_and_robots_use_the_main_site_address(client, settings, world):
    settings.MAIN_SITE_URL = "https://www.example.cn/"
    urls = locations(client.get("/sitemap.xml").content)
    assert urls and all(u.startswith("https://www.example.cn/") for u in urls)
    assert "Sitemap: https://www.example.cn/sitemap.xml" in client.get("/robots.txt").text


def test_robots_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for path in ("/admin/", "/api/", "/my/", "/search/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /listings/" not in lines and "Disallow: /categories/" not in lines


# --- listing pages: canonical, meta, Open Graph, JSON-LD ---------------------------------------


def test_listing_page_has_product_json_ld_and_one_canonical(client, world):
    listing = world["live"]
    listing.fixed_price, listing.price, listing.unit, listing.min_order = True, "88.00", "米", 10
    listing.brand = "华钢"
    listing.save()
    page = head(client.get(f"/listings/{listing.pk}/"))
    url = f"http://testserver/listings/{listing.pk}/"
    assert page.canonical == [url]
    assert page.meta["og:url"] == url and page.meta["og:type"] == "product"
    assert page.meta["og:title"] == listing.title
    assert listing.title in page.meta["description"] and "¥88.00/米" in page.meta["description"]
    assert len(page.meta["description"]) <= seo.DESCRIPTION_CHARS
    [raw] = page.jsonld
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
    assert data["name"] == listing.title and data["url"] == url
    assert data["brand"] == {"@type": "Brand", "name": "华钢"}
    offer = data["offers"]
    assert offer["@type"] == "Offer"
    assert offer["price"] == "88.00" and offer["priceCurrency"] == "CNY"
    assert offer["availability"] == "https://schema.org/InStock"
    assert offer["eligibleQuantity"]["minValue"] == 10
    assert offer["seller"]["name"] == "杭州钢管有限公司"


def test_json_ld_cannot_end_its_script_element(client, world):
    listing = world["live"]
    listing.title = "钢管</script><script>alert(1)</script>&<!--"
    listing.description = "说明 </SCRIPT> ]]> " + listing.description
    listing.price, listing.price_max = "10.00", "20.50"
    listing.save()
    html = client.get(f"/listings/{listing.pk}/").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["name"] == listing.title  # the escapes decode to the very title
    assert data["offers"]["price"] == "10.00"
    spec = data["offers"]["priceSpecification"]
    assert (spec["minPrice"], spec["maxPrice"]) == ("10.00", "20.50")


def test_listing_without_price_has_no_offer_and_demand_points_to_its_buy_lead(client, world):
    listing = world["live"]
    listing.price = None
    listing.save()
    [raw] = head(client.get(f"/listings/{listing.pk}/")).jsonld
    assert "offers" not in json.loads(raw) and json.loads(raw)["name"] == listing.title
    lead = world["lead"]
    for path in (f"/listings/{lead.pk}/", f"/buy-leads/{lead.pk}/"):
        page = head(client.get(path))
        assert page.canonical == [f"http://testserver/buy-leads/{lead.pk}/"], path
        assert page.jsonld == [], path  # a buy lead is no product on offer


# --- company, category, other pages -----------------------------------------------------------


def test_company_page_description_and_canonical(client, world):
    company = world["company"]
    company.main_products = "不锈钢管 无缝钢管"
    company.summary = "专业生产不锈钢管二十年。"
    company.save()
    page = head(client.get("/companies/hzsteel/", {"from": "search"}))
    assert page.canonical == ["http://testserver/companies/hzsteel/"]
    assert "主营：不锈钢管 无缝钢管" in page.meta["description"]
    assert page.meta["og:title"] == "杭州钢管有限公司" and page.meta["og:type"] == "profile"


def test_category_page_canonical_keeps_what_names_content(client, world):
    page = head(client.get("/categories/steel-pipe/", {"sort": "price_asc", "tp": "1"}))
    assert page.canonical == ["http://testserver/categories/steel-pipe/"]
    assert "钢管" in page.meta["description"] and page.meta["og:title"] == "钢管"
    page = head(client.get("/categories/steel-pipe/", {"kind": "demand", "page": "1"}))
    assert page.canonical == ["http://testserver/categories/steel-pipe/?kind=demand"]


@pytest.mark.parametrize("path", ["/", "/buy-leads/", "/trustpass/"])
def test_every_page_has_one_canonical(client, world, path):
    page = head(client.get(path, {"utm_source": "x"}))
    assert page.canonical == [f"http://testserver{path}"]
    assert page.meta["description"]


def test_search_pages_are_not_indexed(client, world):
    for params in ({"q": "钢管"}, {"q": "钢管", "tab": "suppliers"}):
        page = head(client.get("/search/", params))
        assert page.canonical == [] and page.meta["robots"] == "noindex, follow"


def test_the_three_ways_to_a_storefront_have_one_canonical(client, settings):
    company = CompanyFactory(member_id="hzsteel")
    TrustPassPeriodFactory(company=company)
    DomainFactory(company=company, name="hzsteel.com.cn")
    shop = f"http://hzsteel.{settings.STOREFRONT_DOMAIN}"
    for page_path, host_path in [("", "/"), ("products/", "/products/"), ("about/", "/about/")]:
        answers = [
            client.get(f"/shop/hzsteel/{page_path}"),
            client.get(host_path, HTTP_HOST=f"hzsteel.{settings.STOREFRONT_DOMAIN}"),
            client.get(host_path, HTTP_HOST="hzsteel.com.cn"),
        ]
        canonicals = [head(r).canonical for r in answers]
        assert canonicals == [[f"{shop}{host_path}"]] * 3, canonicals
