"""Listing review against PostgreSQL: the guarded stores of a review's result, duplicate
candidates, the sweep of lost reviews, and the rejection notice's e-mail (R-L3)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from listings import services
from listings.models import Listing, ListingCheck
from listings.review import reasons as review_reasons
from listings.review import services as review_services
from members.models import Notice
from tests.factories import CompanyFactory, ListingFactory
from tests.listings.helpers import submit
from tests.listings.listing_factories import listing_values
from tests.members.notice_factories import ConfirmedUserFactory

pytestmark = pytest.mark.django_db
Status = Listing.Status


# --- review store and sweep ----------------------------------------------------------------------


def test_review_sweep_runs_lost_reviews_again(company, category, settings):
    listing = services.listing_create(company=company, submit=True, **listing_values(category))
    assert listing.checked_at is None  # the task never ran (no commit in this test)
    assert (
        review_services.listing_review_sweep(now=listing.submitted_at + timedelta(seconds=119)) == 0
    )
    # Eager tasks: the sweep runs the review at once.
    assert (
        review_services.listing_review_sweep(now=listing.submitted_at + timedelta(seconds=121)) == 1
    )
    listing.refresh_from_db()
    assert listing.checked_at is not None
    assert review_services.listing_review_sweep(now=listing.submitted_at + timedelta(hours=1)) == 0
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "listings.listing_review_sweep" in entries


def test_review_store_is_guarded_by_round_and_state(company, category):
    from listings.review import store as review_store
    from listings.review.checks import CheckResult

    listing = services.listing_create(company=company, submit=True, **listing_values(category))
    results = [
        CheckResult(code=c, passed=True, rule="R-L3a") for c in ("duplicate", "english_only")
    ]
    now = timezone.now()
    kw = {"listing_id": listing.pk, "pending": "pending_review", "results": results, "now": now}
    assert review_store.store_checked_if_current(review_round=2, **kw) is False  # other round
    assert not ListingCheck.objects.filter(listing=listing).exists()
    assert review_store.store_checked_if_current(review_round=1, **kw) is True
    assert ListingCheck.objects.filter(listing=listing).count() == 2
    assert review_store.store_checked_if_current(review_round=1, **kw) is False  # checked
    assert ListingCheck.objects.filter(listing=listing).count() == 2
    listing.refresh_from_db()
    assert listing.checked_at == now
    assert review_services.listing_review(listing_id=listing.pk, review_round=1) == "skipped"


def test_a_clean_review_run_twice_stores_once(company, category):
    listing = services.listing_create(company=company, submit=True, **listing_values(category))
    assert review_services.listing_review(listing_id=listing.pk, review_round=1) == "queued"
    assert review_services.listing_review(listing_id=listing.pk, review_round=1) == "skipped"
    assert ListingCheck.objects.filter(listing=listing).count() == 5


def test_duplicate_candidates_same_in_sql_and_python(company, category):
    """The one-round-trip read (PostgreSQL) and the portable path pick the same twins."""
    from listings.review import store as review_store

    now = timezone.now()
    same = {"title": "不锈钢 无缝钢管", "category": category}
    me = ListingFactory(company=company, status=Status.PENDING_REVIEW, submitted_at=now, **same)
    live = ListingFactory(company=company, description="在线的", **same)
    earlier = ListingFactory(
        company=company,
        status=Status.PENDING_REVIEW,
        submitted_at=now - timedelta(minutes=1),
        description="更早提交的",
        **same,
    )
    ListingFactory(  # later: not a candidate
        company=company,
        status=Status.PENDING_REVIEW,
        submitted_at=now + timedelta(seconds=1),
        **same,
    )
    ListingFactory(company=company, status=Status.WITHDRAWN, **same)
    ListingFactory(company=CompanyFactory(), **same)  # another company
    ListingFactory(company=company, title="焊接钢管", category=category)  # another title
    row, twins = review_store.review_row_with_twins(me.pk, live="live", pending="pending_review")
    expected = {(live.title, live.description), (earlier.title, earlier.description)}
    assert set(twins) == expected
    assert set(review_services._duplicate_candidates(row)) == expected


def test_rejection_store_is_guarded_by_round_and_state(company, category):
    from listings.review import store as review_store
    from listings.review.checks import CheckResult

    listing = services.listing_create(company=company, submit=True, **listing_values(category))
    failed = CheckResult(code="description_too_thin", passed=False, detail="太短", rule="R-L3e")
    reasons = [failed.reason]
    notice = review_reasons.rejection_notice(listing.pk, listing.title, reasons)
    kw = {
        "listing_id": listing.pk,
        "pending": Status.PENDING_REVIEW,
        "rejected": Status.REJECTED,
        "results": [failed],
        "reasons": reasons,
        "notice": notice,
        "now": timezone.now(),
    }
    assert review_store.store_rejected_if_current(review_round=2, **kw) is False  # other round
    listing.refresh_from_db()
    assert listing.status == Status.PENDING_REVIEW and listing.checked_at is None
    assert not ListingCheck.objects.filter(listing=listing).exists()
    assert not Notice.objects.filter(company=company).exists()
    assert review_store.store_rejected_if_current(review_round=1, **kw) is True
    assert review_store.store_rejected_if_current(review_round=1, **kw) is False  # done
    listing.refresh_from_db()
    assert listing.status == Status.REJECTED
    assert listing.rejection_reasons == reasons
    assert listing.reviewed_at == listing.checked_at == kw["now"]
    assert listing.reviewed_by is None
    assert ListingCheck.objects.filter(listing=listing, passed=False).count() == 1
    made = Notice.objects.get(company=company)
    assert made.kind == "listing_rejected" and made.title == f"您的信息“{listing.title}”未通过审核"
    # The statement returned the company's names: the greeting needs no second read.
    assert made.body.startswith(f"{company.contact_name}，您好：") and "· 太短" in made.body


def test_a_rejection_email_that_could_not_be_queued_is_sent_by_the_notice_sweep(
    company, category, django_capture_on_commit_callbacks, monkeypatch
):
    from members import notices
    from members import tasks as member_tasks

    ConfirmedUserFactory(company=company)
    real_delay = member_tasks.notice_email.delay

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(member_tasks.notice_email, "delay", broker_down)
    listing = submit(company, category, django_capture_on_commit_callbacks, description="好")
    assert listing.status == Status.REJECTED  # the rejection itself is kept
    notice = Notice.objects.get(company=company, kind="listing_rejected")
    assert mail.outbox == [] and notice.emailed_at is None
    monkeypatch.setattr(member_tasks.notice_email, "delay", real_delay)
    assert notices.notice_email_sweep() == 0  # too young yet
    Notice.objects.filter(pk=notice.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    assert notices.notice_email_sweep() == 1
    assert len(mail.outbox) == 1  # eager: sent by the sweep
    assert "未通过审核" in mail.outbox[0].subject
    assert notices.notice_email_sweep() == 0
    assert len(mail.outbox) == 1
