"""R-C7: recomputing scores from their sources (never incrementally), and the outbox of
recomputations still to run (`PendingRecalculation`).

The per-company recomputation and the nightly set-based one are here; the Celery tasks that
run them are in tasks.py, and `credit.services.credit_recalculate_on_commit` is what events
call.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from members.models import Company

from . import selectors
from .bulk import recalculate_id_range
from .models import CreditScore, PendingRecalculation, ScoreHistory
from .scoring import Breakdown

CAUSE_MAX = 100


def mark_pending(*, company_id: int, cause: str) -> None:
    """R-C7 outbox: record, in the current transaction, that the company's score must be
    recomputed. One row per company; each new event bumps its version, so a recomputation
    removes only the events it has seen."""
    table = PendingRecalculation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (company_id, cause, version, requested_at) "  # noqa: S608
            "VALUES (%s, %s, 1, %s) ON CONFLICT (company_id) DO UPDATE SET "
            f"version = {table}.version + 1, cause = excluded.cause, "
            "requested_at = excluded.requested_at",
            [company_id, cause, timezone.now()],
        )


def credit_recalculate(
    *, company_id: int, cause: str, today: date | None = None
) -> Breakdown | None:
    """R-C7: recompute one company's score from its sources (never incrementally).

    Locks the company row, so recomputations of one company run one after another and each
    sees every event committed before it. Writes the breakdown, and the total to
    `Company.credit_score` plus a history row only when the total changed, so running it
    twice for one event leaves one history row. Returns the breakdown (None if the company
    is gone).
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        # NO KEY UPDATE: serialises recomputations of one company, yet does not block events
        # that only reference the company (a review's or a marker's foreign-key check).
        company = Company.objects.select_for_update(no_key=True).filter(pk=company_id).first()
        if company is None:
            PendingRecalculation.objects.filter(company_id=company_id).delete()
            return None
        seen_version = (
            PendingRecalculation.objects.filter(company_id=company_id)
            .values_list("version", flat=True)
            .first()
        )
        breakdown = selectors.company_breakdown(company, today=today)
        _store(company, breakdown, cause=cause)
        if seen_version is not None:
            # Only the events this computation has seen; a newer one keeps its marker.
            PendingRecalculation.objects.filter(
                company_id=company_id, version__lte=seen_version
            ).delete()
    return breakdown


def _store(company: Company, breakdown: Breakdown, *, cause: str) -> None:
    stored = CreditScore.objects.filter(company_id=company.pk).first()
    if stored is None:
        CreditScore.objects.create(company=company, total=breakdown.total, **breakdown.as_dict())
    elif stored.as_dict() != breakdown.as_dict():
        for field, value in breakdown.as_dict().items():
            setattr(stored, field, value)
        stored.total = breakdown.total
        stored.save()
    old = company.credit_score
    if breakdown.total != old:
        Company.objects.filter(pk=company.pk).update(credit_score=breakdown.total)
        company.credit_score = breakdown.total
        ScoreHistory.objects.create(
            company=company,
            old_score=old,
            new_score=breakdown.total,
            breakdown=breakdown.as_dict(),
            cause=cause[:CAUSE_MAX],
        )


def credit_recalculate_all(
    *, cause: str = "nightly", today: date | None = None, chunk_size: int = 25_000
) -> dict[str, int]:
    """R-C7 nightly: recompute every company with set-based SQL (a few statements per chunk
    of company ids, no per-company queries). Archive years grow with time alone, so this
    must run daily. Returns counts: companies, changed (scores), history (rows), stored
    (breakdowns written).
    """
    today = today or timezone.localdate()
    if connection.vendor != "postgresql":
        return _recalculate_all_one_by_one(cause=cause, today=today)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM members_company")
        lo, hi = cursor.fetchone()
    totals = {"companies": 0, "changed": 0, "history": 0, "stored": 0}
    if lo is None:
        return totals
    start = lo
    while start <= hi:
        end = start + chunk_size - 1
        with transaction.atomic():
            counts = recalculate_id_range(lo=start, hi=end, today=today, cause=cause)
        for key in totals:
            totals[key] += counts[key]
        start = end + 1
    return totals


def _recalculate_all_one_by_one(*, cause: str, today: date) -> dict[str, int]:
    """The embedded SQLite default has no range_agg: fall back to the per-company service."""
    totals = {"companies": 0, "changed": 0, "history": 0, "stored": 0}
    for company_id in Company.objects.values_list("pk", flat=True):
        before = ScoreHistory.objects.filter(company_id=company_id).count()
        credit_recalculate(company_id=company_id, cause=cause, today=today)
        made = ScoreHistory.objects.filter(company_id=company_id).count() - before
        totals["companies"] += 1
        totals["changed"] += made
        totals["history"] += made
        totals["stored"] += made
    return totals


def pending_recalculations(*, older_than_seconds: float = 0) -> list[tuple[int, str]]:
    """(company id, cause) of the markers older than `older_than_seconds`, oldest first: the
    recomputations whose events are not yet reflected (lost message, worker killed)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        PendingRecalculation.objects.filter(requested_at__lte=cutoff)
        .order_by("requested_at")
        .values_list("company_id", "cause")[:10_000]
    )
