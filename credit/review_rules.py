"""R-C4: who may review whom after an escrow trade, as a pure function of plain values."""

from __future__ import annotations

# Order statuses (trade.models.Order.Status values) after the buyer paid.
PAID_STATUSES = frozenset({"paid", "shipped", "completed", "refunded"})
# A successful trade: the buyer confirmed receipt and the money was released.
SUCCESSFUL_STATUSES = frozenset({"completed"})
# Ratings any paid trade allows; positive needs a successful trade.
RATINGS = ("positive", "neutral", "negative")


def review_refusal(
    *,
    is_party: bool,
    own_company: bool,
    reviewer_trustpass: bool,
    reviewee_trustpass: bool,
    order_status: str,
    rating: str,
    already_reviewed: bool,
) -> str | None:
    """The code of the first R-C4 rule a review breaks, or None when it may be recorded.

    - `not_a_party`: the reviewer is neither buyer nor seller of the trade (a 404: another
      member's order is not shown to them);
    - `self_review`: no one reviews their own company;
    - `trustpass_required`: both sides must be TrustPass members at the time of the review;
    - `trade_not_paid`: a trade that was never paid gives no right to review;
    - `rating_not_allowed`: positive only on a successful (completed) trade; a paid trade
      that did not succeed (refunded, or not yet completed) may get neutral or negative;
    - `already_reviewed`: each side reviews the other once per trade.
    """
    if not is_party:
        return "not_a_party"
    if own_company:
        return "self_review"
    if not (reviewer_trustpass and reviewee_trustpass):
        return "trustpass_required"
    if order_status not in PAID_STATUSES:
        return "trade_not_paid"
    if rating not in RATINGS or (rating == "positive" and order_status not in SUCCESSFUL_STATUSES):
        return "rating_not_allowed"
    if already_reviewed:
        return "already_reviewed"
    return None


def allowed_ratings(order_status: str) -> tuple[str, ...]:
    """R-C4: the ratings the review form offers for a trade in this status."""
    if order_status in SUCCESSFUL_STATUSES:
        return RATINGS
    if order_status in PAID_STATUSES:
        return ("neutral", "negative")
    return ()
