"""Issue 15 in Chromium at 1366×900 and 390×844: a listing's gallery (thumbnails, the
enlarged view with zoom, next/previous by button and key, Esc), the 404 page with its
search box and way home (footer at the bottom, favicon found), and the home page with
the demo's drawn product pictures. Screenshots go to test-artifacts/listings/ and
test-artifacts/errors/."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from demo.pictures import product_picture
from listings import image_services
from listings.models import Listing
from tests.browser import ARTIFACTS, shot
from tests.e2e.conftest import login
from tests.factories import CompanyFactory, ListingFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
PRODUCTS = [
    ("不锈钢无缝钢管", "无缝钢管"),
    ("冰糖心苹果", "苹果"),
    ("高强度螺栓", "螺栓"),
    ("真丝双绉面料", "真丝面料"),
    ("防腐防锈漆", "防锈漆"),
    ("不锈钢离心泵", "离心泵"),
    ("五层瓦楞纸箱", "瓦楞纸箱"),
    ("深沟球轴承", "深沟球轴承"),
]


def _live(listing):
    now = timezone.now()
    Listing.objects.filter(pk=listing.pk).update(
        status=Listing.Status.LIVE, published_at=now, expires_at=now + timedelta(days=30)
    )
    return listing


def _listing_with_pictures(company, title, keyword, count):
    listing = ListingFactory(company=company, title=title, keyword=keyword, status="draft")
    for k in range(count):
        picture = product_picture(
            title, keyword, seed=company.member_id, variant=k, note="规格齐全"
        )
        image_services.listing_image_add(listing=listing, upload=io.BytesIO(picture))
    return _live(listing)


def _page(new_page, size):
    page = new_page()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    return page, missing


def _view_shot(page, name):
    """What is on the screen (the enlarged view is a modal over the viewport)."""
    path = ARTIFACTS / "listings" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))


def _no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("device", WIDTHS)
def test_listing_gallery_opens_zooms_and_moves_on(new_page, device):
    width, height = WIDTHS[device]
    listing = _listing_with_pictures(CompanyFactory(name="杭州恒达钢管有限公司"), *PRODUCTS[0], 3)
    large = [img.large.url for img in listing.images.all()]
    page, missing = _page(new_page, WIDTHS[device])
    page.goto(f"/listings/{listing.pk}/")
    main = page.locator(".gallery-main img")
    expect(main).to_have_attribute("src", large[0])
    assert page.evaluate("document.querySelector('.gallery-main img').naturalWidth") == 900
    _no_sideways_scroll(page, width)
    shot(page, "listings", f"gallery-{device}")

    # A thumbnail shows its picture as the main one.
    page.locator(".thumbs .thumb").nth(1).click()
    expect(main).to_have_attribute("src", large[1])
    expect(page.locator(".thumbs .thumb").nth(1)).to_have_attribute("aria-current", "true")

    # The main picture opens the enlarged view (from the keyboard too).
    page.locator(".gallery-main").focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog.lightbox")
    expect(dialog).to_have_attribute("open", "")
    big = dialog.locator(".lightbox-stage img")
    expect(big).to_have_attribute("src", large[1])
    expect(dialog.locator(".lightbox-count")).to_have_text("2 / 3")
    box = big.bounding_box()
    assert box["width"] <= width and box["height"] <= height
    _view_shot(page, f"gallery-open-{device}")

    # Zoom: the picture at its own size, scrollable; the button says so.
    dialog.locator(".lightbox-zoom").click()
    expect(dialog).to_have_class("lightbox zoomed")
    expect(dialog.locator(".lightbox-zoom")).to_have_attribute("aria-pressed", "true")
    fitted = box["width"]
    zoomed = big.evaluate("i => i.clientWidth")
    assert zoomed >= 900 and zoomed >= fitted * 1.5  # its own size, or more for a small one
    stage = dialog.locator(".lightbox-stage")
    assert stage.evaluate("s => s.scrollWidth > s.clientWidth || s.scrollHeight > s.clientHeight")
    _view_shot(page, f"gallery-zoom-{device}")
    page.keyboard.press("-")
    expect(dialog).to_have_class("lightbox")

    # Next and previous, by button and arrow key, wrapping round.
    dialog.locator(".lightbox-next").click()
    expect(dialog.locator(".lightbox-count")).to_have_text("3 / 3")
    expect(big).to_have_attribute("src", large[2])
    page.keyboard.press("ArrowRight")
    expect(dialog.locator(".lightbox-count")).to_have_text("1 / 3")
    page.keyboard.press("ArrowLeft")
    expect(big).to_have_attribute("src", large[2])
    expect(main).to_have_attribute("src", large[2])  # the page follows the viewer

    page.keyboard.press("Escape")
    expect(dialog).not_to_have_attribute("open", "")
    assert not missing, missing


@pytest.mark.parametrize("device", WIDTHS)
def test_the_404_page_has_search_a_way_home_and_its_footer_at_the_bottom(new_page, device):
    width, height = WIDTHS[device]
    page, missing = _page(new_page, WIDTHS[device])
    response = page.goto("/listings/999999/")
    assert response.status == 404
    missing.clear()  # the page itself; everything it loads must be found
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_have_text("抱歉，您要找的页面不存在")
    expect(page.locator("[data-testid=error-search] input[name=q]")).to_be_visible()
    expect(page.locator("[data-testid=error-home]")).to_have_attribute("href", "/")
    _no_sideways_scroll(page, width)
    footer = page.locator(".site-footer").bounding_box()
    page_height = page.evaluate("document.documentElement.scrollHeight")
    assert abs(footer["y"] + footer["height"] - max(height, page_height)) <= 1
    shot(page, "errors", f"404-{device}")
    page.fill("[data-testid=error-search] input[name=q]", "钢管")
    page.click("[data-testid=error-search] button")
    page.wait_for_url("**/search/?kind=supply&q=*")
    assert not missing, missing


@pytest.mark.parametrize("device", WIDTHS)
def test_home_page_shows_the_demo_pictures(new_page, device):
    company = CompanyFactory(name="宁波演示实业有限公司")
    for title, keyword in PRODUCTS:
        _listing_with_pictures(company, title, keyword, 1)
    page, missing = _page(new_page, WIDTHS[device])
    page.goto("/")
    cards = page.locator(".listing-card img")
    expect(cards).to_have_count(len(PRODUCTS))
    for k in range(len(PRODUCTS)):  # lazy pictures load as they come into view
        cards.nth(k).scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    assert all(
        page.evaluate(
            "[...document.querySelectorAll('.listing-card img')].map(i => i.naturalWidth)"
        )
    ), "a card picture did not load"
    _no_sideways_scroll(page, WIDTHS[device][0])
    shot(page, "listings", f"home-{device}")
    assert not missing, missing


@pytest.mark.parametrize("device", WIDTHS)
def test_owner_reorders_and_deletes_pictures_in_the_back_office(new_page, device):
    user = UserFactory(username=f"owner-{device}")
    listing = _listing_with_pictures(user.company, *PRODUCTS[2], 3)
    ids = [img.pk for img in listing.images.all()]
    page, missing = _page(new_page, WIDTHS[device])
    login(page, user.username, "Secret-pass-2026")
    page.goto(f"/my/listings/{listing.pk}/")
    items = page.locator("[data-testid=manage-images] > li")
    expect(items).to_have_count(3)
    _no_sideways_scroll(page, WIDTHS[device][0])
    shot(page, "listings", f"manage-{device}")
    items.nth(2).locator("button[value=first]").click()
    expect(page.locator(".messages")).to_contain_text("图片顺序已更新")
    expect(items.first).to_have_attribute("data-image-id", str(ids[2]))
    items.nth(1).locator("a.remove").click()
    page.click("main form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("图片已删除")
    expect(items).to_have_count(2)
    assert [i.pk for i in Listing.objects.get(pk=listing.pk).images.all()] == [ids[2], ids[1]]
    assert not missing, missing
