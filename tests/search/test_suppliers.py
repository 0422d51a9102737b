"""Supplier search (API.md `GET /api/v1/suppliers/?q=`; the search page's 供应商 tab):
companies by name, main products and summary, TrustPass first."""

import pytest

from search.schema import SupplierSerializer
from tests.factories import CompanyFactory, ListingFactory, TrustPassPeriodFactory

pytestmark = pytest.mark.django_db


def company(name, *, trustpass=False, **kw):
    c = CompanyFactory(name=name, **kw)
    if trustpass:
        TrustPassPeriodFactory(company=c)
    return c


@pytest.fixture
def suppliers():
    return {
        "plain_name": company("宁波钢管制造厂", credit_score=90, member_id="nbpipe"),
        "tp_products": company(
            "温州五金有限公司", trustpass=True, main_products="无缝钢管 法兰", member_id="wzhw"
        ),
        "tp_name": company("杭州钢管有限公司", trustpass=True, member_id="hzpipe"),
        "tp_summary": company(
            "苏州精工机械", trustpass=True, summary="专业生产精密钢管二十年", member_id="szjg"
        ),
        "expired": company("上海钢管贸易", member_id="shpipe", credit_score=5),
        "other": company("广州阀门厂", trustpass=True, main_products="球阀", member_id="gzvalve"),
    }


def member_ids(response):
    assert response.status_code == 200, response.json()
    return [r["member_id"] for r in response.json()["results"]]


def test_trustpass_first_then_name_then_credit(api_client, suppliers):
    # TrustPass: the name holder first, then by credit score (equal: member ID);
    # then the others, name holders, higher credit first.
    got = member_ids(api_client.get("/api/v1/suppliers/", {"q": "钢管"}))
    assert got == ["hzpipe", "szjg", "wzhw", "nbpipe", "shpipe"]


def test_fields_and_schema(api_client, suppliers):
    suppliers["tp_name"].verified = True
    suppliers["tp_name"].credit_score = 42
    suppliers["tp_name"].province = "浙江"
    suppliers["tp_name"].save()
    body = api_client.get("/api/v1/suppliers/", {"q": "杭州钢管"}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    [item] = body["results"]
    assert set(item) == set(SupplierSerializer().fields)
    assert {
        k: item[k]
        for k in ("member_id", "name", "is_trustpass", "verified", "credit_score", "province")
    } == {
        "member_id": "hzpipe",
        "name": "杭州钢管有限公司",
        "is_trustpass": True,
        "verified": True,
        "credit_score": 42,
        "province": "浙江",
    }


def test_every_word_must_match_in_some_field(api_client, suppliers):
    assert member_ids(api_client.get("/api/v1/suppliers/", {"q": "温州 法兰"})) == ["wzhw"]
    assert member_ids(api_client.get("/api/v1/suppliers/", {"q": "温州 球阀"})) == []
    assert member_ids(api_client.get("/api/v1/suppliers/", {"q": "精密"})) == ["szjg"]
    # the query is read as listing search reads it: case and full-width forms fold
    company("SUS Trading", member_id="sus")
    assert member_ids(api_client.get("/api/v1/suppliers/", {"q": "ｓｕｓ"})) == ["sus"]


def test_pages_and_errors(api_client, suppliers):
    first = api_client.get("/api/v1/suppliers/", {"q": "钢管", "page_size": 2}).json()
    assert first["count"] == 5 and first["next"] and first["previous"] is None
    second = api_client.get(first["next"]).json()
    assert [r["member_id"] for r in second["results"]] == ["wzhw", "nbpipe"]
    assert api_client.get("/api/v1/suppliers/", {"q": "钢管", "page": "9"}).status_code == 404
    bad = api_client.get("/api/v1/suppliers/", {"q": "钢\x00管"})
    assert bad.status_code == 400 and list(bad.json()["fields"]) == ["q"]
    assert member_ids(api_client.get("/api/v1/suppliers/", {"q": "！？"})) == []


def test_supplier_tab_on_the_search_page(client, suppliers):
    ListingFactory(company=suppliers["tp_name"])
    response = client.get("/search/", {"q": "钢管", "tab": "suppliers"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index('data-member="hzpipe"') < html.index('data-member="nbpipe"')
    assert "杭州<mark>钢管</mark>有限公司" in html
    assert "找到 5 家供应商" in html and "1 条供应信息" in html
    assert 'class="current" aria-current="page">供应商' in html
    assert "/shop/hzpipe/" in html and "/shop/nbpipe/" not in html
    empty = client.get("/search/", {"q": "不存在的公司", "tab": "suppliers"}).content.decode()
    assert "没有找到名称或主营产品含有“不存在的公司”的供应商" in empty
