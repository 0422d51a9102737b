"""The OpenAPI schema describes what the search and buy-lead endpoints really return."""

import pytest

from search.index import listing_reindex
from search.schema import (
    BuyLeadDetailSerializer,
    BuyLeadSerializer,
    SearchHitSerializer,
    SearchPageSerializer,
)
from tests.conftest import auth_client
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


def test_search_result_keys_match_the_schema(api_client):
    listing = ListingFactory(title="供应优质不锈钢304无缝钢管")
    listing_reindex(listing_id=listing.pk)
    data = api_client.get("/api/v1/search/", {"q": "钢管"}).json()
    assert set(data) == set(SearchPageSerializer().fields)
    assert data["results"], data
    assert set(data["results"][0]) == set(SearchHitSerializer().fields)


def test_buy_lead_keys_match_the_schema(api_client, trustpass_member):
    lead = ListingFactory(
        kind="demand",
        title="求购镀锌钢管",
        contact_name="李经理",
        contact_phone="13800000000",
        contact_email="li@example.cn",
    )
    listing_reindex(listing_id=lead.pk)
    client = auth_client(trustpass_member)
    item = client.get("/api/v1/buy-leads/").json()["results"][0]
    assert set(item) == set(BuyLeadSerializer().fields) - {"contact_hint"}
    detail = client.get(f"/api/v1/buy-leads/{lead.pk}/").json()
    assert set(detail) == set(BuyLeadDetailSerializer().fields) - {"contact_hint"}
    masked = api_client.get(f"/api/v1/buy-leads/{lead.pk}/").json()
    assert masked["contact"] is None and "contact_hint" in masked


def test_schema_documents_the_search_endpoints(client):
    schema = client.get("/api/v1/schema/").content.decode()
    for text in ["/api/v1/search/", "/api/v1/buy-leads/{id}/", "match_level", "contact_masked"]:
        assert text in schema
