"""In the browser (issue 14, part 3): a company administrator invites a colleague with the
listings role, the invitee opens the link from the e-mail in the outbox, creates an account
and is signed in; the colleague can post listings but the inbox and the company profile say
in Chinese why they are closed. The administrator then makes them a sales colleague and the
inbox opens; finally the administrator removes them (with a confirmation).

Screenshots go to test-artifacts/members/ (not in git)."""

import re

import pytest
from django.core import mail

from inquiries.services import inquiry_send
from members.models import User
from tests.browser import shot
from tests.e2e.conftest import login
from tests.factories import ListingFactory, TrustPassPeriodFactory, UserFactory
from tests.members.notice_factories import ConfirmedUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Secret-pass-2026"
LINK = re.compile(r"https?://\S+?(/colleagues/accept/\S+/)")


def test_admin_invites_a_colleague_who_joins_and_sees_what_the_role_allows(new_page):
    admin = ConfirmedUserFactory(username="wangjg")
    company = admin.company
    TrustPassPeriodFactory(company=company)
    listing = ListingFactory(company=company, title="供应304不锈钢无缝钢管现货")
    buyer = UserFactory()
    TrustPassPeriodFactory(company=buyer.company)
    inquiry_send(sender=buyer, message="请问Φ57×3.5有现货吗？需要20吨。", listing=listing)

    # 1. The administrator invites a colleague with the listings role.
    boss = new_page()
    login(boss, admin.username, PASSWORD)
    boss.goto("/my/")
    assert "您在本企业的角色" in boss.content()
    boss.get_by_role("link", name="管理同事账号").click()
    form = boss.locator("#invite-form")
    form.locator("input[name=email]").fill("zhang.san@example.com")
    form.locator("select[name=role]").select_option("listings")
    shot(boss, "members", "colleagues-1-invite-form")
    boss.get_by_role("button", name="发送邀请").click()
    boss.wait_for_load_state()
    assert "邀请邮件已发送到 zhang.san@example.com" in boss.content()
    assert boss.locator("[data-testid='invitation-zhang.san@example.com']").count() == 1
    shot(boss, "members", "colleagues-2-invited")

    # 2. The invitee opens the link from the outbox and creates an account.
    message = [m for m in mail.outbox if m.to == ["zhang.san@example.com"]][-1]
    assert company.name in message.subject
    path = LINK.search(message.body).group(1)
    invitee = new_page()
    invitee.goto(path)
    assert company.name in invitee.content() and "产品信息" in invitee.content()
    invitee.fill("input[name=username]", "zhangsan")
    invitee.fill("input[name=password1]", PASSWORD)
    invitee.fill("input[name=password2]", PASSWORD)
    shot(invitee, "members", "colleagues-3-accept")
    invitee.get_by_role("button", name="创建账号并加入").click()
    invitee.wait_for_url("**/my/")
    assert "欢迎加入" in invitee.content()
    assert "您在本企业的角色：" in invitee.content() and "产品信息" in invitee.content()
    shot(invitee, "members", "colleagues-4-dashboard-listings-role")
    user = User.objects.get(username="zhangsan")
    assert user.company_id == company.pk and user.email_confirmed_at is not None

    # 3. What the listings role allows: posting listings yes; inbox and company no.
    invitee.goto("/my/listings/new/")
    assert invitee.locator("form input[name=title]").count() == 1
    response = invitee.goto("/my/inbox/")
    assert response.status == 403
    reason = invitee.locator("[data-testid=forbidden-reason]").inner_text()
    assert "“销售/询盘”或“管理员”" in reason and "产品信息" in reason
    shot(invitee, "members", "colleagues-5-inbox-refused")
    response = invitee.goto("/my/company/")
    assert response.status == 403 and "“管理员”" in invitee.content()

    # 4. The administrator makes them a sales colleague: the inbox opens, listings close.
    boss.goto("/my/colleagues/")
    row = boss.locator("[data-testid=colleague-zhangsan]")
    row.locator("select[name=role]").select_option("sales")
    row.get_by_role("button", name="修改角色").click()
    boss.wait_for_load_state()
    assert "zhangsan 的角色已改为“销售/询盘”" in boss.content()
    shot(boss, "members", "colleagues-6-role-changed")
    response = invitee.goto("/my/inbox/")
    assert response.status == 200 and listing.title in invitee.content()
    assert invitee.goto("/my/listings/new/").status == 403

    # 5. The administrator removes the colleague, after a confirmation page.
    boss.goto("/my/colleagues/")
    boss.locator("[data-testid=colleague-zhangsan]").get_by_role("link", name="移除").click()
    assert "仍归贵公司所有" in boss.content()
    shot(boss, "members", "colleagues-7-remove-confirm")
    boss.get_by_role("button", name="确认移除").click()
    boss.wait_for_load_state()
    assert "已将 zhangsan 移出贵公司" in boss.content()
    user.refresh_from_db()
    assert user.company_id is None
    listing.refresh_from_db()
    assert listing.company_id == company.pk


def test_admin_edits_the_profile_and_a_verified_name_waits_for_staff(new_page, tmp_path):
    """The company profile page (part 2): contacts and logo apply at once; a verified
    company's new name is a change request and the public page keeps the old name."""
    from tests.members.colleague_factories import verify

    admin = ConfirmedUserFactory(username="lijg")
    company = admin.company
    verify(company)
    logo = tmp_path / "logo.png"
    from PIL import Image

    Image.new("RGB", (900, 600), (20, 110, 200)).save(logo, "PNG")

    boss = new_page()
    login(boss, admin.username, PASSWORD)
    boss.goto("/my/")
    boss.get_by_role("link", name="编辑企业资料").click()
    boss.fill("input[name=main_products]", "不锈钢无缝钢管 不锈钢板")
    boss.fill("input[name=name]", "杭州新名称钢业集团有限公司")
    boss.set_input_files("input[name=logo]", str(logo))
    shot(boss, "members", "company-1-profile-form")
    boss.get_by_role("button", name="保存企业资料").click()
    boss.wait_for_load_state()
    assert "已提交工作人员审核" in boss.content()
    assert boss.locator("[data-testid=change-pending]").count() == 1
    assert boss.locator("img.company-logo").count() == 1
    shot(boss, "members", "company-2-change-pending")
    company.refresh_from_db()
    assert company.main_products == "不锈钢无缝钢管 不锈钢板"
    assert company.name != "杭州新名称钢业集团有限公司"
    boss.goto(f"/companies/{company.member_id}/")
    assert company.name in boss.content()
    assert "杭州新名称钢业集团有限公司" not in boss.content()
