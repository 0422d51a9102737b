"""R-C4 put right (issue 14), for every order state, through the API of API.md: a review only
on a completed trade (any rating) or on one refunded or cancelled after payment (neutral or
negative; positive → 400 rating_not_allowed); never-paid trades (created, expired,
cancelled before payment) → 400 trade_not_paid; paid, shipped, disputed → 409
trade_in_progress. Orders are driven through the trade services, as users would. The
reviewed company is notified. Reviews left under the old rule are flagged (credit 0002)."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from credit.models import Review
from members.models import Notice
from tests.conftest import auth_client
from tests.credit.factories import OrderFactory, trustpass_user
from tests.trade.conftest import drive
from tests.trade.factories import EscrowListingFactory
from trade import services as trade_services

pytestmark = pytest.mark.django_db

RATINGS = ("positive", "neutral", "negative")
# status → {rating: (HTTP status, code or None)}
EXPECTED = {
    "created": dict.fromkeys(RATINGS, (400, "trade_not_paid")),
    "expired": dict.fromkeys(RATINGS, (400, "trade_not_paid")),
    "cancelled": dict.fromkeys(RATINGS, (400, "trade_not_paid")),
    "paid": dict.fromkeys(RATINGS, (409, "trade_in_progress")),
    "shipped": dict.fromkeys(RATINGS, (409, "trade_in_progress")),
    "disputed": dict.fromkeys(RATINGS, (409, "trade_in_progress")),
    "completed": dict.fromkeys(RATINGS, (201, None)),
    "refunded": {
        "positive": (400, "rating_not_allowed"),
        "neutral": (201, None),
        "negative": (201, None),
    },
}


@pytest.fixture
def parties(db):
    buyer, seller = trustpass_user(), trustpass_user()
    listing = EscrowListingFactory(company=seller.company)
    return buyer, seller, listing


def _order(parties, status):
    buyer, seller, listing = parties
    order = trade_services.order_create(buyer=buyer.company, listing_id=listing.pk, quantity=1)
    return drive(order, status)


def _review(user, order, rating):
    return auth_client(user).post(
        f"/api/v1/orders/{order.pk}/reviews/",
        {"rating": rating, "comment": "评价内容"},
        format="json",
    )


@pytest.mark.parametrize(("status", "rating"), [(s, r) for s in EXPECTED for r in RATINGS])
def test_every_order_state_and_rating_through_the_api(parties, status, rating):
    buyer, seller, _ = parties
    order = _order(parties, status)
    assert order.status == status
    expected_status, expected_code = EXPECTED[status][rating]
    for user in (buyer, seller):  # the rule is the same for both sides
        response = _review(user, order, rating)
        assert response.status_code == expected_status, (user, response.json())
        if expected_code:
            body = response.json()
            assert (body["code"], body["rule"]) == (expected_code, "R-C4")
            assert body["detail"]
    made = Review.objects.filter(order=order).count()
    assert made == (2 if expected_status == 201 else 0)


@pytest.mark.parametrize("rating", RATINGS)
def test_cancelled_after_payment_allows_neutral_and_negative_only(rating):
    buyer, seller = trustpass_user(), trustpass_user()
    order = OrderFactory(buyer=buyer.company, seller=seller.company, status="cancelled")
    assert order.paid_at is not None  # a paid order that was then cancelled
    response = _review(buyer, order, rating)
    if rating == "positive":
        assert (response.status_code, response.json()["code"]) == (400, "rating_not_allowed")
    else:
        assert response.status_code == 201


def test_an_early_review_does_not_turn_in_progress_into_already_reviewed(parties):
    """A review from before the rule (flagged) does not turn 409 into already_reviewed."""
    buyer, seller, _ = parties
    order = _order(parties, "shipped")
    Review.objects.create(
        order=order, reviewer=buyer.company, reviewee=seller.company, rating="negative"
    )
    response = _review(buyer, order, "neutral")
    assert (response.status_code, response.json()["code"]) == (409, "trade_in_progress")


def test_the_review_form_waits_while_the_trade_is_in_progress(parties, client):
    buyer, _, _ = parties
    order = _order(parties, "shipped")
    client.force_login(buyer)
    html = client.get(f"/my/orders/{order.pk}/").content.decode()
    assert "交易进行中，交易结束（确认收货或退款）后才能评价" in html
    assert 'name="rating"' not in html


def test_the_reviewed_company_is_notified_once(parties, django_capture_on_commit_callbacks):
    buyer, seller, _ = parties
    order = _order(parties, "completed")
    with django_capture_on_commit_callbacks(execute=True):
        assert _review(buyer, order, "positive").status_code == 201
    notice = Notice.objects.get(company=seller.company, kind="review_received")
    assert "收到好评" in notice.title and "+2" in notice.body and "评价内容" in notice.body
    assert notice.url == f"/companies/{seller.company.member_id}/credit/#reviews"
    assert "http" in notice.body and notice.url in notice.body
    assert not Notice.objects.filter(company=buyer.company, kind="review_received").exists()
    assert _review(buyer, order, "positive").status_code == 409  # already_reviewed
    assert Notice.objects.filter(kind="review_received").count() == 1


# -- migration credit 0002: existing reviews that break the rule are kept and flagged -------
migration = importlib.import_module("credit.migrations.0002_review_flagged")


def _flag(**changes):
    now = timezone.now()
    values = {
        "status": "completed",
        "paid_at": now - timedelta(days=5),
        "completed_at": now - timedelta(days=1),
        "refunded_at": None,
        "rating": "positive",
        "created_at": now,
    }
    return migration.flag_reason(**{**values, **changes})


def test_the_frozen_rule_of_the_migration():
    now = timezone.now()
    assert _flag() == ""
    assert "进行" in _flag(status="paid", completed_at=None)
    assert "进行" in _flag(status="shipped", completed_at=None, rating="negative")
    assert "进行" in _flag(created_at=now - timedelta(days=2))  # before it was completed
    assert "从未付款" in _flag(status="created", paid_at=None, completed_at=None)
    assert "好评" in _flag(status="refunded", completed_at=None, refunded_at=now - timedelta(1))
    assert (
        _flag(
            status="refunded", completed_at=None, refunded_at=now - timedelta(1), rating="neutral"
        )
        == ""
    )
    assert "从未付款" in _flag(
        status="cancelled", paid_at=None, completed_at=None, rating="neutral"
    )
    assert _flag(status="cancelled", completed_at=None, rating="negative") == ""


def test_the_migration_flags_and_keeps_them():
    buyer, seller = trustpass_user(), trustpass_user()
    ok = OrderFactory(buyer=buyer.company, seller=seller.company, status="completed")
    early = OrderFactory(buyer=buyer.company, seller=seller.company, status="shipped")
    good = Review.objects.create(
        order=ok, reviewer=buyer.company, reviewee=seller.company, rating="positive"
    )
    bad = Review.objects.create(
        order=early, reviewer=buyer.company, reviewee=seller.company, rating="negative"
    )
    Review.objects.filter(pk=good.pk).update(created_at=ok.completed_at + timedelta(hours=1))
    migration.flag_reviews(apps, None)
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.flagged, bad.flagged) == (False, True)
    assert "进行" in bad.flag_reason
    assert Review.objects.count() == 2  # kept


def test_staff_see_and_clear_the_flags(staff_user, client):
    buyer, seller = trustpass_user(), trustpass_user()
    order = OrderFactory(buyer=buyer.company, seller=seller.company, status="paid")
    review = Review.objects.create(
        order=order,
        reviewer=buyer.company,
        reviewee=seller.company,
        rating="negative",
        flagged=True,
        flag_reason="评价时交易仍在进行",
    )
    client.force_login(staff_user)
    listed = client.get("/admin/credit/review/?flagged__exact=1").content.decode()
    assert "评价时交易仍在进行" in listed
    client.post(
        "/admin/credit/review/",
        {"action": "clear_flags", "_selected_action": [review.pk]},
    )
    review.refresh_from_db()
    assert not review.flagged and review.flag_reason == ""
