"""The automatic review of a listing (R-L3, R-L4): the checks of one review round, the
guarded store of their results, the sweep that runs lost rounds again, and the rejection
e-mail. Staff decisions and the lifecycle itself are in `listings.services`."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from members.models import Company, User

from .. import selectors
from ..models import Listing
from ..services import Status, _publish, _reject, _rejection_email_enqueue, _rejection_notice
from . import checks
from . import store as review_store


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
        # The common rejection: one guarded statement (PostgreSQL), then the e-mail.
        reasons = [r.reason for r in failed]
        stored = review_store.store_rejected_if_current(
            listing_id=listing_id,
            review_round=review_round,
            pending=Status.PENDING_REVIEW,
            rejected=Status.REJECTED,
            results=results,
            reasons=reasons,
            notice=_rejection_notice(listing_id, row.title, reasons),
            now=now,
        )
        if stored is not None:
            if not stored:
                return "skipped"
            _rejection_email_enqueue(listing_id, review_round)
            return "rejected"
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
    worker that died, a commit lost in a crash), and the rejection e-mails never queued.
    Safe: the tasks skip a round done already. Returns how many tasks were queued."""
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
    count = _enqueue_each(review_task, stale)
    return count + _rejection_emails_resend(now=now, older_than_seconds=older_than_seconds)


def _enqueue_each(task, rounds) -> int:
    """Queue `task(listing_id, review_round)` for each pair; how many were queued."""
    count = 0
    for listing_id, review_round in rounds:
        task.delay(listing_id, review_round)
        count += 1
    return count


# A rejection e-mail not sent within a day is given up (the in-site notice remains).
REJECTION_EMAIL_GIVE_UP = timedelta(days=1)


def _rejection_emails_resend(*, now, older_than_seconds: int, limit: int = 500) -> int:
    """Queue again the rejection e-mails whose message was lost or never queued (R-L3: the
    seller is told by e-mail). The e-mail task sends once per round, so a repeat is harmless."""
    from ..tasks import listing_rejection_email  # tasks import this module

    unsent = (
        Listing.objects.filter(
            status=Status.REJECTED,
            rejection_emailed_round__lt=F("review_round"),
            reviewed_at__lt=now - timedelta(seconds=older_than_seconds),
            reviewed_at__gte=now - REJECTION_EMAIL_GIVE_UP,
        )
        .order_by("reviewed_at")
        .values_list("pk", "review_round")[:limit]
    )
    return _enqueue_each(listing_rejection_email, unsent)


@transaction.atomic
def listing_rejection_email_send(*, listing_id: int, review_round: int) -> bool:
    """E-mail the seller the reasons of a rejection, once per review round. The row lock
    makes a second run wait and then skip; a failed send rolls back and can be retried."""
    listing = (
        Listing.objects.select_for_update()
        .filter(
            pk=listing_id,
            status=Status.REJECTED,
            review_round=review_round,
            rejection_emailed_round__lt=review_round,
        )
        .first()
    )
    if listing is None:
        return False
    company = Company.objects.get(pk=listing.company_id)
    recipients = sorted(
        (
            {company.email}
            | set(
                User.objects.filter(company=company, is_active=True).values_list("email", flat=True)
            )
        )
        - {""}
    )
    listing.rejection_emailed_round = review_round
    listing.save(update_fields=["rejection_emailed_round"])
    if not recipients:
        return False
    url = _site_url() + reverse("listings:manage", args=[listing.pk])
    lines = [
        f"{company.contact_name or company.name}，您好：",
        "",
        f"您发布的信息“{listing.title}”未通过审核，原因如下：",
        *[f"  · {r['detail']}" for r in listing.rejection_reasons],
        "",
        f"请登录后按提示修改并重新提交审核：{url}",
        "",
        f"—— {settings.SITE_NAME}",
    ]
    send_mail(
        subject=f"【{settings.SITE_NAME}】您的信息“{listing.title}”未通过审核",
        message="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
    return True


def _site_url() -> str:
    """Absolute links in e-mails: MAIN_SITE_URL, else the first allowed host."""
    base = getattr(settings, "MAIN_SITE_URL", "")
    if base:
        return base.rstrip("/")
    host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith((".", "*"))), "")
    return f"http://{host or '127.0.0.1:8000'}"
