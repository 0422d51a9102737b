"""The nightly set-based recomputation agrees with the per-company service (R-C7)."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from credit import selectors, services
from credit.models import Certificate, CreditScore, ScoreHistory
from members.models import Company
from tests.credit.factories import CertificateFactory, OrderFactory, ReviewFactory, period
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def make_world(seed=7, n=30):
    rng = random.Random(seed)
    today = timezone.localdate()
    companies = [CompanyFactory(verified=rng.random() < 0.4) for _ in range(n)]
    for company in companies:
        for _ in range(rng.randint(0, 4)):
            start = today - timedelta(days=rng.randint(-100, 1500))
            period(company, start, rng.choice([1, 30, 364, 365, 366, 400, 730]))
        for _ in range(rng.randint(0, 8)):
            CertificateFactory(
                company=company,
                kind=rng.choice(Certificate.Kind.values),
                status=rng.choice(Certificate.Status.values),
            )
    for _ in range(120):
        a, b = rng.sample(companies, 2)
        order = OrderFactory(seller=a, buyer=b)
        ReviewFactory(
            order=order,
            reviewer=b,
            reviewee=a,
            rating=rng.choice(["positive", "neutral", "negative"]),
        )
        if rng.random() < 0.5:
            ReviewFactory(
                order=order,
                reviewer=a,
                reviewee=b,
                rating=rng.choice(["positive", "neutral", "negative"]),
            )
    # Some scores start stale, as after a missed event.
    for company in rng.sample(companies, 5):
        Company.objects.filter(pk=company.pk).update(credit_score=rng.randint(-20, 80))
    return companies


def test_set_based_matches_the_per_company_rules():
    companies = make_world()
    expected = {c.pk: selectors.company_breakdown(Company.objects.get(pk=c.pk)) for c in companies}
    counts = services.credit_recalculate_all(cause="nightly", chunk_size=7)
    assert counts["companies"] == len(companies)
    for company in companies:
        stored = CreditScore.objects.get(company=company)
        assert stored.as_dict() == expected[company.pk].as_dict(), company.member_id
        assert stored.total == expected[company.pk].total
        assert Company.objects.get(pk=company.pk).credit_score == expected[company.pk].total
    assert counts["history"] == ScoreHistory.objects.count() == counts["changed"] > 0


def test_second_run_changes_nothing_and_writes_no_history():
    make_world(seed=11, n=15)
    services.credit_recalculate_all()
    rows = ScoreHistory.objects.count()
    counts = services.credit_recalculate_all()
    assert counts["changed"] == counts["history"] == counts["stored"] == 0
    assert ScoreHistory.objects.count() == rows


def test_history_rows_carry_old_new_breakdown_and_cause():
    company = CompanyFactory(verified=True)
    period(company, timezone.localdate() - timedelta(days=365), 730)
    services.credit_recalculate_all(cause="nightly")
    row = ScoreHistory.objects.get(company=company)
    assert (row.old_score, row.new_score, row.cause) == (0, 30, "nightly")
    assert row.breakdown == {
        "verification": 10,
        "archive_years": 20,
        "reviews": 0,
        "certificates": 0,
    }


def test_archive_years_grow_with_time_alone():
    company = CompanyFactory()
    today = timezone.localdate()
    period(company, today - timedelta(days=364), 730)
    services.credit_recalculate_all(today=today)
    assert Company.objects.get(pk=company.pk).credit_score == 0
    services.credit_recalculate_all(today=today + timedelta(days=1))
    assert Company.objects.get(pk=company.pk).credit_score == 20


def test_query_count_does_not_depend_on_the_number_of_companies():
    make_world(seed=3, n=10)
    with CaptureQueriesContext(connection) as small:
        services.credit_recalculate_all(chunk_size=1000)
    for _ in range(40):
        CompanyFactory()
    with CaptureQueriesContext(connection) as large:
        services.credit_recalculate_all(chunk_size=1000)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 6


def test_empty_database():
    assert services.credit_recalculate_all() == {
        "companies": 0,
        "changed": 0,
        "history": 0,
        "stored": 0,
    }
