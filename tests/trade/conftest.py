from datetime import timedelta

import pytest
from django.conf import settings

from tests.factories import TrustPassPeriodFactory, UserFactory
from tests.trade.factories import EscrowListingFactory
from trade import disputes, order_timers, services
from trade.models import Order


@pytest.fixture
def credit_calls(monkeypatch):
    """Records calls of the credit recalculation hook (the credit app's interface, R-C7),
    which credit/receivers.py makes when trade and members send their signals."""
    calls: list[tuple[int, str]] = []

    def record(*, company_id: int, cause: str) -> None:
        calls.append((company_id, cause))

    monkeypatch.setattr("credit.services.credit_recalculate_on_commit", record)
    return calls


@pytest.fixture
def seller_user(db):
    user = UserFactory()
    TrustPassPeriodFactory(company=user.company)
    return user


@pytest.fixture
def buyer_user(db):
    user = UserFactory()
    TrustPassPeriodFactory(company=user.company)
    return user


@pytest.fixture
def outsider_user(db):
    return UserFactory()


@pytest.fixture
def listing(seller_user):
    return EscrowListingFactory(company=seller_user.company)


def drive(order, status: str):
    """Move a created order to `status` through the services (the only legal way)."""
    buyer, seller = order.buyer, order.seller
    if status == "created":
        return order
    if status == "cancelled":
        return services.order_cancel(order_id=order.pk, by=buyer)
    if status == "expired":  # the clock moved past the payment deadline (R-T1a)
        later = order.created_at + timedelta(hours=settings.ORDER_PAYMENT_HOURS)
        assert order_timers.order_expire(order_id=order.pk, now=later)
        return Order.objects.get(pk=order.pk)
    order, _ = services.order_pay(order_id=order.pk, by=buyer)
    if status == "paid":
        return order
    if status == "refunded":
        return services.order_refund(order_id=order.pk, by=buyer, reason="不想要了")
    if status == "disputed":
        return disputes.order_dispute(order_id=order.pk, by=buyer, reason="卖家迟迟不发货")
    order = services.order_ship(order_id=order.pk, by=seller, tracking_no="SF1234567890")
    if status == "shipped":
        return order
    assert status == "completed"
    return services.order_confirm(order_id=order.pk, by=buyer)


@pytest.fixture
def make_order(listing, buyer_user):
    def make(status: str = "created", quantity: int = 2):
        order = services.order_create(
            buyer=buyer_user.company, listing_id=listing.pk, quantity=quantity
        )
        return drive(order, status)

    return make
