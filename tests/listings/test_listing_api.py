"""The Listings API of API.md: paths, status codes and error codes."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from PIL import Image

from listings.models import BrandTerm, Listing, ListingCheck, ProhibitedTerm
from marketplace.uploads import LISTING_UPLOAD_MAX_BYTES
from tests.conftest import auth_client
from tests.factories import CompanyFactory, ListingFactory, TrustPassPeriodFactory, UserFactory
from tests.listings.listing_factories import (
    HTML_AS_JPEG,
    api_payload,
    bomb_png,
    image_bytes,
    leaf_category,
    noisy_png,
    upload,
)

pytestmark = pytest.mark.django_db
Status = Listing.Status


@pytest.fixture
def category():
    return leaf_category()


@pytest.fixture
def seller(member):
    return member


@pytest.fixture
def other(db):
    return UserFactory()


def _checks(listing, failed=()):
    for code in (
        "duplicate",
        "prohibited_product",
        "english_only",
        "brand_model_in_title",
        "description_too_thin",
    ):
        ListingCheck.objects.create(listing=listing, code=code, passed=code not in failed)
    listing.checked_at = timezone.now()
    listing.save()


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


# --- images (R-L5) ------------------------------------------------------------------------------


def _post_image(client, listing, content, name="photo.jpg", content_type="image/jpeg"):
    return client.post(
        f"/api/v1/listings/{listing.pk}/images/",
        {"image": upload(content, name, content_type)},
        format="multipart",
    )


def test_image_upload_gives_the_stored_form(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    response = _post_image(
        auth_client(seller), listing, noisy_png((4000, 3000)), "big.png", "image/png"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["width"], body["height"], body["format"]) == (200, 200, "JPEG")
    assert body["bytes"] < 200 * 1024
    assert body["url"].startswith("http://testserver/media/listings/")
    detail = auth_client(seller).get(f"/api/v1/listings/{listing.pk}/").json()
    assert detail["images"] == [body["url"]]


def test_cmyk_upload_is_stored_rgb(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    response = _post_image(auth_client(seller), listing, image_bytes("JPEG", mode="CMYK"))
    assert response.status_code == 201
    stored = Image.open(listing.images.get().image.path)
    assert stored.mode == "RGB" and stored.size == (200, 200)


def test_upload_of_5_mb_plus_one_byte_is_413(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    jpeg = image_bytes("JPEG", size=(100, 100))
    content = jpeg + b"\0" * (LISTING_UPLOAD_MAX_BYTES + 1 - len(jpeg))
    response = _post_image(auth_client(seller), listing, content)
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "file_too_large" and body["rule"] == "R-L5"
    assert "5 MB" in body["detail"]
    assert listing.images.count() == 0


def test_upload_of_exactly_5_mb_is_accepted(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    jpeg = image_bytes("JPEG", size=(100, 100))
    content = jpeg + b"\0" * (LISTING_UPLOAD_MAX_BYTES - len(jpeg))
    assert _post_image(auth_client(seller), listing, content).status_code == 201


def test_declared_oversized_body_is_413_before_reading(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    client = auth_client(seller)
    response = client.generic(
        "POST",
        f"/api/v1/listings/{listing.pk}/images/",
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(20 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"


def test_bomb_and_html_are_400(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    client = auth_client(seller)
    bomb = _post_image(client, listing, bomb_png(), "bomb.png", "image/png")
    assert bomb.status_code == 400 and bomb.json()["code"] == "image_too_large"
    html = _post_image(client, listing, HTML_AS_JPEG)
    assert html.status_code == 400 and html.json()["code"] == "not_an_image"
    assert listing.images.count() == 0


def test_failed_upload_leaves_images_as_they_were(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    client = auth_client(seller)
    assert _post_image(client, listing, image_bytes()).status_code == 201
    before = list(listing.images.values_list("pk", "image", "bytes"))
    assert _post_image(client, listing, HTML_AS_JPEG).status_code == 400
    assert list(listing.images.values_list("pk", "image", "bytes")) == before


def test_seventh_image_is_refused(seller):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    client = auth_client(seller)
    for _ in range(6):
        assert _post_image(client, listing, image_bytes("PNG", size=(30, 30))).status_code == 201
    response = _post_image(client, listing, image_bytes())
    assert response.status_code == 400 and response.json()["code"] == "too_many_images"


def test_image_delete(seller, other):
    listing = ListingFactory(company=seller.company, status=Status.DRAFT)
    client = auth_client(seller)
    image_id = _post_image(client, listing, image_bytes()).json()["id"]
    assert (
        auth_client(other).delete(f"/api/v1/listings/{listing.pk}/images/{image_id}/").status_code
        == 404
    )
    assert client.delete(f"/api/v1/listings/{listing.pk}/images/{image_id}/").status_code == 204
    assert listing.images.count() == 0


# --- staff ------------------------------------------------------------------------------------------


def test_review_queue_ordered_by_deadline_with_checks(staff_user):
    now = timezone.now()
    late = ListingFactory(status=Status.PENDING_REVIEW, review_deadline=now + timedelta(hours=2))
    overdue = ListingFactory(
        status=Status.PENDING_REVIEW, review_deadline=now - timedelta(minutes=1)
    )
    _checks(late, failed=())
    ListingFactory()  # live
    body = auth_client(staff_user).get("/api/v1/staff/review-queue/").json()
    assert [r["id"] for r in body["results"]] == [overdue.pk, late.pk]
    first, second = body["results"]
    assert first["overdue"] is True and second["overdue"] is False
    assert first["deadline"] and first["checks"] == []
    assert {c["code"]: c["passed"] for c in second["checks"]}["duplicate"] is True
    assert len(second["checks"]) == 5


def test_staff_endpoints_need_staff(member, api_client):
    listing = ListingFactory(status=Status.PENDING_REVIEW)
    assert api_client.get("/api/v1/staff/review-queue/").status_code == 401
    client = auth_client(member)
    assert client.get("/api/v1/staff/review-queue/").status_code == 403
    assert client.post(f"/api/v1/staff/listings/{listing.pk}/approve/").status_code == 403
    assert (
        client.post(
            f"/api/v1/staff/listings/{listing.pk}/reject/", {"codes": ["duplicate"]}, format="json"
        ).status_code
        == 403
    )
    assert client.get("/api/v1/staff/prohibited-terms/").status_code == 403
    assert (
        client.post("/api/v1/staff/brand-terms/", {"term": "宝钢"}, format="json").status_code
        == 403
    )


def test_staff_without_the_permission_is_403():
    reviewer = UserFactory(is_staff=True)
    listing = ListingFactory(status=Status.PENDING_REVIEW)
    _checks(listing)
    client = auth_client(reviewer)
    assert client.post(f"/api/v1/staff/listings/{listing.pk}/approve/").status_code == 403
    reviewer.user_permissions.add(Permission.objects.get(codename="change_listing"))
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)  # fresh permission cache
    response = auth_client(reviewer).post(f"/api/v1/staff/listings/{listing.pk}/approve/")
    assert response.status_code == 200


def test_approve(staff_user):
    listing = ListingFactory(
        status=Status.PENDING_REVIEW, published_at=None, first_published_at=None
    )
    _checks(listing)
    response = auth_client(staff_user).post(f"/api/v1/staff/listings/{listing.pk}/approve/")
    assert response.status_code == 200
    assert response.json()["status"] == "live"
    listing.refresh_from_db()
    assert listing.published_at and listing.first_published_at == listing.published_at
    again = auth_client(staff_user).post(f"/api/v1/staff/listings/{listing.pk}/approve/")
    assert again.status_code == 409


def test_approve_with_a_failed_check_is_409(staff_user):
    listing = ListingFactory(status=Status.PENDING_REVIEW)
    _checks(listing, failed=("english_only",))
    response = auth_client(staff_user).post(f"/api/v1/staff/listings/{listing.pk}/approve/")
    assert response.status_code == 409
    assert response.json()["code"] == "checks_failed"
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW


def test_approve_unknown_listing_is_404(staff_user):
    assert auth_client(staff_user).post("/api/v1/staff/listings/999999/approve/").status_code == 404


def test_reject(staff_user, django_capture_on_commit_callbacks):
    listing = ListingFactory(status=Status.PENDING_REVIEW)
    _checks(listing)
    with django_capture_on_commit_callbacks(execute=True):
        response = auth_client(staff_user).post(
            f"/api/v1/staff/listings/{listing.pk}/reject/",
            {"codes": ["brand_model_in_title"], "detail": "标题含型号 304"},
            format="json",
        )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "rejected"
    assert body["rejection_reasons"][0]["code"] == "brand_model_in_title"
    assert body["rejection_reasons"][0]["rule"] == "R-L3d"


def test_reject_with_unknown_code_is_400(staff_user):
    listing = ListingFactory(status=Status.PENDING_REVIEW)
    response = auth_client(staff_user).post(
        f"/api/v1/staff/listings/{listing.pk}/reject/", {"codes": ["ugly"]}, format="json"
    )
    assert response.status_code == 400
    assert "codes" in response.json()["fields"]


def test_reject_of_a_live_listing_is_409(staff_user):
    listing = ListingFactory()
    response = auth_client(staff_user).post(
        f"/api/v1/staff/listings/{listing.pk}/reject/", {"codes": ["duplicate"]}, format="json"
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/api/v1/staff/prohibited-terms/", ProhibitedTerm),
        ("/api/v1/staff/brand-terms/", BrandTerm),
    ],
)
def test_term_lists(staff_user, path, model):
    client = auth_client(staff_user)
    response = client.post(path, {"term": "象牙"}, format="json")
    assert response.status_code == 201
    assert response.json()["term"] == "象牙"
    assert model.objects.filter(term="象牙").exists()
    assert client.post(path, {"term": "象牙"}, format="json").status_code == 409
    assert client.post(path, {"term": ""}, format="json").status_code == 400
    listing = client.get(path).json()
    assert listing["count"] == 1 and listing["results"][0]["term"] == "象牙"
    term_id = listing["results"][0]["id"]
    assert client.delete(f"{path}{term_id}/").status_code == 204
    assert not model.objects.exists()


def test_categories_tree(api_client, category):
    body = api_client.get("/api/v1/categories/").json()
    top = next(c for c in body if c["id"] == category.parent_id)
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
