"""Issue 15: every staff decision leaves one audit row (who, when, what, why), written by the
service itself inside the decision's transaction, so the admin, the API, tasks and
commands are all recorded; nothing is recorded when nothing was decided."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from credit import services as credit_services
from inquiries import services as inquiry_services
from listings import services as listing_services
from listings.exceptions import ChecksFailed, InvalidTransition
from listings.models import Listing
from members import company_services, verification_services
from members import services as member_services
from members.models import CompanyChangeRequest, TrustPassPeriod
from tests.audit.conftest import pending_listing
from tests.credit.factories import CertificateFactory
from tests.factories import CompanyFactory, ListingFactory, UserFactory
from tests.inquiries.inquiry_factories import seller_and_listing
from tests.listings.helpers import submit
from tests.listings.listing_factories import leaf_category
from tests.members.factories import VerificationApplicationFactory
from trade import disputes
from trade import services as trade_services

pytestmark = pytest.mark.django_db
A = AuditEntry.Action


def only_entry(**filters) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(**filters))
    assert len(entries) == 1, entries
    return entries[0]


def assert_recent(entry: AuditEntry) -> None:
    assert timezone.now() - entry.at < timedelta(minutes=1)


# --- listings ---------------------------------------------------------------------------------


def test_listing_approve_records_the_moderator(staff):
    listing = pending_listing()
    listing_services.listing_approve(listing=listing, by=staff)
    entry = only_entry(action=A.LISTING_APPROVE)
    assert (entry.actor, entry.actor_name) == (staff, "moderator")
    assert (entry.target_type, entry.target_id, entry.target_label) == (
        "listings.listing",
        str(listing.pk),
        listing.title,
    )
    assert entry.company_id == listing.company_id
    assert entry.company_label == f"{listing.company.member_id} {listing.company.name}"
    assert entry.details == {"review_round": listing.review_round, "automatic": False}
    assert_recent(entry)


def test_listing_reject_records_every_reason(staff):
    listing = pending_listing()
    listing_services.listing_reject(
        listing=listing, by=staff, codes=["english_only", "other"], detail="标题请用中文"
    )
    entry = only_entry(action=A.LISTING_REJECT)
    assert entry.actor == staff
    assert entry.details["codes"] == ["english_only", "other"]
    assert entry.details["automatic"] is False
    assert "标题请用中文" in entry.reason and len(entry.reason.splitlines()) == 2


def test_a_refused_decision_records_nothing(staff):
    listing = pending_listing(failed=("english_only",))
    with pytest.raises(ChecksFailed):
        listing_services.listing_approve(listing=listing, by=staff)
    live = ListingFactory()
    with pytest.raises(InvalidTransition):
        listing_services.listing_reject(listing=live, by=staff, codes=["english_only"])
    assert not AuditEntry.objects.exists()


def test_the_automatic_rejection_is_recorded_as_the_system(django_capture_on_commit_callbacks):
    """The PostgreSQL fast path of the review (one guarded statement) records it too."""
    company = CompanyFactory()
    listing = submit(
        company,
        leaf_category(),
        django_capture_on_commit_callbacks,
        title="供应TP304不锈钢无缝钢管",
        description="质量好",
    )
    assert listing.status == Listing.Status.REJECTED
    entry = only_entry(action=A.LISTING_REJECT)
    assert entry.actor is None and entry.actor_name == "系统"
    assert entry.target_id == str(listing.pk) and entry.target_label == listing.title
    assert entry.company_id == company.pk and company.member_id in entry.company_label
    assert entry.details["automatic"] is True
    assert entry.details["codes"] == ["brand_model_in_title", "description_too_thin"]
    assert "TP304" in entry.reason


def test_the_automatic_publication_is_recorded(django_capture_on_commit_callbacks, settings):
    settings.LISTING_AUTO_PUBLISH_CLEAN = True
    listing = submit(CompanyFactory(), leaf_category(), django_capture_on_commit_callbacks)
    assert listing.status == Listing.Status.LIVE
    entry = only_entry(action=A.LISTING_APPROVE)
    assert entry.actor is None and entry.details["automatic"] is True


def test_staff_withdrawal_is_recorded_with_its_reason_the_owner_s_is_not(staff):
    owner = UserFactory()
    mine = ListingFactory(company=owner.company)
    listing_services.listing_withdraw(listing=mine, by=owner)
    assert not AuditEntry.objects.exists()
    live = ListingFactory()
    listing_services.listing_withdraw(listing=live, by=staff, reason="假冒品牌")
    entry = only_entry(action=A.LISTING_WITHDRAW)
    assert (entry.actor, entry.reason, entry.details) == (staff, "假冒品牌", {"was": "live"})


def test_staff_api_decisions_are_recorded(staff):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(staff)
    approve = pending_listing()
    assert api.post(f"/api/v1/staff/listings/{approve.pk}/approve/").status_code == 200
    reject = pending_listing()
    response = api.post(
        f"/api/v1/staff/listings/{reject.pk}/reject/",
        {"codes": ["description_too_thin"], "detail": "请补充产品介绍"},
        format="json",
    )
    assert response.status_code == 200
    live = ListingFactory()
    assert api.post(f"/api/v1/staff/listings/{live.pk}/withdraw/").status_code == 200
    rows = {(e.action, e.target_id) for e in AuditEntry.objects.filter(actor=staff)}
    assert rows == {
        (A.LISTING_APPROVE, str(approve.pk)),
        (A.LISTING_REJECT, str(reject.pk)),
        (A.LISTING_WITHDRAW, str(live.pk)),
    }


# --- members: verification, membership, company changes ------------------------------------


def test_verification_decisions_are_recorded(staff):
    app = VerificationApplicationFactory()
    verification_services.verification_approve(application=app, by=staff)
    verification_services.verification_approve(application=app, by=staff)  # no-op, not recorded
    verification_services.verification_revoke(application=app, reason="营业执照被吊销", by=staff)
    other = VerificationApplicationFactory(registration_number=app.registration_number)
    verification_services.verification_reject(application=other, reason="照片不清晰", by=staff)
    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == [
        A.VERIFICATION_APPROVE,
        A.VERIFICATION_REVOKE,
        A.VERIFICATION_REJECT,
    ]
    approve, revoke, reject = entries
    assert approve.reason == "" and approve.details["certificate_code"]
    assert revoke.reason == "营业执照被吊销" and reject.reason == "照片不清晰"
    assert approve.target_type == "members.verificationapplication"
    assert approve.target_label == f"{app.company.member_id} {app.registration_number}"
    assert {e.actor for e in entries} == {staff}


def test_membership_grant_update_and_delete_are_recorded(staff):
    company = CompanyFactory()
    today = timezone.localdate()
    period = member_services.membership_grant(
        company=company,
        starts_on=today,
        ends_on=today + timedelta(days=365),
        note="线下付款，收据 0042",
        by=staff,
    )
    member_services.membership_period_update(
        period=period,
        starts_on=today,
        ends_on=today + timedelta(days=366),
        note="更正结束日期",
        by=staff,
    )
    member_services.membership_period_delete(period=period, by=staff)
    grant, update, delete = AuditEntry.objects.order_by("id")
    assert [grant.action, update.action, delete.action] == [
        A.MEMBERSHIP_GRANT,
        A.MEMBERSHIP_UPDATE,
        A.MEMBERSHIP_DELETE,
    ]
    assert grant.reason == "线下付款，收据 0042" and grant.details["source"] == "staff"
    assert update.details["before"]["ends_on"] == (today + timedelta(days=365)).isoformat()
    assert update.details["ends_on"] == (today + timedelta(days=366)).isoformat()
    # The period is gone; its history stays.
    assert not TrustPassPeriod.objects.filter(pk=period.pk).exists()
    assert delete.target_id == str(period.pk) and delete.company_id == company.pk


def test_staff_api_membership_grant_is_recorded(staff):
    from rest_framework.test import APIClient

    company = CompanyFactory()
    api = APIClient()
    api.force_authenticate(staff)
    today = timezone.localdate()
    response = api.post(
        "/api/v1/staff/memberships/",
        {
            "member_id": company.member_id,
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=365)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201
    entry = only_entry(action=A.MEMBERSHIP_GRANT)
    assert entry.actor == staff and entry.company_id == company.pk


def test_company_change_decisions_are_recorded(staff):
    approved = CompanyChangeRequest.objects.create(
        company=CompanyFactory(), name="杭州新钢有限公司"
    )
    company_services.change_request_approve(change_request=approved, by=staff)
    rejected = CompanyChangeRequest.objects.create(company=CompanyFactory(), name="随便起的名字")
    company_services.change_request_reject(
        change_request=rejected, reason="与营业执照不一致", by=staff
    )
    approve, reject = AuditEntry.objects.order_by("id")
    assert (
        approve.action == A.COMPANY_CHANGE_APPROVE and approve.details["name"] == "杭州新钢有限公司"
    )
    assert reject.action == A.COMPANY_CHANGE_REJECT and reject.reason == "与营业执照不一致"
    assert reject.target_type == "members.companychangerequest"


# --- reports, disputes, refunds, certificates -----------------------------------------------


def test_closing_a_report_is_recorded(staff):
    _, listing = seller_and_listing(title="涉嫌假冒的钢管")
    report = inquiry_services.report_create(reporter=UserFactory(), listing=listing, reason="fake")
    inquiry_services.report_close(
        report_id=report.pk, by=staff, status="resolved", resolution="已核实，信息已下架"
    )
    inquiry_services.report_close(report_id=report.pk, by=staff, status="dismissed")  # closed
    entry = only_entry(action=A.REPORT_CLOSE)
    assert entry.actor == staff and entry.reason == "已核实，信息已下架"
    assert entry.details == {
        "status": "resolved",
        "report_reason": "fake",
        "listing_id": listing.pk,
    }
    assert entry.company_id == listing.company_id


def test_deciding_a_dispute_is_recorded(make_order, staff, credit_calls):
    order = make_order("disputed")
    disputes.dispute_decide(
        order_id=order.pk, decision="release", reason="物流显示已签收", staff_user=staff
    )
    disputes.dispute_decide(  # the same decision again: idempotent, not recorded twice
        order_id=order.pk, decision="release", reason="物流显示已签收", staff_user=staff
    )
    entry = only_entry(action=A.DISPUTE_DECIDE)
    assert entry.actor == staff and entry.reason == "物流显示已签收"
    assert entry.details["decision"] == "release" and entry.details["order_id"] == order.pk
    assert entry.target_type == "trade.dispute" and entry.company_id == order.seller_id


def test_a_staff_refund_is_recorded_a_buyer_s_is_not(make_order, staff, credit_calls):
    paid = make_order("paid")
    trade_services.order_refund(order_id=paid.pk, by=paid.buyer, reason="不想要了")
    assert not AuditEntry.objects.filter(action=A.ORDER_REFUND).exists()
    other = make_order("paid")
    trade_services.order_refund(order_id=other.pk, by=None, staff_user=staff, reason="客服退款")
    entry = only_entry(action=A.ORDER_REFUND)
    assert entry.actor == staff and entry.target_id == str(other.pk)


def test_certificate_decisions_are_recorded(staff):
    certificate = CertificateFactory()
    credit_services.certificate_verify(certificate_id=certificate.pk, by=staff)
    credit_services.certificate_reject(certificate_id=certificate.pk, reason="证书已过期", by=staff)
    verify, reject = AuditEntry.objects.order_by("id")
    assert verify.action == A.CERTIFICATE_VERIFY and reject.action == A.CERTIFICATE_REJECT
    assert reject.reason == "证书已过期" and reject.details["was_verified"] is True


def test_the_row_commits_with_the_decision_or_not_at_all(staff):
    listing = pending_listing()
    with pytest.raises(RuntimeError), transaction.atomic():
        listing_services.listing_approve(listing=listing, by=staff)
        raise RuntimeError("the caller's transaction fails after the decision")
    assert not AuditEntry.objects.exists()
    assert Listing.objects.get(pk=listing.pk).status == Listing.Status.PENDING_REVIEW
