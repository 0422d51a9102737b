"""20 concurrent review requests for one order and reviewer, from real threads on
PostgreSQL: exactly one review, and the score changed once (R-C4, R-C7)."""

import threading

import pytest
from django.db import connections

from credit import services
from credit.models import Review, ScoreHistory
from marketplace.exceptions import DomainError
from members.models import Company
from tests.conftest import auth_client
from tests.credit.factories import trade_between_members

pytestmark = pytest.mark.django_db(transaction=True)


def run_threads(n, target):
    barrier = threading.Barrier(n)
    results = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait(timeout=10)
            outcome = target()
        except Exception as exc:  # collected and asserted on below
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_twenty_concurrent_service_calls_make_one_review():
    order, buyer, seller = trade_between_members()

    def call():
        return services.review_record(order_id=order.pk, reviewer=buyer.company, rating="positive")

    results = run_threads(20, call)
    made = [r for r in results if isinstance(r, Review)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(made) == 1
    assert len(refused) == 19
    assert {r.code for r in refused} == {"already_reviewed"}
    assert Review.objects.filter(order=order, reviewer=buyer.company).count() == 1
    assert Company.objects.get(pk=seller.company.pk).credit_score == 2
    assert ScoreHistory.objects.filter(company=seller.company).count() == 1


def test_twenty_concurrent_api_requests_make_one_review():
    order, buyer, seller = trade_between_members()
    url = f"/api/v1/orders/{order.pk}/reviews/"

    def call():
        return auth_client(buyer).post(url, {"rating": "positive", "comment": "好"}, format="json")

    results = run_threads(20, call)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201] + [409] * 19, statuses
    assert {r.json()["code"] for r in results if r.status_code == 409} == {"already_reviewed"}
    assert Review.objects.filter(order=order).count() == 1
    assert Company.objects.get(pk=seller.company.pk).credit_score == 2
    assert ScoreHistory.objects.filter(company=seller.company).count() == 1
