"""A person in Chromium (Debian's, via Playwright): the shop on its subdomain with no DNS set-up,
and a member registering a Chinese own domain that then serves the shop."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.factories import TrustPassPeriodFactory, UserFactory
from tests.storefront.fixtures import _mailbox_root  # noqa: F401 (autouse, as in tests/storefront/)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "storefront"


@pytest.fixture
def chromium_page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_shop_on_its_subdomain_and_on_a_registered_chinese_domain(
    live_server, chromium_page, settings
):
    page = chromium_page
    user = UserFactory(username="hzsteel-owner")
    TrustPassPeriodFactory(company=user.company)
    company = user.company
    port = urlsplit(live_server.url).port

    # The storefront at http://<member-id>.<STOREFRONT_DOMAIN>:<port>/, no DNS set-up.
    shop_url = f"http://{company.member_id}.{settings.STOREFRONT_DOMAIN}:{port}/"
    response = page.goto(shop_url)
    assert response.status == 200
    assert page.locator("h1").inner_text() == company.name
    page.click("nav.shop-nav >> text=公司介绍")
    assert page.url == shop_url + "about/"
    shot(page, "subdomain-about")

    # An unknown subdomain is refused.
    assert page.goto(f"http://nosuchco.{settings.STOREFRONT_DOMAIN}:{port}/").status == 400

    # The member signs in on the main site and registers 华钢管业.cn.
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "hzsteel-owner")
    page.fill("input[name=password]", "Secret-pass-2026")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/my/shop/domain/")
    page.fill("input[name=name]", "华钢管业")
    page.select_option("select[name=suffix]", "all")
    page.click("main form[method=get] button[type=submit]")
    assert page.locator("td.ok").count() == 3
    shot(page, "domain-check")
    page.once("dialog", lambda dialog: dialog.accept())  # “确定注册吗？”
    page.locator("form[action$='/register/'] button").first.click()
    page.wait_for_load_state()
    assert "注册成功" in page.content()

    # The shop answers on the new domain at once.
    response = page.goto(f"http://xn--vhqr0k3x5bs5u.cn:{port}/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == company.name
    shot(page, "own-domain-home")
    # A domain nobody registered is refused.
    assert page.goto(f"http://nobody.cn:{port}/").status == 400
