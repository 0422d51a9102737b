"""Account self-service in Chromium (issue 14, part 1): register, confirm the address from the
e-mail in the outbox, forget the password, reset it from the e-mail and sign in with the new
one; sign out of every session from the account page; the used link is dead.

Screenshots go to test-artifacts/members/ (not in git)."""

import re
from pathlib import Path

import pytest
from django.core import mail
from rest_framework.authtoken.models import Token

from members.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "members"
PASSWORD = "Secret-pass-2026"
NEW_PASSWORD = "Brand-new-pass-77"


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"account_{name}.png"), full_page=True)


def _last_link(to: str) -> str:
    message = [m for m in mail.outbox if m.to == [to]][-1]
    return re.search(r"https?://\S+", message.body).group(0)


def _login(page, base, username, password):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def test_confirm_the_address_then_reset_the_password_from_the_mail(live_server, browser, settings):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    settings.MAIN_SITE_URL = base  # the mailed links point at this server
    email = "zhang@example.cn"

    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/register/")
    for name, value in {
        "username": "zhangsan",
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "member_id": "zhangsteel",
        "company_name": "杭州张三钢管有限公司",
        "contact_name": "张三",
        "phone": "0571-88886666",
    }.items():
        page.fill(f"input[name={name}]", value)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/my/")
    banner = page.locator(".email-banner")
    assert banner.is_visible() and email in banner.inner_text()
    _shot(page, "1_banner_unconfirmed")

    # Confirm from the mail: the link opens a page with one button.
    page.goto(_last_link(email))
    _shot(page, "2_confirm_page")
    page.click("form.email-confirm-form button[type=submit]")
    page.wait_for_url("**/my/account/")
    assert "已确认" in page.locator(".account-email").inner_text()
    assert page.locator(".email-banner").count() == 0
    _shot(page, "3_account_confirmed")
    assert User.objects.get(username="zhangsan").email_confirmed_at is not None

    # Sign out, forget the password, reset it from the mail.
    page.click("header form button[type=submit]")
    page.goto(f"{base}/login/")
    page.click("text=忘记密码？")
    page.wait_for_url("**/password-reset/")
    page.fill("input[name=email]", email)
    _shot(page, "4_reset_form")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/password-reset/sent/")
    assert "请查收邮件" in page.content()
    _shot(page, "5_reset_sent")

    link = _last_link(email)
    page.goto(link)
    page.wait_for_url("**/set-password/")
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    _shot(page, "6_new_password")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/password-reset/done/")
    _shot(page, "7_reset_done")

    _login(page, base, "zhangsan", PASSWORD)
    assert "/login/" in page.url and "用户名或密码错误" in page.content()
    _login(page, base, "zhangsan", NEW_PASSWORD)
    page.wait_for_url("**/my/")
    assert "zhangsan" in page.locator(".topbar").inner_text()

    # The account page lists the API token; signing out everywhere asks for the password.
    Token.objects.create(user=User.objects.get(username="zhangsan"))
    page.goto(f"{base}/my/account/")
    assert page.locator(".account-tokens tbody tr").count() == 1
    _shot(page, "9_account_token")
    page.click("text=退出所有设备")
    page.wait_for_url("**/my/account/sessions/end/")
    page.fill("input[name=password]", NEW_PASSWORD)
    _shot(page, "10_sessions_end")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/login/")
    assert "已退出所有设备上的登录" in page.content()

    # The link was single use.
    other = browser.new_page(locale="zh-CN")
    other.goto(link)
    assert other.locator(".link-invalid").is_visible()
    _shot(other, "8_link_used")
