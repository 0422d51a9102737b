"""20 concurrent review requests for one order and reviewer, from real threads on
PostgreSQL: exactly one review, and the score changed once (R-C4, R-C7)."""

import threading

import pytest
from django.db import connections

from credit import recalculation, services
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


def test_events_are_not_blocked_by_a_running_recalculation():
    """A recalculation holds the company row FOR NO KEY UPDATE; a review or marker insert
    only needs a KEY SHARE lock for its foreign key, so it does not wait for it."""
    from django.db import connection, transaction

    from tests.credit.factories import ReviewFactory

    order, buyer, seller = trade_between_members()
    s = connection.settings_dict
    import psycopg2

    blocker = psycopg2.connect(
        dbname=s["NAME"],
        user=s.get("USER") or "postgres",
        host=s.get("HOST") or "127.0.0.1",
        port=s.get("PORT") or 5432,
        password=s.get("PASSWORD") or None,
    )
    try:
        with blocker.cursor() as cur:
            cur.execute(
                "SELECT id FROM members_company WHERE id = %s FOR NO KEY UPDATE",
                [seller.company.pk],
            )
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET LOCAL lock_timeout = '2s'")
            recalculation.mark_pending(company_id=seller.company.pk, cause="review")
            ReviewFactory(order=order, reviewer=buyer.company, reviewee=seller.company)
    finally:
        blocker.rollback()
        blocker.close()
    assert Review.objects.filter(order=order).count() == 1
