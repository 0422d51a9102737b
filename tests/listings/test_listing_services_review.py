"""Listing services against PostgreSQL: submit, the automatic review (R-L3, R-L4) and the
staff decisions."""

from datetime import timedelta

import pytest
from django.core import mail

from listings import selectors, services
from listings.exceptions import (
    ChecksFailed,
    ChecksPending,
    InvalidRejection,
    InvalidTransition,
    TermExists,
)
from listings.models import Listing, ListingCheck, ProhibitedTerm
from listings.review import services as review_services
from listings.review import terms
from members.models import Notice
from members.tasks import notice_email
from tests.factories import CompanyFactory, ListingFactory, UserFactory
from tests.listings.helpers import submit
from tests.listings.listing_factories import listing_values
from tests.members.notice_factories import ConfirmedUserFactory

pytestmark = pytest.mark.django_db
Status = Listing.Status


# --- submit and the automatic review (R-L3, R-L4) ---------------------------------------------


def test_submit_queues_a_clean_listing_with_deadline_and_all_checks(
    company, category, django_capture_on_commit_callbacks, settings
):
    settings.LISTING_AUTO_PUBLISH_CLEAN = False
    listing = submit(company, category, django_capture_on_commit_callbacks)
    assert listing.status == Status.PENDING_REVIEW
    assert listing.review_round == 1
    assert listing.checked_at is not None
    assert listing.review_deadline in (
        listing.submitted_at + timedelta(minutes=15),
        listing.submitted_at + timedelta(hours=2),
    )
    checks = {c.code: c.passed for c in listing.checks.all()}
    assert checks == {
        "duplicate": True,
        "prohibited_product": True,
        "english_only": True,
        "brand_model_in_title": True,
        "description_too_thin": True,
    }
    assert list(selectors.review_queue()) == [listing]


def test_failing_listing_is_rejected_with_every_reason_and_the_seller_is_told(
    company, category, django_capture_on_commit_callbacks
):
    ConfirmedUserFactory(company=company, email="seller@example.com")
    listing = submit(
        company,
        category,
        django_capture_on_commit_callbacks,
        title="供应TP304不锈钢无缝钢管",
        description="质量好",
    )
    assert listing.status == Status.REJECTED
    codes = [r["code"] for r in listing.rejection_reasons]
    assert codes == ["brand_model_in_title", "description_too_thin"]
    assert all(r["detail"] and r["rule"].startswith("R-L3") for r in listing.rejection_reasons)
    notice = Notice.objects.get(company=company, kind="listing_rejected")
    assert "未通过审核" in notice.title and f"/my/listings/{listing.pk}/" == notice.url
    assert "型号“TP304”" in notice.body
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "未通过审核" in message.subject
    # Issue 14: the confirmed users of the company's listing roles, not its general address.
    assert message.to == ["seller@example.com"]
    assert "产品介绍信息过于简单" in message.body
    assert f"http://testserver/my/listings/{listing.pk}/" in message.body


def test_auto_publish_clean_sets_publication_times_and_reindexes(
    company, category, django_capture_on_commit_callbacks, settings, reindexed
):
    settings.LISTING_AUTO_PUBLISH_CLEAN = True
    listing = submit(company, category, django_capture_on_commit_callbacks)
    assert listing.status == Status.LIVE
    assert listing.published_at == listing.first_published_at == listing.went_live_at
    assert listing.expires_at == listing.published_at + timedelta(days=30)
    assert reindexed == [listing.pk]


def test_auto_publish_never_publishes_a_failing_listing(
    company, category, django_capture_on_commit_callbacks, settings
):
    settings.LISTING_AUTO_PUBLISH_CLEAN = True
    listing = submit(company, category, django_capture_on_commit_callbacks, description="好")
    assert listing.status == Status.REJECTED


def test_identical_listing_of_the_same_company_is_a_duplicate(
    company, category, django_capture_on_commit_callbacks
):
    ListingFactory(company=company, category=category, **_same_text(category))
    listing = submit(company, category, django_capture_on_commit_callbacks)
    assert [r["code"] for r in listing.rejection_reasons] == ["duplicate"]


def test_identical_listing_of_another_company_is_not_a_duplicate(
    company, category, django_capture_on_commit_callbacks
):
    ListingFactory(company=CompanyFactory(), category=category, **_same_text(category))
    listing = submit(company, category, django_capture_on_commit_callbacks)
    assert listing.status == Status.PENDING_REVIEW
    assert ListingCheck.objects.get(listing=listing, code="duplicate").passed


def test_a_withdrawn_or_rejected_twin_is_not_a_duplicate(
    company, category, django_capture_on_commit_callbacks
):
    for status in (Status.WITHDRAWN, Status.REJECTED, Status.EXPIRED, Status.DRAFT):
        ListingFactory(company=company, category=category, status=status, **_same_text(category))
    listing = submit(company, category, django_capture_on_commit_callbacks)
    assert listing.status == Status.PENDING_REVIEW


def test_of_two_pending_twins_only_the_later_is_a_duplicate(
    company, category, django_capture_on_commit_callbacks
):
    first = submit(company, category, django_capture_on_commit_callbacks)
    second = submit(company, category, django_capture_on_commit_callbacks)
    assert first.status == Status.PENDING_REVIEW
    assert second.status == Status.REJECTED


def _same_text(category):
    values = listing_values(category)
    return {k: values[k] for k in ("title", "description", "keyword")}


def test_a_new_prohibited_term_applies_to_the_next_review_at_once(
    company, category, django_capture_on_commit_callbacks
):
    assert submit(company, category, django_capture_on_commit_callbacks).status == "pending_review"
    terms.term_add(kind="prohibited", term="无缝钢管")
    listing = submit(company, category, django_capture_on_commit_callbacks, title="不锈钢钢管")
    assert [r["code"] for r in listing.rejection_reasons] == ["prohibited_product"]
    with pytest.raises(TermExists):
        terms.term_add(kind="prohibited", term=" 无缝钢管 ")
    ProhibitedTerm.objects.get(term="无缝钢管").delete()
    listing = submit(company, category, django_capture_on_commit_callbacks, title="碳钢钢管")
    assert listing.status == Status.PENDING_REVIEW


def test_the_review_task_twice_is_harmless(company, category, django_capture_on_commit_callbacks):
    ConfirmedUserFactory(company=company)
    listing = submit(company, category, django_capture_on_commit_callbacks, description="好")
    assert listing.status == Status.REJECTED
    assert review_services.listing_review(listing_id=listing.pk, review_round=1) == "skipped"
    notice = Notice.objects.get(kind="listing_rejected")
    assert notice_email.apply(args=[notice.pk]).get() is False  # sent once already
    assert ListingCheck.objects.filter(listing=listing).count() == 5
    assert Notice.objects.filter(kind="listing_rejected").count() == 1
    assert len(mail.outbox) == 1


def test_a_task_of_an_older_round_does_nothing(
    company, category, django_capture_on_commit_callbacks
):
    listing = services.listing_create(company=company, **listing_values(category))
    services.listing_submit(listing=listing)  # round 1, task not run (no commit)
    services.listing_update(listing=listing, description=listing.description + "另有现货。")
    assert listing.review_round == 2
    assert review_services.listing_review(listing_id=listing.pk, review_round=1) == "skipped"
    assert review_services.listing_review(listing_id=listing.pk, review_round=2) == "queued"


# --- staff decisions ------------------------------------------------------------------------------


def test_approve_publishes(company, category, django_capture_on_commit_callbacks, reindexed):
    staff = UserFactory(is_staff=True)
    listing = submit(company, category, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_approve(listing=listing, by=staff)
    listing.refresh_from_db()
    assert listing.status == Status.LIVE
    assert listing.reviewed_by == staff
    assert listing.first_published_at == listing.published_at is not None
    assert reindexed == [listing.pk]
    with pytest.raises(InvalidTransition):
        services.listing_approve(listing=listing, by=staff)


def test_approve_refused_when_a_check_failed(company, category, django_capture_on_commit_callbacks):
    listing = submit(company, category, django_capture_on_commit_callbacks, description="好")
    with pytest.raises(ChecksFailed) as exc:
        services.listing_approve(listing=listing, by=None)
    assert exc.value.status_code == 409 and exc.value.code == "checks_failed"


def test_approve_refused_before_the_checks_ran(company, category):
    listing = services.listing_create(company=company, submit=True, **listing_values(category))
    with pytest.raises(ChecksPending):
        services.listing_approve(listing=listing, by=None)


def test_staff_reject_with_codes_and_note(company, category, django_capture_on_commit_callbacks):
    ConfirmedUserFactory(company=company)
    listing = submit(company, category, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_reject(
            listing=listing, by=None, codes=["duplicate", "other"], detail="图片与产品不符"
        )
    listing.refresh_from_db()
    assert listing.status == Status.REJECTED
    assert [r["code"] for r in listing.rejection_reasons] == ["duplicate", "other"]
    assert "审核说明：图片与产品不符" in listing.rejection_reasons[0]["detail"]
    assert listing.rejection_reasons[1]["detail"] == "其他原因：图片与产品不符"
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(("codes", "detail"), [([], ""), (["nonsense"], ""), (["other"], "")])
def test_staff_reject_needs_valid_codes(company, category, codes, detail):
    listing = services.listing_create(company=company, submit=True, **listing_values(category))
    with pytest.raises(InvalidRejection):
        services.listing_reject(listing=listing, by=None, codes=codes, detail=detail)


def test_rejected_listing_is_edited_and_resubmitted(
    company, category, django_capture_on_commit_callbacks
):
    listing = submit(company, category, django_capture_on_commit_callbacks, description="好")
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_update(
            listing=listing, description=listing_values(category)["description"]
        )
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW
    assert listing.review_round == 2
    assert listing.rejection_reasons == []
    assert all(c.passed for c in listing.checks.all())
