"""The member's journey in Chromium (Playwright): become TrustPass through the test gateway,
apply for identity verification, staff approve in the admin, the badge appears (R-M2, R-C2).

Screenshots go to test-artifacts/members/ (not in git)."""

from pathlib import Path

import pytest

from members.models import VerificationApplication
from tests.factories import UserFactory
from tests.members.factories import VALID_NUMBERS, VerificationAgencyFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "members"
PASSWORD = "Secret-pass-2026"


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/login/" not in page.url, page.content()[-2000:]


def test_member_becomes_trustpass_gets_verified_and_sees_the_badge(live_server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    member = UserFactory(username="wangjg")
    staff = UserFactory(username="auditor", is_staff=True, is_superuser=True)
    agency = VerificationAgencyFactory(name="华夏邓白氏（中国）商业信息咨询有限公司")
    member_id = member.company.member_id

    page = browser.new_page(locale="zh-CN")
    _login(page, base, member.username)
    page.goto(f"{base}/my/")
    assert "您目前是普通会员" in page.content()

    # Buy a year: form → test gateway → back to the order.
    page.goto(f"{base}/trustpass/")
    page.screenshot(path=str(ARTIFACTS / "trustpass_landing.png"), full_page=True)
    page.click("text=立即开通诚信通")
    page.select_option("select[name=years]", "1")
    page.check("input[name=confirm]")
    page.click("text=去付款")
    page.wait_for_url("**/pay/test/**")
    page.click("button[value=confirm]")
    page.wait_for_url("**/my/trustpass/orders/**")
    assert "付款成功，诚信通会员期已开通" in page.content()
    page.goto(f"{base}/my/")
    assert "还剩 365 天" in page.content()
    page.screenshot(path=str(ARTIFACTS / "dashboard_trustpass.png"), full_page=True)

    # Apply for verification.
    page.goto(f"{base}/my/verification/")
    page.select_option("select[name=agency]", str(agency.pk))
    page.fill("input[name=registration_number]", VALID_NUMBERS[0][:-1] + "0")
    page.fill("input[name=applicant_name]", "王建国")
    page.check("input[name=authorised]")
    page.click("text=提交认证申请")
    assert "校验位不正确" in page.content()
    page.fill("input[name=registration_number]", VALID_NUMBERS[0].lower())
    page.check("input[name=authorised]")
    page.click("text=提交认证申请")
    assert "正在审核中" in page.content()
    application = VerificationApplication.objects.get(company=member.company)

    # Staff approve in the admin.
    staff_page = browser.new_page(locale="zh-CN")
    _login(staff_page, base, staff.username)
    staff_page.goto(f"{base}/admin/members/verificationapplication/{application.pk}/change/")
    staff_page.click("text=批准")
    staff_page.click("input[type=submit]")
    staff_page.wait_for_load_state()
    application.refresh_from_db()
    assert application.status == "approved"

    # The badge on the company page and the dashboard.
    page.goto(f"{base}/companies/{member_id}/")
    assert page.locator(".badge-verified").count() >= 1
    assert page.locator(".badge-tp").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "company_verified.png"), full_page=True)
    page.goto(f"{base}/trustpass/compare/")
    assert page.locator("table.compare tbody tr").count() == 7
    page.screenshot(path=str(ARTIFACTS / "trustpass_compare.png"), full_page=True)
