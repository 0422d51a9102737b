"""The credit demo: archives that look real, idempotent, and fine without trades."""

import io

import pytest

from credit.models import Certificate, CreditReference, Review
from demo import credit as demo
from demo import members as members_demo
from members.models import Company
from tests.credit.factories import OrderFactory

pytestmark = pytest.mark.django_db


def run(module):
    out = io.StringIO()
    module.seed(out)
    return out.getvalue()


def test_without_trades_it_still_makes_certificates_and_references():
    run(members_demo)
    text = run(demo)
    assert "新增评价 0 条" in text
    assert Certificate.objects.filter(status="verified").exists()
    assert Certificate.objects.filter(status="pending").exists()
    assert Certificate.objects.filter(status="rejected").exists()
    assert CreditReference.objects.exists()
    hz = Company.objects.get(member_id="hzsteel")  # TrustPass 3 years, verified
    assert hz.credit_score >= 10 + 40
    assert hz.credit_breakdown.total == hz.credit_score


def test_reviews_on_demo_trades_and_idempotent():
    run(members_demo)
    hz = Company.objects.get(member_id="hzsteel")
    wx = Company.objects.get(member_id="wxpipe")
    sz = Company.objects.get(member_id="szelec")
    OrderFactory(seller=hz, buyer=wx, status="completed")
    OrderFactory(seller=hz, buyer=sz, status="refunded")
    OrderFactory(seller=wx, buyer=sz, status="created")
    run(demo)
    assert Review.objects.filter(reviewee=hz, rating="positive").count() == 1
    assert Review.objects.filter(reviewee=hz, rating="negative").count() == 1
    assert Review.objects.filter(order__status="created").count() == 0
    assert Review.objects.filter(reviewer=hz, reviewee=wx, rating="positive").count() == 1
    counts = (Review.objects.count(), Certificate.objects.count(), CreditReference.objects.count())
    scores = dict(Company.objects.values_list("member_id", "credit_score"))
    text = run(demo)
    assert "新增评价 0 条、证书 0 张、资信参考人 0 位" in text
    assert (
        Review.objects.count(),
        Certificate.objects.count(),
        CreditReference.objects.count(),
    ) == counts
    assert dict(Company.objects.values_list("member_id", "credit_score")) == scores


def test_no_demo_companies():
    assert "跳过" in run(demo)
