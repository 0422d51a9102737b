"""The Listings API of API.md: create, read, edit, refresh, withdraw; categories and the
schema (paths, status codes and error codes)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from listings.models import Listing
from tests.conftest import auth_client
from tests.factories import CompanyFactory, ListingFactory, TrustPassPeriodFactory, UserFactory
from tests.listings.listing_factories import api_payload

pytestmark = pytest.mark.django_db
Status = Listing.Status


# --- create --------------------------------------------------------------------------------------


def test_create_submits_at_once(seller, category, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(seller).post(
            "/api/v1/listings/", api_payload(category), format="json"
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending_review"
    listing = Listing.objects.get(pk=body["id"])
    assert listing.company == seller.company
    assert listing.checks.count() == 5  # the review ran on commit


def test_create_with_tiers_and_flags(seller, category):
    payload = api_payload(
        category,
        fixed_price=True,
        supports_escrow=True,
        price_tiers=[{"min_qty": 1, "price": "12"}, {"min_qty": 100, "price": "10"}],
        validity_days=7,
    )
    response = auth_client(seller).post("/api/v1/listings/", payload, format="json")
    assert response.status_code == 201
    listing = Listing.objects.get(pk=response.json()["id"])
    assert listing.fixed_price and listing.supports_escrow and listing.validity_days == 7
    assert listing.price_tiers[1] == {"min_qty": 100, "price": "10.00"}


def test_create_needs_sign_in(api_client, category):
    response = api_client.post("/api/v1/listings/", api_payload(category), format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_create_needs_a_company(category):
    user = UserFactory(company=None)
    response = auth_client(user).post("/api/v1/listings/", api_payload(category), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "no_company"


def test_create_invalid_gives_fields_in_chinese(seller, category):
    response = auth_client(seller).post(
        "/api/v1/listings/", api_payload(category, price="12", price_max="10"), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "最高价不能低于最低价" in body["fields"]["price_max"][0]
    missing = auth_client(seller).post("/api/v1/listings/", {"title": "钢管"}, format="json")
    assert missing.status_code == 400 and "category" in missing.json()["fields"]


# --- read: visibility -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PENDING_REVIEW, Status.REJECTED])
def test_another_members_private_listing_is_404_for_reading_and_editing(other, status):
    listing = ListingFactory(status=status)
    client = auth_client(other)
    assert client.get(f"/api/v1/listings/{listing.pk}/").status_code == 404
    response = client.patch(f"/api/v1/listings/{listing.pk}/", {"title": "钢管"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    for action in ("refresh", "withdraw", "submit", "images"):
        assert client.post(f"/api/v1/listings/{listing.pk}/{action}/").status_code == 404
    listing.refresh_from_db()
    assert listing.title != "钢管"


def test_anonymous_sees_live_only(api_client):
    live = ListingFactory()
    pending = ListingFactory(status=Status.PENDING_REVIEW)
    body = api_client.get(f"/api/v1/listings/{live.pk}/").json()
    assert body["status"] == "live"
    assert body["company"]["member_id"] == live.company.member_id
    assert body["company"]["is_trustpass"] is False
    assert "rejection_reasons" not in body and body.get("checks") is None
    assert api_client.get(f"/api/v1/listings/{pending.pk}/").status_code == 404


def test_owner_and_staff_see_any_status_with_reasons(seller, staff_user):
    listing = ListingFactory(
        company=seller.company,
        status=Status.REJECTED,
        rejection_reasons=[{"code": "duplicate", "detail": "重复信息", "rule": "R-L3a"}],
    )
    for user in (seller, staff_user):
        body = auth_client(user).get(f"/api/v1/listings/{listing.pk}/").json()
        assert body["status"] == "rejected"
        assert body["rejection_reasons"] == [
            {"code": "duplicate", "detail": "重复信息", "rule": "R-L3a"}
        ]


def test_detail_fields(api_client):
    company = CompanyFactory(verified=True, credit_score=27)
    TrustPassPeriodFactory(company=company)
    listing = ListingFactory(company=company, fixed_price=True, supports_escrow=True)
    body = api_client.get(f"/api/v1/listings/{listing.pk}/").json()
    for key in (
        "id",
        "kind",
        "title",
        "keyword",
        "status",
        "published_at",
        "images",
        "fixed_price",
        "supports_escrow",
    ):
        assert key in body
    assert body["company"] == {
        "member_id": company.member_id,
        "name": company.name,
        "is_trustpass": True,
        "verified": True,
        "credit_score": 27,
    }
    assert body["images"] == []


def test_demand_contacts_only_for_trustpass(api_client, trustpass_member, member):
    lead = ListingFactory(
        kind="demand", title="求购无缝钢管", contact_name="李经理", contact_phone="13800000000"
    )
    anonymous = api_client.get(f"/api/v1/listings/{lead.pk}/").json()
    assert anonymous["contact"] is None and anonymous["contact_masked"] is True
    ordinary = auth_client(member).get(f"/api/v1/listings/{lead.pk}/").json()
    assert ordinary["contact"] is None
    trustpass = auth_client(trustpass_member).get(f"/api/v1/listings/{lead.pk}/").json()
    assert trustpass["contact"]["phone"] == "13800000000"
    assert trustpass["contact_masked"] is False


def test_own_listing_list_by_status(seller):
    ListingFactory(company=seller.company)
    ListingFactory(company=seller.company, status=Status.DRAFT)
    ListingFactory()  # someone else's
    client = auth_client(seller)
    body = client.get("/api/v1/listings/").json()
    assert body["count"] == 2
    assert client.get("/api/v1/listings/?status=draft").json()["count"] == 1


# --- edit ---------------------------------------------------------------------------------------------


def test_patch_live_listing_resubmits(seller, django_capture_on_commit_callbacks):
    listing = ListingFactory(company=seller.company)
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(seller).patch(
            f"/api/v1/listings/{listing.pk}/", {"price": "13000.00"}, format="json"
        )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "pending_review"
    assert response.json()["price"] == "13000.00"


def test_patch_rejected_listing_resubmits(seller):
    listing = ListingFactory(company=seller.company, status=Status.REJECTED)
    response = auth_client(seller).patch(
        f"/api/v1/listings/{listing.pk}/", {"title": "碳钢无缝钢管"}, format="json"
    )
    assert response.json()["status"] == "pending_review"
    assert response.json()["title"] == "碳钢无缝钢管"


def test_patch_another_members_live_listing_is_403(other):
    listing = ListingFactory()
    response = auth_client(other).patch(
        f"/api/v1/listings/{listing.pk}/", {"title": "钢管"}, format="json"
    )
    assert response.status_code == 403


def test_patch_invalid_is_400(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    response = auth_client(seller).patch(
        f"/api/v1/listings/{listing.pk}/", {"validity_days": 15}, format="json"
    )
    assert response.status_code == 400


# --- refresh -------------------------------------------------------------------------------------------


def test_refresh_once_a_day(seller):
    listing = ListingFactory(
        company=seller.company, published_at=timezone.now() - timedelta(days=3)
    )
    client = auth_client(seller)
    response = client.post(f"/api/v1/listings/{listing.pk}/refresh/")
    assert response.status_code == 200
    assert response.json()["published_at"]
    listing.refresh_from_db()
    assert timezone.now() - listing.published_at < timedelta(seconds=10)
    again = client.post(f"/api/v1/listings/{listing.pk}/refresh/")
    assert again.status_code == 409
    assert again.json()["code"] == "refresh_too_soon" and again.json()["rule"] == "R-L2"


def test_refresh_of_a_draft_is_409(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    response = auth_client(seller).post(f"/api/v1/listings/{listing.pk}/refresh/")
    assert response.status_code == 409 and response.json()["code"] == "invalid_status"


def test_withdraw_and_submit_again(seller):
    listing = ListingFactory(company=seller.company)
    client = auth_client(seller)
    assert client.post(f"/api/v1/listings/{listing.pk}/withdraw/").json()["status"] == "withdrawn"
    assert (
        client.post(f"/api/v1/listings/{listing.pk}/submit/").json()["status"] == "pending_review"
    )
    assert client.post(f"/api/v1/listings/{listing.pk}/submit/").status_code == 409


# --- categories and schema ----------------------------------------------------------------------


def test_categories_tree(api_client, category):
    body = api_client.get("/api/v1/categories/").json()  # a page of top-level categories
    top = next(c for c in body["results"] if c["id"] == category.parent_id)
    assert top["children"][0]["id"] == category.pk
    assert top["children"][0]["path"] == "冶金矿产 › 钢管"


def test_schema_lists_the_listing_paths(api_client):
    response = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/api/v1/listings/{id}/images/",
        "/api/v1/staff/review-queue/",
        "/api/v1/staff/listings/{id}/approve/",
        "/api/v1/staff/prohibited-terms/",
    ):
        assert path.replace("{id}", "{pk}") in text or path in text
