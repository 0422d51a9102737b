"""demo/trade.py: trades in every state between demo companies; idempotent; skips cleanly."""

import io
from decimal import Decimal

import pytest

from demo import members as members_demo
from demo import trade as demo
from members.models import Company
from tests.trade.factories import EscrowListingFactory
from trade.models import Order, Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_companies():
    members_demo.seed(io.StringIO())
    return {c.member_id: c for c in Company.objects.all()}


def test_skips_gracefully_without_orderable_listings(demo_companies):
    EscrowListingFactory(company=demo_companies["hzsteel"], fixed_price=False)
    out = io.StringIO()
    demo.seed(out)
    assert "跳过" in out.getvalue()
    assert not Order.objects.exists()


def test_seeds_every_state_once(demo_companies):
    EscrowListingFactory(company=demo_companies["hzsteel"], price=Decimal("12800.00"), unit="吨")
    EscrowListingFactory(company=demo_companies["wzvalve"], price=Decimal("356.00"), min_order=10)
    out = io.StringIO()
    demo.seed(out)
    statuses = set(Order.objects.values_list("status", flat=True))
    assert statuses == {
        "created",
        "paid",
        "shipped",
        "completed",
        "refunded",
        "disputed",
        "cancelled",
        "expired",
    }
    assert Order.objects.count() == len(demo.PLAN)
    assert Order.objects.filter(status="completed").count() >= 6
    for order in Order.objects.all():
        assert order.buyer_id != order.seller_id
        assert order.quantity >= order.listing.min_order
        stamps = [order.created_at, order.paid_at, order.shipped_at, order.completed_at]
        present = [s for s in stamps if s]
        assert present == sorted(present)
    paid = Order.objects.exclude(status__in=["created", "cancelled", "expired"])
    assert (
        Payment.objects.filter(status="succeeded").count()
        == paid.exclude(status="refunded").count()
    )
    assert f"新建 {len(demo.PLAN)} 笔" in out.getvalue()

    again = io.StringIO()
    demo.seed(again)
    assert Order.objects.count() == len(demo.PLAN) and "跳过" in again.getvalue()
