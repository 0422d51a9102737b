"""R-C4 through `review_record`: every refusal with its code, and what a review does."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from credit import services
from credit.models import Review, ScoreHistory
from members.models import Company
from tests.credit.factories import OrderFactory, trade_between_members, trustpass_company
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def record(order, company, rating="positive", comment="很好"):
    return services.review_record(
        order_id=order.pk, reviewer=company, rating=rating, comment=comment
    )


def code_of(exc_info):
    return exc_info.value.code, exc_info.value.status_code


def test_buyer_reviews_seller_and_seller_reviews_buyer(django_capture_on_commit_callbacks):
    order, buyer, seller = trade_between_members()
    with django_capture_on_commit_callbacks(execute=True):
        review = record(order, buyer.company, "positive", "  发货快，质量好  ")
    assert (review.reviewer, review.reviewee, review.comment) == (
        buyer.company,
        seller.company,
        "发货快，质量好",
    )
    assert Company.objects.get(pk=seller.company.pk).credit_score == 2
    with django_capture_on_commit_callbacks(execute=True):
        record(order, seller.company, "negative")
    assert Company.objects.get(pk=buyer.company.pk).credit_score == -2
    history = ScoreHistory.objects.get(company=seller.company)
    assert history.cause == f"review:{review.pk}"


def test_not_trustpass_reviewer():
    order, buyer, seller = trade_between_members()
    lapsed = CompanyFactory()
    order = OrderFactory(buyer=lapsed, seller=seller.company)
    with pytest.raises(services.DomainError) as exc:
        record(order, lapsed)
    assert code_of(exc) == ("trustpass_required", 403)


def test_not_trustpass_reviewee():
    seller = CompanyFactory()
    buyer = trustpass_company()
    order = OrderFactory(buyer=buyer, seller=seller)
    with pytest.raises(services.DomainError) as exc:
        record(order, buyer)
    assert code_of(exc) == ("trustpass_required", 403)


def test_membership_that_ended_yesterday_no_longer_counts():
    buyer = CompanyFactory()
    from tests.factories import TrustPassPeriodFactory

    today = timezone.localdate()
    TrustPassPeriodFactory(company=buyer, starts_on=today - timedelta(days=365), ends_on=today)
    order = OrderFactory(buyer=buyer, seller=trustpass_company())
    with pytest.raises(services.DomainError) as exc:
        record(order, buyer)
    assert code_of(exc) == ("trustpass_required", 403)


def test_not_a_party():
    order, _, _ = trade_between_members()
    outsider = trustpass_company()
    with pytest.raises(services.DomainError) as exc:
        record(order, outsider)
    assert code_of(exc) == ("not_a_party", 404)


def test_unknown_order_and_no_company():
    with pytest.raises(services.DomainError) as exc:
        services.review_record(order_id=999999, reviewer=trustpass_company(), rating="positive")
    assert code_of(exc) == ("not_a_party", 404)
    order, _, _ = trade_between_members()
    with pytest.raises(services.DomainError) as exc:
        services.review_record(order_id=order.pk, reviewer=None, rating="positive")
    assert code_of(exc) == ("not_a_party", 404)


def test_self_review_is_impossible_in_the_database():
    # The service cannot be reached with buyer == seller: both tables refuse such rows.
    company = trustpass_company()
    order, _, _ = trade_between_members()
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(order=order, reviewer=company, reviewee=company, rating="positive")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderFactory(buyer=company, seller=company)


def test_unpaid_trade():
    order, buyer, _ = trade_between_members(status="created")
    with pytest.raises(services.DomainError) as exc:
        record(order, buyer.company, "neutral")
    assert code_of(exc) == ("trade_not_paid", 400)


def test_positive_on_a_refunded_trade():
    order, buyer, _ = trade_between_members(status="refunded")
    with pytest.raises(services.DomainError) as exc:
        record(order, buyer.company, "positive")
    assert code_of(exc) == ("rating_not_allowed", 400)
    assert record(order, buyer.company, "negative").rating == "negative"


def test_neutral_on_a_refunded_trade_is_allowed_and_scores_zero(django_capture_on_commit_callbacks):
    order, _, seller = trade_between_members(status="refunded")
    with django_capture_on_commit_callbacks(execute=True):
        record(order, seller.company, "neutral")
    assert Company.objects.get(pk=order.buyer_id).credit_score == 0


def test_second_review_is_a_conflict():
    order, buyer, _ = trade_between_members()
    record(order, buyer.company)
    with pytest.raises(services.DomainError) as exc:
        record(order, buyer.company, "negative")
    assert code_of(exc) == ("already_reviewed", 409)
    assert Review.objects.filter(order=order).count() == 1


def test_database_allows_one_review_per_order_and_reviewer():
    order, buyer, seller = trade_between_members()
    Review.objects.create(
        order=order, reviewer=buyer.company, reviewee=seller.company, rating="neutral"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            order=order, reviewer=buyer.company, reviewee=seller.company, rating="neutral"
        )
