"""End to end in Chromium: a buyer orders a fixed-price escrow listing, pays on the local test
gateway's page, the seller ships, the buyer confirms receipt (R-T1)."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import TrustPassPeriodFactory, UserFactory
from tests.trade.factories import EscrowListingFactory
from trade.models import Order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots" / "trade"


def _login(browser, live_server, username):
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Secret-pass-2026")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/my/")
    return page


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_buyer_and_seller_trade_through_the_test_gateway(browser, live_server):
    seller_user = UserFactory(username="e2e-seller")
    buyer_user = UserFactory(username="e2e-buyer")
    for user in (seller_user, buyer_user):
        TrustPassPeriodFactory(company=user.company)
    listing = EscrowListingFactory(company=seller_user.company, min_order=2, unit="吨")

    buyer = _login(browser, live_server, "e2e-buyer")
    buyer.goto(f"{live_server.url}/my/orders/new/{listing.pk}/?quantity=3")
    assert "¥300.00" in buyer.content()
    _shot(buyer, "1-order-form")
    buyer.click("text=提交订单")
    buyer.wait_for_selector("text=付款 ¥300.00")
    order = Order.objects.get(buyer=buyer_user.company)
    _shot(buyer, "2-order-created")

    buyer.click("text=付款 ¥300.00")
    buyer.wait_for_selector("text=不会产生真实扣款")
    _shot(buyer, "3-test-gateway")
    buyer.click("button[value=confirm]")
    buyer.wait_for_selector("text=付款成功")
    assert Order.objects.get(pk=order.pk).status == "paid"

    seller = _login(browser, live_server, "e2e-seller")
    seller.goto(f"{live_server.url}/my/orders/?role=seller")
    seller.click(f"a[href='/my/orders/{order.pk}/'] >> nth=0")
    seller.fill("input[name=tracking_no]", "SF0001")
    seller.click("text=确认发货")
    seller.wait_for_selector("text=已发货，等待买家确认收货")
    _shot(seller, "4-shipped")
    assert Order.objects.get(pk=order.pk).status == "shipped"

    buyer.goto(f"{live_server.url}/my/orders/{order.pk}/")
    assert "SF0001" in buyer.content()
    # The button (the page also names the automatic confirmation date, R-T1b).
    buyer.click("a.button:text-is('确认收货')")
    buyer.wait_for_selector("text=此操作不能撤销")
    buyer.click("text=确认收货并放款")
    buyer.wait_for_selector("text=交易已成功完成")
    _shot(buyer, "5-completed")
    assert Order.objects.get(pk=order.pk).status == "completed"
