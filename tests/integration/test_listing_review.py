"""R-L3 with a real Celery worker: a listing submitted through the API is reviewed within
5 seconds, and its status and check results are visible through the API."""

import time

import pytest
from django.utils import timezone

from listings.models import Listing
from members.models import Notice
from tests.conftest import auth_client
from tests.factories import UserFactory
from tests.integration.conftest import wait_for
from tests.listings.listing_factories import api_payload, leaf_category

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _reviewed(client, listing_id, status):
    body = client.get(f"/api/v1/listings/{listing_id}/").json()
    return body if body["status"] == status and len(body["checks"]) == 5 else None


def test_clean_listing_is_checked_and_queued_within_5_seconds(celery_worker):
    seller = UserFactory()
    client = auth_client(seller)
    category = leaf_category()
    response = client.post("/api/v1/listings/", api_payload(category), format="json")
    assert response.status_code == 201, response.json()
    started = time.monotonic()
    listing_id = response.json()["id"]

    body = wait_for(lambda: _reviewed(client, listing_id, "pending_review"), timeout=5.0)
    elapsed = time.monotonic() - started
    assert body, celery_worker["log"].read_text()[-3000:]
    assert elapsed <= 5.0
    assert body["status"] == "pending_review"  # waits for staff (auto-publish is off)
    assert {c["code"]: c["passed"] for c in body["checks"]} == {
        "duplicate": True,
        "prohibited_product": True,
        "english_only": True,
        "brand_model_in_title": True,
        "description_too_thin": True,
    }
    listing = Listing.objects.get(pk=listing_id)
    assert listing.checked_at is not None and listing.review_deadline is not None

    staff = UserFactory(is_staff=True, is_superuser=True)
    queue = auth_client(staff).get("/api/v1/staff/review-queue/").json()
    assert [r["id"] for r in queue["results"]] == [listing_id]
    approved = auth_client(staff).post(f"/api/v1/staff/listings/{listing_id}/approve/")
    assert approved.json() == {"id": listing_id, "status": "live"}


def test_failing_listing_is_rejected_with_reasons_within_5_seconds(celery_worker):
    seller = UserFactory(email_confirmed_at=timezone.now())
    client = auth_client(seller)
    category = leaf_category()
    response = client.post(
        "/api/v1/listings/",
        api_payload(category, title="Stainless steel pipe TP304", description="good pipe"),
        format="json",
    )
    assert response.status_code == 201
    listing_id = response.json()["id"]

    started = time.monotonic()
    body = wait_for(lambda: _reviewed(client, listing_id, "rejected"), timeout=5.0)
    assert body, celery_worker["log"].read_text()[-3000:]
    assert time.monotonic() - started <= 5.0
    codes = [r["code"] for r in body["rejection_reasons"]]
    assert codes == ["english_only", "brand_model_in_title", "description_too_thin"]
    assert all(r["detail"] and r["rule"] for r in body["rejection_reasons"])
    failed = {c["code"] for c in body["checks"] if not c["passed"]}
    assert failed == set(codes)

    # The seller is told in the site at once, and the e-mail task runs on the worker too.
    assert Notice.objects.filter(company=seller.company, kind="listing_rejected").exists()
    emailed = wait_for(
        lambda: Notice.objects.filter(
            company=seller.company, kind="listing_rejected", emailed_at__isnull=False
        ).exists(),
        timeout=5.0,
    )
    assert emailed, celery_worker["log"].read_text()[-3000:]
    log = celery_worker["log"].read_text()
    assert "未通过审核" in log  # the console e-mail backend of the worker printed it
