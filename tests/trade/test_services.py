"""R-T1: order services against PostgreSQL — creation rules, every transition and every
illegal move, parties, payments, notices and the credit hook."""

from decimal import Decimal

import pytest

from listings.models import Listing
from members.models import Notice
from tests.factories import UserFactory
from tests.trade.factories import EscrowListingFactory
from trade import disputes, services
from trade import state_machine as sm
from trade.exceptions import (
    CompanyRequired,
    IllegalTransition,
    InvalidQuantity,
    ListingNotOrderable,
    OrderNotFound,
    OwnListing,
    RefundFailed,
    WrongParty,
)
from trade.models import Order, Payment, Refund

pytestmark = pytest.mark.django_db


# -- order_create ----------------------------------------------------------------------
def test_create_makes_a_created_order_at_the_fixed_price(listing, buyer_user):
    order = services.order_create(buyer=buyer_user.company, listing_id=listing.pk, quantity=3)
    order.refresh_from_db()
    assert order.status == "created"
    assert order.seller_id == listing.company_id and order.buyer_id == buyer_user.company_id
    assert order.unit_price == Decimal("100.00") and order.total == Decimal("300.00")
    notice = Notice.objects.get(company=listing.company, kind="order_created")
    assert "新订单" in notice.title and f"/my/orders/{order.pk}/" == notice.url


def test_create_uses_the_tier_price_for_the_quantity(seller_user, buyer_user):
    listing = EscrowListingFactory(
        company=seller_user.company,
        price=Decimal("12.00"),
        price_tiers=[{"min_qty": 100, "price": "10.00"}],
    )
    at_99 = services.order_create(buyer=buyer_user.company, listing_id=listing.pk, quantity=99)
    at_100 = services.order_create(buyer=buyer_user.company, listing_id=listing.pk, quantity=100)
    assert at_99.unit_price == Decimal("12.00") and at_99.total == Decimal("1188.00")
    assert at_100.unit_price == Decimal("10.00") and at_100.total == Decimal("1000.00")


@pytest.mark.parametrize(
    "change",
    [
        {"fixed_price": False},
        {"supports_escrow": False},
        {"kind": Listing.Kind.DEMAND},
        {"price": None},
        {"price": Decimal("10.00"), "price_max": Decimal("20.00")},
    ],
)
def test_create_refuses_a_listing_that_is_not_orderable(seller_user, buyer_user, change):
    listing = EscrowListingFactory(company=seller_user.company, **change)
    with pytest.raises(ListingNotOrderable) as exc:
        services.order_create(buyer=buyer_user.company, listing_id=listing.pk, quantity=1)
    assert exc.value.status_code == 400 and exc.value.code == "listing_not_orderable"
    assert exc.value.rule == "R-T1" and "listing" in exc.value.fields
    assert not Order.objects.exists()


@pytest.mark.parametrize("status", ["pending_review", "draft", "rejected", "expired", "withdrawn"])
def test_another_members_listing_that_is_not_live_looks_like_no_listing(
    seller_user, buyer_user, status
):
    listing = EscrowListingFactory(company=seller_user.company, status=status)
    with pytest.raises(ListingNotOrderable) as exc:
        services.order_create(buyer=buyer_user.company, listing_id=listing.pk, quantity=1)
    with pytest.raises(ListingNotOrderable) as missing:
        services.order_create(buyer=buyer_user.company, listing_id=10**9, quantity=1)
    assert exc.value.detail == missing.value.detail
    assert "不存在或当前未上网" in exc.value.detail


def test_create_refuses_the_buyers_own_listing(listing, seller_user):
    with pytest.raises(OwnListing) as exc:
        services.order_create(buyer=seller_user.company, listing_id=listing.pk, quantity=1)
    assert exc.value.status_code == 400 and exc.value.code == "own_listing"


def test_create_needs_a_company():
    with pytest.raises(CompanyRequired):
        services.order_create(buyer=None, listing_id=1, quantity=1)


def test_minimum_order_at_the_limit_and_one_below(seller_user, buyer_user):
    listing = EscrowListingFactory(company=seller_user.company, min_order=10, unit="吨")
    with pytest.raises(InvalidQuantity) as exc:
        services.order_create(buyer=buyer_user.company, listing_id=listing.pk, quantity=9)
    assert "最小起订量为 10 吨" in exc.value.detail and exc.value.fields["quantity"]
    order = services.order_create(buyer=buyer_user.company, listing_id=listing.pk, quantity=10)
    assert order.quantity == 10


def test_total_over_the_ceiling_is_refused(seller_user, buyer_user):
    listing = EscrowListingFactory(company=seller_user.company, price=Decimal("9999999999.99"))
    with pytest.raises(InvalidQuantity):
        services.order_create(buyer=buyer_user.company, listing_id=listing.pk, quantity=1000)


# -- the happy path ----------------------------------------------------------------------
def test_full_trade_sets_each_timestamp_and_notifies_the_other_party(make_order, credit_calls):
    order = make_order("created")
    buyer, seller = order.buyer, order.seller

    order, payment = services.order_pay(order_id=order.pk, by=buyer)
    assert order.status == "paid" and order.paid_at is not None
    assert payment.status == "succeeded" and payment.reference == f"order:{order.pk}"
    assert order.payment_ref == payment.number and payment.payer == buyer
    assert Notice.objects.filter(company=seller, title__startswith="买家已付款").count() == 1

    order = services.order_ship(order_id=order.pk, by=seller, tracking_no=" SF100 ")
    assert order.status == "shipped" and order.shipped_at and order.tracking_no == "SF100"
    assert Notice.objects.filter(company=buyer, title__startswith="卖家已发货").count() == 1
    assert credit_calls == []

    order = services.order_confirm(order_id=order.pk, by=buyer)
    order.refresh_from_db()
    assert order.status == "completed" and order.completed_at is not None
    assert Notice.objects.filter(company=seller, title__startswith="交易成功").count() == 1
    assert sorted(credit_calls) == sorted(
        [(buyer.pk, f"order:{order.pk}:completed"), (seller.pk, f"order:{order.pk}:completed")]
    )


@pytest.mark.parametrize("from_status", ["paid", "shipped"])
@pytest.mark.parametrize("who", ["buyer", "seller"])
def test_refund_from_paid_or_shipped_by_either_party(make_order, credit_calls, from_status, who):
    order = make_order(from_status)
    by = order.buyer if who == "buyer" else order.seller
    order = services.order_refund(order_id=order.pk, by=by, reason="质量不符")
    order.refresh_from_db()
    assert order.status == "refunded" and order.refunded_at and order.refund_reason == "质量不符"
    payment = Payment.objects.get(reference=f"order:{order.pk}")
    assert payment.status == "refunded" and payment.refund_no.startswith("TESTRF")
    for company in (order.buyer, order.seller):
        assert Notice.objects.filter(company=company, title__startswith="订单已退款").count() == 1
    assert {c for c, _ in credit_calls} == {order.buyer_id, order.seller_id}
    assert {cause for _, cause in credit_calls} == {f"order:{order.pk}:refunded"}


def test_staff_can_refund_a_paid_order(make_order, staff_user):
    order = make_order("paid")
    order = services.order_refund(order_id=order.pk, by=None, staff_user=staff_user, reason="纠纷")
    assert order.status == "refunded"


def test_refund_refused_by_the_provider_leaves_the_order_unrefunded_and_pending(
    make_order, settings
):
    order = make_order("shipped")
    settings.PAYMENT_GATEWAYS = {"test": "tests.trade.gateways.RefusingRefundGateway"}
    with pytest.raises(RefundFailed) as exc:
        services.order_refund(order_id=order.pk, by=order.buyer)
    assert exc.value.status_code == 502
    order.refresh_from_db()
    assert order.status == "shipped" and order.refunded_at is None
    assert Payment.objects.get(reference=f"order:{order.pk}").status == "succeeded"
    # The request stays, for the sweep to retry (trade/refunds.py, tests/trade/test_refunds.py).
    assert order.refund_pending and Refund.objects.get().status == "pending"


# -- every illegal move ------------------------------------------------------------------
ACTOR = {
    "pay": "buyer",
    "ship": "seller",
    "confirm": "buyer",
    "refund": "buyer",
    "cancel": "buyer",
    "dispute": "buyer",
}


def _act(action, order, company):
    if action == "pay":
        return services.order_pay(order_id=order.pk, by=company)
    if action == "dispute":  # R-T1c (trade/disputes.py)
        return disputes.order_dispute(order_id=order.pk, by=company, reason="货不对板")
    return getattr(services, f"order_{action}")(order_id=order.pk, by=company)


ILLEGAL = [(s, a) for s in sm.STATUSES for a in sm.ACTIONS if not sm.can_transition(s, a)]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_every_illegal_move_is_refused_with_409_and_changes_nothing(make_order, status, action):
    order = make_order(status)
    before = Order.objects.get(pk=order.pk)
    payments = list(Payment.objects.values_list("number", "status"))
    actor = order.buyer if ACTOR[action] == "buyer" else order.seller
    with pytest.raises(IllegalTransition) as exc:
        _act(action, order, actor)
    assert exc.value.status_code == 409 and exc.value.code == "illegal_transition"
    assert exc.value.rule == "R-T1"
    assert sm.STATUS_LABELS[status] in exc.value.detail
    after = Order.objects.get(pk=order.pk)
    assert (
        after.status,
        after.paid_at,
        after.shipped_at,
        after.completed_at,
        after.refunded_at,
    ) == (
        before.status,
        before.paid_at,
        before.shipped_at,
        before.completed_at,
        before.refunded_at,
    )
    assert list(Payment.objects.values_list("number", "status")) == payments


def test_seller_refund_of_a_completed_order_is_also_refused(make_order):
    order = make_order("completed")
    with pytest.raises(IllegalTransition):
        services.order_refund(order_id=order.pk, by=order.seller)


@pytest.mark.parametrize(
    ("action", "status", "wrong"),
    [
        ("pay", "created", "seller"),
        ("ship", "paid", "buyer"),
        ("confirm", "shipped", "seller"),
    ],
)
def test_the_other_partys_move_is_403(make_order, action, status, wrong):
    order = make_order(status)
    company = order.buyer if wrong == "buyer" else order.seller
    with pytest.raises(WrongParty) as exc:
        _act(action, order, company)
    assert exc.value.status_code == 403 and exc.value.code == "wrong_party"
    assert Order.objects.get(pk=order.pk).status == status


@pytest.mark.parametrize("action", sm.ACTIONS)
@pytest.mark.parametrize("status", ["created", "paid", "shipped"])
def test_a_non_party_gets_404_whatever_the_move(make_order, outsider_user, action, status):
    order = make_order(status)
    with pytest.raises(OrderNotFound) as exc:
        _act(action, order, outsider_user.company)
    assert exc.value.status_code == 404
    with pytest.raises(OrderNotFound):
        _act(action, order, None)
    assert Order.objects.get(pk=order.pk).status == status


def test_a_missing_order_is_404(buyer_user):
    with pytest.raises(OrderNotFound):
        services.order_ship(order_id=10**9, by=buyer_user.company)


# -- interactive payment (browser) -------------------------------------------------------
def test_interactive_pay_opens_one_payment_and_waits_for_the_payer(make_order):
    order = make_order("created")
    order1, p1 = services.order_pay(order_id=order.pk, by=order.buyer, interactive=True)
    order2, p2 = services.order_pay(order_id=order.pk, by=order.buyer, interactive=True)
    assert order1.status == order2.status == "created"
    assert p1.pk == p2.pk and p1.status == "pending"
    assert p1.pay_url == f"/pay/test/{p1.number}/"
    assert p1.return_url == f"/my/orders/{order.pk}/"
    services.payment_confirm_on_test_gateway(number=p1.number, payer=order.buyer)
    order.refresh_from_db()
    assert order.status == "paid" and order.payment_ref == p1.number


def test_only_the_payer_confirms_on_the_test_gateway(make_order, outsider_user):
    from trade.exceptions import PaymentNotFound

    order = make_order("created")
    _, payment = services.order_pay(order_id=order.pk, by=order.buyer, interactive=True)
    for company in (outsider_user.company, order.seller, None):
        with pytest.raises(PaymentNotFound):
            services.payment_confirm_on_test_gateway(number=payment.number, payer=company)
    assert Order.objects.get(pk=order.pk).status == "created"


def test_orders_of_a_user_without_company_are_not_found(make_order):
    order = make_order("paid")
    user = UserFactory(company=None)
    with pytest.raises(OrderNotFound):
        services.order_ship(order_id=order.pk, by=user.company)
