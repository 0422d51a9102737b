"""Issue 15, the company page (/companies/<member_id>/): the company's live listings with
their first picture, 12 to a page, an empty state; 诚信通第 N 年 from the TrustPass periods
(R-M2) at its edges; badges, score, the contact button; and the section registry."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from listings.models import Listing, ListingImage
from members import company_page
from members.rules import add_years, membership_days, membership_start, membership_year
from tests.factories import CompanyFactory, ListingFactory, TrustPassPeriodFactory

TODAY = date(2026, 3, 15)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


# --- 诚信通第 N 年 (pure rules) ---------------------------------------------------------------


class TestMembershipYear:
    def test_not_trustpass_today_has_no_year(self):
        assert membership_year([], TODAY) is None
        assert membership_year([(ago(400), ago(35))], TODAY) is None  # expired
        assert membership_year([(ago(365), TODAY)], TODAY) is None  # ends_on is not covered
        assert (
            membership_year([(TODAY + timedelta(days=1), TODAY + timedelta(days=366))], TODAY)
            is None
        )

    def test_first_year_from_the_first_day(self):
        assert membership_year([(TODAY, add_years(TODAY, 1))], TODAY) == 1
        assert membership_year([(ago(364), TODAY + timedelta(days=1))], TODAY) == 1

    def test_second_year_from_the_anniversary(self):
        # A period that started exactly 365 days ago has covered a full year.
        assert membership_year([(ago(365), TODAY + timedelta(days=1))], TODAY) == 2

    @pytest.mark.parametrize("years", [1, 2, 3, 4, 5])
    def test_a_period_starting_exactly_n_years_ago(self, years):
        start = add_years(TODAY, -years)
        assert membership_year([(start, TODAY + timedelta(days=10))], TODAY) == years + 1
        # The day before its n-th 365-day anniversary, still the n-th year.
        assert membership_year([(ago(365 * years - 1), TODAY + timedelta(days=10))], TODAY) == years

    def test_gaps_count_only_covered_days_and_overlaps_once(self):
        periods = [
            (ago(800), ago(600)),  # 200 days
            (ago(500), ago(300)),  # 200 days
            (ago(400), TODAY + timedelta(days=30)),  # 400 days, 100 of them already counted
        ]
        assert membership_days(periods, TODAY) == 700
        assert membership_year(periods, TODAY) == 2
        assert membership_year(list(reversed(periods)), TODAY) == 2

    def test_membership_start_is_the_earliest_period_that_has_begun(self):
        assert membership_start([], TODAY) is None
        assert (
            membership_start([(TODAY + timedelta(days=5), TODAY + timedelta(days=370))], TODAY)
            is None
        )
        periods = [(ago(100), TODAY + timedelta(days=265)), (ago(800), ago(435))]
        assert membership_start(periods, TODAY) == ago(800)
        assert membership_start([(TODAY, TODAY + timedelta(days=365))], TODAY) == TODAY


# --- The page ------------------------------------------------------------------------------


def _image(listing, position: int, name: str) -> ListingImage:
    return ListingImage.objects.create(
        listing=listing, image=f"listings/{name}.jpg", position=position
    )


def _page(client, company, **params):
    response = client.get(f"/companies/{company.member_id}/", params)
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_shows_only_the_live_listings_of_that_company_with_their_first_picture(client):
    company = CompanyFactory(name="杭州华钢管业有限公司")
    live = ListingFactory(company=company, title="不锈钢无缝钢管现货")
    _image(live, 1, "second")
    _image(live, 0, "first")
    demand = ListingFactory(company=company, title="求购镀锌钢板", kind=Listing.Kind.DEMAND)
    hidden = [
        ListingFactory(company=company, title=f"不显示的{status}", status=status)
        for status in ("draft", "pending_review", "rejected", "expired", "withdrawn")
    ]
    other = ListingFactory(title="别家公司的钢管")

    response = _page(client, company)
    shown = [listing.pk for listing in response.context["listing_page"]]
    assert sorted(shown) == sorted([live.pk, demand.pk])
    html = response.content.decode()
    card = html[html.index(f'data-listing-id="{live.pk}"') :]
    card = card[: card.index("</article>")]
    assert "/media/listings/first.jpg" in card and "second.jpg" not in card
    assert f'href="/listings/{live.pk}/"' in card
    assert f'href="/buy-leads/{demand.pk}/"' in html and "求购" in html
    for listing in [*hidden, other]:
        assert listing.title not in html
    assert "共 2 条" in html


@pytest.mark.django_db
def test_listings_are_paginated_twelve_to_a_page(client):
    company = CompanyFactory()
    now = timezone.now()
    listings = [
        ListingFactory(company=company, title=f"产品{n:02d}", published_at=now - timedelta(hours=n))
        for n in range(14)
    ]
    first = _page(client, company)
    assert [x.pk for x in first.context["listing_page"]] == [x.pk for x in listings[:12]]
    assert "第 1 / 2 页" in first.content.decode()
    second = _page(client, company, page=2)
    assert [x.pk for x in second.context["listing_page"]] == [x.pk for x in listings[12:]]
    assert _page(client, company, page="abc").context["listing_page"].number == 1


@pytest.mark.django_db
def test_a_company_without_live_listings_shows_an_empty_state(client):
    company = CompanyFactory()
    ListingFactory(company=company, status="draft")
    html = _page(client, company).content.decode()
    assert "该企业暂无在线的供求信息" in html
    assert 'class="product-grid"' not in html
    assert 'data-testid="company-contact"' not in html  # nothing to inquire about


@pytest.mark.django_db
def test_membership_year_badges_score_and_contact_of_a_trustpass_company(client):
    company = CompanyFactory(verified=True, credit_score=52, main_products="无缝钢管、焊管")
    start = add_years(timezone.localdate(), -2)  # exactly two years ago: its third year
    TrustPassPeriodFactory(company=company, starts_on=start, ends_on=add_years(start, 3))
    response = _page(client, company)
    html = response.content.decode()
    assert response.context["membership_year"] == 3
    assert "诚信通第 3 年" in html
    assert start.strftime("%Y-%m-%d") in html  # 诚信通会员起始
    assert 'class="badge badge-tp"' in html and 'class="badge badge-verified"' in html
    assert f'href="/companies/{company.member_id}/credit/"' in html and ">52<" in html
    assert "无缝钢管、焊管" in html
    assert f'href="/shop/{company.member_id}/contact/"' in html  # 发送询盘, on its storefront


@pytest.mark.django_db
def test_an_ordinary_company_is_contacted_through_its_listings(client):
    company = CompanyFactory()
    TrustPassPeriodFactory(
        company=company,
        starts_on=timezone.localdate() - timedelta(days=400),
        ends_on=timezone.localdate() - timedelta(days=35),
    )
    ListingFactory(company=company)
    response = _page(client, company)
    html = response.content.decode()
    assert response.context["membership_year"] is None
    assert "诚信通第" not in html and "已到期" in html
    assert "/shop/" not in html  # the storefront is offline (R-F1)
    assert 'href="#products" data-testid="company-contact"' in html


def test_sections_are_registered_once_per_name():
    def provider(company, request):
        return {"extra": 1}

    try:
        company_page.register_company_section("test-section", provider, order=999)
        company_page.register_company_section("test-section", provider, order=999)  # harmless
        with pytest.raises(ImproperlyConfigured):
            company_page.register_company_section("test-section", template="x.html")
        with pytest.raises(ValueError):
            company_page.register_company_section("empty-section")
        assert [s.name for s in company_page.company_sections()][-1] == "test-section"
    finally:
        company_page.unregister_company_section("test-section")
    assert "listings" in [s.name for s in company_page.company_sections()]


@pytest.mark.django_db
def test_a_section_may_not_override_the_page_context(rf):
    company = CompanyFactory()
    try:
        company_page.register_company_section("clash", lambda c, r: {"company": None})
        with pytest.raises(ImproperlyConfigured):
            company_page.company_page_context(company, rf.get("/"), {"company": company})
    finally:
        company_page.unregister_company_section("clash")
