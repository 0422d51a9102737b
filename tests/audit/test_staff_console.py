"""Issue 15: the staff console. The admin index leads with the work waiting (a count per
queue, the oldest deadline, a link to exactly that work); moderation changelists offer
their decisions first and "delete selected" last or not at all; columns read; the
verification list opens on pending applications by deadline; decisions made in the admin
are in the audit log."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from credit.models import Certificate
from inquiries import services as inquiry_services
from inquiries.models import ListingReport
from listings.models import Listing
from members.models import CompanyChangeRequest, VerificationApplication
from ops.models import FailedTask
from tests.audit.conftest import pending_listing
from tests.credit.factories import CertificateFactory
from tests.factories import CompanyFactory, ListingFactory, UserFactory
from tests.members.factories import VerificationApplicationFactory
from trade.models import Dispute

pytestmark = pytest.mark.django_db
A = AuditEntry.Action


def _age(model, pk, **delta):
    """Move a row's auto_now_add time into the past (the rows are not audit rows)."""
    field = {
        VerificationApplication: "created_at",
        ListingReport: "created_at",
        CompanyChangeRequest: "created_at",
        Certificate: "created_at",
    }[model]
    model.objects.filter(pk=pk).update(**{field: timezone.now() - timedelta(**delta)})


@pytest.fixture
def work(make_order, credit_calls):
    """Some of every kind of work, and some that is done."""
    overdue = pending_listing(-30, title="镀锌钢管")
    pending_listing(60, title="焊接钢管")
    ListingFactory(title="已上网的钢管")
    late_app = VerificationApplicationFactory()
    _age(VerificationApplication, late_app.pk, days=5)
    VerificationApplicationFactory()
    VerificationApplicationFactory(status=VerificationApplication.Status.APPROVED)
    listing = ListingFactory(title="被举报的钢管")
    inquiry_services.report_create(reporter=UserFactory(), listing=listing, reason="fake")
    closed = inquiry_services.report_create(reporter=UserFactory(), listing=listing, reason="fraud")
    ListingReport.objects.filter(pk=closed.pk).update(status=ListingReport.Status.DISMISSED)
    disputed = make_order("disputed")
    CompanyChangeRequest.objects.create(company=CompanyFactory(), name="新名称有限公司")
    CertificateFactory()
    CertificateFactory(status=Certificate.Status.VERIFIED)
    FailedTask.objects.create(
        task_id="t-1", task_name="credit.recalculate", failed_at=timezone.now()
    )
    FailedTask.objects.create(
        task_id="t-2",
        task_name="credit.recalculate",
        failed_at=timezone.now(),
        status=FailedTask.Status.RESOLVED,
    )
    return {"overdue_listing": overdue, "late_app": late_app, "disputed": disputed}


def _cards(response) -> dict:
    return {item.key: item for item in response.context["work_queue"]}


def test_index_leads_with_the_work_waiting(admin_client, work):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    cards = _cards(response)
    counts = {key: item.count for key, item in cards.items()}
    assert counts == {
        "listings": 2,
        "verifications": 2,
        "reports": 1,
        "disputes": 1,
        "company_changes": 1,
        "certificates": 1,
        "flagged_reviews": 0,
        "failed_tasks": 1,
    }
    assert cards["listings"].overdue == 1 and cards["verifications"].overdue == 1
    assert cards["listings"].oldest == work["overdue_listing"].review_deadline
    assert "已超时" in cards["listings"].detail and "最早截止" in cards["listings"].detail
    html = response.content.decode()
    # The work comes first: before the list of every model.
    assert html.index('class="work-queue"') < html.index('class="all-models"')
    assert html.index('data-queue="listings"') < html.index('data-queue="verifications"')
    for item in cards.values():
        assert f'href="{item.url}"' in html


def test_each_card_links_to_exactly_its_work(admin_client, work):
    cards = _cards(admin_client.get("/admin/"))
    for key, item in cards.items():
        page = admin_client.get(item.url)
        assert page.status_code == 200, key
        assert page.context["cl"].result_count == item.count, (key, item.url)
        if item.overdue:
            late = admin_client.get(item.overdue_url)
            assert late.context["cl"].result_count == item.overdue, (key, item.overdue_url)
    assert urlsplit(cards["listings"].url).path == "/admin/listings/reviewqueuelisting/"
    assert parse_qs(urlsplit(cards["disputes"].url).query) == {"state": ["open"]}
    dispute_rows = admin_client.get(cards["disputes"].url).context["cl"].result_list
    assert [d.order_id for d in dispute_rows] == [work["disputed"].pk]


def test_cards_follow_the_permissions():
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_verificationapplication"))
    client = Client()
    client.force_login(clerk)
    VerificationApplicationFactory()
    response = client.get("/admin/")
    assert [item.key for item in response.context["work_queue"]] == ["verifications"]
    assert response.context["recent_decisions"] == []
    assert "/admin/audit/auditentry/" not in response.content.decode()


def test_index_shows_the_latest_decisions(admin_client, staff):
    from listings import services as listing_services

    listing = pending_listing(title="无缝钢管")
    listing_services.listing_approve(listing=listing, by=staff)
    response = admin_client.get("/admin/")
    assert [e.target_label for e in response.context["recent_decisions"]] == ["无缝钢管"]
    html = response.content.decode()
    assert "信息审核通过" in html and 'href="/admin/audit/auditentry/"' in html


def test_index_url_names_still_work(admin_client):
    from django.contrib import admin
    from django.urls import reverse

    from marketplace.admin_site import StaffAdminSite

    assert isinstance(admin.site, StaffAdminSite)
    assert reverse("admin:index") == "/admin/"
    assert (
        admin_client.get(reverse("admin:listings_reviewqueuelisting_changelist")).status_code == 200
    )


# --- bulk actions: decisions first, delete last (or not at all) -------------------------------


def _actions(client, url) -> list[str]:
    """The bulk actions offered, in the order of the changelist's menu."""
    response = client.get(url)
    assert response.status_code == 200, url
    form = response.context["action_form"]
    return [value for value, _label in form.fields["action"].choices if value]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/admin/listings/reviewqueuelisting/", ["approve_selected", "reject_selected"]),
        (
            "/admin/listings/listing/",
            ["approve_selected", "reject_selected", "withdraw_selected", "delete_selected"],
        ),
        (
            "/admin/members/verificationapplication/",
            ["approve_selected", "reject_selected", "revoke_selected"],
        ),
        ("/admin/members/companychangerequest/", ["approve_selected", "reject_selected"]),
        ("/admin/inquiries/listingreport/", ["mark_resolved", "mark_dismissed"]),
        ("/admin/trade/dispute/", ["decide_refund", "decide_release"]),
        ("/admin/credit/certificate/", ["verify_selected", "reject_selected"]),
        ("/admin/ops/failedtask/", ["rerun_selected", "delete_selected"]),
        ("/admin/listings/prohibitedterm/", ["delete_selected"]),
    ],
)
def test_decisions_come_first_and_delete_last(admin_client, url, expected):
    assert _actions(admin_client, url) == expected


# --- readable columns ---------------------------------------------------------------------------


def test_queue_columns_read(admin_client):
    company = CompanyFactory(name="浙江省杭州市余杭区华东不锈钢管材制造有限公司")
    pending_listing(
        title="不锈钢无缝钢管",
        description="<p>本公司长期供应各种规格的不锈钢无缝钢管，材质有三零四和三一六等，质量可靠，价格优惠，交货及时。</p>",
        company=company,
    )
    html = admin_client.get("/admin/listings/reviewqueuelisting/").content.decode()
    assert '<span class="title-excerpt"><strong>不锈钢无缝钢管</strong>' in html
    assert (
        '<span class="excerpt">本公司长期供应各种规格的不锈钢无缝钢管' in html and "<p>" not in html
    )
    assert (
        f'<span class="nowrap"><a class="company-cell" href="/admin/members/company/{company.pk}/change/" title="{company.name}">{company.name}</a>'
        in html
    )
    assert "css/admin_console.css" in html
    from django.contrib.staticfiles import finders

    with open(finders.find("css/admin_console.css"), encoding="utf-8") as f:
        css = f.read()
    assert re.search(r"#result_list td\.field-company,[^{]*\{\s*white-space: nowrap", css, re.S)
    assert ".nowrap," in css


# --- the verification list: pending, by deadline ----------------------------------------------


def test_verification_list_opens_on_pending_by_deadline(admin_client, settings):
    settings.VERIFICATION_REVIEW_DAYS = 3
    newer = VerificationApplicationFactory()
    older = VerificationApplicationFactory()
    _age(VerificationApplication, older.pk, days=4)
    middle = VerificationApplicationFactory()
    _age(VerificationApplication, middle.pk, days=1)
    approved = VerificationApplicationFactory(status=VerificationApplication.Status.APPROVED)
    url = "/admin/members/verificationapplication/"
    page = admin_client.get(url)
    assert [a.pk for a in page.context["cl"].result_list] == [older.pk, middle.pk, newer.pk]
    html = page.content.decode()
    assert "审核截止" in html and html.count('class="overdue"') == 1
    assert admin_client.get(f"{url}?overdue=yes").context["cl"].result_count == 1
    everything = admin_client.get(f"{url}?status=all").context["cl"]
    assert everything.result_count == 4
    only_approved = admin_client.get(f"{url}?status=approved").context["cl"]
    assert [a.pk for a in only_approved.result_list] == [approved.pk]
    # Older links with the field filter's parameter still mean what they said.
    legacy = admin_client.get(f"{url}?status__exact=approved").context["cl"]
    assert [a.pk for a in legacy.result_list] == [approved.pk]


def test_verification_deadline_follows_the_setting(admin_client, settings):
    settings.VERIFICATION_REVIEW_DAYS = 10
    app = VerificationApplicationFactory()
    _age(VerificationApplication, app.pk, days=4)
    page = admin_client.get("/admin/members/verificationapplication/")
    assert 'class="overdue"' not in page.content.decode()
    assert _cards(admin_client.get("/admin/"))["verifications"].overdue == 0


# --- decisions taken in the admin are in the audit log ------------------------------------------


def test_admin_actions_write_the_audit_log(admin_client, staff, make_order, credit_calls):
    approve = pending_listing(title="无缝钢管")
    reject = pending_listing(title="焊接钢管")
    queue = "/admin/listings/reviewqueuelisting/"
    admin_client.post(queue, {"action": "approve_selected", "_selected_action": [approve.pk]})
    admin_client.post(
        queue,
        {
            "action": "reject_selected",
            "_selected_action": [reject.pk],
            "apply": "1",
            "codes": ["description_too_thin"],
            "detail": "请补充材质和规格",
        },
    )
    live = ListingFactory(title="在线钢管")
    admin_client.post(
        "/admin/listings/listing/",
        {
            "action": "withdraw_selected",
            "_selected_action": [live.pk],
            "apply": "1",
            "reason": "假冒品牌",
        },
    )
    app = VerificationApplicationFactory()
    admin_client.post(
        "/admin/members/verificationapplication/",
        {"action": "approve_selected", "_selected_action": [app.pk]},
    )
    report = inquiry_services.report_create(
        reporter=UserFactory(), listing=ListingFactory(title="被举报的钢管"), reason="fake"
    )
    admin_client.post(
        "/admin/inquiries/listingreport/",
        {
            "action": "mark_resolved",
            "_selected_action": [report.pk],
            "apply": "1",
            "resolution": "核实属实",
            "withdraw_listing": "on",
        },
    )
    order = make_order("disputed")
    admin_client.post(
        "/admin/trade/dispute/",
        {
            "action": "decide_refund",
            "_selected_action": [Dispute.objects.get(order=order).pk],
            "apply": "1",
            "reason": "卖家未发货",
        },
    )
    change = CompanyChangeRequest.objects.create(company=CompanyFactory(), name="新名称有限公司")
    admin_client.post(
        "/admin/members/companychangerequest/",
        {
            "action": "reject_selected",
            "_selected_action": [change.pk],
            "confirm": "yes",
            "reason": "名称不符",
        },
    )
    company = CompanyFactory()
    admin_client.post(
        "/admin/members/company/",
        {"action": "grant_one_year", "_selected_action": [company.pk]},
    )
    rows = [
        (
            e.action,
            e.target_label.split(" ")[-1] if e.action == A.REPORT_CLOSE else e.target_label,
            e.reason,
        )
        for e in AuditEntry.objects.order_by("id")
    ]
    assert {e.actor_id for e in AuditEntry.objects.all()} == {staff.pk}
    actions = [r[0] for r in rows]
    assert actions == [
        A.LISTING_APPROVE,
        A.LISTING_REJECT,
        A.LISTING_WITHDRAW,
        A.VERIFICATION_APPROVE,
        A.REPORT_CLOSE,
        A.LISTING_WITHDRAW,  # the reported listing, withdrawn with the report
        A.DISPUTE_DECIDE,
        A.COMPANY_CHANGE_REJECT,
        A.MEMBERSHIP_GRANT,
    ]
    assert rows[2][2] == "假冒品牌" and rows[4][2] == "核实属实"
    assert "核实属实" in rows[5][2] and rows[6][2] == "卖家未发货" and rows[7][2] == "名称不符"
    assert "请补充材质和规格" in rows[1][2]
    assert Listing.objects.get(pk=report.listing_id).status == Listing.Status.WITHDRAWN
