"""A supplier posts a listing with an image in Chinese, sees it pending; a staff member
approves it in the admin; it shows on the public listing page. And: rejected with a clear
reason, fixed in the browser, resubmitted and approved."""

import re

import pytest
from playwright.sync_api import expect

from listings.models import Listing
from tests.e2e.conftest import admin_login, login, shot
from tests.factories import UserFactory
from tests.listings.listing_factories import DESCRIPTION, image_bytes, leaf_category

PASSWORD = "Secret-pass-2026"


@pytest.fixture
def supplier(transactional_db):
    return UserFactory(username="hzsupplier")


@pytest.fixture
def moderator(transactional_db):
    user = UserFactory(username="moderator", is_staff=True, is_superuser=True)
    return user


@pytest.fixture
def category(transactional_db):
    return leaf_category()


def fill_listing(page, *, title, description=DESCRIPTION):
    page.check("input[name=kind][value=supply]")
    page.fill("input[name=title]", title)
    page.fill("input[name=keyword]", "无缝钢管")
    page.select_option("select[name=category]", label="钢管")
    page.fill("input[name=brand]", "宝钢")
    page.fill("input[name=model]", "TP304")
    page.fill("input[name=spec]", "Φ57×3.5")
    page.fill("textarea[name=description]", description)
    page.fill("input[name=unit]", "吨")
    page.fill("input[name=min_order]", "2")
    page.fill("input[name=price]", "12800")
    page.fill("input[name=tier1_qty]", "2")
    page.fill("input[name=tier1_price]", "12800")
    page.fill("input[name=tier2_qty]", "100")
    page.fill("input[name=tier2_price]", "12000")
    page.check("input[name=supports_escrow]")


def approve_in_admin(page, listing):
    page.goto("/admin/listings/reviewqueuelisting/")
    expect(page.locator("#review-stats")).to_contain_text("待审核")
    row = page.locator("#result_list tr", has_text=listing.title)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("5 项全部通过")
    shot(page, "admin-review-queue")
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", value="approve_selected")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("已通过 1 条信息")


def test_post_with_image_review_and_publish(new_page, supplier, moderator, category, tmp_path):
    photo = tmp_path / "钢管照片.png"
    photo.write_bytes(image_bytes("PNG", size=(1200, 900), color=(30, 90, 160)))

    seller = new_page()
    login(seller, supplier.username, PASSWORD)
    seller.goto("/my/listings/new/")
    expect(seller.locator("h1")).to_have_text("发布供求信息")
    expect(seller.locator(".tips")).to_contain_text("3 倍")
    fill_listing(seller, title="不锈钢无缝钢管")
    shot(seller, "seller-new-listing")
    seller.click("button[value=draft]")

    expect(seller.locator("[data-testid=listing-status]")).to_have_text("草稿")
    listing = Listing.objects.get(company=supplier.company)
    assert seller.url.endswith(f"/my/listings/{listing.pk}/")
    seller.set_input_files("input[name=image]", str(photo))
    expect(seller.locator(".image-upload .preview img")).to_be_visible()
    seller.click(".image-upload button[type=submit]")
    expect(seller.locator(".messages")).to_contain_text("图片已上传")
    expect(seller.locator(".image-grid img")).to_have_count(1)

    seller.click("form[action$='/submit/'] button")
    expect(seller.locator("[data-testid=listing-status]")).to_have_text("审核中")
    expect(seller.locator("[data-testid=pending-note]")).to_contain_text("自动检查已通过")
    shot(seller, "seller-listing-pending")
    listing.refresh_from_db()
    assert listing.status == Listing.Status.PENDING_REVIEW

    # Not public yet.
    visitor = new_page()
    assert visitor.goto(f"/listings/{listing.pk}/").status == 404

    staff = new_page()
    admin_login(staff, moderator.username, PASSWORD)
    approve_in_admin(staff, listing)

    response = visitor.goto(f"/listings/{listing.pk}/")
    assert response.status == 200
    expect(visitor.locator("h1")).to_contain_text("不锈钢无缝钢管")
    expect(visitor.locator(".badges")).to_contain_text("支付宝")
    expect(visitor.locator(".price.big")).to_contain_text("¥12800.00")
    expect(visitor.locator("table.tiers")).to_contain_text("≥ 100 吨")
    image = visitor.locator("img.main-image")
    expect(image).to_be_visible()
    # Issue 15: the page shows the large version (the 1200×900 photo, not upscaled).
    assert image.evaluate("img => img.complete && img.naturalWidth") == 1200
    shot(visitor, "public-listing")

    seller.goto("/my/listings/?status=live")
    expect(seller.locator(".tabs a.active")).to_contain_text("已上网 (1)")


def test_rejected_fixed_and_approved(new_page, supplier, moderator, category):
    seller = new_page()
    login(seller, supplier.username, PASSWORD)
    seller.goto("/my/listings/new/")
    fill_listing(seller, title="宝钢TP304不锈钢无缝钢管", description="质量好，价格低")
    seller.click("button[value=submit]")

    expect(seller.locator("[data-testid=listing-status]")).to_have_text("未通过")
    reasons = seller.locator("[data-testid=rejection-reasons]")
    expect(reasons).to_contain_text("供应标题含有品牌、规格、型号")
    expect(reasons).to_contain_text("“品牌”“型号”“规格”栏")
    expect(reasons).to_contain_text("产品介绍信息过于简单")
    shot(seller, "seller-listing-rejected")

    seller.click("[data-testid=rejection-reasons] a:has-text('修改信息')")
    expect(seller.locator("h1")).to_have_text("修改信息")
    seller.fill("input[name=title]", "不锈钢无缝钢管")
    seller.fill("textarea[name=description]", DESCRIPTION)
    seller.click("button[value=submit]")
    expect(seller.locator("[data-testid=listing-status]")).to_have_text("审核中")

    listing = Listing.objects.get(company=supplier.company)
    staff = new_page()
    admin_login(staff, moderator.username, PASSWORD)
    staff.goto(f"/admin/listings/reviewqueuelisting/{listing.pk}/change/")
    expect(staff.locator(".inline-group").first).to_contain_text("自动检查结果")
    staff.click("input[name=_approve]")
    expect(staff.locator(".messagelist")).to_contain_text("已审核通过并上网")

    seller.goto(f"/my/listings/{listing.pk}/")
    expect(seller.locator("[data-testid=listing-status]")).to_have_text("已上网")
    seller.click("a:has-text('查看网上页面')")
    expect(seller).to_have_url(re.compile(rf"/listings/{listing.pk}/$"))
    expect(seller.locator("h1")).to_contain_text("不锈钢无缝钢管")
