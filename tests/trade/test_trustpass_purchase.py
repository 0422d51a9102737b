"""R-M2: buying and renewing TrustPass years in the back office through the payment gateway
(trade.gateway, the local test gateway in tests)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from members import privileges
from members.models import TrustPassPeriod
from members.rules import add_years
from tests.conftest import auth_client
from tests.factories import UserFactory
from trade import trustpass_services as services
from trade.gateway import get_gateway
from trade.models import MembershipOrder, Payment
from trade.services import payment_callback_receive, payment_create

pytestmark = pytest.mark.django_db


def test_ordinary_member_buys_a_year_in_the_browser(client, member):
    client.force_login(member)
    page = client.get(reverse("trade:trustpass_buy"))
    assert page.status_code == 200 and "开通诚信通" in page.content.decode()
    assert "csrfmiddlewaretoken" in page.content.decode()
    response = client.post(reverse("trade:trustpass_buy"), {"years": 1, "confirm": "on"})
    assert response.status_code == 302
    payment = Payment.objects.get(payer=member.company)
    assert response.url == payment.pay_url and payment.amount == Decimal("2800.00")
    assert not privileges.can_quote(member.company)
    # The test gateway's page, then back to the order.
    paid = client.post(payment.pay_url, {"action": "confirm"})
    order = MembershipOrder.objects.get(company=member.company)
    assert paid.status_code == 302
    assert paid.url == reverse("trade:trustpass_purchase", args=[order.pk])
    assert order.status == "paid" and order.payment_ref == payment.number
    today = timezone.localdate()
    assert (order.period.starts_on, order.period.ends_on) == (today, add_years(today, 1))
    assert order.period.source == TrustPassPeriod.Source.ORDER
    assert privileges.can_quote(type(member.company).objects.get(pk=member.company.pk))
    shown = client.get(paid.url).content.decode()
    assert "付款成功" in shown


def test_purchase_form_needs_the_confirmation(client, member):
    client.force_login(member)
    response = client.post(reverse("trade:trustpass_buy"), {"years": 1})
    assert response.status_code == 200 and "请勾选确认后再支付" in response.content.decode()
    assert not MembershipOrder.objects.exists()


def test_renewal_bought_before_the_end_starts_at_the_old_end(trustpass_member):
    company = trustpass_member.company
    old_end = TrustPassPeriod.objects.get(company=company).ends_on
    order, payment = services.trustpass_purchase_start(company=company, years=2)
    assert payment.amount == Decimal("5600.00") == order.amount
    payment_callback_receive(gateway_name="test", data=get_gateway().notification_for(payment))
    order.refresh_from_db()
    assert (order.period.starts_on, order.period.ends_on) == (old_end, add_years(old_end, 2))


def test_replayed_callback_makes_one_period(member):
    order, payment = services.trustpass_purchase_start(company=member.company, years=1)
    data = get_gateway().notification_for(payment)
    payment_callback_receive(gateway_name="test", data=data)
    payment_callback_receive(gateway_name="test", data=data)
    assert TrustPassPeriod.objects.filter(company=member.company).count() == 1
    assert Payment.objects.get(pk=payment.pk).status == "succeeded"


def test_a_failed_payment_opens_nothing(member):
    order, payment = services.trustpass_purchase_start(company=member.company, years=1)
    closed = get_gateway().notification_for(payment, succeeded=False)
    payment_callback_receive(gateway_name="test", data=closed)
    order.refresh_from_db()
    assert order.status == "created" and order.period is None
    assert not TrustPassPeriod.objects.exists()


def test_a_payment_with_the_wrong_amount_is_refunded(member):
    order = MembershipOrder.objects.create(company=member.company, years=1, amount=Decimal("2800"))
    payment = payment_create(reference=f"trustpass:{order.pk}", amount=Decimal("1.00"), subject="x")
    payment = payment_callback_receive(
        gateway_name="test", data=get_gateway().notification_for(payment)
    )
    assert payment.status == "refunded"
    assert not TrustPassPeriod.objects.exists()


@pytest.mark.parametrize("years", [0, 4])
def test_years_out_of_range_are_refused(member, years):
    with pytest.raises(Exception) as exc:
        services.trustpass_purchase_start(company=member.company, years=years)
    assert "years" in exc.value.fields


def test_api_order_and_pay_on_the_test_gateway(member, credit_calls):
    client = auth_client(member)
    created = client.post("/api/v1/memberships/orders/", {"years": 1}, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["status"] == "created" and data["amount"] == "2800.00"
    assert data["pay_url"].startswith("/pay/test/")
    paid = client.post(f"/api/v1/memberships/orders/{data['id']}/pay/")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    assert paid.json()["period"]["starts_on"] == timezone.localdate().isoformat()
    again = client.post(f"/api/v1/memberships/orders/{data['id']}/pay/")
    assert again.status_code == 200
    assert TrustPassPeriod.objects.filter(company=member.company).count() == 1
    assert credit_calls == [(member.company.pk, "membership_granted")]
    listed = client.get("/api/v1/memberships/orders/").json()
    assert listed["count"] == 1


def test_another_members_order_is_404(member):
    order, _ = services.trustpass_purchase_start(company=member.company, years=1)
    other = UserFactory()
    assert auth_client(other).post(f"/api/v1/memberships/orders/{order.pk}/pay/").status_code == 404


def test_another_members_order_page_is_404(client, member):
    order, _ = services.trustpass_purchase_start(company=member.company, years=1)
    client.force_login(UserFactory())
    assert client.get(reverse("trade:trustpass_purchase", args=[order.pk])).status_code == 404


def test_privileges_switch_off_when_the_bought_year_ends(member):
    order, payment = services.trustpass_purchase_start(company=member.company, years=1)
    services.trustpass_purchase_pay_directly(order=order)
    order.refresh_from_db()
    company = type(member.company).objects.get(pk=member.company.pk)
    end = order.period.ends_on
    assert privileges.can_see_buy_lead_contacts(company, at=end - timedelta(days=1))
    assert not privileges.can_see_buy_lead_contacts(company, at=end)
