"""The Listings API of API.md: staff review queue, decisions and term lists."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from listings.models import BrandTerm, Listing, ListingCheck, ProhibitedTerm
from tests.conftest import auth_client
from tests.factories import ListingFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Listing.Status


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
