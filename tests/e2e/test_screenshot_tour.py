"""Issue 15, "Done when": the screenshot set. A buyer tours a demo-like marketplace (the demo
seeders of demo/ for a handful of its companies: drawn product pictures, trades, reviews,
certificates, shops) in Chromium at 1366×900 and 390×844: home, search, a listing, a
company page, the credit archive, a storefront and the 404 page (the live server runs with
DEBUG off, so it is the site's own). Each page's key content is checked, nothing it loads
is missing, nothing scrolls sideways at either width, and a full-page screenshot goes to
test-artifacts/tour/<page>-<width>.png to be looked at. (The admin index is toured by
tests/e2e of the staff console.)"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from demo import credit as demo_credit
from demo import listings as demo_listings
from demo import members as demo_members
from demo import trade as demo_trade
from listings.models import Listing
from members.models import Company
from members.selectors import company_membership_year, company_trustpass_since
from tests.browser import shot
from tests.storefront.fixtures import _mailbox_root  # noqa: F401 (autouse: the demo's welcome mail)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {1366: (1366, 900), 390: (390, 844)}
# Some of the demo's companies: TrustPass for 1–4 years or ordinary, verified or not.
TOUR_COMPANIES = ("hzsteel", "wxpipe", "wzvalve", "shpump", "tzpump", "szelec", "sdfarm")
SHOWCASE = "hzsteel"

# Text colour against background colour (WCAG), computed in the page.
CONTRAST_JS = """el => {
  const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const style = getComputedStyle(el);
  const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.fixture
def demo_market(monkeypatch):
    """`seed_demo` (every app's demo seeder, each in its transaction) for TOUR_COMPANIES only."""
    rows = [row for row in demo_members.COMPANIES if row[0] in TOUR_COMPANIES]
    for module in (demo_members, demo_listings, demo_trade, demo_credit):
        monkeypatch.setattr(module, "COMPANIES", rows)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _open(page, path: str, *, status: int = 200):
    response = page.goto(path)
    assert response.status == status, (path, response.status)
    return response


def _load_everything(page) -> None:
    """Scroll down the page so lazy pictures load, then back to the top."""
    height = page.evaluate("document.documentElement.scrollHeight")
    step = page.viewport_size["height"] // 2
    for y in range(0, height + step, step):
        page.evaluate(f"window.scrollTo(0, {y})")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")


def _pictures_loaded(page, selector: str) -> int:
    widths = page.evaluate(
        f"[...document.querySelectorAll({selector!r})].map(i => i.complete && i.naturalWidth)"
    )
    assert widths and all(widths), (selector, widths)
    return len(widths)


def _no_sideways_scroll(page) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page.url}: {scroll}px wide in a {inner}px window"


def _finish(page, name: str, width: int) -> None:
    _load_everything(page)
    _no_sideways_scroll(page)
    shot(page, "tour", f"{name}-{width}")


@pytest.mark.parametrize("width", SIZES)
def test_screenshot_tour(demo_market, new_page, width):
    company = Company.objects.get(member_id=SHOWCASE)
    live = Listing.objects.live().filter(company=company, kind=Listing.Kind.SUPPLY)
    listing = max(live.order_by("-published_at"), key=lambda x: x.images.count())
    year = company_membership_year(company)
    assert year and year >= 2, demo_market

    page = new_page()
    page.set_viewport_size({"width": SIZES[width][0], "height": SIZES[width][1]})
    missing: list[str] = []
    page.on(
        "response", lambda r: missing.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )

    # Home: the newest listings with their pictures.
    _open(page, "/")
    expect(page.locator(".banner h1")).to_be_visible()
    assert page.locator(".listing-card").count() >= 8
    _finish(page, "home", width)
    _pictures_loaded(page, ".listing-card img")

    # Search: a grid of results with pictures, the query highlighted.
    _open(page, "/search/?q=钢管")
    hits = page.locator(".search-hit")
    assert hits.count() >= 3
    expect(hits.first.locator(".hit-title mark").first).to_have_text("钢管")
    expect(page.locator(".search-hit .hit-price").first).to_be_visible()
    _finish(page, "search", width)
    _pictures_loaded(page, ".search-hit .hit-image img")

    # A listing: its gallery, price, seller and a way to ask.
    _open(page, f"/listings/{listing.pk}/")
    expect(page.locator("h1")).to_contain_text(listing.title)
    expect(page.locator(".gallery-main img")).to_be_visible()
    expect(page.locator(".listing-detail")).to_contain_text(company.name)
    _finish(page, "listing", width)
    _pictures_loaded(page, ".gallery-main img, .gallery .thumbs img")

    # The company page: live listings with pictures, years of membership, badges, score.
    _open(page, f"/companies/{SHOWCASE}/")
    expect(page.locator("h1")).to_have_text(company.name)
    expect(page.get_by_test_id("membership-year")).to_have_text(f"诚信通第 {year} 年")
    expect(page.locator(".company-badges .badge-tp")).to_be_visible()
    expect(page.locator(".company-badges .badge-verified")).to_be_visible()
    expect(page.get_by_test_id("company-score")).to_contain_text(str(company.credit_score))
    expect(page.get_by_test_id("company-contact")).to_have_text("发送询盘")
    cards = page.locator(".product-card")
    assert cards.count() == min(12, Listing.objects.live().filter(company=company).count())
    _finish(page, "company", width)
    _pictures_loaded(page, ".product-card img")

    # The credit archive: score and parts, membership start beside archive years, and a
    # history in words.
    _open(page, f"/companies/{SHOWCASE}/credit/")
    expect(page.locator(".credit-score")).to_contain_text(str(company.credit_score))
    facts = page.get_by_test_id("archive-years")
    expect(facts).to_contain_text("诚信通会员起始")
    expect(facts).to_contain_text(company_trustpass_since(company).isoformat())
    history = page.locator(".score-history tbody")
    expect(history).not_to_be_empty()
    assert ":" not in "".join(history.locator(".history-cause").all_inner_texts())
    _finish(page, "credit", width)

    # The storefront: the banner with badges that can be read on it.
    _open(page, f"/shop/{SHOWCASE}/")
    expect(page.locator(".shop-title h1")).to_have_text(company.name)
    badge = page.locator(".shop-badges .badge-tp")
    expect(badge).to_be_visible()
    assert badge.evaluate(CONTRAST_JS) >= 4.5
    assert page.locator(".shop-grid img, .cards img, .listing-card img").count() >= 1
    _finish(page, "storefront", width)

    # The 404 page: the site's own (DEBUG is off), with a search box and a way home.
    assert settings.DEBUG is False
    _open(page, "/listings/999999/", status=404)
    expect(page.locator("h1")).to_have_text("抱歉，您要找的页面不存在")
    expect(page.locator("[data-testid=error-search] input[name=q]")).to_be_visible()
    missing.remove(f"404 {page.url}")
    _finish(page, "404", width)

    assert not missing, missing
