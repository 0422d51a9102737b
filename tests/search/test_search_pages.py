"""Search, category and API wiring (R-S1–R-S3): pages, JSON, filters, errors, query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.fields import DateTimeField

from search.index import listing_reindex
from tests.factories import CategoryFactory, CompanyFactory, ListingFactory, TrustPassPeriodFactory

pytestmark = pytest.mark.django_db

DESC = "本公司长期供应各类工业配件，质量可靠，价格合理，欢迎新老客户来电洽谈合作，诚信经营。"


def make(title="供应优质不锈钢304无缝钢管", **kw):
    kw.setdefault("description", DESC)
    kw.setdefault("keyword", "配件")
    listing = ListingFactory(title=title, **kw)
    listing_reindex(listing_id=listing.pk)
    return listing


def test_search_page_shows_highlighted_cards_badges_and_sort_note(client):
    company = CompanyFactory(verified=True, credit_score=42, name="宁波精工阀门有限公司")
    TrustPassPeriodFactory(company=company)
    make(company=company, fixed_price=True, supports_escrow=True, price="88.00")
    make("铜管批发", keyword="铜管")
    response = client.get("/search/", {"q": "钢管"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>钢管</mark>" in html
    assert "铜管批发" not in html
    for text in ("诚信通", "已认证", "支付宝", "一口价", "宁波精工阀门有限公司", "信用积分 42"):
        assert text in html, text
    assert "排序规则" in html
    assert "找到 1 条信息" in html


def test_search_page_empty_state_suggests_ways_out(client):
    make()
    response = client.get("/search/", {"q": "不锈钢 铜板", "fixed": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "没有找到与“不锈钢 铜板”相关的信息" in html
    assert "/search/?kind=supply&amp;q=%E4%B8%8D%E9%94%88%E9%92%A2" in html  # 不锈钢 alone
    assert "去掉筛选条件" in html and "在求购信息中搜索" in html


def test_search_page_filters_and_pagination(client):
    now = timezone.now()
    for i in range(25):
        make(published_at=now - timedelta(hours=i), province="江苏" if i % 2 else "浙江")
    response = client.get("/search/", {"q": "钢管", "province": "江苏"})
    html = response.content.decode()
    assert "找到 12 条信息" in html
    response = client.get("/search/", {"q": "钢管", "page": "2"})
    html = response.content.decode()
    assert html.count('class="hit-card search-hit') == 5
    assert "第 2 / 2 页" in html
    # a bad page number is page 1, an unknown kind is supply: never an error page
    assert client.get("/search/", {"q": "钢管", "page": "x", "kind": "all"}).status_code == 200


def test_search_page_query_count_is_bounded(client):
    now = timezone.now()
    for i in range(20):
        make(published_at=now - timedelta(hours=i), company=CompanyFactory())
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/search/", {"q": "钢管"}).status_code == 200
    assert len(ctx) <= 20


def test_category_page_lists_the_category_and_its_children(client):
    parent = CategoryFactory(name="冶金矿产", slug="metal")
    child = CategoryFactory(name="钢管类", slug="steel-pipe", parent=parent)
    other = CategoryFactory(name="阀门类", slug="valves")
    a = make(category=child)
    make("供应铜球阀门", category=other)
    for url in ("/categories/metal/", "/categories/steel-pipe/"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert a.title in html and "铜球阀门" not in html
    assert "钢管类" in client.get("/categories/metal/").content.decode()
    assert client.get("/categories/no-such/").status_code == 404
    html = client.get("/categories/valves/", {"q": "不存在的词"}).content.decode()
    assert "这个类目下暂时没有符合条件的信息" in html


def test_header_search_box_is_on_every_page(client):
    for url in ("/", "/search/?q=x", "/buy-leads/"):
        html = client.get(url).content.decode()
        assert 'action="/search/"' in html and 'name="q"' in html


# --- API -----------------------------------------------------------------------------------


def test_api_search_contract(api_client):
    company = CompanyFactory(member_id="hzsteel")
    TrustPassPeriodFactory(company=company)
    now = timezone.now()
    first = make(company=company, keyword="无缝钢管", published_at=now - timedelta(hours=1))
    flood = make(company=company, keyword="无缝钢管", published_at=now - timedelta(minutes=30))
    response = api_client.get("/api/v1/search/", {"q": "钢管"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    assert [r["id"] for r in body["results"]] == [first.pk, flood.pk]
    r0 = body["results"][0]
    assert {
        "id",
        "title",
        "keyword",
        "match_level",
        "company",
        "fixed_price",
        "supports_escrow",
        "published_at",
        "demoted",
    } <= set(r0)
    assert r0["company"] == {**r0["company"], "member_id": "hzsteel", "is_trustpass": True}
    assert r0["match_level"] == 3 and r0["demoted"] is False
    assert body["results"][1]["demoted"] is True
    assert r0["published_at"].endswith("+08:00")
    assert r0["published_at"] == DateTimeField().to_representation(first.published_at)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_api_timestamps_read_as_drf_writes_them(api_client, settings, zone):
    """The search API formats `published_at` itself (once per page, not per field): the
    same text as DRF's DateTimeField in the current time zone, `Z` for UTC."""
    settings.TIME_ZONE = zone
    listing = make(published_at=timezone.now() - timedelta(hours=3))
    with timezone.override(zone):
        expected = DateTimeField().to_representation(listing.published_at)
    body = api_client.get("/api/v1/search/", {"q": "钢管"}).json()
    assert body["results"][0]["published_at"] == expected
    assert expected.endswith("Z" if zone == "UTC" else "+08:00")


def test_api_search_kind_pagination_and_caps(api_client):
    now = timezone.now()
    for i in range(5):
        make(published_at=now - timedelta(hours=i))
    demand = make(kind="demand")
    body = api_client.get("/api/v1/search/", {"q": "钢管", "kind": "demand"}).json()
    assert [r["id"] for r in body["results"]] == [demand.pk]
    body = api_client.get("/api/v1/search/", {"q": "钢管", "page_size": 2, "page": 2}).json()
    assert len(body["results"]) == 2 and "page=3" in body["next"] and "page=1" in body["previous"]
    body = api_client.get("/api/v1/search/", {"q": "钢管", "page_size": 500}).json()
    assert len(body["results"]) == 5  # capped at 100, only 5 exist
    assert api_client.get("/api/v1/search/", {"q": "钢管", "page": 9}).status_code == 404
    assert api_client.get("/api/v1/search/", {"q": "钢管", "page": "abc"}).status_code == 404
    bad = api_client.get("/api/v1/search/", {"q": "钢管", "kind": "all"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_search"


def test_api_page_size_is_capped_at_100(api_client):
    now = timezone.now()
    company = CompanyFactory()
    ListingFactory.create_batch(
        105, company=company, keyword="配件", published_at=now - timedelta(days=3)
    )
    from listings.models import Listing

    for pk in Listing.objects.values_list("pk", flat=True):
        listing_reindex(listing_id=pk)
    body = api_client.get("/api/v1/search/", {"q": "钢管", "page_size": 1000}).json()
    assert len(body["results"]) == 100 and body["count"] == 105 and body["next"]


@pytest.mark.parametrize(
    "q", ["'; DROP TABLE listings_listing; --", "钢" * 1000, "%' OR 1=1 --", "\\x00 :* & |"]
)
def test_api_search_metacharacters_and_long_queries(api_client, q):
    make()
    response = api_client.get("/api/v1/search/", {"q": q})
    assert response.status_code == 200
    assert api_client.get("/api/v1/search/", {"q": "钢管"}).json()["count"] == 1


def test_api_search_query_count_is_bounded(api_client):
    now = timezone.now()
    for i in range(3):
        make(published_at=now - timedelta(hours=i), company=CompanyFactory())
    with CaptureQueriesContext(connection) as few:
        api_client.get("/api/v1/search/", {"q": "钢管"})
    for i in range(30):
        make(published_at=now - timedelta(days=1, hours=i), company=CompanyFactory())
    with CaptureQueriesContext(connection) as many:
        body = api_client.get("/api/v1/search/", {"q": "钢管", "page_size": 40}).json()
    assert len(body["results"]) == 33
    assert len(many) == len(few) <= 14


def test_health_endpoint(api_client):
    assert api_client.get("/api/v1/search/health/").json() == {"ok": True}


def test_first_image_on_cards_and_in_the_api(client, api_client):
    from listings.models import ListingImage

    listing = make()
    ListingImage.objects.create(listing=listing, image="listings/2026/01/b.jpg", position=1)
    ListingImage.objects.create(listing=listing, image="listings/2026/01/a.jpg", position=0)
    make("供应无缝钢管", published_at=timezone.now() - timedelta(days=1))  # no image
    body = api_client.get("/api/v1/search/", {"q": "钢管"}).json()
    images = {r["id"]: r["image"] for r in body["results"]}
    assert images[listing.pk] == "/media/listings/2026/01/a.jpg"
    assert None in images.values()  # the listing without an image
    html = client.get("/search/", {"q": "钢管"}).content.decode()
    assert 'src="/media/listings/2026/01/a.jpg"' in html and "暂无图片" in html
