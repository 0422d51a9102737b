"""R-L5 listing statistics: views once per visitor per day, not owner, staff or bots; the
seller's per-listing counts, 30-day chart, images against views; and the R-I1 response
rate and median first-response time over the last 90 days."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from inquiries import selectors, services
from inquiries.models import Inquiry, InquiryMessage, ListingView
from inquiries.stats import is_bot, listing_view_record
from listings.models import ListingImage
from tests.factories import CompanyFactory, ListingFactory, UserFactory
from tests.inquiries.inquiry_factories import page_client, seller_and_listing

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)


def _request(user=None, ua=CHROME, ip="10.0.0.1"):
    request = RequestFactory().get("/listings/1/", HTTP_USER_AGENT=ua, REMOTE_ADDR=ip)
    request.user = user or AnonymousUser()
    return request


# --- view counting ----------------------------------------------------------------------


def test_a_visitor_counts_once_per_day():
    _, listing = seller_and_listing()
    visitor = UserFactory()
    assert listing_view_record(listing=listing, request=_request(visitor)) is True
    assert listing_view_record(listing=listing, request=_request(visitor)) is False
    assert ListingView.objects.filter(listing=listing).count() == 1


def test_second_view_the_same_day_does_not_count_even_without_the_cache():
    from django.core.cache import cache

    _, listing = seller_and_listing()
    visitor = UserFactory()
    assert listing_view_record(listing=listing, request=_request(visitor))
    cache.delete(f"listing-view:{listing.pk}:{timezone.localdate().isoformat()}:u:{visitor.pk}")
    # The database constraint still holds it to one.
    assert listing_view_record(listing=listing, request=_request(visitor)) is False
    assert ListingView.objects.count() == 1


def test_the_next_day_counts_again(monkeypatch):
    _, listing = seller_and_listing()
    visitor = UserFactory()
    assert listing_view_record(listing=listing, request=_request(visitor))
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr("inquiries.stats.timezone.localdate", lambda: tomorrow)
    assert listing_view_record(listing=listing, request=_request(visitor)) is True
    assert sorted(ListingView.objects.values_list("day", flat=True)) == [
        tomorrow - timedelta(days=1),
        tomorrow,
    ]


def test_owner_and_colleagues_do_not_count():
    seller, listing = seller_and_listing()
    colleague = UserFactory(company=seller.company)
    assert listing_view_record(listing=listing, request=_request(seller)) is False
    assert listing_view_record(listing=listing, request=_request(colleague)) is False
    assert not ListingView.objects.exists()


def test_staff_do_not_count(staff_user):
    _, listing = seller_and_listing()
    assert listing_view_record(listing=listing, request=_request(staff_user)) is False
    assert not ListingView.objects.exists()


@pytest.mark.parametrize(
    "ua",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "Wget/1.21.4",
        "",
    ],
)
def test_bots_do_not_count(ua):
    _, listing = seller_and_listing()
    assert is_bot(ua)
    assert listing_view_record(listing=listing, request=_request(ua=ua)) is False
    assert not ListingView.objects.exists()


@pytest.mark.parametrize(
    "ua",
    [
        CHROME,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0 Mobile Safari/537.36 MicroMessenger/8.0.49",
    ],
)
def test_browsers_are_not_bots(ua):
    assert not is_bot(ua)


def test_anonymous_visitors_are_told_apart_by_address_and_browser():
    _, listing = seller_and_listing()
    assert listing_view_record(listing=listing, request=_request(ip="10.0.0.1"))
    assert not listing_view_record(listing=listing, request=_request(ip="10.0.0.1"))
    assert listing_view_record(listing=listing, request=_request(ip="10.0.0.2"))
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
    assert listing_view_record(listing=listing, request=_request(ip="10.0.0.1", ua=firefox))
    assert ListingView.objects.filter(listing=listing).count() == 3


def test_different_listings_count_separately():
    _, a = seller_and_listing()
    _, b = seller_and_listing()
    visitor = UserFactory()
    assert listing_view_record(listing=a, request=_request(visitor))
    assert listing_view_record(listing=b, request=_request(visitor))


# --- the seller's statistics ------------------------------------------------------------


def _view(listing, n, day=None):
    day = day or timezone.localdate()
    for i in range(n):
        ListingView.objects.create(listing=listing, day=day, visitor=f"a:{listing.pk}:{day}:{i}")


def test_per_listing_views_and_inquiries():
    seller, with_img = seller_and_listing()
    without = ListingFactory(company=seller.company, title="供应镀锌钢管")
    ListingImage.objects.create(listing=with_img, image="listings/x.jpg")
    _view(with_img, 6)
    _view(with_img, 3, day=timezone.localdate() - timedelta(days=40))
    _view(without, 2)
    services.inquiry_send(sender=UserFactory(), message="询价", listing=with_img)
    buyer = UserFactory()
    services.inquiry_send(sender=buyer, message="一", listing=without)
    services.inquiry_send(sender=buyer, message="二", listing=without)
    # A reply is not an inquiry.
    thread = Inquiry.objects.get(listing=without)
    services.inquiry_reply(sender=seller, inquiry_id=thread.pk, message="回复")
    rows = {row.pk: row for row in selectors.company_listing_stats(seller.company)}
    assert (rows[with_img.pk].views_total, rows[with_img.pk].views_30d) == (9, 6)
    assert rows[with_img.pk].inquiries_total == 1 and rows[with_img.pk].has_images
    assert (rows[without.pk].views_total, rows[without.pk].inquiries_total) == (2, 2)
    assert rows[without.pk].inquiries_30d == 2 and not rows[without.pk].has_images
    assert selectors.listing_counts(without) == {"views": 2, "inquiries": 2}


def test_daily_chart_covers_30_days_up_to_today():
    seller, listing = seller_and_listing()
    today = timezone.localdate()
    _view(listing, 4, day=today)
    _view(listing, 2, day=today - timedelta(days=29))
    _view(listing, 7, day=today - timedelta(days=30))  # outside the window
    services.inquiry_send(sender=UserFactory(), message="询价", listing=listing)
    chart = selectors.company_daily_chart(seller.company)
    assert len(chart) == 30
    assert chart[0]["day"] == today - timedelta(days=29) and chart[-1]["day"] == today
    assert chart[0]["views"] == 2 and chart[-1]["views"] == 4 and chart[-1]["inquiries"] == 1
    assert chart[-1]["views_pct"] == 100 and chart[0]["views_pct"] == 50
    assert sum(r["views"] for r in chart) == 6
    # Another company's listings are not in it.
    assert sum(r["views"] for r in selectors.company_daily_chart(CompanyFactory())) == 0


def test_chart_days_follow_shanghai_time(monkeypatch):
    """An inquiry at 23:30 Shanghai time belongs to that Shanghai day."""
    seller, listing = seller_and_listing()
    thread = services.inquiry_send(sender=UserFactory(), message="深夜询价", listing=listing)
    today = timezone.localdate()
    late = timezone.make_aware(datetime.combine(today - timedelta(days=1), datetime.min.time()))
    late += timedelta(hours=23, minutes=30)
    InquiryMessage.objects.filter(pk=thread.new_message.pk).update(created_at=late)
    chart = selectors.company_daily_chart(seller.company)
    assert chart[-2]["inquiries"] == 1 and chart[-1]["inquiries"] == 0


def test_image_share_against_views():
    seller, a = seller_and_listing()
    b = ListingFactory(company=seller.company)
    c = ListingFactory(company=seller.company)
    ListingFactory(company=seller.company, status="draft", first_published_at=None)  # not counted
    ListingImage.objects.create(listing=a, image="listings/a.jpg")
    ListingImage.objects.create(listing=a, image="listings/a2.jpg")
    _view(a, 9)
    _view(b, 2)
    _view(c, 4)
    share = selectors.company_image_share(seller.company)
    assert share["listings"] == 3 and share["with_images"] == 1 and share["without_images"] == 2
    assert share["share_with_images"] == 33
    assert share["avg_views_with_images"] == 9.0 and share["avg_views_without_images"] == 3.0
    assert share["ratio"] == 3.0
    assert selectors.company_image_share(CompanyFactory())["share_with_images"] is None


def test_stats_page_and_dashboard_partial_show_the_counts():
    from django.template.loader import render_to_string

    seller, listing = seller_and_listing()
    _view(listing, 5)
    services.inquiry_send(sender=UserFactory(), message="询价", listing=listing)
    page = page_client(seller).get("/my/stats/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="views-30d">5<' in html and 'data-testid="inquiries-30d">1<' in html
    assert listing.title in html and "约三倍" in html
    request = RequestFactory().get("/my/")
    request.user = seller
    part = render_to_string(
        "inquiries/_dashboard_stats.html", {"company": seller.company}, request=request
    )
    assert 'data-testid="views-30d">5<' in part and 'data-testid="inquiries-30d">1<' in part
    assert "/my/stats/" in part


def test_stats_page_needs_sign_in_and_shows_only_own_listings():
    from django.test import Client

    assert Client().get("/my/stats/").status_code == 302
    _, other = seller_and_listing(title="别人的信息")
    html = page_client(UserFactory()).get("/my/stats/").content.decode()
    assert "别人的信息" not in html and "您还没有已发布的信息" in html


# --- response rate and median first response (R-I1) -------------------------------------


def _thread(seller_company, opened, answered_after=None, kind="inquiry"):
    buyer = CompanyFactory()
    listing = ListingFactory(company=seller_company)
    return Inquiry.objects.create(
        kind=kind,
        listing=listing,
        subject=listing.title,
        buyer=buyer,
        seller=seller_company,
        last_message_at=opened,
        first_response_at=(opened + answered_after) if answered_after is not None else None,
    )


def _backdate(thread, opened):
    Inquiry.objects.filter(pk=thread.pk).update(created_at=opened)


def test_response_rate_and_median_over_a_fixture_of_threads():
    seller = CompanyFactory()
    now = timezone.now()
    fixture = [
        (timedelta(days=1), timedelta(minutes=30)),
        (timedelta(days=5), timedelta(hours=2)),
        (timedelta(days=10), timedelta(hours=5)),
        (timedelta(days=20), timedelta(hours=26)),
        (timedelta(days=30), None),  # never answered
        (timedelta(days=89, hours=23), timedelta(hours=1)),  # inside the 90 days
        (timedelta(days=90, hours=1), timedelta(minutes=1)),  # outside: ignored
        (timedelta(days=200), None),  # outside: ignored
    ]
    for age, after in fixture:
        opened = now - age
        _backdate(_thread(seller, opened, after), opened)
    # Quotes it received on its buy leads and threads it sent do not count.
    q = _thread(seller, now - timedelta(days=2), None, kind="quote")
    _backdate(q, now - timedelta(days=2))
    other = CompanyFactory()
    sent = _thread(other, now - timedelta(days=3), None)
    Inquiry.objects.filter(pk=sent.pk).update(buyer=seller)

    stats = selectors.company_response_stats(seller, now=now)
    assert stats["received"] == 6 and stats["answered"] == 5
    assert stats["response_rate"] == pytest.approx(5 / 6)
    assert stats["response_rate_percent"] == 83
    # Answered delays: 30 min, 1 h, 2 h, 5 h, 26 h → median 2 h.
    assert stats["median_first_response"] == timedelta(hours=2)
    assert stats["median_first_response_hours"] == 2.0
    assert stats["median_first_response_text"] == "约 2 小时"


def test_median_of_an_even_number_of_answers_is_the_mean_of_the_middle_two():
    seller = CompanyFactory()
    now = timezone.now()
    for after in (
        timedelta(minutes=10),
        timedelta(minutes=20),
        timedelta(minutes=40),
        timedelta(hours=3),
    ):
        opened = now - timedelta(days=1)
        _backdate(_thread(seller, opened, after), opened)
    stats = selectors.company_response_stats(seller, now=now)
    assert stats["response_rate"] == 1.0
    assert stats["median_first_response"] == timedelta(minutes=30)
    assert stats["median_first_response_text"] == "约 30 分钟"


def test_no_inquiries_gives_no_rate():
    stats = selectors.company_response_stats(CompanyFactory())
    assert stats["received"] == 0 and stats["response_rate"] is None
    assert stats["median_first_response"] is None and stats["median_first_response_text"] == "—"
    assert stats["median_first_response_seconds"] is None and stats["days"] == 90


def test_response_stats_follow_real_replies():
    seller, listing = seller_and_listing()
    t = services.inquiry_send(sender=UserFactory(), message="询价", listing=listing)
    services.inquiry_send(sender=UserFactory(), message="询价", listing=listing)
    assert selectors.company_response_stats(seller.company)["response_rate"] == 0.0
    services.inquiry_reply(sender=seller, inquiry_id=t.pk, message="您好")
    stats = selectors.company_response_stats(seller.company)
    assert stats["response_rate"] == 0.5 and stats["median_first_response"] < timedelta(minutes=1)


def test_response_stats_partial_renders():
    from django.template.loader import render_to_string

    seller = CompanyFactory()
    now = timezone.now()
    _backdate(_thread(seller, now - timedelta(days=1), timedelta(hours=3)), now - timedelta(days=1))
    _backdate(_thread(seller, now - timedelta(days=1), None), now - timedelta(days=1))
    html = render_to_string("inquiries/_response_stats.html", {"company": seller})
    assert "50%（1/2）" in html and "约 3 小时" in html
