"""Under the content-security policy without 'unsafe-inline' scripts (issue 17, finding 6),
the behaviour that moved from inline scripts and on…= attributes to static/js/ still works
in Chromium, and no page reports a CSP violation or a console error: the confirm dialogs
(cancel keeps, accept submits), the language switch that submits on change, the listing
form's demand-only fields, the image preview and size check, the admin's own scripts and
the Swagger UI docs page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from inquiries import services as inquiry_services
from inquiries.models import Favourite
from listings.models import Listing
from storefront import services as shop_services
from storefront.models import ShopSettings
from tests.e2e.conftest import ARTIFACTS, admin_login, login, shot
from tests.factories import ListingFactory, TrustPassPeriodFactory, UserFactory
from tests.listings.listing_factories import image_bytes
from tests.storefront.fixtures import _mailbox_root  # noqa: F401 (autouse, as in tests/storefront/)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Secret-pass-2026"

# Registered before any page script runs (Playwright's init scripts are not subject to the
# page's CSP), so violations while the page is parsed are reported too.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""


def watch(page) -> list[str]:
    """Everything that went wrong on `page` from now on: CSP violations, console errors and
    uncaught exceptions."""
    problems: list[str] = []
    page.expose_function("__cspViolation", lambda text: problems.append(f"CSP: {text}"))
    page.add_init_script(REPORT_VIOLATIONS)

    def console(msg):
        # Chromium asks for /favicon.ico by itself; the site has none (not a script matter).
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            problems.append(f"console: {msg.text} ({msg.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    return problems


def answer_dialog(page, accept: bool) -> list[str]:
    messages: list[str] = []

    def handle(dialog):
        messages.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", handle)
    return messages


@pytest.fixture
def seller(transactional_db):
    user = UserFactory(username="csp-seller")
    TrustPassPeriodFactory(company=user.company)
    return user


@pytest.fixture
def buyer(transactional_db):
    return UserFactory(username="csp-buyer")


def test_the_watcher_sees_a_blocked_inline_script(page):
    """The check below means something: an inline script is refused and reported."""
    problems = watch(page)
    page.goto("/")
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.inlineRan = true"; document.body.append(s); }"""
    )
    for _ in range(20):
        if problems:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("() => window.inlineRan === undefined")
    assert any(p.startswith("CSP: script-src") for p in problems), problems


def test_confirm_dialogs_and_language_switch(new_page, seller, buyer):
    listing = ListingFactory(company=seller.company, title="供应304不锈钢无缝钢管现货")
    inquiry_services.favourite_add(user=buyer, listing=listing)
    page = new_page()
    problems = watch(page)

    # The language switch (data-autosubmit) submits when the choice changes.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

    # 收藏夹 › 移除 (data-confirm): cancelling keeps the favourite, accepting removes it.
    login(page, buyer.username, PASSWORD)
    page.goto("/my/favourites/")
    row = page.locator("table.data tbody tr", has_text=listing.title)
    expect(row).to_have_count(1)
    asked = answer_dialog(page, accept=False)
    row.get_by_role("button", name="移除").click()
    page.wait_for_timeout(300)
    assert asked == ["确定要从收藏夹移除吗？"]
    assert page.url.endswith("/my/favourites/")
    assert Favourite.objects.filter(user=buyer).count() == 1
    shot(page, "csp-favourites")

    asked = answer_dialog(page, accept=True)
    with page.expect_navigation():
        row.get_by_role("button", name="移除").click()
    assert asked == ["确定要从收藏夹移除吗？"]
    expect(page.locator("table.data tbody tr", has_text=listing.title)).to_have_count(0)
    assert Favourite.objects.filter(user=buyer).count() == 0
    shot(page, "csp-favourites-removed")

    # The listing page's 取消收藏 asks too (the same script on another form).
    inquiry_services.favourite_add(user=buyer, listing=listing)
    page.goto(f"/listings/{listing.pk}/")
    asked = answer_dialog(page, accept=True)
    with page.expect_navigation():
        page.get_by_role("button", name="取消收藏").click()
    assert asked == ["确定取消收藏吗？"]
    expect(page.get_by_role("button", name="收藏信息")).to_be_visible()
    assert problems == []


def test_listing_form_image_preview_and_shop_banner(new_page, seller, tmp_path):
    page = new_page()
    problems = watch(page)
    login(page, seller.username, PASSWORD)

    # The listing form shows the buyer-contact fields only for a demand listing.
    page.goto("/my/listings/new/")
    demand_only = page.locator("fieldset.demand-only")
    page.check("input[name=kind][value=supply]")
    expect(demand_only).to_be_hidden()
    page.check("input[name=kind][value=demand]")
    expect(demand_only).to_be_visible()
    shot(page, "csp-listing-form-demand")

    # The image upload previews a chosen picture and refuses one over 5 MB at once.
    draft = ListingFactory(company=seller.company, status=Listing.Status.DRAFT)
    page.goto(f"/my/listings/{draft.pk}/")
    photo = tmp_path / "钢管.png"
    photo.write_bytes(image_bytes("PNG", size=(400, 300), color=(30, 90, 160)))
    page.set_input_files("input[name=image]", str(photo))
    expect(page.locator(".image-upload .preview img")).to_be_visible()
    big = tmp_path / "太大.jpg"
    big.write_bytes(image_bytes() + b"\0" * (5 * 1024 * 1024))
    page.set_input_files("input[name=image]", str(big))
    expect(page.locator(".image-upload .client-error")).to_have_text(
        "图片不能超过 5 MB，请压缩后重新选择。"
    )
    expect(page.locator(".image-upload .preview")).to_be_hidden()
    shot(page, "csp-image-too-big")

    # 商铺管理 › 删除横幅 (data-confirm on a storefront back-office page).
    png = image_bytes("PNG", size=(1200, 160), color=(230, 120, 20))
    shop_services.shop_banner_set(
        company=seller.company, upload=SimpleUploadedFile("b.png", png, "image/png")
    )
    page.goto("/my/shop/")
    asked = answer_dialog(page, accept=False)
    page.get_by_role("button", name="删除横幅").click()
    page.wait_for_timeout(300)
    assert asked == ["确定删除商铺横幅吗？"]
    assert ShopSettings.objects.get(company=seller.company).banner
    asked = answer_dialog(page, accept=True)
    with page.expect_navigation():
        page.get_by_role("button", name="删除横幅").click()
    assert asked == ["确定删除商铺横幅吗？"]
    assert not ShopSettings.objects.get(company=seller.company).banner
    shot(page, "csp-shop-banner-removed")
    assert problems == []


def test_admin_storefront_host_and_api_docs(new_page, seller, e2e_server, settings):
    staff_user = UserFactory(username="csp-moderator", is_staff=True, is_superuser=True)
    pending = [
        ListingFactory(status=Listing.Status.PENDING_REVIEW, title=f"待审核钢管{i}")
        for i in range(2)
    ]
    page = new_page()
    problems = watch(page)

    # The admin's own scripts (actions.js: the select-all box) run under the policy.
    admin_login(page, staff_user.username, PASSWORD)
    page.goto("/admin/listings/reviewqueuelisting/")
    expect(page.locator("#review-stats")).to_contain_text("待审核")
    page.check("#action-toggle")
    expect(page.locator("input.action-select:checked")).to_have_count(len(pending))
    expect(page.locator(".action-counter")).to_contain_text("2")
    shot(page, "csp-admin-review-queue")
    page.goto(f"/admin/listings/reviewqueuelisting/{pending[0].pk}/change/")
    expect(page.locator("#content")).to_contain_text("待审核钢管0")
    page.goto("/admin/")

    # The shop on its own host.
    port = urlsplit(e2e_server.url).port
    page.goto(f"http://{seller.company.member_id}.{settings.STOREFRONT_DOMAIN}:{port}/")
    expect(page.locator(".shop-title h1")).to_contain_text(seller.company.name)

    # Swagger UI: its init script is a separate file (SpectacularSwaggerSplitView).
    page.goto(f"{e2e_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("诚信通 Marketplace API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "csp-api-docs.png"))  # the top: the page is long
    assert problems == []
