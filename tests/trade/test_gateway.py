"""The payment-gateway interface: the local test gateway's HMAC-signed callbacks (tampering
refused, replays harmless), dispatch per reference prefix, refunds, and choosing a gateway
by setting."""

from decimal import Decimal

import pytest

from members.models import Notice
from trade import gateway as gw
from trade import services
from trade.exceptions import (
    InvalidSignature,
    PaymentAmountMismatch,
    PaymentError,
    PaymentNotFound,
    PaymentNotRefundable,
    UnknownPaymentReference,
)
from trade.gateway import LocalTestGateway, get_gateway
from trade.models import Order, Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_payment(make_order):
    order = make_order("created")
    _, payment = services.order_pay(order_id=order.pk, by=order.buyer, interactive=True)
    return order, payment


def _notify(client, data, gateway="test"):
    return client.post(f"/pay/notify/{gateway}/", data)


# -- signature ---------------------------------------------------------------------------
def test_sign_and_verify_round_trip(open_payment):
    _, payment = open_payment
    gateway = get_gateway()
    data = gateway.notification_for(payment)
    callback = gateway.verify_callback(data)
    assert callback.number == payment.number and callback.amount == payment.amount
    assert callback.succeeded and callback.provider_trade_no == f"TEST{payment.number}"
    assert len(data["sign"]) == 64


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "0.01"),
        ("number", "P00000000000000FFFFFFFFFF"),
        ("status", "TRADE_CLOSED"),
        ("reference", "order:999999"),
        ("provider_trade_no", "TESTOTHER"),
        ("notify_time", "2020-01-01T00:00:00+00:00"),
    ],
)
def test_changing_any_signed_field_is_refused(open_payment, client, field, value):
    order, payment = open_payment
    data = get_gateway().notification_for(payment)
    data[field] = value
    with pytest.raises(InvalidSignature) as exc:
        services.payment_callback_receive(gateway_name="test", data=data)
    assert exc.value.code == "invalid_signature" and exc.value.status_code == 400
    response = _notify(client, data)
    assert response.status_code == 400
    assert response.content.decode() == "fail: invalid_signature"
    assert Order.objects.get(pk=order.pk).status == "created"
    assert Payment.objects.get(pk=payment.pk).status == "pending"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d.pop("sign"),
        lambda d: d.update(sign=""),
        lambda d: d.update(sign=d["sign"].upper()),
        lambda d: d.update(sign="0" * 64),
        lambda d: d.update(extra="1"),
        lambda d: d.pop("notify_time"),
    ],
    ids=["no-sign", "empty-sign", "upper-sign", "zero-sign", "extra-field", "missing-field"],
)
def test_malformed_signatures_are_refused(open_payment, tamper):
    _, payment = open_payment
    data = get_gateway().notification_for(payment)
    tamper(data)
    with pytest.raises(InvalidSignature):
        services.payment_callback_receive(gateway_name="test", data=data)
    assert Payment.objects.get(pk=payment.pk).status == "pending"


def test_a_callback_signed_with_another_secret_is_refused(open_payment):
    _, payment = open_payment
    forged = LocalTestGateway(secret="not-the-secret").notification_for(payment)
    with pytest.raises(InvalidSignature):
        services.payment_callback_receive(gateway_name="test", data=forged)


def test_the_configured_secret_is_used(open_payment, settings):
    _, payment = open_payment
    settings.PAYMENT_TEST_GATEWAY_SECRET = "configured-secret"
    data = LocalTestGateway(secret="configured-secret").notification_for(payment)
    assert services.payment_callback_receive(gateway_name="test", data=data).status == "succeeded"


def test_a_correctly_signed_callback_with_a_different_amount_is_refused(open_payment):
    order, payment = open_payment
    payment.amount = Decimal("0.01")  # what a forger with the key would claim
    data = get_gateway().notification_for(payment)
    with pytest.raises(PaymentAmountMismatch):
        services.payment_callback_receive(gateway_name="test", data=data)
    assert Order.objects.get(pk=order.pk).status == "created"


def test_a_callback_for_an_unknown_payment_is_refused(open_payment):
    _, payment = open_payment
    payment.number = "PUNKNOWN"
    with pytest.raises(PaymentNotFound):
        services.payment_callback_receive(
            gateway_name="test", data=get_gateway().notification_for(payment)
        )


# -- the HTTP callback endpoint and replays ---------------------------------------------
def test_signed_callback_over_http_pays_the_order_once_even_when_replayed(open_payment, client):
    order, payment = open_payment
    data = get_gateway().notification_for(payment)
    response = _notify(client, data)
    assert response.status_code == 200 and response.content == b"success"
    order.refresh_from_db()
    paid_at = order.paid_at
    assert order.status == "paid" and order.payment_ref == payment.number
    for _ in range(3):
        assert _notify(client, data).content == b"success"
    order.refresh_from_db()
    assert order.status == "paid" and order.paid_at == paid_at
    assert Notice.objects.filter(title__startswith="买家已付款").count() == 1
    assert Payment.objects.filter(reference=f"order:{order.pk}").count() == 1


def test_notify_for_an_unconfigured_gateway_is_404(client):
    assert _notify(client, {"a": "b"}, gateway="nope").status_code == 404


def test_notify_needs_post_and_no_csrf_token(open_payment):
    from django.test import Client

    _, payment = open_payment
    strict = Client(enforce_csrf_checks=True)
    assert strict.get("/pay/notify/test/").status_code == 405
    data = get_gateway().notification_for(payment)
    assert strict.post("/pay/notify/test/", data).content == b"success"


def test_a_closed_notice_closes_the_payment_and_a_new_one_can_be_started(open_payment):
    order, payment = open_payment
    data = get_gateway().notification_for(payment, succeeded=False)
    services.payment_callback_receive(gateway_name="test", data=data)
    assert Payment.objects.get(pk=payment.pk).status == "closed"
    assert Order.objects.get(pk=order.pk).status == "created"
    order, again = services.order_pay(order_id=order.pk, by=order.buyer)
    assert again.pk != payment.pk and order.status == "paid"


def test_a_closed_payment_paid_late_after_another_one_is_refunded_automatically(open_payment):
    order, first = open_payment
    gateway = get_gateway()
    # The payer gave up on the first page: the provider closes it; a second payment succeeds.
    services.payment_callback_receive(
        gateway_name="test", data=gateway.notification_for(first, succeeded=False)
    )
    order, second = services.order_pay(order_id=order.pk, by=order.buyer)
    assert order.status == "paid" and second.pk != first.pk
    # Money for the first arrives after all: it must not be kept.
    late = services.payment_callback_receive(
        gateway_name="test", data=gateway.notification_for(first)
    )
    assert late.status == "refunded" and late.refund_no.startswith("TESTRF")
    assert "重复付款" in late.refund_reason
    order.refresh_from_db()
    assert order.payment_ref == second.number


def test_a_payment_whose_amount_the_order_does_not_expect_is_refunded(open_payment):
    order, first = open_payment
    other = services.payment_create(
        reference=first.reference, amount=first.amount + 1, subject="改价", payer=order.buyer
    )
    assert Payment.objects.get(pk=first.pk).status == "closed"
    other = services.payment_settle_directly(payment_id=other.pk)
    assert other.status == "refunded"
    assert Order.objects.get(pk=order.pk).status == "created"


# -- references and handlers -------------------------------------------------------------
@pytest.fixture
def trustpass_like_handler():
    """A handler registered the way the membership app would for "trustpass:<id>"."""
    seen: list[tuple[str, str]] = []
    wanted = {"answer": True}

    def handler(payment):
        seen.append((payment.reference, payment.status))
        return wanted["answer"]

    gw.register_payment_handler("tpyear", handler)
    yield seen, wanted
    gw.unregister_payment_handler("tpyear")


def test_a_payment_is_dispatched_to_the_handler_of_its_prefix(trustpass_like_handler, member):
    seen, _ = trustpass_like_handler
    payment = services.payment_create(
        reference="tpyear:7",
        amount=Decimal("2800.00"),
        subject="诚信通会员 1 年",
        payer=member.company,
        return_url="/trustpass/",
    )
    assert payment.pay_url == f"/pay/test/{payment.number}/" and payment.gateway == "test"
    data = get_gateway().notification_for(payment)
    services.payment_callback_receive(gateway_name="test", data=data)
    services.payment_callback_receive(gateway_name="test", data=data)  # replay
    assert seen == [("tpyear:7", "succeeded")]
    assert Payment.objects.get(pk=payment.pk).status == "succeeded"
    with pytest.raises(PaymentError) as exc:  # already paid: no second payment
        services.payment_create(reference="tpyear:7", amount=Decimal("2800.00"), subject="x")
    assert exc.value.status_code == 409


def test_a_payment_the_handler_does_not_want_is_refunded(trustpass_like_handler):
    seen, wanted = trustpass_like_handler
    wanted["answer"] = False
    payment = services.payment_create(reference="tpyear:8", amount=Decimal("1.00"), subject="x")
    payment = services.payment_settle_directly(payment_id=payment.pk)
    assert seen == [("tpyear:8", "succeeded")]
    assert payment.status == "refunded" and payment.refund_no


def test_a_handler_that_raises_rolls_the_payment_back(member):
    def handler(payment):
        raise PaymentError("业务处理失败")

    gw.register_payment_handler("boom", handler)
    try:
        payment = services.payment_create(reference="boom:1", amount=Decimal("5.00"), subject="x")
        with pytest.raises(PaymentError):
            services.payment_callback_receive(
                gateway_name="test", data=get_gateway().notification_for(payment)
            )
        assert Payment.objects.get(pk=payment.pk).status == "pending"
    finally:
        gw.unregister_payment_handler("boom")


@pytest.mark.parametrize("reference", ["nohandler:1", "order", "order:", "Order:1", "order:1 2"])
def test_payments_need_a_well_formed_reference_with_a_handler(reference):
    with pytest.raises(UnknownPaymentReference):
        services.payment_create(reference=reference, amount=Decimal("1.00"), subject="x")


def test_registering_handlers():
    gw.register_payment_handler("order", "trade.services.order_payment_succeeded")  # same: ok
    with pytest.raises(ValueError):
        gw.register_payment_handler("order", lambda p: True)
    with pytest.raises(ValueError):
        gw.register_payment_handler("Bad-Prefix", lambda p: True)
    from trade.services import order_payment_succeeded

    assert gw.get_payment_handler("order") is order_payment_succeeded


def test_an_open_payment_is_reused_for_the_same_reference_and_amount(open_payment):
    order, payment = open_payment
    again = services.payment_create(
        reference=payment.reference, amount=payment.amount, subject="再次", payer=order.buyer
    )
    assert again.pk == payment.pk
    assert Payment.objects.filter(reference=payment.reference, status="pending").count() == 1


def test_non_positive_amounts_are_refused():
    with pytest.raises(PaymentError):
        services.payment_create(reference="order:1", amount=Decimal("0"), subject="x")


# -- refunds -----------------------------------------------------------------------------
def test_only_a_successful_payment_can_be_refunded(open_payment):
    order, payment = open_payment
    with pytest.raises(PaymentNotRefundable):
        services.payment_refund(payment_id=payment.pk, reason="x")
    services.payment_settle_directly(payment_id=payment.pk)
    refunded = services.payment_refund(payment_id=payment.pk, reason="测试退款")
    assert refunded.status == "refunded" and refunded.refunded_at and refunded.refund_no
    with pytest.raises(PaymentNotRefundable):
        services.payment_refund(payment_id=payment.pk, reason="again")


# -- choosing the gateway ------------------------------------------------------------------
def test_get_gateway_follows_the_settings(settings):
    assert isinstance(get_gateway(), LocalTestGateway) and get_gateway().name == "test"
    settings.PAYMENT_GATEWAYS = {"redirect": "tests.trade.gateways.RedirectOnlyGateway"}
    settings.PAYMENT_GATEWAY = "redirect"
    assert get_gateway().name == "redirect" and not get_gateway().can_settle_directly
    assert get_gateway("test").name == "test"  # the built-in stays reachable for old payments
    with pytest.raises(PaymentNotFound):
        get_gateway("nope")


def test_a_gateway_whose_name_disagrees_with_its_setting_is_a_configuration_error(settings):
    settings.PAYMENT_GATEWAYS = {"alipay": "trade.gateway.LocalTestGateway"}
    with pytest.raises(ValueError):
        get_gateway("alipay")


def test_with_a_provider_that_needs_the_payer_the_order_waits_for_its_callback(
    make_order, settings, client
):
    settings.PAYMENT_GATEWAYS = {"redirect": "tests.trade.gateways.RedirectOnlyGateway"}
    settings.PAYMENT_GATEWAY = "redirect"
    order = make_order("created")
    order, payment = services.order_pay(order_id=order.pk, by=order.buyer)
    assert order.status == "created" and payment.gateway == "redirect"
    assert payment.pay_url.startswith("https://pay.example.cn/checkout?no=")
    provider = get_gateway("redirect")
    data = provider.notification_for(payment)
    # The test gateway's endpoint does not accept the other provider's callbacks.
    assert _notify(client, data, gateway="test").status_code == 400
    assert _notify(client, data, gateway="redirect").content == b"success"
    order.refresh_from_db()
    assert order.status == "paid"
    # Refunds go back through the gateway that took the money.
    order = services.order_refund(order_id=order.pk, by=order.seller)
    assert Payment.objects.get(pk=payment.pk).status == "refunded"


def test_deploy_check_warns_about_the_test_gateway(settings):
    from trade.system_checks import test_gateway_in_production

    assert [w.id for w in test_gateway_in_production(None)] == ["trade.W001"]
    settings.PAYMENT_GATEWAYS = {"redirect": "tests.trade.gateways.RedirectOnlyGateway"}
    settings.PAYMENT_GATEWAY = "redirect"
    assert test_gateway_in_production(None) == []
