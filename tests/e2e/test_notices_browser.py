"""Issue 14 in Chromium: a supplier hears of an approval and an inquiry (站内信 and e-mail),
follows the e-mail's absolute link, reads the notices, turns one event's e-mail off on the
preferences page; a buyer's header badge opens the tab where the seller's reply is.

Screenshots go to test-artifacts/members/ (not in git)."""

import re
from pathlib import Path

import pytest
from django.core import mail

from inquiries import services as inquiry_services
from listings import services as listing_services
from members.models import NoticePreference
from tests.e2e.conftest import login
from tests.factories import UserFactory
from tests.listings.listing_factories import leaf_category, listing_values
from tests.members.notice_factories import ConfirmedUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "members"
PASSWORD = "Secret-pass-2026"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_notices_reach_the_supplier_and_the_badges_lead_to_them(new_page, e2e_server, settings):
    settings.MAIN_SITE_URL = e2e_server.url  # the e-mails' links lead to this server
    settings.LISTING_AUTO_PUBLISH_CLEAN = False
    seller = ConfirmedUserFactory(username="hzsteel", email="wang@hzsteel.example.cn")
    seller.company.contact_name = "王建国"
    seller.company.save()
    buyer = UserFactory(username="shbuyer")
    staff = UserFactory(username="moderator", is_staff=True)

    listing = listing_services.listing_create(
        company=seller.company, submit=True, **listing_values(leaf_category())
    )
    listing_services.listing_approve(listing=listing, by=staff)
    thread = inquiry_services.inquiry_send(
        sender=buyer, message="请问304无缝钢管Φ57现货多少吨？", quantity=20, listing=listing
    )
    # Both e-mails went to the seller's confirmed address, each with absolute links.
    assert [m.subject for m in mail.outbox] == [
        f"【诚信通商务平台】您发布的信息“{listing.title}”已通过审核",
        f"【诚信通商务平台】{buyer.company.name} 给您发来询盘：{listing.title}",
    ]
    assert all(m.to == [seller.email] for m in mail.outbox)
    link = re.search(r"请登录后在收件箱中查看并回复（[^）]*）：(\S+)", mail.outbox[1].body).group(1)
    assert link == f"{e2e_server.url}/my/inbox/{thread.pk}/"

    page = new_page()
    login(page, seller.username, PASSWORD)
    assert page.get_by_test_id("notices-unread").inner_text() == "2"
    assert page.get_by_test_id("inbox-unread").inner_text() == "1"
    page.goto(link)  # the link in the e-mail, as a mail client would open it
    assert "请问304无缝钢管Φ57现货多少吨" in page.content()

    page.click("a.header-notices")
    page.wait_for_url("**/my/notices/")
    assert "已通过审核" in page.content() and "给您发来询盘" in page.content()
    _shot(page, "notices")

    page.get_by_test_id("notice-settings-link").click()
    page.wait_for_url("**/my/notices/settings/")
    assert page.locator("input[name=email]").count() > 10  # an administrator: every event
    assert page.is_checked("#email-inquiry_received")
    page.uncheck("#email-inquiry_received")
    page.click("text=保存设置")
    page.wait_for_url("**/my/notices/settings/")
    assert "通知设置已保存" in page.content()
    assert not page.is_checked("#email-inquiry_received")
    _shot(page, "notice_settings")
    assert NoticePreference.objects.get(user=seller, event="inquiry_received").send_email is False

    # The seller answers; the buyer's badge opens the "sent" tab, where the reply is.
    inquiry_services.inquiry_reply(sender=seller, inquiry_id=thread.pk, message="有现货 50 吨。")
    buyer_page = new_page()
    login(buyer_page, buyer.username, PASSWORD)
    assert buyer_page.get_by_test_id("inbox-unread").inner_text() == "1"
    buyer_page.click("a.header-inbox")
    buyer_page.wait_for_url("**/my/inbox/?box=sent&unread=1")
    buyer_page.click(f"a[href='/my/inbox/{thread.pk}/']")
    assert "有现货 50 吨。" in buyer_page.content()
    _shot(buyer_page, "inbox_reply_thread")
