"""End to end in Chromium (issue 14, R-T1a, R-T1c): a buyer cancels an unpaid order after a
confirmation page; an unpaid order expires with the clock moved (the beat's service run with
a later `now`, and one dated back so the page itself expires it before any beat ran); a
buyer disputes a paid order and a staff member decides it in the admin with a reason.
Screenshots go to test-artifacts/trade/."""

from datetime import timedelta

import pytest

from tests.browser import shot
from tests.e2e.conftest import admin_login, login
from tests.factories import TrustPassPeriodFactory, UserFactory
from tests.trade.factories import EscrowListingFactory
from trade import order_timers, services
from trade.models import Dispute, Order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Secret-pass-2026"


@pytest.fixture
def parties(db):
    seller = UserFactory(username="end-seller")
    buyer = UserFactory(username="end-buyer")
    for user in (seller, buyer):
        TrustPassPeriodFactory(company=user.company)
    listing = EscrowListingFactory(
        company=seller.company, title="供应304不锈钢无缝钢管", min_order=1, unit="吨"
    )
    return buyer, seller, listing


def test_buyer_cancels_an_unpaid_order_after_confirming(new_page, parties):
    buyer, _, listing = parties
    page = new_page()
    login(page, "end-buyer", PASSWORD)
    page.goto(f"/my/orders/new/{listing.pk}/?quantity=2")
    page.click("text=提交订单")
    page.wait_for_selector("text=付款期限")
    order = Order.objects.get(buyer=buyer.company)
    assert page.is_visible(f"a[href='/my/orders/{order.pk}/cancel/']")
    shot(page, "trade", "cancel-1-unpaid-order")

    page.click("text=取消订单")
    page.wait_for_selector("text=确定要取消这笔订单吗")
    shot(page, "trade", "cancel-2-confirmation")
    page.click("text=确认取消订单")
    page.wait_for_selector("text=订单已取消，无需付款")
    assert page.is_visible(".badge.order-cancelled")
    assert not page.is_visible("text=付款 ¥")
    shot(page, "trade", "cancel-3-cancelled")
    assert Order.objects.get(pk=order.pk).status == "cancelled"

    page.goto("/my/orders/")
    assert page.locator(".badge.order-cancelled").first.inner_text() == "已取消"
    shot(page, "trade", "cancel-4-order-list")


def test_unpaid_orders_expire_when_the_clock_moves(new_page, parties):
    buyer, _, listing = parties
    by_beat = services.order_create(buyer=buyer.company, listing_id=listing.pk, quantity=1)
    by_reading = services.order_create(buyer=buyer.company, listing_id=listing.pk, quantity=3)
    page = new_page()
    login(page, "end-buyer", PASSWORD)
    page.goto(f"/my/orders/{by_beat.pk}/")
    assert page.is_visible("text=付款 ¥100.00")
    shot(page, "trade", "expire-1-before")

    # 24 hours later the beat task runs (its service, with the clock moved).
    later = by_beat.created_at + timedelta(hours=24)
    assert order_timers.orders_expire_due(now=later) >= 1
    page.reload()
    page.wait_for_selector("text=超过付款期限未付款，系统已自动关闭")
    assert page.locator("h1 .badge").inner_text() == "已关闭（超时未付款）"
    assert not page.is_visible("text=付款 ¥100.00")
    shot(page, "trade", "expire-2-expired-by-the-beat")

    # The other order is 24 hours old but no beat has run: opening it expires it.
    Order.objects.filter(pk=by_reading.pk).update(
        created_at=by_reading.created_at - timedelta(hours=24)
    )
    page.goto("/my/orders/")
    assert page.locator(".badge.order-expired").count() == 2
    shot(page, "trade", "expire-3-order-list")
    assert Order.objects.get(pk=by_reading.pk).status == "expired"


def test_buyer_disputes_and_staff_refund_in_the_admin(new_page, parties):
    buyer, seller, listing = parties
    order = services.order_create(buyer=buyer.company, listing_id=listing.pk, quantity=2)
    services.order_pay(order_id=order.pk, by=buyer.company)
    page = new_page()
    login(page, "end-buyer", PASSWORD)
    page.goto(f"/my/orders/{order.pk}/")
    page.click("text=申请纠纷处理")
    page.wait_for_selector("textarea[name=reason]")
    page.fill("textarea[name=reason]", "卖家三天未发货，联系不上")
    shot(page, "trade", "dispute-1-form")
    page.click("text=提交纠纷申请")
    page.wait_for_selector("text=已提交纠纷处理申请")
    assert page.locator("h1 .badge").inner_text() == "纠纷处理中"
    shot(page, "trade", "dispute-2-opened")

    UserFactory(username="end-staff", is_staff=True, is_superuser=True)
    staff = new_page()
    admin_login(staff, "end-staff", PASSWORD)
    staff.goto("/admin/trade/dispute/")
    staff.check(f"input[name=_selected_action][value='{Dispute.objects.get().pk}']")
    staff.select_option("select[name=action]", "decide_refund")
    staff.click("button[name=index]")
    staff.wait_for_selector("textarea[name=reason]")
    assert staff.is_visible("text=卖家三天未发货，联系不上")
    staff.fill("textarea[name=reason]", "卖家未在约定时间内发货，全额退款")
    shot(staff, "trade", "dispute-3-admin-decision")
    staff.click("input[type=submit].default")
    staff.wait_for_selector("text=已裁决 1 笔纠纷")
    shot(staff, "trade", "dispute-4-admin-decided")

    page.goto(f"/my/orders/{order.pk}/")
    assert page.locator("h1 .badge").inner_text() == "已退款"
    assert page.is_visible("text=卖家未在约定时间内发货，全额退款")
    shot(page, "trade", "dispute-5-refunded")
    dispute = Dispute.objects.get()
    assert dispute.decision == "refund" and dispute.decided_by.username == "end-staff"
