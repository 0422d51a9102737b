"""Issue 14: an abandoned TrustPass order (R-M2) is resumed — 继续支付 on the dashboard, the
buy page and the order page — instead of a new one being made."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from trade import trustpass_services as services
from trade.gateway import get_gateway
from trade.models import MembershipOrder, Payment
from trade.services import payment_callback_receive

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_and_the_buy_page_offer_to_resume(member):
    order, payment = services.trustpass_purchase_start(company=member.company, years=2)
    client = login(member)
    resume = reverse("trade:trustpass_resume", args=[order.pk])
    dashboard = client.get(reverse("members:dashboard")).content.decode()
    assert "继续支付" in dashboard and resume in dashboard
    buy = client.get(reverse("trade:trustpass_buy")).content.decode()
    assert "您有一笔未付款的诚信通订购单" in buy and resume in buy
    page = client.get(reverse("trade:trustpass_purchase", args=[order.pk])).content.decode()
    assert resume in page
    response = client.post(resume)
    assert response.status_code == 302 and response.url == payment.pay_url  # the same payment
    paid = client.post(payment.pay_url, {"action": "confirm"})
    assert paid.status_code == 302
    assert MembershipOrder.objects.get(pk=order.pk).status == "paid"
    assert "继续支付" not in client.get(reverse("members:dashboard")).content.decode()


def test_buying_again_resumes_the_unpaid_order_of_the_same_years(member):
    first, p1 = services.trustpass_purchase_start(company=member.company, years=1)
    again, p2 = services.trustpass_purchase_start(company=member.company, years=1)
    assert again.pk == first.pk and p2.pk == p1.pk
    other, _ = services.trustpass_purchase_start(company=member.company, years=3)
    assert other.pk != first.pk
    assert MembershipOrder.objects.filter(company=member.company).count() == 2


def test_resuming_after_a_failed_payment_opens_a_new_one(member):
    order, payment = services.trustpass_purchase_start(company=member.company, years=1)
    failed = get_gateway().notification_for(payment, succeeded=False)
    payment_callback_receive(gateway_name="test", data=failed)
    _, fresh = services.trustpass_purchase_resume(company=member.company, order_id=order.pk)
    assert fresh.pk != payment.pk and fresh.status == "pending"
    assert Payment.objects.get(pk=payment.pk).status == "closed"


def test_a_paid_or_foreign_order_cannot_be_resumed(member):
    order, _ = services.trustpass_purchase_start(company=member.company, years=1)
    services.trustpass_purchase_pay_directly(order=order)
    client = login(member)
    done = client.post(reverse("trade:trustpass_resume", args=[order.pk]), follow=True)
    assert "不能继续支付" in done.content.decode()
    stranger = login(UserFactory())
    assert stranger.post(reverse("trade:trustpass_resume", args=[order.pk])).status_code == 404
    assert stranger.get(reverse("trade:trustpass_resume", args=[order.pk])).status_code == 405
