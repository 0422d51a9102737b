"""The moderation admin (R-L3, R-L4): queue order, overdue, filters, checks, bulk actions."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from listings import selectors
from listings.models import Listing, ListingCheck, ListingImage, ProhibitedTerm
from members.models import Notice
from tests.factories import CompanyFactory, ListingFactory, TrustPassPeriodFactory

pytestmark = pytest.mark.django_db
Status = Listing.Status
QUEUE = "/admin/listings/reviewqueuelisting/"
CODES = (
    "duplicate",
    "prohibited_product",
    "english_only",
    "brand_model_in_title",
    "description_too_thin",
)


@pytest.fixture
def admin_client(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


def pending(deadline_minutes, failed=(), checked=True, **kw):
    now = timezone.now()
    listing = ListingFactory(
        status=Status.PENDING_REVIEW,
        submitted_at=now - timedelta(minutes=30),
        review_deadline=now + timedelta(minutes=deadline_minutes),
        published_at=None,
        first_published_at=None,
        checked_at=now if checked else None,
        **kw,
    )
    if checked:
        for code in CODES:
            ListingCheck.objects.create(
                listing=listing,
                code=code,
                passed=code not in failed,
                detail="" if code not in failed else "不合格",
            )
    return listing


def _ids_in_order(html: str, listings) -> list[int]:
    positions = {
        listing.pk: html.find(f"/admin/listings/reviewqueuelisting/{listing.pk}/change/")
        for listing in listings
    }
    assert all(p > 0 for p in positions.values()), positions
    return [pk for pk, _ in sorted(positions.items(), key=lambda kv: kv[1])]


def test_queue_is_ordered_by_deadline_and_shows_overdue(admin_client):
    later = pending(100, title="碳钢钢管")
    overdue = pending(-5, title="镀锌钢管")
    soon = pending(10, title="焊接钢管")
    ListingFactory(title="已上网的钢管")  # not in the queue
    response = admin_client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    assert _ids_in_order(html, [later, overdue, soon]) == [overdue.pk, soon.pk, later.pk]
    assert html.count('class="overdue"') == 1
    assert "已超时" in html
    assert "已上网的钢管" not in html
    assert "待审核 <strong>3</strong> 条" in html


def test_queue_shows_ttl_median_and_p95(admin_client):
    now = timezone.now()
    for minutes in (5, 10, 20):
        ListingFactory(
            submitted_at=now - timedelta(hours=1),
            went_live_at=now - timedelta(hours=1) + timedelta(minutes=minutes),
        )
    html = admin_client.get(QUEUE).content.decode()
    assert "近 7 天上网 3 条" in html
    assert '<strong data-testid="ttl-median">10 分 0 秒</strong>' in html
    assert '<strong data-testid="ttl-p95">20 分 0 秒</strong>' in html


def test_queue_filters(admin_client):
    tp_company = CompanyFactory()
    TrustPassPeriodFactory(company=tp_company)
    clean = pending(10, title="无缝钢管", company=tp_company)
    failed = pending(20, failed=("english_only",), title="焊管")
    demand = pending(30, kind="demand", title="求购钢管")
    overdue = pending(-1, title="镀锌管")

    def shown(query):
        html = admin_client.get(QUEUE + query).content.decode()
        return {
            listing.pk
            for listing in (clean, failed, demand, overdue)
            if f"/admin/listings/reviewqueuelisting/{listing.pk}/change/" in html
        }

    assert shown("?failed_check=any") == {failed.pk}
    assert shown("?failed_check=english_only") == {failed.pk}
    assert shown("?failed_check=duplicate") == set()
    assert shown("?trustpass=yes") == {clean.pk}
    assert clean.pk not in shown("?trustpass=no")
    assert shown("?kind__exact=demand") == {demand.pk}
    assert shown("?overdue=yes") == {overdue.pk}
    assert shown("?q=焊管") == {failed.pk}


def test_change_page_shows_checks_and_image_preview(admin_client):
    listing = pending(10, failed=("brand_model_in_title",))
    ListingImage.objects.create(listing=listing, image="listings/x.jpg", bytes=1000)
    html = admin_client.get(f"{QUEUE}{listing.pk}/change/").content.decode()
    assert "自动检查结果" in html
    assert "供应标题含品牌、规格、型号" in html and "不合格" in html
    assert '<img src="/media/listings/x.jpg"' in html
    assert "有自动检查未通过" in html


def test_bulk_approve_calls_the_service(admin_client):
    ok = pending(10)
    bad = pending(20, failed=("duplicate",))
    response = admin_client.post(
        QUEUE, {"action": "approve_selected", "_selected_action": [ok.pk, bad.pk]}, follow=True
    )
    assert response.status_code == 200
    ok.refresh_from_db()
    bad.refresh_from_db()
    assert ok.status == Status.LIVE and ok.published_at is not None
    assert bad.status == Status.PENDING_REVIEW
    html = response.content.decode()
    assert "已通过 1 条信息" in html
    assert "未能通过" in html


def test_bulk_reject_asks_for_reasons_then_rejects(admin_client):
    listing = pending(10)
    form = admin_client.post(QUEUE, {"action": "reject_selected", "_selected_action": [listing.pk]})
    assert form.status_code == 200
    assert "确认驳回" in form.content.decode()
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW
    response = admin_client.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": [listing.pk],
            "apply": "1",
            "codes": ["description_too_thin"],
            "detail": "请补充材质和包装",
        },
        follow=True,
    )
    assert "已驳回 1 条信息" in response.content.decode()
    listing.refresh_from_db()
    assert listing.status == Status.REJECTED
    assert listing.rejection_reasons[0]["code"] == "description_too_thin"
    assert "请补充材质和包装" in listing.rejection_reasons[0]["detail"]
    assert Notice.objects.filter(company=listing.company, kind="listing_rejected").exists()


def test_bulk_reject_without_reason_shows_the_form_again(admin_client):
    listing = pending(10)
    response = admin_client.post(
        QUEUE, {"action": "reject_selected", "_selected_action": [listing.pk], "apply": "1"}
    )
    assert response.status_code == 200
    assert "确认驳回" in response.content.decode()
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW


def test_single_approve_and_reject_pages(admin_client):
    listing = pending(10)
    assert admin_client.get(f"{QUEUE}{listing.pk}/approve/").status_code == 302  # GET does nothing
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW
    admin_client.post(f"{QUEUE}{listing.pk}/approve/")
    listing.refresh_from_db()
    assert listing.status == Status.LIVE

    other = pending(10)
    assert "确认驳回" in admin_client.get(f"{QUEUE}{other.pk}/reject/").content.decode()
    admin_client.post(f"{QUEUE}{other.pk}/reject/", {"codes": ["other"], "detail": "图片模糊"})
    other.refresh_from_db()
    assert other.status == Status.REJECTED
    assert other.rejection_reasons == [
        {"code": "other", "detail": "其他原因：图片模糊", "rule": "R-L3"}
    ]


def test_non_staff_cannot_use_the_queue(member):
    client = Client()
    client.force_login(member)
    assert client.get(QUEUE).status_code == 302  # to the admin login


def test_all_listings_admin_and_withdraw_action(admin_client):
    live = ListingFactory(title="在线钢管")
    response = admin_client.get("/admin/listings/listing/?status__exact=live")
    assert response.status_code == 200 and "在线钢管" in response.content.decode()
    # Issue 15: the action asks for the reason first (it goes to the audit log).
    asked = admin_client.post(
        "/admin/listings/listing/", {"action": "withdraw_selected", "_selected_action": [live.pk]}
    )
    assert asked.status_code == 200 and "下架原因" in asked.content.decode()
    live.refresh_from_db()
    assert live.status == Status.LIVE
    admin_client.post(
        "/admin/listings/listing/",
        {
            "action": "withdraw_selected",
            "_selected_action": [live.pk],
            "apply": "1",
            "reason": "经举报核实为假冒品牌",
        },
    )
    live.refresh_from_db()
    assert live.status == Status.WITHDRAWN


def test_staff_edit_of_a_live_listing_goes_through_the_service(admin_client):
    live = ListingFactory(title="在线钢管")
    page = admin_client.get(f"/admin/listings/listing/{live.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "title": "在线无缝钢管",
            "category": live.category_id,
            "price_tiers": "[]",
            "checks-TOTAL_FORMS": 0,
            "checks-INITIAL_FORMS": 0,
            "images-TOTAL_FORMS": 0,
            "images-INITIAL_FORMS": 0,
        }
    )
    for key in ("fixed_price", "supports_escrow"):
        if not data.get(key):
            data.pop(key, None)
    response = admin_client.post(f"/admin/listings/listing/{live.pk}/change/", data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    live.refresh_from_db()
    assert live.title == "在线无缝钢管"
    assert live.status == Status.PENDING_REVIEW


def test_category_and_term_admins(admin_client):
    assert admin_client.get("/admin/listings/category/").status_code == 200
    assert admin_client.get("/admin/listings/category/add/").status_code == 200
    response = admin_client.post(
        "/admin/listings/prohibitedterm/add/", {"term": "象牙", "note": "濒危物种"}
    )
    assert response.status_code == 302
    assert "象牙" in selectors.prohibited_terms()
    term = ProhibitedTerm.objects.get(term="象牙")
    admin_client.post(
        "/admin/listings/prohibitedterm/",
        {"action": "delete_selected", "_selected_action": [term.pk], "post": "yes"},
    )
    assert not ProhibitedTerm.objects.exists()
    assert "象牙" not in selectors.prohibited_terms()
