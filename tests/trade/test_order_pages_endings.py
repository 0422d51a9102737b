"""Order pages for the endings of issue 14: cancel with a confirmation page (unpaid orders
only), the dispute form, the automatic deadlines, and cancelled, expired and disputed orders
shown with their state in Chinese on the list, the detail page and the dashboard."""

import pytest
from django.test import Client

from trade import disputes
from trade.models import Order

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_cancel_asks_first_then_cancels(make_order, buyer_user):
    order = make_order("created")
    client = login(buyer_user)
    detail = client.get(f"/my/orders/{order.pk}/").content.decode()
    assert f'href="/my/orders/{order.pk}/cancel/"' in detail and "取消订单" in detail
    assert "付款期限" in detail and "逾期订单自动关闭" in detail
    page = client.get(f"/my/orders/{order.pk}/cancel/").content.decode()
    assert "确定要取消这笔订单吗" in page and "确认取消订单" in page
    assert Order.objects.get(pk=order.pk).status == "created"  # GET changes nothing
    done = client.post(f"/my/orders/{order.pk}/cancel/", follow=True).content.decode()
    assert "订单已取消，无需付款" in done and "已取消</span>" in done
    assert "买家在付款前取消" in done
    assert Order.objects.get(pk=order.pk).status == "cancelled"


def test_no_cancel_button_once_paid_and_a_late_post_is_refused(make_order, buyer_user):
    order = make_order("paid")
    client = login(buyer_user)
    assert "/cancel/" not in client.get(f"/my/orders/{order.pk}/").content.decode()
    refused = client.post(f"/my/orders/{order.pk}/cancel/", follow=True).content.decode()
    assert "不能取消订单" in refused
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_the_seller_sees_no_cancel_button(make_order, seller_user):
    order = make_order("created")
    assert "/cancel/" not in login(seller_user).get(f"/my/orders/{order.pk}/").content.decode()


def test_the_dispute_form(make_order, buyer_user, seller_user):
    order = make_order("shipped")
    client = login(buyer_user)
    detail = client.get(f"/my/orders/{order.pk}/").content.decode()
    assert "申请纠纷处理" in detail and "自动确认收货" in detail
    form = client.get(f"/my/orders/{order.pk}/dispute/").content.decode()
    assert 'name="reason"' in form and "提交纠纷申请" in form
    empty = client.post(f"/my/orders/{order.pk}/dispute/", {"reason": ""}).content.decode()
    assert "请说明纠纷原因" in empty
    assert Order.objects.get(pk=order.pk).status == "shipped"
    done = client.post(
        f"/my/orders/{order.pk}/dispute/", {"reason": "收到的是次品"}, follow=True
    ).content.decode()
    assert "已提交纠纷处理申请" in done and "纠纷处理中</span>" in done
    assert "收到的是次品" in done and "客服核实中" in done
    seen = login(seller_user).get(f"/my/orders/{order.pk}/").content.decode()
    assert "收到的是次品" in seen and "/ship/" not in seen and "申请退款" not in seen


def test_a_decided_dispute_shows_who_decided_what_and_why(make_order, buyer_user, staff_user):
    order = make_order("disputed")
    disputes.dispute_decide(
        order_id=order.pk, decision="release", reason="物流显示已签收", staff_user=staff_user
    )
    html = login(buyer_user).get(f"/my/orders/{order.pk}/").content.decode()
    assert "放款给卖家" in html and "物流显示已签收" in html and "交易成功</span>" in html


@pytest.mark.parametrize(
    ("status", "label"),
    [("cancelled", "已取消"), ("expired", "已关闭（超时未付款）"), ("disputed", "纠纷处理中")],
)
def test_every_state_shows_in_chinese_on_the_list_and_the_filters(
    make_order, buyer_user, status, label
):
    order = make_order(status)
    client = login(buyer_user)
    listed = client.get("/my/orders/").content.decode()
    assert f"{label}</span>" in listed
    filtered = client.get(f"/my/orders/?status={status}").content.decode()
    assert f"/my/orders/{order.pk}/" in filtered and f"status={status}" in filtered
    detail = client.get(f"/my/orders/{order.pk}/").content.decode()
    assert f'order-{status}">{label}' in detail


def test_expired_detail_says_why(make_order, buyer_user):
    order = make_order("expired")
    html = login(buyer_user).get(f"/my/orders/{order.pk}/").content.decode()
    assert "超过付款期限未付款，系统已自动关闭" in html and "关闭时间" in html
    assert "付款 ¥" not in html


def test_the_dashboard_counts_disputes_and_links_the_closed_orders(make_order, buyer_user):
    make_order("disputed")
    html = login(buyer_user).get("/my/").content.decode()
    assert "纠纷处理中 1" in html
    assert "/my/orders/?status=cancelled" in html and "/my/orders/?status=expired" in html
