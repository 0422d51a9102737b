"""Buy leads (R-M3.1): contacts only for TrustPass members; pages, API and the quote box."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from search.buy_leads import buy_lead_list, lead_json, mask_email, mask_name, mask_phone
from search.index import listing_reindex
from tests.conftest import auth_client
from tests.factories import CompanyFactory, ListingFactory, TrustPassPeriodFactory, UserFactory

pytestmark = pytest.mark.django_db

CONTACT = {"name": "李采购", "phone": "13812345678", "email": "buyer@example.com"}


@pytest.fixture
def lead():
    listing = ListingFactory(
        kind="demand",
        title="求购不锈钢无缝钢管",
        keyword="无缝钢管",
        contact_name=CONTACT["name"],
        contact_phone=CONTACT["phone"],
        contact_email=CONTACT["email"],
        company=CompanyFactory(),
    )
    listing_reindex(listing_id=listing.pk)
    return listing


def ended_today_member():
    user = UserFactory()
    today = timezone.localdate()
    TrustPassPeriodFactory(
        company=user.company, starts_on=today - timedelta(days=365), ends_on=today
    )
    return user


def test_masks():
    assert mask_name("李采购") == "李**"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0571-8888666") == "057****8666"
    assert mask_email("buyer@example.com") == "b***@example.com"
    assert mask_name("") == mask_phone("") == mask_email("") == ""


def test_api_trustpass_member_sees_contacts(lead, trustpass_member):
    client = auth_client(trustpass_member)
    body = client.get(f"/api/v1/buy-leads/{lead.pk}/").json()
    assert body["contact"] == CONTACT and body["contact_masked"] is False
    assert body["can_quote"] is True
    listed = client.get("/api/v1/buy-leads/").json()
    assert listed["count"] == 1 and listed["results"][0]["contact"] == CONTACT


@pytest.mark.parametrize("who", ["member", "anonymous", "ended_today"])
def test_api_others_get_masked_contacts(lead, member, api_client, who):
    client = {
        "member": lambda: auth_client(member),
        "anonymous": lambda: api_client,
        "ended_today": lambda: auth_client(ended_today_member()),
    }[who]()
    for url in (f"/api/v1/buy-leads/{lead.pk}/", "/api/v1/buy-leads/"):
        body = client.get(url).json()
        item = body if "id" in body else body["results"][0]
        assert item["contact"] is None and item["contact_masked"] is True
        assert item["can_quote"] is False
        text = str(body)
        assert CONTACT["phone"] not in text and CONTACT["email"] not in text


def test_api_only_live_demand_listings(api_client, lead):
    supply = ListingFactory(kind="supply")
    hidden = ListingFactory(kind="demand", status="withdrawn")
    assert api_client.get(f"/api/v1/buy-leads/{supply.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/buy-leads/{hidden.pk}/").status_code == 404
    body = api_client.get("/api/v1/buy-leads/").json()
    assert [r["id"] for r in body["results"]] == [lead.pk]


def test_api_buy_lead_search_and_paging(api_client, lead):
    ListingFactory(
        kind="demand", title="求购球阀", keyword="球阀", description="需要球阀一批，" * 5
    )
    body = api_client.get("/api/v1/buy-leads/", {"q": "钢管"}).json()
    assert [r["id"] for r in body["results"]] == [lead.pk]
    body = api_client.get("/api/v1/buy-leads/", {"page_size": 1}).json()
    assert body["count"] == 2 and body["next"] and len(body["results"]) == 1
    assert api_client.get("/api/v1/buy-leads/", {"page": 5}).status_code == 404


def test_contacts_fall_back_to_the_company(api_client, trustpass_member):
    company = CompanyFactory(contact_name="赵经理", phone="0571-1234567", email="zh@example.com")
    listing = ListingFactory(kind="demand", company=company)
    body = auth_client(trustpass_member).get(f"/api/v1/buy-leads/{listing.pk}/").json()
    assert body["contact"] == {"name": "赵经理", "phone": "0571-1234567", "email": "zh@example.com"}


# --- pages ----------------------------------------------------------------------------------


def test_page_trustpass_sees_contacts_and_quote_form(client, lead, trustpass_member):
    client.force_login(trustpass_member)
    html = client.get(f"/buy-leads/{lead.pk}/").content.decode()
    assert CONTACT["phone"] in html and CONTACT["email"] in html and CONTACT["name"] in html
    assert 'data-contact="visible"' in html
    assert 'id="quote"' in html and "发送报价" in html
    listing_html = client.get("/buy-leads/").content.decode()
    assert CONTACT["phone"] in listing_html


@pytest.mark.parametrize("who", ["member", "anonymous", "ended_today"])
def test_page_others_see_masked_contacts_and_a_call_to_trustpass(client, lead, member, who):
    if who == "member":
        client.force_login(member)
    elif who == "ended_today":
        client.force_login(ended_today_member())
    for url in (f"/buy-leads/{lead.pk}/", "/buy-leads/"):
        html = client.get(url).content.decode()
        assert CONTACT["phone"] not in html and CONTACT["email"] not in html
        assert "138****5678" in html and "李**" in html
        assert "/trustpass/" in html
    detail = client.get(f"/buy-leads/{lead.pk}/").content.decode()
    assert 'data-contact="masked"' in detail and "发送报价" not in detail


def test_page_not_found_for_other_listings(client):
    supply = ListingFactory(kind="supply")
    assert client.get(f"/buy-leads/{supply.pk}/").status_code == 404
    assert client.get("/buy-leads/999999/").status_code == 404


def test_page_empty_state(client):
    html = client.get("/buy-leads/", {"q": "钢管"}).content.decode()
    assert "没有找到与“钢管”相关的求购信息" in html


def test_a_search_page_of_leads_reads_no_more_for_more_leads():
    """The company's contacts (the fallback of a lead without its own) come with the cards:
    searching 6 leads costs no more statements than searching 1."""

    def queries_for_a_page(n):
        for _ in range(n):
            company = CompanyFactory(contact_name="赵经理", phone="057112345678", email="z@e.com")
            listing = ListingFactory(
                kind="demand", title="求购法兰", keyword="法兰", company=company
            )
            listing_reindex(listing_id=listing.pk)
        with CaptureQueriesContext(connection) as run:
            page = buy_lead_list(viewer=None, q="法兰")
            rows = [lead_json(lead) for lead in page.leads]
        assert all(r["contact"] is None and r["contact_masked"] for r in rows)
        assert {lead.masked["name"] for lead in page.leads} == {"赵**"}
        return len(rows), len(run.captured_queries)

    one = queries_for_a_page(1)
    six = queries_for_a_page(5)
    assert one[0] == 1 and six[0] == 6
    assert six[1] == one[1]
