"""Order pages in the back office, the order button partial and the test gateway's page."""

import re

import pytest
from django.template import Context, Template
from django.test import Client

from tests.factories import UserFactory
from tests.trade.factories import EscrowListingFactory
from trade.models import Order, Payment

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_need_login(client, make_order):
    order = make_order("created")
    for path in ("/my/orders/", f"/my/orders/{order.pk}/", f"/my/orders/new/{order.listing_id}/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_order_list_tabs_and_empty_state(make_order, buyer_user, seller_user, outsider_user):
    make_order("paid")
    make_order("created")
    page = login(buyer_user).get("/my/orders/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("/my/orders/") >= 2 and "我买到的" in html and "已付款（担保中）" in html
    assert "待付款 1 笔" in html
    sold = login(buyer_user).get("/my/orders/?role=seller").content.decode()
    assert "没有符合条件的交易" in sold
    assert "待发货 1 笔" in login(seller_user).get("/my/orders/?role=seller").content.decode()
    paid_only = login(seller_user).get("/my/orders/?status=paid").content.decode()
    assert "已付款（担保中）</span>" in paid_only and "待付款</span>" not in paid_only
    assert "您还没有支付宝担保交易" in login(outsider_user).get("/my/orders/").content.decode()


def test_order_list_is_paginated(listing, buyer_user):
    from trade import services

    for _ in range(21):
        services.order_create(buyer=buyer_user.company, listing_id=listing.pk, quantity=1)
    first = login(buyer_user).get("/my/orders/").content.decode()
    assert "第 1 / 2 页" in first
    second = login(buyer_user).get("/my/orders/?page=2").content.decode()
    assert second.count("<tr>") == 2  # header + one row


def test_detail_is_404_for_non_parties(make_order, outsider_user):
    order = make_order("paid")
    assert login(outsider_user).get(f"/my/orders/{order.pk}/").status_code == 404
    assert login(outsider_user).post(f"/my/orders/{order.pk}/ship/").status_code == 404
    assert login(outsider_user).get(f"/my/orders/{order.pk}/refund/").status_code == 404
    assert login(outsider_user).post(f"/my/orders/{order.pk}/refund/").status_code == 404
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_detail_shows_the_actions_of_the_viewer(make_order, buyer_user, seller_user):
    order = make_order("paid")
    as_seller = login(seller_user).get(f"/my/orders/{order.pk}/").content.decode()
    assert f'action="/my/orders/{order.pk}/ship/"' in as_seller and "申请退款" in as_seller
    assert "csrfmiddlewaretoken" in as_seller
    as_buyer = login(buyer_user).get(f"/my/orders/{order.pk}/").content.decode()
    assert "/ship/" not in as_buyer and "申请退款" in as_buyer
    assert "等待卖家发货" not in as_seller


def test_browser_trade_through_the_test_gateway_page(listing, buyer_user, seller_user):
    buyer, seller = login(buyer_user), login(seller_user)

    form = buyer.get(f"/my/orders/new/{listing.pk}/?quantity=3")
    assert form.status_code == 200 and "¥300.00" in form.content.decode()
    created = buyer.post(f"/my/orders/new/{listing.pk}/", {"quantity": 3})
    order = Order.objects.get(buyer=buyer_user.company)
    assert created.status_code == 302 and created["Location"] == f"/my/orders/{order.pk}/"

    to_gateway = buyer.post(f"/my/orders/{order.pk}/pay/")
    payment = Payment.objects.get(reference=f"order:{order.pk}")
    assert (
        to_gateway.status_code == 302 and to_gateway["Location"] == f"/pay/test/{payment.number}/"
    )
    page = buyer.get(to_gateway["Location"]).content.decode()
    assert "¥300.00" in page and "确认付款" in page and "不会产生真实扣款" in page
    # Nobody but the payer sees or confirms the payment page.
    assert seller.get(to_gateway["Location"]).status_code == 404
    assert seller.post(to_gateway["Location"], {"action": "confirm"}).status_code == 404
    back = buyer.post(to_gateway["Location"], {"action": "confirm"})
    assert back.status_code == 302 and back["Location"] == f"/my/orders/{order.pk}/"
    order.refresh_from_db()
    assert order.status == "paid"
    again = buyer.get(to_gateway["Location"]).content.decode()
    assert "无需再次付款" in again

    seller.post(f"/my/orders/{order.pk}/ship/", {"tracking_no": "YT9"})
    order.refresh_from_db()
    assert order.status == "shipped" and order.tracking_no == "YT9"

    confirm_page = buyer.get(f"/my/orders/{order.pk}/confirm/").content.decode()
    assert "此操作不能撤销" in confirm_page and "csrfmiddlewaretoken" in confirm_page
    buyer.post(f"/my/orders/{order.pk}/confirm/")
    order.refresh_from_db()
    assert order.status == "completed"
    detail = buyer.get(f"/my/orders/{order.pk}/").content.decode()
    assert "交易已成功完成" in detail


def test_cancel_on_the_gateway_page_leaves_the_order_waiting(make_order, buyer_user):
    order = make_order("created")
    buyer = login(buyer_user)
    location = buyer.post(f"/my/orders/{order.pk}/pay/")["Location"]
    response = buyer.post(location, {"action": "cancel"}, follow=True)
    assert "已取消付款" in response.content.decode()
    assert Order.objects.get(pk=order.pk).status == "created"


def test_refund_asks_for_confirmation_then_refunds(make_order, seller_user):
    order = make_order("shipped")
    seller = login(seller_user)
    page = seller.get(f"/my/orders/{order.pk}/refund/").content.decode()
    assert "确认退款" in page and "不能恢复" in page and 'name="reason"' in page
    assert Order.objects.get(pk=order.pk).status == "shipped"
    too_long = seller.post(f"/my/orders/{order.pk}/refund/", {"reason": "长" * 201})
    assert "最多 200 字" in too_long.content.decode()
    assert Order.objects.get(pk=order.pk).status == "shipped"
    done = seller.post(f"/my/orders/{order.pk}/refund/", {"reason": "缺货"}, follow=True)
    assert "已退款" in done.content.decode()
    assert Order.objects.get(pk=order.pk).status == "refunded"


def test_a_refused_move_shows_the_reason(make_order, buyer_user, seller_user):
    order = make_order("completed")
    response = login(seller_user).post(f"/my/orders/{order.pk}/refund/", follow=True)
    assert "订单当前状态为「交易成功」，不能退款" in response.content.decode()
    wrong = login(buyer_user).post(f"/my/orders/{order.pk}/ship/", follow=True)
    assert "只有卖家可以发货" in wrong.content.decode()


def test_get_is_not_allowed_on_state_changing_urls(make_order, buyer_user):
    order = make_order("created")
    assert login(buyer_user).get(f"/my/orders/{order.pk}/pay/").status_code == 405
    assert Order.objects.get(pk=order.pk).status == "created"


def test_order_form_refusals(seller_user, buyer_user):
    listing = EscrowListingFactory(company=seller_user.company, min_order=10, unit="箱")
    buyer = login(buyer_user)
    low = buyer.post(f"/my/orders/new/{listing.pk}/", {"quantity": 9}).content.decode()
    assert "最小起订量为 10 箱" in low
    assert not Order.objects.exists()
    own = login(seller_user).get(f"/my/orders/new/{listing.pk}/").content.decode()
    assert "不能购买本企业发布的信息" in own and "提交订单" not in own
    negotiable = EscrowListingFactory(company=seller_user.company, fixed_price=False)
    page = buyer.get(f"/my/orders/new/{negotiable.pk}/").content.decode()
    assert "不是一口价" in page and "提交订单" not in page
    assert buyer.post(f"/my/orders/new/{negotiable.pk}/", {"quantity": 1}).status_code == 200
    assert not Order.objects.exists()
    hidden = EscrowListingFactory(company=seller_user.company, status="pending_review")
    assert buyer.get(f"/my/orders/new/{hidden.pk}/").status_code == 404


def _button(listing, user):
    from django.contrib.auth.models import AnonymousUser

    html = Template('{% include "trade/_order_button.html" %}').render(
        Context({"listing": listing, "user": user or AnonymousUser()})
    )
    return html


def test_order_button_partial(seller_user, buyer_user):
    listing = EscrowListingFactory(company=seller_user.company, min_order=5)
    html = _button(listing, buyer_user)
    assert f'action="/my/orders/new/{listing.pk}/"' in html and "立即订购" in html
    assert re.search(r'min="5" value="5"', html)
    assert "立即订购" in _button(listing, None)  # anonymous: login comes on the next page
    assert "立即订购" not in _button(listing, seller_user)  # own listing
    for change in ({"fixed_price": False}, {"supports_escrow": False}, {"status": "expired"}):
        other = EscrowListingFactory(company=seller_user.company, **change)
        assert "立即订购" not in _button(other, buyer_user)


def test_dashboard_partial_counts(make_order, buyer_user):
    make_order("created")
    make_order("shipped")
    html = Template('{% include "trade/_dashboard_orders.html" %}').render(
        Context({"company": buyer_user.company})
    )
    assert "待付款 1 · 待发货 0 · 待确认收货 1" in html


def test_a_user_without_company_sees_an_empty_list():
    user = UserFactory(company=None)
    html = login(user).get("/my/orders/").content.decode()
    assert "您还没有支付宝担保交易" in html


def test_the_back_office_dashboard_links_to_the_orders(make_order, seller_user):
    make_order("paid")
    html = login(seller_user).get("/my/").content.decode()
    assert "我的交易" in html and "待发货 1" in html and "/my/orders/?role=seller" in html
