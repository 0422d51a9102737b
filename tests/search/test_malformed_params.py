"""Issue 17: malformed query parameters of the search and buy-lead API and pages must not
give a 500 (NUL bytes reach PostgreSQL, page numbers past bigint reach OFFSET)."""

import pytest

from search.buy_leads import buy_lead_list
from search.index import listing_reindex
from search.selectors import listing_search
from tests.factories import CategoryFactory, CompanyFactory, ListingFactory

pytestmark = pytest.mark.django_db

SEARCH_API = "/api/v1/search/"
LEADS_API = "/api/v1/buy-leads/"
HUGE_PAGE = "99999999999999999999"
# The text parameters each endpoint reads.
API_TEXT = [
    (SEARCH_API, "q"),
    (SEARCH_API, "kind"),
    (SEARCH_API, "category"),
    (SEARCH_API, "province"),
    (LEADS_API, "q"),
    (LEADS_API, "category"),
    (LEADS_API, "province"),
]
BAD_TEXT = ["钢管\x00", "\x00", "a\x1fb"]
PAGES = ["/search/", "/buy-leads/", "/categories/{slug}/"]
PAGE_TEXT = ["q", "kind", "category", "province"]


@pytest.fixture
def cat():
    return CategoryFactory()


@pytest.fixture
def leads(cat):
    company = CompanyFactory()
    made = [
        ListingFactory(kind="demand", title=f"求购不锈钢无缝钢管{i}", company=company, category=cat)
        for i in range(3)
    ]
    for x in made:
        listing_reindex(listing_id=x.pk)
    return made


@pytest.mark.parametrize("value", BAD_TEXT)
@pytest.mark.parametrize(("url", "param"), API_TEXT)
def test_api_rejects_control_characters_with_a_clear_400(api_client, leads, url, param, value):
    response = api_client.get(url, {param: value})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert param in body["fields"]
    assert param in body["detail"] and "控制字符" in body["detail"]


@pytest.mark.parametrize("url", [SEARCH_API, LEADS_API])
@pytest.mark.parametrize("page", [HUGE_PAGE, "²", "0", "-1", "abc", "1\x00"])
def test_api_absurd_page_is_not_found(api_client, leads, url, page):
    response = api_client.get(url, {"page": page})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("url", [SEARCH_API, LEADS_API])
@pytest.mark.parametrize("q", ["", "钢管"])
def test_api_page_past_the_last_is_not_found(api_client, leads, url, q):
    params = {"page": 2, "page_size": 100, "kind": "demand"}
    if q:
        params["q"] = q
    response = api_client.get(url, params)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("url", [SEARCH_API, LEADS_API])
@pytest.mark.parametrize("page_size", ["null", "abc", "", "0", "-5", "\x00", HUGE_PAGE])
def test_api_bad_page_size_falls_back(api_client, leads, url, page_size):
    response = api_client.get(url, {"page_size": page_size, "kind": "demand"})
    assert response.status_code == 200
    assert response.json()["count"] == 3


@pytest.mark.parametrize("value", BAD_TEXT)
@pytest.mark.parametrize("param", PAGE_TEXT)
@pytest.mark.parametrize("page", PAGES)
def test_pages_treat_control_characters_as_empty(client, leads, cat, page, param, value):
    response = client.get(page.format(slug=cat.slug), {param: value})
    assert response.status_code == 200


@pytest.mark.parametrize("number", [HUGE_PAGE, "²", "0", "abc", "1\x00"])
@pytest.mark.parametrize("page", PAGES)
def test_pages_absurd_page_number(client, leads, cat, page, number):
    response = client.get(page.format(slug=cat.slug), {"page": number})
    assert response.status_code == 200


@pytest.mark.parametrize("url", [SEARCH_API, LEADS_API, "/search/", "/buy-leads/"])
def test_category_id_past_bigint_is_an_unknown_category(client, leads, url):
    response = client.get(url, {"category": HUGE_PAGE, "kind": "demand"})
    assert response.status_code == 200
    if url.startswith("/api/"):
        assert response.json()["count"] == 0


def test_buy_lead_selector_page_past_bigint_is_an_empty_page(leads):
    result = buy_lead_list(viewer=None, page=10**20)
    assert result.leads == []
    assert result.count == 3


def test_search_selector_page_past_bigint_is_an_empty_page(leads):
    result = listing_search(kind="demand", page=10**20)
    assert result.hits == []
    assert result.count == 3
