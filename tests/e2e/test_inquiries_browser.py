"""In the browser (R-I1): a buyer sends an inquiry from a listing page, the seller sees the
unread badge, replies, the buyer reads the reply; the seller's dashboard shows the counts."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import UserFactory
from tests.inquiries.inquiry_factories import seller_and_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "inquiries"


def _signed_in_context(browser, live_server, user):
    """A browser context carrying a session of `user` (the login page is not under test)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(locale="zh-CN")
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def test_buyer_inquires_seller_replies_buyer_reads(browser, live_server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    seller, listing = seller_and_listing(title="供应304不锈钢无缝钢管现货")
    buyer = UserFactory()

    # 1. The buyer sends an inquiry from the listing page.
    b_ctx = _signed_in_context(browser, live_server, buyer)
    b_page = b_ctx.new_page()
    b_page.goto(f"{live_server.url}/listings/{listing.pk}/")
    box = b_page.locator("#inquiry")
    box.locator("textarea[name=message]").fill("请问Φ57×3.5有现货吗？需要20吨。")
    box.locator("input[name=quantity]").fill("20")
    b_page.screenshot(path=str(ARTIFACTS / "1-listing-inquiry.png"), full_page=True)
    box.get_by_role("button", name="发送询盘").click()
    b_page.wait_for_url("**/my/inbox/*/")
    assert "询盘已发送" in b_page.content()
    thread_url = b_page.url

    # 2. The seller sees the unread badge, opens the thread and replies.
    s_ctx = _signed_in_context(browser, live_server, seller)
    s_page = s_ctx.new_page()
    s_page.goto(f"{live_server.url}/my/")
    badge = s_page.locator("[data-testid=inbox-unread]")
    assert badge.inner_text().strip() == "1"
    s_page.screenshot(path=str(ARTIFACTS / "2-seller-badge.png"), full_page=True)
    badge.click()
    s_page.get_by_role("link", name=listing.title).click()
    assert "请问Φ57×3.5有现货吗？需要20吨。" in s_page.content()
    s_page.locator("textarea[name=message]").fill("有现货，今天下单明天发货。")
    s_page.get_by_role("button", name="发送回复").click()
    s_page.wait_for_load_state()
    assert "回复已发送" in s_page.content()
    assert s_page.locator("[data-testid=inbox-unread]").count() == 0
    s_page.screenshot(path=str(ARTIFACTS / "3-seller-replied.png"), full_page=True)

    # 3. The buyer sees the badge and reads the reply.
    b_page.goto(f"{live_server.url}/")
    assert b_page.locator("[data-testid=inbox-unread]").inner_text().strip() == "1"
    b_page.goto(thread_url)
    assert "有现货，今天下单明天发货。" in b_page.content()
    b_page.screenshot(path=str(ARTIFACTS / "4-buyer-reads.png"), full_page=True)
    b_page.goto(f"{live_server.url}/")
    assert b_page.locator("[data-testid=inbox-unread]").count() == 0

    # 4. The seller's dashboard shows the view and the inquiry of the last 30 days.
    s_page.goto(f"{live_server.url}/my/")
    assert s_page.locator("#listing-stats [data-testid=views-30d]").inner_text() == "1"
    assert s_page.locator("#listing-stats [data-testid=inquiries-30d]").inner_text() == "1"
    s_page.screenshot(path=str(ARTIFACTS / "5-dashboard-stats.png"), full_page=True)
    b_ctx.close()
    s_ctx.close()
