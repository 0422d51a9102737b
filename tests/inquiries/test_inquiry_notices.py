"""Issue 14: inquiries, quotations and replies reach the receiving company's administrators
and sales staff (in-site notice and one e-mail each, confirmed addresses only, unless turned
off), and the header's unread count links to the inbox tab that holds the unread messages."""

import re

import pytest
from django.core import mail

from inquiries import services
from members.models import Notice, NoticePreference
from tests.factories import UserFactory
from tests.inquiries.inquiry_factories import (
    buy_lead,
    page_client,
    seller_and_listing,
    trustpass_user,
)
from tests.members.notice_factories import ConfirmedUserFactory

pytestmark = pytest.mark.django_db


def _team(company):
    """Colleagues of `company` besides its first user: who should and should not be mailed."""
    return {
        "sales": ConfirmedUserFactory(company=company, role="sales", email="sales@example.cn"),
        "listings": ConfirmedUserFactory(company=company, role="listings", email="li@example.cn"),
        "unconfirmed": UserFactory(company=company, role="sales", email="new@example.cn"),
        "opted_out": ConfirmedUserFactory(company=company, role="sales", email="off@example.cn"),
    }


def _to(outbox) -> list[str]:
    return sorted(m.to[0] for m in outbox)


def test_an_inquiry_reaches_the_sellers_admin_and_sales(django_capture_on_commit_callbacks):
    seller, listing = seller_and_listing()
    team = _team(seller.company)
    NoticePreference.objects.create(
        user=team["opted_out"], event="inquiry_received", send_email=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.inquiry_send(sender=UserFactory(), message="有现货吗？", listing=listing)
    assert Notice.objects.filter(company=seller.company, kind="inquiry_received").count() == 1
    assert _to(mail.outbox) == sorted([seller.email, "sales@example.cn"])
    assert f"http://testserver/my/inbox/{thread.pk}/" in mail.outbox[0].body


def test_a_quote_reaches_the_buyers_admin_and_sales(django_capture_on_commit_callbacks):
    owner, lead = buy_lead()
    _team(owner.company)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_send(
            sender=trustpass_user(), listing=lead, unit_price="12500", quantity=30, message="可供货"
        )
    notice = Notice.objects.get(company=owner.company)
    assert notice.kind == "quote_received" and "报价" in notice.title
    assert _to(mail.outbox) == sorted([owner.email, "sales@example.cn", "off@example.cn"])
    assert all("单价：¥12500" in m.body for m in mail.outbox)


def test_a_reply_reaches_the_other_party(django_capture_on_commit_callbacks):
    seller, listing = seller_and_listing()
    buyer = ConfirmedUserFactory()
    thread = services.inquiry_send(sender=buyer, message="有现货吗？", listing=listing)
    with django_capture_on_commit_callbacks(execute=True):
        services.inquiry_reply(sender=seller, inquiry_id=thread.pk, message="有现货，欢迎下单。")
    notice = Notice.objects.get(company=buyer.company)
    assert notice.kind == "inquiry_replied" and notice.url == f"/my/inbox/{thread.pk}/"
    assert [m.to for m in mail.outbox] == [[buyer.email]]
    assert "有现货，欢迎下单。" in mail.outbox[0].body


# --- the header's unread count --------------------------------------------------------------


def _header(client) -> tuple[str, str | None]:
    """(href, count) of the header's inbox link on the dashboard page."""
    html = client.get("/my/").content.decode()
    match = re.search(r'<a class="header-inbox" href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)
    assert match, html[:2000]
    count = re.search(r'data-testid="inbox-unread">(\d+)<', match.group(2))
    return match.group(1).replace("&amp;", "&"), count and count.group(1)


def test_a_buyers_badge_opens_the_sent_tab_where_the_reply_is():
    seller, listing = seller_and_listing()
    buyer = UserFactory()
    thread = services.inquiry_send(sender=buyer, message="有现货吗？", listing=listing)
    services.inquiry_reply(sender=seller, inquiry_id=thread.pk, message="有现货")
    client = page_client(buyer)
    href, count = _header(client)
    assert (href, count) == ("/my/inbox/?box=sent&unread=1", "1")
    page = client.get(href).content.decode()
    assert f"/my/inbox/{thread.pk}/" in page  # the reply's thread is right there
    assert "仅显示有未读消息的会话" in page


def test_a_sellers_badge_opens_the_received_tab():
    seller, listing = seller_and_listing()
    thread = services.inquiry_send(sender=UserFactory(), message="有现货吗？", listing=listing)
    client = page_client(seller)
    href, count = _header(client)
    assert (href, count) == ("/my/inbox/?box=received&unread=1", "1")
    assert f"/my/inbox/{thread.pk}/" in client.get(href).content.decode()


def test_unread_in_both_tabs_opens_all_unread():
    seller, listing = seller_and_listing()
    buyer, other_listing = seller_and_listing()
    sent = services.inquiry_send(sender=buyer, message="您好", listing=listing)
    services.inquiry_reply(sender=seller, inquiry_id=sent.pk, message="您好，请讲")
    received = services.inquiry_send(sender=UserFactory(), message="询价", listing=other_listing)
    client = page_client(buyer)
    href, count = _header(client)
    assert (href, count) == ("/my/inbox/?box=all&unread=1", "2")
    page = client.get(href).content.decode()
    assert f"/my/inbox/{sent.pk}/" in page and f"/my/inbox/{received.pk}/" in page


def test_nothing_unread_opens_the_inbox_and_shows_no_count():
    seller, _ = seller_and_listing()
    assert _header(page_client(seller)) == ("/my/inbox/", None)


def test_the_header_links_the_unread_notices():
    seller, listing = seller_and_listing()
    services.inquiry_send(sender=UserFactory(), message="询价", listing=listing)
    html = page_client(seller).get("/my/").content.decode()
    match = re.search(r'<a class="header-notices" href="([^"]*)"[^>]*>(.*?)</a>', html, re.S)
    assert match and match.group(1) == "/my/notices/"
    assert 'data-testid="notices-unread">1<' in match.group(2)


def test_a_listings_colleague_sees_no_inbox_link_it_could_not_open():
    seller, _ = seller_and_listing()
    colleague = UserFactory(company=seller.company, role="listings")
    html = page_client(colleague).get("/my/").content.decode()
    assert 'class="header-inbox"' not in html and 'class="header-notices"' in html
