"""Reads of the credit archive that carry rules (R-C1, R-C4–R-C6)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from listings.models import Listing
from members import privileges
from members.models import Company
from members.selectors import company_periods, company_trustpass_since
from trade.models import Order

from . import scoring
from .models import Certificate, CreditReference, CreditScore, Rating, Review, ScoreHistory
from .review_rules import allowed_ratings, review_refusal


def company_sources(company: Company) -> dict:
    """Every source of one company's score, read in three queries (R-C6)."""
    periods = company_periods(company)
    review_counts = dict(
        Review.objects.filter(reviewee_id=company.pk)
        .values("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    verified_certificates = dict(
        Certificate.objects.filter(company_id=company.pk, status=Certificate.Status.VERIFIED)
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return {
        "verified": company.verified,
        "periods": periods,
        "review_counts": review_counts,
        "verified_certificates": verified_certificates,
    }


def company_breakdown(company: Company, *, today: date | None = None) -> scoring.Breakdown:
    """R-C6: the score computed now from the company's sources (not the stored one)."""
    return scoring.score_breakdown(today=today or timezone.localdate(), **company_sources(company))


def stored_breakdown(company: Company) -> scoring.Breakdown:
    """The breakdown written by the last recomputation; computed from the sources if the
    company was never recomputed."""
    stored = CreditScore.objects.filter(company_id=company.pk).first()
    if stored is None:
        return company_breakdown(company)
    return scoring.Breakdown(**stored.as_dict())


def review_counts(company: Company) -> dict[str, int]:
    counts = dict(
        Review.objects.filter(reviewee_id=company.pk)
        .values("rating")
        .annotate(n=Count("id"))
        .values_list("rating", "n")
    )
    return {r.value: counts.get(r.value, 0) for r in Rating}


def reviews_received(company: Company):
    """The reviews a company received, newest first (paginated by the caller)."""
    return (
        Review.objects.filter(reviewee=company)
        .select_related("reviewer", "order")
        .order_by("-created_at", "-id")
    )


def certificates_public(company: Company):
    """R-C1 (3): only verified certificates are shown in the public archive."""
    return Certificate.objects.filter(company=company, status=Certificate.Status.VERIFIED).order_by(
        "kind", "-created_at"
    )


def certificates_own(company: Company):
    return Certificate.objects.filter(company=company).order_by("-created_at", "-id")


def references_of(company: Company):
    return CreditReference.objects.filter(company=company).order_by("created_at", "id")


def score_history(company: Company):
    return ScoreHistory.objects.filter(company=company).order_by("-created_at", "-id")


def company_activity(company: Company) -> dict:
    """R-C1 (4): the company's activity record on the marketplace."""
    trades_completed = Order.objects.filter(
        Q(buyer=company) | Q(seller=company), status=Order.Status.COMPLETED
    ).count()
    return {
        "member_since": company.created_at,
        "listings_live": Listing.objects.live().filter(company=company).count(),
        "trades_completed": trades_completed,
        "reviews_given": Review.objects.filter(reviewer=company).count(),
        "reviews_received": Review.objects.filter(reviewee=company).count(),
    }


def archive_days(company: Company, *, today: date | None = None) -> int:
    """R-C3: days of TrustPass membership up to today (for the archive-years line)."""
    periods = company_periods(company)
    return scoring.covered_days(periods, today or timezone.localdate())


@dataclass
class CreditArchive:
    """R-C1: what the public archive page and the API show for one company."""

    company: Company
    public: bool  # R-C1: a full public archive for TrustPass companies (privileges)
    score: int
    breakdown: scoring.Breakdown
    archive_days: int
    review_counts: dict[str, int]
    activity: dict
    certificates: list = field(default_factory=list)
    references: list = field(default_factory=list)
    # 诚信通会员起始: the first TrustPass period's start, shown beside the archive years (the
    # account's creation is the activity record's `member_since`).
    trustpass_since: date | None = None

    @property
    def archive_years(self) -> int:
        return self.archive_days // scoring.DAYS_PER_ARCHIVE_YEAR


def credit_archive(company: Company) -> CreditArchive:
    """R-C1/R-C6: the score with its parts for every company (the score is shown everywhere);
    certificates and references only in the public archive of a TrustPass company."""
    public = privileges.has_credit_archive(company)
    return CreditArchive(
        company=company,
        public=public,
        score=company.credit_score,
        breakdown=stored_breakdown(company),
        archive_days=archive_days(company),
        review_counts=review_counts(company),
        activity=company_activity(company),
        certificates=list(certificates_public(company)) if public else [],
        references=list(references_of(company)) if public else [],
        trustpass_since=company_trustpass_since(company),
    )


@dataclass
class ReviewFormState:
    """What the review form on an order page shows to one party (R-C4)."""

    can_review: bool
    refusal: str | None
    ratings: tuple[str, ...]
    existing: Review | None
    received: Review | None


def review_form_state(*, order, company: Company | None) -> ReviewFormState | None:
    """R-C4 for the order page: None for someone who is not a party (nothing to show)."""
    if company is None or company.pk not in (order.buyer_id, order.seller_id):
        return None
    reviewee_id = order.seller_id if company.pk == order.buyer_id else order.buyer_id
    reviewee = order.seller if company.pk == order.buyer_id else order.buyer
    reviews = {r.reviewer_id: r for r in Review.objects.filter(order_id=order.pk)}
    existing = reviews.get(company.pk)
    paid = order.paid_at is not None
    ratings = allowed_ratings(order.status, paid)
    refusal = review_refusal(
        is_party=True,
        own_company=reviewee_id == company.pk,
        reviewer_trustpass=privileges.may_review(company),
        reviewee_trustpass=privileges.may_review(reviewee),
        order_status=order.status,
        rating=ratings[-1] if ratings else "neutral",
        already_reviewed=existing is not None,
        paid=paid,
    )
    return ReviewFormState(
        can_review=refusal is None,
        refusal=refusal,
        ratings=ratings,
        existing=existing,
        received=reviews.get(reviewee_id),
    )
