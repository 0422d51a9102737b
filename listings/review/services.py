"""The automatic review of a listing (R-L3, R-L4): the checks of one review round, the
guarded store of their results and the sweep that runs lost rounds again. Staff decisions
and the lifecycle itself are in `listings.services`; the seller's notice and e-mail of a
decision go through `members.notices`."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import selectors
from ..models import Listing
from ..services import Status, _publish, _reject
from . import checks
from . import store as review_store
from .reasons import rejection_audit, rejection_notice


def _duplicate_candidates(listing) -> list[tuple[str, str]]:
    """R-L3a: the same company's live listings, and pending ones submitted before this one,
    with the same normalised title. Another company's listing is never a duplicate."""
    rows = review_store.duplicate_rows(
        company_id=listing.company_id,
        title_key=listing.title_key,
        exclude_id=listing.pk,
        statuses=(Status.LIVE, Status.PENDING_REVIEW),
    )
    mine = (listing.submitted_at, listing.pk)
    return [
        (title, description)
        for title, description, status, submitted_at, pk in rows
        if status == Status.LIVE or (submitted_at is not None and (submitted_at, pk) < mine)
    ]


def listing_run_checks(listing, *, twins: list[tuple[str, str]] | None = None):
    """R-L3a–e on a listing's current values (a Listing or a review_store.ReviewRow),
    against the current term lists. `twins`: the duplicate candidates, if already read."""
    values = checks.ListingValues(
        kind=listing.kind,
        title=listing.title,
        keyword=listing.keyword,
        description=listing.description,
        brand=listing.brand,
        model=listing.model,
        spec=listing.spec,
    )
    return checks.run_checks(
        values,
        others=_duplicate_candidates(listing) if twins is None else twins,
        prohibited_terms=selectors.prohibited_terms(),
        brand_terms=selectors.brand_terms(),
        similarity_threshold=settings.LISTING_DUPLICATE_SIMILARITY,
        min_chinese_share=settings.LISTING_MIN_CHINESE_SHARE,
        min_description_chars=settings.LISTING_MIN_DESCRIPTION_CHARS,
    )


def _review_current(row, review_round: int) -> bool:
    return (
        row is not None
        and row.status == Status.PENDING_REVIEW
        and row.review_round == review_round
        and row.checked_at is None
    )


def listing_review(*, listing_id: int, review_round: int) -> str:
    """R-L3: run the checks of one review round and act on them. Safe to run twice: a
    round already checked, superseded or no longer pending is left alone (the store is
    guarded, and a rejection or publication re-checks under the row lock).

    Returns what happened: "rejected", "queued", "published" or "skipped".
    """
    row, twins = review_store.review_row_with_twins(
        listing_id, live=Status.LIVE, pending=Status.PENDING_REVIEW
    )
    if not _review_current(row, review_round):
        return "skipped"
    results = listing_run_checks(row, twins=twins)
    now = timezone.now()
    failed = [r for r in results if not r.passed]
    if not failed and not settings.LISTING_AUTO_PUBLISH_CLEAN:
        # The common case: checks stored, the listing waits in the moderation queue.
        stored = review_store.store_checked_if_current(
            listing_id=listing_id,
            review_round=review_round,
            pending=Status.PENDING_REVIEW,
            results=results,
            now=now,
        )
        return "queued" if stored else "skipped"
    if failed:
        # The common rejection: one guarded statement (PostgreSQL) with the notice.
        reasons = [r.reason for r in failed]
        stored = review_store.store_rejected_if_current(
            listing_id=listing_id,
            review_round=review_round,
            pending=Status.PENDING_REVIEW,
            rejected=Status.REJECTED,
            results=results,
            reasons=reasons,
            notice=rejection_notice(listing_id, row.title, reasons),
            # The automatic rejection in the audit log (issue 15), in the same transaction.
            audit=rejection_audit(
                Listing(pk=listing_id, title=row.title, review_round=review_round),
                reasons,
                by=None,
            ),
            now=now,
        )
        if stored is not None:
            return "rejected" if stored else "skipped"
    with transaction.atomic():
        listing = (
            Listing.objects.select_for_update(of=("self",))
            .select_related("company")
            .filter(pk=listing_id)
            .first()
        )
        if not _review_current(listing, review_round):
            return "skipped"
        # The round's old checks were deleted on submission; the lock and the round make
        # this run the only one: a plain insert.
        review_store.insert_checks(listing_id, results, now)
        listing.checked_at = now
        if failed:
            _reject(listing, reasons=[r.reason for r in failed], by=None, now=now)
            return "rejected"
        _publish(listing, by=None, now=now)
        return "published"


def listing_review_sweep(*, older_than_seconds: int = 120, now=None, limit: int = 500) -> int:
    """Re-enqueue the review of pending listings whose checks never ran (a lost message, a
    worker that died, a commit lost in a crash). Safe: the task skips a round done already.
    Returns how many tasks were queued. (Lost notice e-mails: members.notice_email_sweep.)"""
    from ..tasks import listing_review as review_task  # tasks import this module

    now = now or timezone.now()
    stale = (
        Listing.objects.filter(
            status=Status.PENDING_REVIEW,
            checked_at__isnull=True,
            submitted_at__lt=now - timedelta(seconds=older_than_seconds),
        )
        .order_by("submitted_at")
        .values_list("pk", "review_round")[:limit]
    )
    return _enqueue_each(review_task, stale)


def _enqueue_each(task, rounds) -> int:
    """Queue `task(listing_id, review_round)` for each pair; how many were queued."""
    count = 0
    for listing_id, review_round in rounds:
        task.delay(listing_id, review_round)
        count += 1
    return count
