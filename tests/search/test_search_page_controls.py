"""The search page's own order and filters (issue 15 part 2), rendered on the server: the
order links keep the filters, the filters keep the order, the ranking rules sit behind a
small 排序规则 link, values the page does not know are left out, never an error."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CategoryFactory, CompanyFactory
from tests.search.helpers import make

pytestmark = pytest.mark.django_db


def card_ids(html: str) -> list[int]:
    return [
        int(i)
        for i in re.findall(r'<article class="hit-card search-hit[^"]*" data-id="(\d+)"', html)
    ]


@pytest.fixture
def pipes():
    now = timezone.now()
    verified = CompanyFactory(verified=True)
    return [
        make("供应无缝钢管A", price="30.00", published_at=now - timedelta(hours=3)),
        make("供应无缝钢管B", price="10.00", published_at=now - timedelta(hours=1)),
        make("供应无缝钢管C", price=None, published_at=now - timedelta(hours=2)),
        make(
            "供应无缝钢管D",
            price="20.00",
            supports_escrow=True,
            company=verified,
            published_at=now - timedelta(hours=4),
        ),
    ]


def test_orders_on_the_page(client, pipes):
    a, b, c, d = (p.pk for p in pipes)
    html = client.get("/search/", {"q": "钢管", "sort": "price_asc"}).content.decode()
    assert card_ids(html) == [b, d, a, c]
    assert 'data-sort="price_asc" title="按价格从低到高" class="current"' in html
    html = client.get("/search/", {"q": "钢管", "sort": "newest"}).content.decode()
    assert card_ids(html) == [b, c, a, d]
    html = client.get("/search/", {"q": "钢管", "sort": "price_desc"}).content.decode()
    assert card_ids(html) == [a, d, b, c]


def test_filters_on_the_page_and_links_keep_each_other(client, pipes):
    params = {"q": "钢管", "sort": "price_desc", "price_min": "10", "price_max": "20"}
    html = client.get("/search/", params).content.decode()
    assert card_ids(html) == [pipes[3].pk, pipes[1].pk]
    # the form carries the order; the order links carry the filters
    assert '<input type="hidden" name="sort" value="price_desc">' in html
    assert 'value="10"' in html and 'value="20"' in html
    newest = re.search(r'href="([^"]+)" data-sort="newest"', html).group(1)
    assert (
        newest == "/search/?q=%E9%92%A2%E7%AE%A1&amp;price_min=10&amp;price_max=20&amp;sort=newest"
    )
    html = client.get("/search/", {"q": "钢管", "escrow": "1", "verified": "1"}).content.decode()
    assert card_ids(html) == [pipes[3].pk]
    assert html.count('class="chip on"') == 2 and "清除筛选" in html


def test_rules_are_behind_a_small_link_not_above_the_results(client, pipes):
    html = client.get("/search/", {"q": "钢管"}).content.decode()
    rules = html.index('<details class="sort-rules">')
    assert html.index("<summary>排序规则</summary>") > rules
    assert rules < html.index('class="result-grid"')
    assert "sort-note" not in html


def test_values_the_page_does_not_know_are_left_out(client, pipes):
    for params in (
        {"sort": "cheap"},
        {"price_min": "abc"},
        {"price_min": "-5", "price_max": "1e9"},
        {"escrow": "yes", "verified": "2"},
        {"price_min": "\x00"},
    ):
        response = client.get("/search/", {"q": "钢管", **params})
        assert response.status_code == 200, params
        assert len(card_ids(response.content.decode())) == 4, params
    # an upside-down range is read the right way up
    html = client.get("/search/", {"q": "钢管", "price_min": "20", "price_max": "10"}).content
    assert sorted(card_ids(html.decode())) == sorted([pipes[1].pk, pipes[3].pk])


def test_empty_result_with_filters_offers_to_drop_them(client, pipes):
    html = client.get("/search/", {"q": "钢管", "price_min": "1000"}).content.decode()
    assert "没有找到与“钢管”相关的信息" in html and "去掉筛选条件" in html


def test_category_page_orders_and_filters(client):
    cat = CategoryFactory(slug="pipes")
    cheap = make("供应焊管", category=cat, price="5.00")
    dear = make("供应焊管", category=cat, price="50.00", supports_escrow=True)
    html = client.get("/categories/pipes/", {"sort": "price_desc"}).content.decode()
    assert card_ids(html) == [dear.pk, cheap.pk]
    html = client.get("/categories/pipes/", {"escrow": "1"}).content.decode()
    assert card_ids(html) == [dear.pk]
    assert 'name="category"' not in html  # the page is the category
    assert '<a href="/categories/pipes/?kind=demand">求购信息</a>' in html  # the other kind


def test_filtered_ordered_page_query_count_is_bounded(client):
    now = timezone.now()
    for i in range(20):
        make(published_at=now - timedelta(hours=i), price=f"{i + 1}.00", company=CompanyFactory())
    params = {"q": "钢管", "sort": "price_asc", "escrow": "0", "price_min": "2", "verified": "0"}
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/search/", params).status_code == 200
    assert len(ctx) <= 20
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/search/", {"q": "钢管", "tab": "suppliers"}).status_code == 200
    assert len(ctx) <= 10
