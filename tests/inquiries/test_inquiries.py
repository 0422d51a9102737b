"""R-I1: inquiries from listings and storefronts, threads, replies, read state, e-mail."""

import pytest
from django.core import mail

from inquiries import selectors, services
from inquiries.exceptions import InquiryNotAllowed, InquiryNotFound, ListingNotInquirable
from inquiries.models import Inquiry, InquiryMessage
from marketplace.exceptions import DomainError
from members.models import Notice
from members.notices import notice_email_send
from members.tasks import notice_email
from tests.factories import ListingFactory, UserFactory
from tests.inquiries.inquiry_factories import seller_and_listing
from tests.members.notice_factories import ConfirmedUserFactory

pytestmark = pytest.mark.django_db


def test_inquiry_about_a_live_listing_opens_a_thread_and_notifies_the_seller(
    django_capture_on_commit_callbacks,
):
    seller, listing = seller_and_listing()
    buyer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.inquiry_send(
            sender=buyer, message="请问304无缝钢管Φ57现货多少吨？", quantity=20, listing=listing
        )
    assert thread.buyer == buyer.company and thread.seller == seller.company
    assert thread.listing == listing and thread.kind == Inquiry.Kind.INQUIRY
    msg = thread.new_message
    assert msg.kind == "inquiry" and msg.quantity == 20 and msg.read_at is None
    assert msg.recipient_company == seller.company and msg.sender == buyer
    notice = Notice.objects.get(company=seller.company)
    assert notice.kind == "inquiry_received" and listing.title in notice.title
    assert notice.url == f"/my/inbox/{thread.pk}/"
    # The e-mail went out through the notice task (eager in tests), once, to the seller's
    # user (issue 14: confirmed users of the right role, no longer the company's address).
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [seller.email]
    assert "请问304无缝钢管Φ57现货多少吨" in mail.outbox[0].body
    assert "采购数量：20" in mail.outbox[0].body
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_email_task_run_twice_sends_one_mail():
    seller, listing = seller_and_listing()
    services.inquiry_send(sender=UserFactory(), message="询价", listing=listing)
    notice = Notice.objects.get(company=seller.company)
    assert notice_email.apply(args=[notice.pk]).get() is True
    assert notice_email.apply(args=[notice.pk]).get() is False
    assert len(mail.outbox) == 1


def test_email_goes_to_the_sales_staff_not_to_the_company_address():
    seller, listing = seller_and_listing()
    sales = ConfirmedUserFactory(company=seller.company, role="sales")
    ConfirmedUserFactory(company=seller.company, role="listings")  # not about inquiries
    UserFactory(company=seller.company, role="sales")  # address not confirmed
    thread = services.inquiry_send(sender=UserFactory(), message="询价", listing=listing)
    notice = Notice.objects.get(company=seller.company)
    notice_email_send(notice.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([seller.email, sales.email])
    assert all(seller.company.email not in m.to for m in mail.outbox)
    assert f"/my/inbox/{thread.pk}/" in mail.outbox[0].body


def test_second_inquiry_on_the_same_listing_continues_the_thread():
    _, listing = seller_and_listing()
    buyer = UserFactory()
    first = services.inquiry_send(sender=buyer, message="第一次询价", listing=listing)
    second = services.inquiry_send(sender=buyer, message="再问一次", quantity=5, listing=listing)
    assert first.pk == second.pk
    assert second.messages.count() == 2
    # Another buyer gets a thread of its own.
    other = services.inquiry_send(sender=UserFactory(), message="我也想问", listing=listing)
    assert other.pk != first.pk


def test_storefront_contact_form_sends_to_the_company():
    seller = UserFactory()
    buyer = UserFactory()
    thread = services.inquiry_send(
        sender=buyer, message="想了解贵司产品目录", company=seller.company
    )
    assert thread.listing is None and thread.seller == seller.company
    again = services.inquiry_send(sender=buyer, message="补充一句", company=seller.company)
    assert again.pk == thread.pk


@pytest.mark.parametrize("status", ["draft", "pending_review", "rejected", "expired", "withdrawn"])
def test_only_live_listings_take_inquiries(status):
    _, listing = seller_and_listing(status=status)
    with pytest.raises(ListingNotInquirable) as exc:
        services.inquiry_send(sender=UserFactory(), message="询价", listing=listing)
    assert exc.value.status_code == 404
    assert not Inquiry.objects.exists()


def test_demand_listings_take_quotes_not_inquiries():
    listing = ListingFactory(kind="demand")
    with pytest.raises(InquiryNotAllowed) as exc:
        services.inquiry_send(sender=UserFactory(), message="询价", listing=listing)
    assert f"/buy-leads/{listing.pk}/quote/" in exc.value.detail
    assert not Inquiry.objects.exists()


def test_no_inquiry_to_ones_own_company():
    seller, listing = seller_and_listing()
    colleague = UserFactory(company=seller.company)
    with pytest.raises(InquiryNotAllowed):
        services.inquiry_send(sender=colleague, message="自己问自己", listing=listing)
    with pytest.raises(InquiryNotAllowed):
        services.inquiry_send(sender=colleague, message="自己问自己", company=seller.company)


@pytest.mark.parametrize(
    ("message", "quantity", "field"),
    [
        ("", None, "message"),
        ("   ", None, "message"),
        ("x" * 2001, None, "message"),
        ("询价", 0, "quantity"),
        ("询价", -3, "quantity"),
        ("询价", "abc", "quantity"),
        ("询价", 100_000_001, "quantity"),
    ],
)
def test_invalid_input_is_refused_with_a_field_message(message, quantity, field):
    _, listing = seller_and_listing()
    with pytest.raises(DomainError) as exc:
        services.inquiry_send(
            sender=UserFactory(), message=message, quantity=quantity, listing=listing
        )
    assert field in exc.value.fields
    assert not InquiryMessage.objects.exists()


def test_message_at_the_length_limit_is_accepted():
    _, listing = seller_and_listing()
    thread = services.inquiry_send(
        sender=UserFactory(), message="问" * 2000, quantity=100_000_000, listing=listing
    )
    assert len(thread.new_message.body) == 2000


def test_a_member_without_company_cannot_inquire():
    _, listing = seller_and_listing()
    with pytest.raises(DomainError) as exc:
        services.inquiry_send(sender=UserFactory(company=None), message="询价", listing=listing)
    assert exc.value.code == "no_company"


def test_reply_records_first_response_and_notifies_the_buyer():
    seller, listing = seller_and_listing()
    buyer = UserFactory()
    thread = services.inquiry_send(sender=buyer, message="有现货吗？", listing=listing)
    reply = services.inquiry_reply(
        sender=seller, inquiry_id=thread.pk, message="有现货，欢迎下单。"
    )
    thread.refresh_from_db()
    assert thread.first_response_at == reply.created_at
    assert reply.recipient_company == buyer.company
    # Replying marks what the seller received as read.
    assert selectors.inbox_unread_count(seller.company) == 0
    assert selectors.inbox_unread_count(buyer.company) == 1
    assert Notice.objects.filter(company=buyer.company, kind="inquiry_replied").count() == 1
    # The buyer answering back does not move the seller's first response.
    services.inquiry_reply(sender=buyer, inquiry_id=thread.pk, message="好的，谢谢")
    later = services.inquiry_reply(sender=seller, inquiry_id=thread.pk, message="不客气")
    thread.refresh_from_db()
    assert thread.first_response_at == reply.created_at != later.created_at


def test_a_colleague_of_the_seller_may_reply():
    seller, listing = seller_and_listing()
    colleague = UserFactory(company=seller.company)
    thread = services.inquiry_send(sender=UserFactory(), message="在吗", listing=listing)
    msg = services.inquiry_reply(sender=colleague, inquiry_id=thread.pk, message="在的")
    assert msg.sender_company == seller.company


def test_third_member_can_neither_read_nor_reply_nor_mark_read():
    seller, listing = seller_and_listing()
    thread = services.inquiry_send(sender=UserFactory(), message="私密询价", listing=listing)
    stranger = UserFactory()
    with pytest.raises(InquiryNotFound) as exc:
        services.inquiry_reply(sender=stranger, inquiry_id=thread.pk, message="插一句")
    assert exc.value.status_code == 404
    with pytest.raises(InquiryNotFound):
        selectors.inquiry_get_for_company(company=stranger.company, inquiry_id=thread.pk)
    with pytest.raises(InquiryNotFound):
        services.inquiry_mark_read(user=stranger, inquiry_id=thread.pk)
    assert thread.messages.count() == 1
    assert not selectors.inbox_threads(company=stranger.company, box="all").exists()


def test_mark_read_and_unread_counts():
    seller, listing = seller_and_listing()
    other_listing = ListingFactory(company=seller.company)
    b1, b2 = UserFactory(), UserFactory()
    t1 = services.inquiry_send(sender=b1, message="一", listing=listing)
    services.inquiry_send(sender=b1, message="二", listing=listing)
    services.inquiry_send(sender=b2, message="三", listing=other_listing)
    assert selectors.inbox_unread_count(seller.company) == 3
    received = {t.pk: t.unread for t in selectors.inbox_threads(company=seller.company)}
    assert received[t1.pk] == 2
    assert services.inquiry_mark_read(user=seller, inquiry_id=t1.pk) == 2
    assert selectors.inbox_unread_count(seller.company) == 1
    # The buyer's own messages are not "unread" for the buyer.
    assert selectors.inbox_unread_count(b1.company) == 0
    assert services.inquiry_mark_all_read(user=seller) == 1
    assert selectors.inbox_unread_count(seller.company) == 0


def test_inbox_boxes_received_and_sent():
    seller, listing = seller_and_listing()
    buyer = UserFactory()
    thread = services.inquiry_send(sender=buyer, message="询价", listing=listing)
    assert [t.pk for t in selectors.inbox_threads(company=seller.company, box="received")] == [
        thread.pk
    ]
    assert not selectors.inbox_threads(company=seller.company, box="sent").exists()
    sent = list(selectors.inbox_threads(company=buyer.company, box="sent"))
    assert [t.pk for t in sent] == [thread.pk] and sent[0].last_body == "询价"
