"""A buyer on the search page in Chromium at 1366×900 and 390×844 (issue 15 part 2): the
result grid with pictures, the ranking rules behind a small 排序规则 link, the chosen order,
a price range, the escrow and verified filters, the supplier tab and an empty state; no
sideways scrolling and no filter label broken inside a word. Screenshots go to
test-artifacts/search/."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from demo.pictures import product_picture
from listings.models import ListingImage
from search.index import listing_reindex
from tests.browser import TIMEOUT_MS
from tests.browser import shot as save_shot
from tests.factories import CategoryFactory, CompanyFactory, ListingFactory, TrustPassPeriodFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}
DESCRIPTION = "本公司长期供应各类工业配件，质量可靠，价格合理，欢迎新老客户来电洽谈合作，诚信经营。"


def shot(page, name: str) -> None:
    save_shot(page, "search", name)


def picture(title: str, keyword: str, seed: str) -> ContentFile:
    raw = Image.open(io.BytesIO(product_picture(title, keyword, seed=seed)))
    out = io.BytesIO()
    raw.convert("RGB").resize((200, 200), Image.LANCZOS).save(out, "JPEG", quality=85)
    return ContentFile(out.getvalue(), name=f"{seed}.jpg")


@pytest.fixture
def market(transactional_db):
    now = timezone.now()
    pipes = CategoryFactory(name="钢管", slug="steel-pipe")
    hz = CompanyFactory(
        member_id="hzsteel",
        name="杭州华钢管业有限公司",
        province="浙江",
        verified=True,
        credit_score=56,
        main_products="不锈钢管 无缝钢管 焊管",
    )
    TrustPassPeriodFactory(company=hz)
    nb = CompanyFactory(
        member_id="nbvalve",
        name="宁波精工管阀有限公司",
        province="浙江",
        main_products="镀锌钢管 阀门",
    )
    TrustPassPeriodFactory(company=nb)
    ws = CompanyFactory(
        member_id="wxsteel", name="无锡永盛钢管厂", province="江苏", verified=True, credit_score=12
    )
    tj = CompanyFactory(
        member_id="tjpipe", name="天津大通钢管贸易", province="天津", credit_score=3
    )
    rows = [
        (hz, "供应304不锈钢无缝钢管 工业流体管", "无缝钢管", "128.00", None, True, True),
        (hz, "316L不锈钢精密管 卫生级", "不锈钢管", "216.50", None, True, False),
        (nb, "镀锌钢管 消防管道专用", "镀锌钢管", "36.80", "42.00", False, True),
        (ws, "大口径螺旋焊接钢管 Φ529", "螺旋钢管", "4850.00", None, False, True),
        (ws, "Q235B直缝焊管 脚手架钢管", "焊管", "23.00", None, True, True),
        (tj, "20#无缝钢管 厚壁管 可切割零售", "无缝钢管", None, None, False, False),
        (tj, "合金钢管 12Cr1MoV 高压锅炉管", "合金钢管", "98.00", None, False, False),
        (nb, "不锈钢装饰管 201 抛光圆管", "装饰管", "15.60", None, True, True),
        (hz, "精轧无缝钢管 液压缸筒用", "无缝钢管", "310.00", None, False, True),
        (ws, "方矩管 镀锌方管 40×40", "方管", "28.00", None, False, False),
    ]
    listings = []
    for i, (company, title, keyword, price, price_max, fixed, escrow) in enumerate(rows):
        listing = ListingFactory(
            company=company,
            category=pipes,
            title=title,
            keyword=keyword,
            description=DESCRIPTION,
            brand="",
            model="",
            spec="",
            unit="米" if i % 3 else "吨",
            min_order=[1, 10, 100, 5][i % 4],
            price=price,
            price_max=price_max,
            fixed_price=fixed,
            supports_escrow=escrow,
            province=company.province,
            published_at=now - timedelta(hours=9 * i + 1),
        )
        if i != 6:  # one listing without a picture
            image = ListingImage(listing=listing, position=0)
            image.image.save(f"e2e{i}.jpg", picture(title, keyword, f"e2e{i}"), save=False)
            image.save()
        listing_reindex(listing_id=listing.pk)
        listings.append(listing)
    return {"listings": listings, "hz": hz}


def prices(page) -> list[Decimal | None]:
    values = page.locator("article.search-hit").evaluate_all("els => els.map(e => e.dataset.price)")
    return [Decimal(v) if v else None for v in values]


def assert_tidy(page, width: int) -> None:
    """No sideways scrolling; every filter label, chip and order link on one line."""
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"page is {overflow}px wide at {width}px"
    heights = page.locator(".chip, .filter-label, .sort-links a, .search-tabs a").evaluate_all(
        "els => els.map(e => [e.textContent.trim(), e.getBoundingClientRect().height,"
        " parseFloat(getComputedStyle(e).lineHeight) || 20])"
    )
    for text, height, line in heights:
        assert height <= max(line, 20) * 1.6 + 12, f"{text!r} wraps ({height}px)"


@pytest.mark.parametrize("size", SIZES)
def test_search_page_grid_order_filters_and_suppliers(browser, e2e_server, market, size):
    viewport = SIZES[size]
    context = browser.new_context(base_url=e2e_server.url, locale="zh-CN", viewport=viewport)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/search/?q=钢管")
        cards = page.locator("article.search-hit")
        expect(cards).to_have_count(10)
        assert_tidy(page, viewport["width"])
        # results start in the first screen: no paragraph of rules above them
        assert cards.first.bounding_box()["y"] < viewport["height"]
        assert cards.first.locator("mark").first.inner_text() == "钢管"
        loaded = cards.first.locator("img").evaluate("img => img.complete && img.naturalWidth")
        assert loaded == 200
        expect(cards.nth(0)).to_contain_text("诚信通")
        rules = page.locator(".sort-rules-body")
        expect(rules).to_be_hidden()
        shot(page, f"search-{size}")
        page.click(".sort-rules summary")
        expect(rules).to_be_visible()
        expect(rules).to_contain_text("诚信通会员优先")
        shot(page, f"search-rules-{size}")
        page.click(".sort-rules summary")
        expect(rules).to_be_hidden()

        # the buyer's own order: cheapest first, no price last
        page.click(".sort-links a[data-sort=price_asc]")
        page.wait_for_url("**sort=price_asc**")
        got = prices(page)
        priced = [p for p in got if p is not None]
        assert priced == sorted(priced) and got[-1] is None
        expect(page.locator(".sort-links a.current")).to_have_attribute("data-sort", "price_asc")

        # a price range (bounds included), the order kept
        page.fill("input[name=price_min]", "23")
        page.fill("input[name=price_max]", "216.5")
        page.click(".price-range button")
        page.wait_for_url("**price_max=216.5**")
        got = prices(page)
        assert got == sorted(got) and got[0] == Decimal("23") and got[-1] == Decimal("216.50")
        assert "sort=price_asc" in page.url

        # escrow and verified chips submit at once
        page.click("label.chip:has(input[name=escrow])")
        page.wait_for_url("**escrow=1**")
        page.click("label.chip:has(input[name=verified])")
        page.wait_for_url("**verified=1**")
        for card in cards.all():
            expect(card.locator(".badge-escrow")).to_have_count(1)
            expect(card.locator(".badge-verified")).to_have_count(1)
        assert prices(page) == [Decimal("23.00"), Decimal("128.00")]
        expect(page.locator("label.chip.on")).to_have_count(2)
        assert_tidy(page, viewport["width"])
        shot(page, f"search-filtered-{size}")
        page.click("a.clear-filters")
        expect(cards).to_have_count(10)
        assert "sort=" not in page.url and "escrow" not in page.url

        # the supplier tab: TrustPass companies first
        page.click(".search-tabs a[data-tab=suppliers]")
        page.wait_for_url("**tab=suppliers**")
        suppliers = page.locator("article.supplier-card")
        expect(suppliers).to_have_count(4)
        first_two = suppliers.evaluate_all("els => els.slice(0, 2).map(e => e.dataset.member)")
        assert sorted(first_two) == ["hzsteel", "nbvalve"]
        expect(suppliers.first.locator(".badge-tp")).to_have_count(1)
        assert_tidy(page, viewport["width"])
        shot(page, f"suppliers-{size}")

        # the category page: the same grid, order and filters
        page.goto("/categories/steel-pipe/?sort=newest")
        expect(cards).to_have_count(10)
        expect(page.locator(".sort-links a.current")).to_have_attribute("data-sort", "newest")
        assert_tidy(page, viewport["width"])
        shot(page, f"category-{size}")

        # nothing found: a way out
        page.goto("/search/?q=钛合金法兰&escrow=1")
        expect(page.locator(".empty-state")).to_contain_text("没有找到")
        expect(page.locator(".empty-state a", has_text="去掉筛选条件")).to_have_count(1)
        shot(page, f"search-empty-{size}")
    finally:
        context.close()
