"""Issue 14: every order event reaches the right party through the one notice service
(members.notices.notify, templates/notices/<event>/), with an absolute link, once — a
replayed payment callback, a timer run twice or a retried refund notifies nobody twice —
and the e-mail goes to the party's users on commit."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from members.models import Notice
from members.notices import render
from tests.factories import CompanyFactory
from trade import order_timers, services
from trade.gateway import get_gateway
from trade.models import Payment

pytestmark = pytest.mark.django_db

ORDER_EVENTS = [
    "order_created",
    "order_paid",
    "order_shipped",
    "order_completed",
    "order_refunded",
    "order_cancelled",
    "order_disputed",
]


def _kinds(company) -> list[str]:
    return list(
        Notice.objects.filter(company=company).order_by("pk").values_list("kind", flat=True)
    )


def test_a_whole_trade_notifies_each_party_of_the_other_partys_moves(make_order):
    order = make_order("completed")
    assert _kinds(order.seller) == ["order_created", "order_paid", "order_completed"]
    assert _kinds(order.buyer) == ["order_shipped"]
    for notice in Notice.objects.all():
        assert notice.url == f"/my/orders/{order.pk}/"
        assert re.search(rf"https?://\S+/my/orders/{order.pk}/", notice.body), notice.body
        assert notice.dedupe_key.startswith(f"trade:{order.pk}:")


@pytest.mark.parametrize(
    ("status", "buyer_kinds", "seller_kinds"),
    [
        ("cancelled", [], ["order_created", "order_cancelled"]),
        ("expired", ["order_cancelled"], ["order_created", "order_cancelled"]),
        ("refunded", ["order_refunded"], ["order_created", "order_paid", "order_refunded"]),
        ("disputed", [], ["order_created", "order_paid", "order_disputed"]),
    ],
)
def test_who_hears_of_the_other_endings(make_order, status, buyer_kinds, seller_kinds):
    order = make_order(status)
    assert _kinds(order.buyer) == buyer_kinds
    assert _kinds(order.seller) == seller_kinds


def test_a_replayed_payment_callback_notifies_once(make_order):
    order = make_order("created")
    _, payment = services.order_pay(order_id=order.pk, by=order.buyer, interactive=True)
    data = get_gateway().notification_for(payment)
    services.payment_callback_receive(gateway_name="test", data=data)
    services.payment_callback_receive(gateway_name="test", data=data)
    assert Payment.objects.get(pk=payment.pk).status == "succeeded"
    assert _kinds(order.seller).count("order_paid") == 1


def test_the_timers_notify_once_however_often_they_run(make_order):
    order = make_order("created")
    later = order.created_at + timedelta(hours=25)
    for _ in range(3):
        order_timers.orders_expire_due(now=later)
        order_timers.order_timers_apply(order_id=order.pk, now=later)
    assert _kinds(order.buyer) == ["order_cancelled"]


def test_the_email_goes_to_the_partys_users_on_commit(
    make_order, django_capture_on_commit_callbacks
):
    order = make_order("paid")
    buyer_user = order.buyer.users.first()
    buyer_user.email_confirmed_at = timezone.now()
    buyer_user.save(update_fields=["email_confirmed_at"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_ship(order_id=order.pk, by=order.seller, tracking_no="SF42")
    sent = [m for m in mail.outbox if buyer_user.email in m.to]
    assert len(sent) == 1 and "卖家已发货" in sent[0].subject and "SF42" in sent[0].body
    assert re.search(rf"https?://\S+/my/orders/{order.pk}/", sent[0].body)


@pytest.mark.parametrize("event", [*ORDER_EVENTS, "review_received"])
def test_every_template_renders_in_chinese_with_an_absolute_link(make_order, event):
    order = make_order("shipped")
    company = CompanyFactory(contact_name="王经理")
    context = {
        "order": order,
        "order_id": order.pk,
        "listing_title": order.listing.title,
        "unit": "件",
        "role": "buyer",
        "other_party": "某某公司",
        "reason": "货不对板",
        "who": "买家",
        "rating_label": "好评",
        "reviewer_name": "某某公司",
        "points": "+2",
        "confirm_by": order.shipped_at + timedelta(days=10),
        "days": 10,
        "hours": 24,
    }
    subject, body = render(event, company=company, context=context, url="/my/orders/1/")
    assert subject and "{{" not in subject and "\n" not in subject
    assert body.startswith("王经理，您好：")
    assert re.search(r"https?://[^\s/]+/my/orders/1/", body), body
    assert "&quot;" not in body and "&amp;" not in body  # plain text, not HTML-escaped
    assert render_to_string(f"notices/{event}/subject.txt", context)
