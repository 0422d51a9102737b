"""The online identity certificate in Chromium (R-M3.3, R-C2): an ordinary member sees the
R-M3 comparison instead of the verification form; a verified TrustPass member opens its
certificate from the verification page, prints it (PDF, A4), a customer checks the code on
the check form, and the certificate says 无效/已失效 the day the membership ends.

Screenshots and the PDF go to test-artifacts/members/ (not in git)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from members import verification_services
from tests.browser import ARTIFACTS as ALL_ARTIFACTS
from tests.factories import TrustPassPeriodFactory, UserFactory
from tests.members.factories import VALID_NUMBERS, VerificationAgencyFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = ALL_ARTIFACTS / "members"
PASSWORD = "Secret-pass-2026"
AGENCY = "华夏邓白氏（中国）商业信息咨询有限公司"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _login(page, username: str) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/login/" not in page.url


def _verified_member():
    user = UserFactory(username="hzsteel-cert")
    company = user.company
    company.name = "杭州华钢管业有限公司"
    company.save(update_fields=["name"])
    today = timezone.localdate()
    TrustPassPeriodFactory(
        company=company, starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=1)
    )
    app = verification_services.verification_apply(
        company=company,
        agency=VerificationAgencyFactory(name=AGENCY),
        registration_number=VALID_NUMBERS[0],
        applicant_name="王建国",
    )
    app = verification_services.verification_approve(application=app)
    # Approved a month ago: the certificate has run for a while when it lapses below.
    app.decided_at = timezone.now() - timedelta(days=30)
    app.save(update_fields=["decided_at"])
    return user, app


def test_ordinary_member_sees_the_comparison_instead_of_the_form(new_page):
    UserFactory(username="ordinary-cert")
    VerificationAgencyFactory(name=AGENCY)
    page = new_page()
    _login(page, "ordinary-cert")
    page.goto("/my/verification/")
    assert page.locator("input[name=registration_number]").count() == 0
    assert page.locator("table.compare tbody tr").count() == 7
    assert "身份认证是诚信通会员的特权" in page.content()
    _shot(page, "verification_ordinary")
    page.click("text=开通诚信通，申请身份认证")
    page.wait_for_load_state()
    assert "/my/trustpass/" in page.url


def test_certificate_page_print_check_form_and_expiry(new_page, browser):
    user, app = _verified_member()
    code = app.certificate_code

    # The member finds the certificate on the verification page.
    page = new_page()
    _login(page, user.username)
    page.goto("/my/verification/")
    assert code in page.content()
    _shot(page, "verification_verified")
    page.click("text=查看并打印网上身份证明")
    page.wait_for_url(f"**/certificates/{code}/")
    certificate = page.locator("article.certificate")
    text = certificate.inner_text()
    for expected in ("网上身份证明", "杭州华钢管业有限公司", "9133**********852F", AGENCY, code):
        assert expected in text, expected
    assert VALID_NUMBERS[0] not in page.content()
    assert page.locator(".cert-stamp.ok").inner_text() == "有效"
    _shot(page, "certificate")

    # Printed: only the certificate (no navigation, no buttons), on A4.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    for hidden in (".site-header", ".site-footer", ".cert-actions"):
        assert not page.locator(hidden).is_visible(), hidden
    assert certificate.is_visible()
    _shot(page, "certificate_print")
    pdf = page.pdf(path=str(ARTIFACTS / "certificate.pdf"), prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # one page
    assert re.search(rb"/MediaBox\s*\[0 0 59[45]\.\d+ 84[12]\.\d+\]", pdf)  # A4
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})

    # A customer (not signed in) checks the code as typed, in lower case with hyphens.
    visitor = new_page()
    visitor.goto("/certificates/check/")
    visitor.fill("input[name=code]", f"{code[:4].lower()}-{code[4:8].lower()}-{code[8:]}")
    visitor.click("main form button[type=submit]")
    visitor.wait_for_load_state()
    result = visitor.locator(".check-result")
    assert "目前有效" in result.inner_text() and "杭州华钢管业有限公司" in result.inner_text()
    _shot(visitor, "certificate_check_valid")
    visitor.click("text=查看完整证明")
    visitor.wait_for_url(f"**/certificates/{code}/")

    visitor.goto("/certificates/check/?code=ZZZZ-ZZZZ-ZZZZ")
    assert "未找到该验证码" in visitor.content()
    _shot(visitor, "certificate_check_unknown")

    # The company page links the certificate.
    visitor.goto(f"/companies/{user.company.member_id}/")
    visitor.click("text=查看网上身份证明")
    visitor.wait_for_url(f"**/certificates/{code}/")

    # The membership ends today (R-M2: ends_on is no longer TrustPass): invalid, with why.
    user.company.trustpass_periods.update(ends_on=timezone.localdate())
    visitor.reload()
    assert visitor.locator(".cert-stamp.bad").inner_text() == "无效 / 已失效"
    assert "诚信通会员资格" in visitor.locator(".cert-reason").inner_text()
    today = timezone.localdate()
    assert f"自 {today:%Y-%m-%d} 起失效" in visitor.locator(".cert-validity").inner_text()
    _shot(visitor, "certificate_invalid")
    visitor.goto(f"/certificates/check/?code={code}")
    assert "无效 / 已失效" in visitor.locator(".check-result").inner_text()
    _shot(visitor, "certificate_check_invalid")
