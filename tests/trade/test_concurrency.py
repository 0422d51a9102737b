"""R-T1 under concurrency, on PostgreSQL from real threads (each its own connection):
the row lock makes exactly one of several racing transitions happen."""

import threading

import pytest
from django.db import connection

from members.models import Notice
from trade import services
from trade.exceptions import IllegalTransition
from trade.models import Order, Payment

pytestmark = pytest.mark.django_db(transaction=True)


def race(n: int, work):
    """Run `work(i)` in n threads released together; return (results, errors)."""
    barrier = threading.Barrier(n)
    results, errors = [], []
    lock = threading.Lock()

    def run(i):
        try:
            barrier.wait(timeout=10)
            value = work(i)
            with lock:
                results.append(value)
        except Exception as exc:  # collected and asserted by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results, errors


def test_two_pays_at_once_make_exactly_one_transition(make_order):
    order = make_order("created")
    buyer = order.buyer

    results, errors = race(2, lambda i: services.order_pay(order_id=order.pk, by=buyer))

    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], IllegalTransition) and errors[0].status_code == 409
    order.refresh_from_db()
    assert order.status == "paid"
    payments = Payment.objects.filter(reference=f"order:{order.pk}")
    assert [p.status for p in payments] == ["succeeded"]
    assert order.payment_ref == payments[0].number
    assert Notice.objects.filter(company=order.seller, title__startswith="买家已付款").count() == 1


def test_many_pays_at_once_still_make_one_transition(make_order):
    order = make_order("created")
    results, errors = race(8, lambda i: services.order_pay(order_id=order.pk, by=order.buyer))
    assert len(results) == 1 and len(errors) == 7
    assert all(isinstance(e, IllegalTransition) for e in errors)
    assert Payment.objects.filter(reference=f"order:{order.pk}", status="succeeded").count() == 1


def test_confirm_and_refund_racing_on_a_shipped_order_one_wins(make_order):
    order = make_order("shipped")

    def work(i):
        if i % 2:
            return services.order_confirm(order_id=order.pk, by=order.buyer).status
        return services.order_refund(order_id=order.pk, by=order.seller, reason="竞争").status

    results, errors = race(6, work)
    assert len(results) == 1 and len(errors) == 5
    assert all(isinstance(e, IllegalTransition) for e in errors)
    final = Order.objects.get(pk=order.pk).status
    assert results == [final] and final in ("completed", "refunded")
    payment = Payment.objects.get(reference=f"order:{order.pk}")
    assert payment.status == ("refunded" if final == "refunded" else "succeeded")


def test_replayed_callbacks_at_once_apply_the_payment_once(make_order):
    from trade.gateway import get_gateway

    order = make_order("created")
    _, payment = services.order_pay(order_id=order.pk, by=order.buyer, interactive=True)
    data = get_gateway().notification_for(payment)

    results, errors = race(
        5, lambda i: services.payment_callback_receive(gateway_name="test", data=data).status
    )
    assert errors == [] and results == ["succeeded"] * 5
    assert Notice.objects.filter(company=order.seller, title__startswith="买家已付款").count() == 1
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_opening_payments_at_once_gives_one_open_payment(make_order):
    order = make_order("created")
    results, errors = race(
        4,
        lambda i: services.order_pay(order_id=order.pk, by=order.buyer, interactive=True)[1].pk,
    )
    assert errors == [] and len(set(results)) == 1
    assert Payment.objects.filter(reference=f"order:{order.pk}", status="pending").count() == 1
