"""Refunds are safe to retry (issue 17, item 7; R-T1).

The refund is recorded (order marked "refund requested", a pending `Refund` with an
idempotency key) in our transaction; the gateway is called after it commits, with that key;
the order becomes `refunded` (and `order_settled` is sent) in the transaction that applies
the gateway's answer. A process dying in between leaves a pending refund that the sweep
finishes; the gateway never refunds one key twice; the order never says refunded while the
gateway has not refunded.

These run with real commits (`transaction=True`): what is tested is what happens between
our commit and the gateway call.
"""

from decimal import Decimal

import pytest
from django.db import transaction

from members.models import Notice
from tests.conftest import auth_client
from trade import refunds, services
from trade.exceptions import IllegalTransition, RefundFailed
from trade.gateway import LocalTestGateway, get_gateway
from trade.models import LocalGatewayRefund, Order, Payment, Refund

pytestmark = pytest.mark.django_db(transaction=True)


class Crash(BaseException):
    """The process dies here (not an error our code may catch)."""


def _payment(order) -> Payment:
    return Payment.objects.get(reference=f"order:{order.pk}", status__in=["succeeded", "refunded"])


def _gateway_refunds(order) -> int:
    return LocalGatewayRefund.objects.filter(payment_number=_payment(order).number).count()


def _settled(credit_calls, order) -> list:
    return [c for c in credit_calls if c[1] == f"order:{order.pk}:refunded"]


@pytest.fixture
def gateway_fails_once(monkeypatch):
    """The test gateway's refund raises `exc` on its first call, then works."""

    def install(exc: BaseException):
        calls = {"n": 0}
        real = LocalTestGateway.refund

        def refund(self, payment, **kwargs):
            calls["n"] += 1
            if calls["n"] == 1:
                raise exc
            return real(self, payment, **kwargs)

        monkeypatch.setattr(LocalTestGateway, "refund", refund)
        return calls

    return install


# -- the gateway honours the idempotency key -----------------------------------------------
def test_same_idempotency_key_twice_is_one_refund_at_the_gateway(make_order):
    order = make_order("paid")
    payment = _payment(order)
    gateway = get_gateway("test")
    first = gateway.refund(payment, amount=payment.amount, reason="a", idempotency_key="k-1")
    again = gateway.refund(payment, amount=payment.amount, reason="b", idempotency_key="k-1")
    assert first == again and first.startswith("TESTRF")
    assert _gateway_refunds(order) == 1
    # Another key cannot take the money back a second time.
    with pytest.raises(RefundFailed):
        gateway.refund(payment, amount=payment.amount, reason="c", idempotency_key="k-2")
    # A key is bound to its payment and amount.
    with pytest.raises(RefundFailed):
        gateway.refund(payment, amount=Decimal("1.00"), reason="d", idempotency_key="k-1")
    assert _gateway_refunds(order) == 1


def test_the_refund_key_is_the_payments_own_so_any_retry_reuses_it(make_order):
    order = make_order("shipped")
    order = services.order_refund(order_id=order.pk, by=order.buyer, reason="不符")
    refund = Refund.objects.get(payment=_payment(order))
    assert refund.idempotency_key == refunds.refund_key(_payment(order))
    assert refund.status == "succeeded" and refund.attempts == 1
    assert LocalGatewayRefund.objects.get().idempotency_key == refund.idempotency_key


# -- a crash between our commit and the gateway call ----------------------------------------
def test_crash_before_the_gateway_call_is_finished_by_the_sweep_exactly_once(
    make_order, credit_calls, gateway_fails_once
):
    order = make_order("shipped")
    gateway_fails_once(Crash())
    with pytest.raises(Crash):
        services.order_refund(order_id=order.pk, by=order.buyer, reason="质量问题")

    # Committed: the request. Not done: the refund, and so not the order either.
    order.refresh_from_db()
    assert order.status == "shipped" and order.refunded_at is None
    assert order.refund_requested_at is not None and order.refund_reason == "质量问题"
    assert _payment(order).status == "succeeded"
    assert Refund.objects.get().status == "pending"
    assert _gateway_refunds(order) == 0
    assert _settled(credit_calls, order) == []
    # Nothing else may move the order meanwhile (no release to the seller, no second refund).
    with pytest.raises(IllegalTransition):
        services.order_confirm(order_id=order.pk, by=order.buyer)
    with pytest.raises(IllegalTransition):
        services.order_refund(order_id=order.pk, by=order.seller)

    assert refunds.refunds_retry_due(older_than_seconds=0) == 1
    assert refunds.refunds_retry_due(older_than_seconds=0) == 0  # and never again

    order.refresh_from_db()
    assert order.status == "refunded" and order.refunded_at is not None
    payment = _payment(order)
    assert payment.status == "refunded" and payment.refund_no.startswith("TESTRF")
    assert _gateway_refunds(order) == 1
    assert LocalGatewayRefund.objects.get().refund_no == payment.refund_no
    assert len(_settled(credit_calls, order)) == 2  # buyer and seller, once
    for company in (order.buyer, order.seller):
        notices = Notice.objects.filter(company=company, title__startswith="订单已退款")
        assert notices.count() == 1 and "买家" in notices.get().body


def test_crash_after_the_gateway_refunded_never_refunds_twice(
    make_order, credit_calls, monkeypatch
):
    order = make_order("paid")
    real_apply = refunds._refund_apply
    calls = {"n": 0}

    def apply_dies_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise Crash()
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(refunds, "_refund_apply", apply_dies_once)
    with pytest.raises(Crash):
        services.order_refund(order_id=order.pk, by=order.seller)

    # The provider gave the money back; we have not recorded it yet: the order still says
    # paid (never "refunded" before the gateway did it), and the refund is pending.
    order.refresh_from_db()
    assert order.status == "paid" and _gateway_refunds(order) == 1
    assert Refund.objects.get().status == "pending"

    assert refunds.refunds_retry_due(older_than_seconds=0) == 1
    order.refresh_from_db()
    assert order.status == "refunded"
    assert _gateway_refunds(order) == 1  # the same key: the first refund's answer again
    assert _payment(order).refund_no == LocalGatewayRefund.objects.get().refund_no
    assert len(_settled(credit_calls, order)) == 2


def test_sweep_leaves_a_fresh_request_to_the_request_that_made_it(make_order, gateway_fails_once):
    order = make_order("paid")
    gateway_fails_once(Crash())
    with pytest.raises(Crash):
        services.order_refund(order_id=order.pk, by=order.buyer)
    assert refunds.refunds_retry_due(older_than_seconds=60) == 0
    assert Refund.objects.get().status == "pending"


# -- the provider refuses once ------------------------------------------------------------
def test_provider_failure_keeps_the_order_unrefunded_and_the_sweep_retries(
    make_order, buyer_user, credit_calls, gateway_fails_once
):
    order = make_order("shipped")
    gateway_fails_once(RefundFailed())
    response = auth_client(buyer_user).post(
        f"/api/v1/orders/{order.pk}/refund/", {"reason": "坏了"}, format="json"
    )
    assert response.status_code == 502 and response.json()["code"] == "refund_failed"
    assert "自动重试" in response.json()["detail"]

    detail = auth_client(buyer_user).get(f"/api/v1/orders/{order.pk}/").json()
    assert detail["status"] == "shipped" and detail["refund_pending"] is True
    assert detail["actions"] == []
    refund = Refund.objects.get()
    assert refund.status == "pending" and refund.attempts == 1 and refund.last_error
    assert _gateway_refunds(order) == 0 and _settled(credit_calls, order) == []

    assert refunds.refunds_retry_due(older_than_seconds=0) == 1
    detail = auth_client(buyer_user).get(f"/api/v1/orders/{order.pk}/").json()
    assert detail["status"] == "refunded" and detail["refund_pending"] is False
    assert Refund.objects.get().attempts == 2 and _gateway_refunds(order) == 1


def test_the_api_still_answers_refunded_at_once(make_order, seller_user, credit_calls):
    order = make_order("paid")
    response = auth_client(seller_user).post(f"/api/v1/orders/{order.pk}/refund/", {})
    assert response.status_code == 200
    assert response.json()["status"] == "refunded" and response.json()["refund_pending"] is False
    assert _gateway_refunds(order) == 1 and len(_settled(credit_calls, order)) == 2


# -- inside a caller's transaction ------------------------------------------------------
def test_inside_a_callers_transaction_the_gateway_waits_for_its_commit(make_order):
    order = make_order("paid")
    with transaction.atomic():
        returned = services.order_refund(order_id=order.pk, by=order.buyer)
        assert returned.status == "paid" and _gateway_refunds(order) == 0
    assert Order.objects.get(pk=order.pk).status == "refunded"
    assert _gateway_refunds(order) == 1


def test_a_caller_rolling_back_refunds_nothing(make_order):
    order = make_order("paid")

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        services.order_refund(order_id=order.pk, by=order.buyer)
        raise Rollback()
    order.refresh_from_db()
    assert order.status == "paid" and order.refund_requested_at is None
    assert _gateway_refunds(order) == 0 and not Refund.objects.exists()


# -- payments refunded on their own ---------------------------------------------------------
def test_payment_refund_goes_through_the_same_keyed_refund(make_order):
    order = make_order("created")
    payment = services.payment_create(
        reference=f"order:{order.pk}", amount=order.total, subject="x", payer=order.buyer
    )
    services.payment_settle_directly(payment_id=payment.pk)
    refunded = services.payment_refund(payment_id=payment.pk, reason="测试")
    assert refunded.status == "refunded" and refunded.refund_no
    assert Refund.objects.get(payment=payment).status == "succeeded"
    assert LocalGatewayRefund.objects.filter(payment_number=payment.number).count() == 1


def test_the_sweep_runs_every_minute_from_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["trade-refunds-retry"]
    assert entry["task"] == "trade.refunds_retry_due"
    from trade.tasks import refunds_retry_due_task

    assert refunds_retry_due_task.name == "trade.refunds_retry_due"
    assert settings.REFUND_RETRY_AFTER_SECONDS > 0


def test_demo_refunds_seeded_inside_seed_demos_transaction_are_refunded_and_dated_back():
    """`seed_demo` runs each seeder in a transaction of its own: its refunds reach the
    gateway when that commits, and the demo still dates them back."""
    import io
    from datetime import timedelta

    from django.utils import timezone

    from demo import members as members_demo
    from demo import trade as trade_demo
    from members.models import Company
    from tests.trade.factories import EscrowListingFactory

    members_demo.seed(io.StringIO())
    EscrowListingFactory(company=Company.objects.get(member_id="hzsteel"))
    EscrowListingFactory(company=Company.objects.get(member_id="wzvalve"))
    with transaction.atomic():
        trade_demo.seed(io.StringIO())
    refunded = Order.objects.filter(status="refunded")
    assert refunded.count() == 2 and not Refund.objects.filter(status="pending").exists()
    assert all(o.refunded_at < timezone.now() - timedelta(days=1) for o in refunded)
    assert LocalGatewayRefund.objects.count() == 2


def test_racing_completions_of_one_refund_refund_once_and_settle_once(
    make_order, credit_calls, gateway_fails_once
):
    """The request's own call, a sweep and a user's retry at the same moment (threads, each
    with its own connection): one refund at the gateway, one settlement."""
    from tests.trade.test_concurrency import race

    order = make_order("shipped")
    gateway_fails_once(Crash())
    with pytest.raises(Crash):
        services.order_refund(order_id=order.pk, by=order.buyer)
    refund = Refund.objects.get()

    results, errors = race(6, lambda i: refunds.refund_complete(refund_id=refund.pk).status)

    assert errors == [] and results == ["succeeded"] * 6
    assert _gateway_refunds(order) == 1
    assert Order.objects.get(pk=order.pk).status == "refunded"
    assert len(_settled(credit_calls, order)) == 2
    assert Notice.objects.filter(title__startswith="订单已退款").count() == 2
