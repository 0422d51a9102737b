"""Reports: anyone signed in reports a live listing with a reason; staff work the queue."""

import pytest
from django.test import Client

from inquiries import services
from inquiries.exceptions import ReportAlreadyOpen
from inquiries.models import ListingReport
from marketplace.exceptions import DomainError
from tests.conftest import auth_client
from tests.factories import UserFactory
from tests.inquiries.inquiry_factories import page_client, seller_and_listing

pytestmark = pytest.mark.django_db


def test_report_once_while_open_then_again_after_it_is_closed(staff_user):
    _, listing = seller_and_listing()
    user = UserFactory()
    report = services.report_create(reporter=user, listing=listing, reason="fake")
    with pytest.raises(ReportAlreadyOpen):
        services.report_create(reporter=user, listing=listing, reason="fraud")
    # Someone else may report the same listing.
    services.report_create(reporter=UserFactory(), listing=listing, reason="fraud")
    services.report_close(report_id=report.pk, by=staff_user, status="dismissed")
    report.refresh_from_db()
    assert report.status == "dismissed" and report.handled_by == staff_user
    assert report.handled_at is not None
    services.report_create(reporter=user, listing=listing, reason="fake", detail="价格明显不实")


def test_reason_must_come_from_the_list_and_other_needs_a_detail():
    _, listing = seller_and_listing()
    with pytest.raises(DomainError) as exc:
        services.report_create(reporter=UserFactory(), listing=listing, reason="boring")
    assert "reason" in exc.value.fields
    with pytest.raises(DomainError) as exc:
        services.report_create(reporter=UserFactory(), listing=listing, reason="other")
    assert "detail" in exc.value.fields


def test_only_live_listings_can_be_reported():
    _, listing = seller_and_listing(status="withdrawn")
    with pytest.raises(DomainError) as exc:
        services.report_create(reporter=UserFactory(), listing=listing, reason="fake")
    assert exc.value.status_code == 404


def test_report_page():
    _, listing = seller_and_listing()
    client = page_client(UserFactory())
    form = client.get(f"/listings/{listing.pk}/report/").content.decode()
    assert "虚假信息" in form and "csrfmiddlewaretoken" in form
    resp = client.post(f"/listings/{listing.pk}/report/", {"reason": "prohibited", "detail": ""})
    assert resp.status_code == 302
    again = client.post(f"/listings/{listing.pk}/report/", {"reason": "fake"})
    assert again.status_code == 409 and "您已举报过该信息" in again.content.decode()
    assert ListingReport.objects.count() == 1
    assert Client().get(f"/listings/{listing.pk}/report/").status_code == 302


def test_report_api():
    _, listing = seller_and_listing()
    client = auth_client(UserFactory())
    resp = client.post(
        f"/api/v1/listings/{listing.pk}/reports/", {"reason": "infringement"}, format="json"
    )
    assert resp.status_code == 201 and resp.json()["status"] == "open"
    dup = client.post(f"/api/v1/listings/{listing.pk}/reports/", {"reason": "fake"}, format="json")
    assert dup.status_code == 409 and dup.json()["code"] == "already_reported"
    bad = client.post(f"/api/v1/listings/{listing.pk}/reports/", {"reason": "x"}, format="json")
    assert bad.status_code == 400


def test_staff_queue_in_the_admin(staff_user):
    _, listing = seller_and_listing(title="涉嫌虚假的钢管")
    older = services.report_create(reporter=UserFactory(), listing=listing, reason="fake")
    closed = services.report_create(reporter=UserFactory(), listing=listing, reason="fraud")
    services.report_close(report_id=closed.pk, by=staff_user, status="resolved")
    newer = services.report_create(reporter=UserFactory(), listing=listing, reason="duplicate")
    client = page_client(staff_user)
    page = client.get("/admin/inquiries/listingreport/")
    assert page.status_code == 200
    order = [r.pk for r in page.context["cl"].result_list]
    assert order == [older.pk, newer.pk, closed.pk]  # open first, oldest first
    assert (
        client.get("/admin/inquiries/listingreport/?status__exact=open").context["cl"].result_count
        == 2
    )
    assert client.get("/admin/inquiries/listingreport/?q=涉嫌虚假").context["cl"].result_count == 3
    # Issue 15: the action asks what was done first (the audit log's reason).
    asked = client.post(
        "/admin/inquiries/listingreport/",
        {"action": "mark_resolved", "_selected_action": [older.pk, newer.pk]},
    )
    assert asked.status_code == 200 and "处理说明" in asked.content.decode()
    resp = client.post(
        "/admin/inquiries/listingreport/",
        {
            "action": "mark_resolved",
            "_selected_action": [older.pk, newer.pk],
            "apply": "1",
            "resolution": "已联系卖家更正",
        },
    )
    assert resp.status_code == 302
    assert set(ListingReport.objects.values_list("status", flat=True)) == {"resolved"}
    assert client.get("/admin/inquiries/inquiry/").status_code == 200
    assert client.get("/admin/inquiries/quote/").status_code == 200


def test_old_admin_addresses_of_the_moved_models_redirect(staff_user):
    """Issue 13: the inquiry models left the listings app; bookmarks keep working."""
    client = page_client(staff_user)
    resp = client.get("/admin/listings/listingreport/?status__exact=open")
    assert resp.status_code == 302
    assert resp["Location"] == "/admin/inquiries/listingreport/?status__exact=open"
    resp = client.get("/admin/listings/inquiry/5/change/")
    assert resp["Location"] == "/admin/inquiries/inquiry/5/change/"
    # The listings' own admin pages are not redirected.
    assert client.get("/admin/listings/listing/").status_code == 200
