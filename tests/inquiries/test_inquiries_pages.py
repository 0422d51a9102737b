"""Pages of R-I1: the inquiry form, the inbox, a thread, the header badge (signed in,
CSRF-protected forms, a third member gets 404)."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from inquiries import services
from inquiries.models import InquiryMessage
from tests.factories import UserFactory
from tests.inquiries.inquiry_factories import page_client, seller_and_listing

pytestmark = pytest.mark.django_db


def _send(buyer, listing, message="有现货吗？"):
    return services.inquiry_send(sender=buyer, message=message, quantity=3, listing=listing)


def test_inquiry_form_sends_and_opens_the_thread():
    seller, listing = seller_and_listing()
    buyer = UserFactory()
    client = page_client(buyer)
    assert client.get(f"/listings/{listing.pk}/inquire/").status_code == 200
    resp = client.post(
        f"/listings/{listing.pk}/inquire/", {"message": "请报价 20 吨", "quantity": "20"}
    )
    msg = InquiryMessage.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/my/inbox/{msg.inquiry_id}/"
    page = client.get(resp["Location"])
    assert "请报价 20 吨" in page.content.decode() and "询盘已发送" in page.content.decode()


def test_inquiry_form_shows_field_errors_in_chinese():
    _, listing = seller_and_listing()
    resp = page_client(UserFactory()).post(
        f"/listings/{listing.pk}/inquire/", {"message": "", "quantity": "0"}
    )
    assert resp.status_code == 400
    html = resp.content.decode()
    assert "请填写留言内容" in html and "数量至少为 1" in html
    assert not InquiryMessage.objects.exists()


def test_inquiry_form_over_the_limit_answers_429_with_retry_after(settings):
    settings.INQUIRY_RATE_LIMIT_PER_HOUR = 1
    _, listing = seller_and_listing()
    client = page_client(UserFactory())
    assert client.post(f"/listings/{listing.pk}/inquire/", {"message": "一"}).status_code == 302
    resp = client.post(f"/listings/{listing.pk}/inquire/", {"message": "二"})
    assert resp.status_code == 429
    assert int(resp["Retry-After"]) > 3500
    assert "最多可发送 1 条询盘" in resp.content.decode()


def test_inquiry_pages_need_sign_in_and_csrf():
    _, listing = seller_and_listing()
    anon = Client()
    resp = anon.get(f"/listings/{listing.pk}/inquire/")
    assert resp.status_code == 302 and "/login/" in resp["Location"]
    assert anon.get("/my/inbox/").status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(UserFactory(), backend="django.contrib.auth.backends.ModelBackend")
    assert strict.post(f"/listings/{listing.pk}/inquire/", {"message": "x"}).status_code == 403


def test_inquiry_page_of_a_withdrawn_listing_is_404():
    _, listing = seller_and_listing(status="withdrawn")
    assert page_client(UserFactory()).get(f"/listings/{listing.pk}/inquire/").status_code == 404


def test_seller_sees_the_unread_badge_reads_and_replies():
    seller, listing = seller_and_listing()
    buyer = UserFactory()
    thread = _send(buyer, listing)
    client = page_client(seller)
    inbox = client.get("/my/inbox/").content.decode()
    assert 'data-testid="inbox-unread">1<' in inbox
    assert listing.title in inbox and buyer.company.name in inbox
    page = client.get(f"/my/inbox/{thread.pk}/").content.decode()
    assert "有现货吗？" in page
    # Opening the thread read it: the badge is gone.
    assert 'data-testid="inbox-unread"' not in client.get("/my/inbox/").content.decode()
    resp = client.post(f"/my/inbox/{thread.pk}/reply/", {"message": "有的，欢迎订购"})
    assert resp.status_code == 302
    # The buyer now has one unread reply and reads it.
    buyer_client = page_client(buyer)
    assert (
        'data-testid="inbox-unread">1<' in buyer_client.get("/my/inbox/?box=sent").content.decode()
    )
    assert "有的，欢迎订购" in buyer_client.get(f"/my/inbox/{thread.pk}/").content.decode()


def test_empty_reply_is_refused_on_the_page():
    seller, listing = seller_and_listing()
    thread = _send(UserFactory(), listing)
    resp = page_client(seller).post(f"/my/inbox/{thread.pk}/reply/", {"message": ""})
    assert resp.status_code == 400 and "请填写回复内容" in resp.content.decode()


def test_third_member_gets_404_on_thread_and_reply_pages():
    seller, listing = seller_and_listing()
    thread = _send(UserFactory(), listing, message="只给卖家看的内容")
    stranger = page_client(UserFactory())
    resp = stranger.get(f"/my/inbox/{thread.pk}/")
    assert resp.status_code == 404
    assert "只给卖家看的内容" not in resp.content.decode()
    assert stranger.post(f"/my/inbox/{thread.pk}/reply/", {"message": "插话"}).status_code == 404
    assert thread.messages.count() == 1
    assert "只给卖家看的内容" not in stranger.get("/my/inbox/?box=sent").content.decode()
    # A user without company too.
    assert page_client(UserFactory(company=None)).get(f"/my/inbox/{thread.pk}/").status_code == 404


def test_mark_all_read_button():
    seller, listing = seller_and_listing()
    _send(UserFactory(), listing)
    _send(UserFactory(), listing)
    client = page_client(seller)
    resp = client.post("/my/inbox/read-all/", {"next": "/my/inbox/"})
    assert resp.status_code == 302 and resp["Location"] == "/my/inbox/"
    assert not InquiryMessage.objects.filter(read_at__isnull=True).exists()
    # An outside `next` is not followed.
    assert (
        client.post("/my/inbox/read-all/", {"next": "https://evil.example/"})["Location"]
        == "/my/inbox/"
    )


def test_inbox_empty_states():
    client = page_client(UserFactory())
    assert "暂时没有收到询盘" in client.get("/my/inbox/").content.decode()
    assert "您还没有发出询盘" in client.get("/my/inbox/?box=sent").content.decode()


def _render_box(user, listing):
    request = RequestFactory().get(f"/listings/{listing.pk}/")
    request.user = user
    return render_to_string("inquiries/_inquiry_box.html", {"listing": listing}, request=request)


def test_inquiry_box_on_the_listing_page():
    from django.contrib.auth.models import AnonymousUser

    seller, listing = seller_and_listing()
    buyer = UserFactory()
    html = _render_box(buyer, listing)
    assert f'action="/listings/{listing.pk}/inquire/"' in html and "csrfmiddlewaretoken" in html
    assert "收藏信息" in html and f"/listings/{listing.pk}/report/" in html
    assert "登录后询价" in _render_box(AnonymousUser(), listing)
    # The owner sees the counts instead of the form (R-I1: inquiry count shown to its owner).
    _send(buyer, listing)
    owner_html = _render_box(seller, listing)
    assert 'data-testid="listing-inquiries">1<' in owner_html
    assert "/inquire/" not in owner_html


def test_header_shows_no_badge_without_unread():
    html = page_client(UserFactory()).get("/my/inbox/").content.decode()
    assert "收件箱" in html and 'data-testid="inbox-unread"' not in html
