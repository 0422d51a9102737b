"""API.md Inquiries: POST /listings/{id}/inquiries/ (429 + Retry-After), GET /inbox/,
POST /inbox/{id}/reply/; a third member gets 404 everywhere (R-I1)."""

import time

import pytest

from inquiries import services
from inquiries.models import InquiryMessage
from tests.conftest import auth_client
from tests.factories import ListingFactory, UserFactory
from tests.inquiries.inquiry_factories import seller_and_listing

pytestmark = pytest.mark.django_db


def _inquire(client, listing, message="请报最低价", quantity=10):
    return client.post(
        f"/api/v1/listings/{listing.pk}/inquiries/",
        {"message": message, "quantity": quantity},
        format="json",
    )


def test_post_inquiry_returns_201_with_the_thread_id():
    seller, listing = seller_and_listing()
    buyer = UserFactory()
    resp = _inquire(auth_client(buyer), listing)
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["listing"] == listing.pk
    msg = InquiryMessage.objects.get(pk=body["message_id"])
    assert msg.inquiry_id == body["id"] and msg.quantity == 10


def test_post_inquiry_needs_sign_in(api_client):
    _, listing = seller_and_listing()
    resp = _inquire(api_client, listing)
    assert resp.status_code == 401
    assert resp.json()["code"] == "not_authenticated"


def test_post_inquiry_quantity_is_optional():
    _, listing = seller_and_listing()
    resp = auth_client(UserFactory()).post(
        f"/api/v1/listings/{listing.pk}/inquiries/", {"message": "询价"}, format="json"
    )
    assert resp.status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"quantity": 3}, "message"),
        ({"message": ""}, "message"),
        ({"message": "询价", "quantity": 0}, "quantity"),
        ({"message": "询价", "quantity": "many"}, "quantity"),
    ],
)
def test_post_inquiry_validation_errors(payload, field):
    _, listing = seller_and_listing()
    resp = auth_client(UserFactory()).post(
        f"/api/v1/listings/{listing.pk}/inquiries/", payload, format="json"
    )
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == "invalid" and field in body["fields"]


def test_post_inquiry_on_a_listing_not_live_is_404():
    _, listing = seller_and_listing(status="pending_review")
    resp = _inquire(auth_client(UserFactory()), listing)
    assert resp.status_code == 404
    assert _inquire(auth_client(UserFactory()), ListingFactory.build(pk=999999)).status_code == 404


def test_post_inquiry_to_own_listing_is_refused():
    seller, listing = seller_and_listing()
    resp = _inquire(auth_client(seller), listing)
    assert resp.status_code == 400
    assert resp.json()["code"] == "inquiry_not_allowed"


def test_rate_limit_at_the_default_limit_and_one_over(settings):
    """R-I1: 20 an hour by default: the 20th passes, the 21st is 429 with Retry-After."""
    assert settings.INQUIRY_RATE_LIMIT_PER_HOUR == 20
    buyer = UserFactory()
    client = auth_client(buyer)
    listings = [seller_and_listing()[1] for _ in range(21)]
    for listing in listings[:20]:
        assert _inquire(client, listing).status_code == 201
    resp = _inquire(client, listings[20])
    assert resp.status_code == 429
    body = resp.json()
    assert body["code"] == "rate_limited" and body["rule"] == "R-I1"
    assert "20" in body["detail"]
    retry = int(resp["Retry-After"])
    assert 3500 < retry <= 3600
    assert InquiryMessage.objects.filter(sender=buyer).count() == 20
    # The limit is per sender: someone else may still send.
    assert _inquire(auth_client(UserFactory()), listings[20]).status_code == 201


def test_rate_limit_is_a_setting_and_reopens_after_the_window(settings, monkeypatch):
    settings.INQUIRY_RATE_LIMIT_PER_HOUR = 2
    monkeypatch.setattr(services, "RATE_WINDOW_SECONDS", 1)
    _, listing = seller_and_listing()
    client = auth_client(UserFactory())
    assert _inquire(client, listing).status_code == 201
    assert _inquire(client, listing).status_code == 201
    over = _inquire(client, listing)
    assert over.status_code == 429 and int(over["Retry-After"]) >= 1
    time.sleep(1.3)
    assert _inquire(client, listing).status_code == 201


def test_invalid_requests_do_not_use_up_the_limit(settings):
    settings.INQUIRY_RATE_LIMIT_PER_HOUR = 1
    _, listing = seller_and_listing()
    client = auth_client(UserFactory())
    for _ in range(3):
        assert _inquire(client, listing, message="").status_code == 400
    assert _inquire(client, listing).status_code == 201
    assert _inquire(client, listing).status_code == 429


def _thread_id(seller_listing=None):
    seller, listing = seller_listing or seller_and_listing()
    buyer = UserFactory()
    resp = _inquire(auth_client(buyer), listing, message="有货吗")
    return seller, buyer, resp.json()["id"]


def test_inbox_lists_received_inquiries_for_the_seller():
    seller, buyer, tid = _thread_id()
    resp = auth_client(seller).get("/api/v1/inbox/")
    assert resp.status_code == 200
    data = resp.json()
    assert data["count"] == 1 and data["previous"] is None
    item = data["results"][0]
    assert item["id"] == tid and item["kind"] == "inquiry" and item["direction"] == "received"
    assert item["counterpart"]["member_id"] == buyer.company.member_id
    assert item["message"] == "有货吗" and item["quantity"] == 10 and item["unread"] == 1
    # The buyer's received box is empty; its sent box has the thread.
    assert auth_client(buyer).get("/api/v1/inbox/").json()["count"] == 0
    sent = auth_client(buyer).get("/api/v1/inbox/?box=sent").json()
    assert [r["id"] for r in sent["results"]] == [tid]


def test_inbox_needs_sign_in(api_client):
    assert api_client.get("/api/v1/inbox/").status_code == 401


def test_reply_by_the_seller_and_the_buyer_reads_it():
    seller, buyer, tid = _thread_id()
    resp = auth_client(seller).post(
        f"/api/v1/inbox/{tid}/reply/", {"message": "有现货，当天发货"}, format="json"
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["inquiry"] == tid
    detail = auth_client(buyer).get(f"/api/v1/inbox/{tid}/").json()
    assert [m["message"] for m in detail["messages"]] == ["有货吗", "有现货，当天发货"]
    assert detail["messages"][1]["mine"] is False
    # Reading it marked it read.
    assert auth_client(buyer).get("/api/v1/inbox/?box=sent").json()["results"][0]["unread"] == 0


def test_reply_validation():
    seller, _, tid = _thread_id()
    resp = auth_client(seller).post(f"/api/v1/inbox/{tid}/reply/", {"message": ""}, format="json")
    assert resp.status_code == 400 and "message" in resp.json()["fields"]


def test_third_member_gets_404_reading_replying_or_marking_a_thread():
    seller, buyer, tid = _thread_id()
    stranger = auth_client(UserFactory())
    assert stranger.get(f"/api/v1/inbox/{tid}/").status_code == 404
    resp = stranger.post(f"/api/v1/inbox/{tid}/reply/", {"message": "我也来"}, format="json")
    assert resp.status_code == 404
    assert resp.json()["code"] == "not_found"
    # Even with an invalid body the answer is 404, not 400 (nothing leaks).
    assert stranger.post(f"/api/v1/inbox/{tid}/reply/", {}, format="json").status_code == 404
    assert stranger.post(f"/api/v1/inbox/{tid}/read/").status_code == 404
    assert stranger.get("/api/v1/inbox/?box=all").json()["count"] == 0
    # A user without a company is a third party as well.
    assert auth_client(UserFactory(company=None)).get(f"/api/v1/inbox/{tid}/").status_code == 404
    assert InquiryMessage.objects.filter(inquiry_id=tid).count() == 1


def test_mark_read_endpoint():
    seller, _, tid = _thread_id()
    assert auth_client(seller).post(f"/api/v1/inbox/{tid}/read/").json() == {"marked": 1}
    assert auth_client(seller).get("/api/v1/inbox/?unread=1").json()["count"] == 0


def test_inbox_is_paginated():
    seller, listing = seller_and_listing()
    for _ in range(3):
        _inquire(auth_client(UserFactory()), listing)
    page = auth_client(seller).get("/api/v1/inbox/?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
