"""R-T1a / R-T1b: the clocks of an order, at their edges, with the clock moved.

An unpaid order expires ORDER_PAYMENT_HOURS (24) after it was made — by the beat task, and
by the same check when the order is read or paid, so a 24-hour-old order cannot be paid
before the beat runs. A shipped order is confirmed by itself ORDER_AUTO_CONFIRM_DAYS (10)
after shipment. The services take `now`; the read and pay paths use the real clock, so
there the order is dated back instead (the same as moving the clock forward).
"""

from datetime import timedelta

import pytest
from django.test import Client

from members.models import Notice
from tests.conftest import auth_client
from trade import order_timers, services, tasks
from trade.exceptions import IllegalTransition
from trade.gateway import get_gateway
from trade.models import Order, Payment

pytestmark = pytest.mark.django_db

HOURS_23_59 = timedelta(hours=23, minutes=59)
HOURS_24 = timedelta(hours=24)
DAYS_9_23 = timedelta(days=9, hours=23)
DAYS_10 = timedelta(days=10)


def _age(order, delta, field="created_at"):
    """Move the clock `delta` past the order's `field` (by dating the order back)."""
    Order.objects.filter(pk=order.pk).update(**{field: getattr(order, field) - delta})
    return Order.objects.get(pk=order.pk)


def _fresh(order):
    return Order.objects.get(pk=order.pk)


# -- R-T1a: expiry of unpaid orders --------------------------------------------------------
def test_the_sweep_expires_at_24_00_and_not_at_23_59(make_order):
    order = make_order("created")
    assert order_timers.orders_expire_due(now=order.created_at + HOURS_23_59) == 0
    assert _fresh(order).status == "created"
    assert order_timers.orders_expire_due(now=order.created_at + HOURS_24) == 1
    expired = _fresh(order)
    assert expired.status == "expired"
    assert expired.expired_at == order.created_at + HOURS_24


def test_the_sweep_is_idempotent_and_notifies_both_parties_once(make_order):
    order = make_order("created")
    later = order.created_at + HOURS_24
    assert order_timers.orders_expire_due(now=later) == 1
    assert order_timers.orders_expire_due(now=later) == 0
    assert order_timers.order_expire(order_id=order.pk, now=later) is False
    for company in (order.buyer, order.seller):
        notices = Notice.objects.filter(company=company, kind="order_cancelled")
        assert notices.count() == 1
        assert "超时未付款" in notices.get().title and "http" in notices.get().body


def test_the_beat_task_expires_what_is_due(make_order, settings):
    due = _age(make_order("created"), HOURS_24)
    fresh = make_order("created")
    assert "trade-orders-expire-due" in settings.CELERY_BEAT_SCHEDULE
    assert tasks.orders_expire_due_task.delay().get() == 1
    assert (_fresh(due).status, _fresh(fresh).status) == ("expired", "created")


@pytest.mark.parametrize("status", ["paid", "shipped", "cancelled", "completed"])
def test_only_unpaid_orders_expire(make_order, status):
    order = make_order(status)
    assert order_timers.orders_expire_due(now=order.created_at + timedelta(days=30)) == 0
    assert _fresh(order).status == status


def test_the_setting_sets_the_deadline(make_order, settings):
    settings.ORDER_PAYMENT_HOURS = 2
    order = make_order("created")
    before = order.created_at + timedelta(hours=1, minutes=59)
    assert order_timers.order_expire(order_id=order.pk, now=before) is False
    assert order_timers.order_expire(order_id=order.pk, now=order.created_at + timedelta(hours=2))


def test_paying_at_23_59_works(make_order):
    order = _age(make_order("created"), HOURS_23_59)
    paid, _ = services.order_pay(order_id=order.pk, by=order.buyer)
    assert paid.status == "paid"


def test_paying_at_24_00_is_refused_before_the_beat_ran(make_order):
    order = _age(make_order("created"), HOURS_24)
    with pytest.raises(IllegalTransition) as exc:
        services.order_pay(order_id=order.pk, by=order.buyer)
    assert exc.value.status_code == 409 and "已关闭" in exc.value.detail
    # The check wrote what the beat would have: the order is expired now.
    assert _fresh(order).status == "expired"
    assert not Payment.objects.filter(reference=f"order:{order.pk}").exists()


def test_the_api_refuses_to_pay_an_order_24_hours_old(make_order):
    order = _age(make_order("created"), HOURS_24)
    response = auth_client(order.buyer.users.first()).post(f"/api/v1/orders/{order.pk}/pay/")
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"
    assert _fresh(order).status == "expired"


def test_reading_an_order_24_hours_old_shows_it_expired(make_order):
    order = _age(make_order("created"), HOURS_24)
    client = auth_client(order.buyer.users.first())
    body = client.get(f"/api/v1/orders/{order.pk}/").json()
    assert body["status"] == "expired" and body["status_display"] == "已关闭（超时未付款）"
    assert body["actions"] == [] and body["expired_at"]


def test_reading_at_23_59_leaves_it_payable(make_order):
    order = _age(make_order("created"), HOURS_23_59)
    body = auth_client(order.buyer.users.first()).get(f"/api/v1/orders/{order.pk}/").json()
    assert body["status"] == "created" and body["actions"] == ["pay", "cancel"]
    assert body["payment_deadline"]


def test_the_order_list_shows_it_expired(make_order):
    order = _age(make_order("created"), HOURS_24)
    client = Client()
    client.force_login(order.seller.users.first())
    html = client.get("/my/orders/").content.decode()
    assert "已关闭（超时未付款）</span>" in html
    listed = auth_client(order.seller.users.first()).get("/api/v1/orders/?status=expired")
    assert [o["id"] for o in listed.json()["results"]] == [order.pk]


def test_a_payment_arriving_after_the_deadline_expires_the_order_and_goes_back(make_order):
    order = make_order("created")
    _, payment = services.order_pay(order_id=order.pk, by=order.buyer, interactive=True)
    order = _age(order, HOURS_24)
    payment = services.payment_callback_receive(
        gateway_name="test", data=get_gateway().notification_for(payment)
    )
    assert payment.status == "refunded"  # the money went straight back
    assert _fresh(order).status == "expired" and _fresh(order).payment_ref == ""


def test_expiry_closes_the_open_payment(make_order):
    order = make_order("created")
    _, payment = services.order_pay(order_id=order.pk, by=order.buyer, interactive=True)
    assert order_timers.order_expire(order_id=order.pk, now=order.created_at + HOURS_24)
    assert Payment.objects.get(pk=payment.pk).status == "closed"


# -- R-T1b: automatic confirmation of shipped orders ----------------------------------------
def test_auto_confirm_at_10_days_and_not_at_9_days_23_hours(make_order, credit_calls):
    order = make_order("shipped")
    assert order_timers.orders_auto_confirm_due(now=order.shipped_at + DAYS_9_23) == 0
    assert _fresh(order).status == "shipped" and credit_calls == []
    assert order_timers.orders_auto_confirm_due(now=order.shipped_at + DAYS_10) == 1
    done = _fresh(order)
    assert done.status == "completed" and done.auto_confirmed
    assert done.completed_at == order.shipped_at + DAYS_10
    # R-C7: a settled trade, as when the buyer confirms.
    assert sorted(credit_calls) == sorted(
        [
            (order.buyer_id, f"order:{order.pk}:completed"),
            (order.seller_id, f"order:{order.pk}:completed"),
        ]
    )
    assert order_timers.orders_auto_confirm_due(now=order.shipped_at + DAYS_10) == 0


def test_auto_confirm_notifies_both_parties_once(make_order):
    order = make_order("shipped")
    later = order.shipped_at + DAYS_10
    order_timers.orders_auto_confirm_due(now=later)
    order_timers.order_auto_confirm(order_id=order.pk, now=later)
    for company in (order.buyer, order.seller):
        notice = Notice.objects.get(company=company, kind="order_completed")
        assert "系统已自动确认收货" in notice.title


def test_the_beat_task_confirms_what_is_due(make_order, settings):
    order = _age(make_order("shipped"), DAYS_10, field="shipped_at")
    assert "trade-orders-auto-confirm-due" in settings.CELERY_BEAT_SCHEDULE
    assert tasks.orders_auto_confirm_due_task.delay().get() == 1
    assert _fresh(order).status == "completed"


def test_refunding_a_shipped_order_10_days_old_is_refused(make_order):
    order = _age(make_order("shipped"), DAYS_10, field="shipped_at")
    with pytest.raises(IllegalTransition):
        services.order_refund(order_id=order.pk, by=order.buyer)
    assert _fresh(order).status == "completed" and _fresh(order).auto_confirmed


def test_confirming_at_9_days_23_hours_is_the_buyers_own(make_order):
    order = _age(make_order("shipped"), DAYS_9_23, field="shipped_at")
    done = services.order_confirm(order_id=order.pk, by=order.buyer)
    assert done.status == "completed" and not done.auto_confirmed


@pytest.mark.parametrize("status", ["paid", "disputed"])
def test_only_shipped_orders_are_confirmed_by_the_clock(make_order, status):
    order = make_order(status)
    assert order_timers.orders_auto_confirm_due(now=order.created_at + timedelta(days=60)) == 0
    assert _fresh(order).status == status


def test_a_shipped_order_with_a_refund_in_progress_is_left_to_the_refund(make_order):
    order = make_order("shipped")
    Order.objects.filter(pk=order.pk).update(refund_requested_at=order.shipped_at)
    assert order_timers.orders_auto_confirm_due(now=order.shipped_at + DAYS_10) == 0
    assert _fresh(order).status == "shipped"


def test_the_setting_sets_the_confirmation_delay(make_order, settings):
    settings.ORDER_AUTO_CONFIRM_DAYS = 3
    order = make_order("shipped")
    assert order_timers.orders_auto_confirm_due(now=order.shipped_at + timedelta(days=3)) == 1
