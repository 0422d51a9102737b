"""End to end in Chromium (issue 15): the staff console at 1366×900 and 390×844. The admin
index leads with the work waiting (counts, oldest deadline, overdue badges, links to the
filtered changelists); the review queue's columns read (company names on one line) and its
menu offers approve and reject first; a decision taken there is in the audit log.
Screenshots: test-artifacts/admin/ (index-1366, index-390, changelist-1366,
changelist-390, verification-1366, audit-1366)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from credit.models import Certificate
from inquiries import services as inquiry_services
from listings import services as listing_services
from listings.models import Listing
from members.models import CompanyChangeRequest, VerificationApplication
from ops.models import FailedTask
from tests.audit.conftest import pending_listing
from tests.browser import TIMEOUT_MS, shot
from tests.credit.factories import CertificateFactory
from tests.e2e.conftest import admin_login
from tests.factories import CompanyFactory, ListingFactory, TrustPassPeriodFactory, UserFactory
from tests.members.factories import VerificationApplicationFactory
from tests.trade.conftest import drive
from tests.trade.factories import EscrowListingFactory
from trade import services as trade_services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Secret-pass-2026"
COMPANIES = [
    "浙江省杭州市余杭区华东不锈钢管材制造有限公司",
    "江苏无锡宏达特种钢管有限公司",
    "天津市静海区鑫源焊管厂",
    "广东佛山顺德精工五金制品有限公司",
]
LISTINGS = [
    ("供应304不锈钢无缝钢管 规格齐全", -95),
    ("大口径螺旋焊管 防腐保温管道", -20),
    ("镀锌方管 建筑钢结构用", 8),
    ("精密冷拔钢管 液压油缸专用", 45),
    ("不锈钢卫生级管件 卡箍弯头", 90),
    ("求购：碳钢无缝管 每月两百吨", 110),
]
DESCRIPTION = (
    "本公司常年供应各种规格型号的钢管，材质齐全，可按客户要求定尺加工，质量稳定，"
    "交货及时，欢迎来电咨询洽谈。"
)


@pytest.fixture
def console(db):
    staff = UserFactory(username="console-admin", is_staff=True, is_superuser=True)
    companies = [CompanyFactory(name=name) for name in COMPANIES]
    for i, (title, minutes) in enumerate(LISTINGS):
        pending_listing(
            minutes,
            title=title,
            description=DESCRIPTION,
            company=companies[i % len(companies)],
            failed=("description_too_thin",) if i == 3 else (),
        )
    # A decision already taken, for the index's latest decisions.
    decided = pending_listing(30, title="热轧无缝钢管 20#", company=companies[1])
    listing_services.listing_approve(listing=decided, by=staff)
    late = VerificationApplicationFactory(company=companies[0])
    VerificationApplication.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - timedelta(days=4)
    )
    VerificationApplicationFactory(company=companies[2])
    reported = ListingFactory(title="低价处理进口品牌轴承", company=companies[3])
    for reason in ("fake", "infringement"):
        inquiry_services.report_create(reporter=UserFactory(), listing=reported, reason=reason)
    seller, buyer = UserFactory(company=companies[1]), UserFactory()
    for company in (seller.company, buyer.company):
        TrustPassPeriodFactory(company=company)
    escrow = EscrowListingFactory(company=seller.company, title="无缝钢管 一口价")
    order = trade_services.order_create(buyer=buyer.company, listing_id=escrow.pk, quantity=2)
    drive(order, "disputed")
    CompanyChangeRequest.objects.create(company=companies[2], name="天津鑫源钢管制造有限公司")
    CertificateFactory(company=companies[0], status=Certificate.Status.PENDING)
    FailedTask.objects.create(
        task_id="e2e-1", task_name="credit.tasks.credit_recalculate", failed_at=timezone.now()
    )
    return staff


def _page(browser, server, width, height):
    context = browser.new_context(
        base_url=server.url, locale="zh-CN", viewport={"width": width, "height": height}
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def _no_page_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_staff_console_at_1366(browser, e2e_server, console):
    context, page = _page(browser, e2e_server, 1366, 900)
    try:
        admin_login(page, "console-admin", PASSWORD)
        page.goto("/admin/")
        cards = page.locator(".work-card")
        assert cards.count() == 8
        listings = page.locator('.work-card[data-queue="listings"]')
        assert listings.locator(".work-count").inner_text() == "6"
        assert "已超时" in listings.inner_text() and "最早截止" in listings.inner_text()
        assert listings.locator(".work-overdue").inner_text().startswith("2")
        verifications = page.locator('.work-card[data-queue="verifications"]')
        assert verifications.locator(".work-count").inner_text() == "2"
        assert page.locator('.work-card[data-queue="reports"] .work-count').inner_text() == "2"
        assert page.locator('.work-card[data-queue="disputes"] .work-count').inner_text() == "1"
        # The work comes above the list of every model, on the first screen.
        first_card = cards.first.bounding_box()
        assert first_card["y"] + first_card["height"] < 900
        assert page.locator("#recent-decisions-module").inner_text().count("热轧无缝钢管") == 1
        assert _no_page_overflow(page)
        shot(page, "admin", "index-1366")

        listings.locator(".work-card-link").click()
        page.wait_for_selector("#result_list")
        assert page.url.endswith("/admin/listings/reviewqueuelisting/")
        options = page.locator("select[name=action] option").all_inner_texts()
        assert options[1:3] == ["审核通过所选信息", "驳回所选信息（填写原因）"]
        assert not any("删除" in text for text in options)
        # Company names stay on one line: one line tall, however long the name.
        for cell in page.locator("#result_list td.field-company_link .nowrap").all():
            assert cell.bounding_box()["height"] < 30, cell.inner_text()
        assert (
            page.locator(".title-excerpt .excerpt").first.inner_text().startswith("本公司常年供应")
        )
        shot(page, "admin", "changelist-1366")

        # A decision in the queue lands in the audit log.
        row = page.locator("#result_list tr", has_text="镀锌方管")
        row.locator("input.action-select").check()
        page.select_option("select[name=action]", "approve_selected")
        page.click("button[name=index]")
        page.wait_for_selector(".messagelist")
        approved = Listing.objects.get(title__startswith="镀锌方管")
        assert approved.status == Listing.Status.LIVE
        entry = AuditEntry.objects.get(target_id=str(approved.pk))
        assert entry.actor_name == "console-admin"

        page.goto("/admin/audit/auditentry/?by=staff")
        assert page.locator("#result_list tbody tr").count() == 2
        assert not page.locator("select[name=action]").count()
        shot(page, "admin", "audit-1366")

        page.locator('a[href="/admin/"]').first.click()
        page.locator('.work-card[data-queue="verifications"] .work-card-link').click()
        page.wait_for_selector("#result_list")
        rows = page.locator("#result_list tbody tr")
        assert rows.count() == 2
        assert rows.first.locator(".overdue").count() == 1  # the oldest, past its deadline
        assert page.locator("#changelist-filter").inner_text().count("审核中") >= 1
        shot(page, "admin", "verification-1366")
    finally:
        context.close()


def test_staff_console_at_390(browser, e2e_server, console):
    context, page = _page(browser, e2e_server, 390, 844)
    try:
        admin_login(page, "console-admin", PASSWORD)
        page.goto("/admin/")
        cards = page.locator(".work-card")
        assert cards.count() == 8
        # Two cards a row, none wider than the screen; the page itself does not scroll sideways.
        boxes = [cards.nth(i).bounding_box() for i in range(4)]
        assert boxes[0]["y"] == boxes[1]["y"] and boxes[2]["y"] > boxes[0]["y"]
        assert all(box["x"] >= 0 and box["x"] + box["width"] <= 390 for box in boxes)
        for title in page.locator(".work-title").all():
            assert title.bounding_box()["height"] < 60  # never a character a line
        assert _no_page_overflow(page)
        shot(page, "admin", "index-390")

        page.locator('.work-card[data-queue="listings"] .work-card-link').click()
        page.wait_for_selector("#result_list")
        for cell in page.locator("#result_list td.field-company_link .nowrap").all():
            assert cell.bounding_box()["height"] < 30
        shot(page, "admin", "changelist-390")
    finally:
        context.close()
