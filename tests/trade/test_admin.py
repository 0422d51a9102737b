"""Admin: orders, payments and TrustPass orders are listed, filtered and searched; staff
refund a disputed trade through the service; rows cannot be added or deleted by hand."""

import pytest
from django.test import Client

from trade import trustpass_services
from trade.models import Order, Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


def test_changelists_filters_and_search(staff, make_order):
    order = make_order("paid")
    page = staff.get("/admin/trade/order/?status__exact=paid")
    assert page.status_code == 200 and order.listing.title in page.content.decode()
    found = staff.get(f"/admin/trade/order/?q={order.buyer.member_id}")
    assert (
        found.status_code == 200
        and f"/admin/trade/order/{order.pk}/change/" in found.content.decode()
    )
    assert staff.get(f"/admin/trade/order/{order.pk}/change/").status_code == 200
    payment = Payment.objects.get(reference=f"order:{order.pk}")
    listed = staff.get(f"/admin/trade/payment/?q={payment.number}&status__exact=succeeded")
    assert payment.number in listed.content.decode()
    assert staff.get("/admin/trade/order/add/").status_code == 403
    assert staff.get(f"/admin/trade/order/{order.pk}/delete/").status_code == 403


def test_refund_action_calls_the_service_and_reports_refusals(staff, make_order):
    paid = make_order("paid")
    completed = make_order("completed")
    response = staff.post(
        "/admin/trade/order/",
        {"action": "refund_selected", "_selected_action": [paid.pk, completed.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "已退款 1 笔交易" in html and "不能退款" in html
    assert Order.objects.get(pk=paid.pk).status == "refunded"
    assert Order.objects.get(pk=completed.pk).status == "completed"
    assert Payment.objects.get(reference=f"order:{paid.pk}").status == "refunded"


def test_trustpass_orders_are_listed_read_only(staff, member):
    order, _ = trustpass_services.trustpass_purchase_start(company=member.company, years=2)
    url = "/admin/trade/membershiporder/"
    listed = staff.get(url, {"q": member.company.member_id, "status__exact": "created"})
    assert listed.status_code == 200 and f"{url}{order.pk}/change/" in listed.content.decode()
    assert staff.get(f"{url}{order.pk}/change/").status_code == 200
    assert staff.get(f"{url}add/").status_code == 403
    assert staff.get(f"{url}{order.pk}/delete/").status_code == 403
