"""R-C4: who may review whom after an escrow trade, as a pure function of plain values.

The order statuses are trade's (trade/state_machine.py, R-T1): a review needs a trade
that is over. By status:

    completed                       → any rating (a successful trade)
    refunded                        → neutral or negative (paid, then refunded)
    cancelled, after payment        → neutral or negative (paid, then cancelled)
    created, expired,
    cancelled before payment        → trade_not_paid (400): never paid, no right to review
    paid, shipped, disputed         → trade_in_progress (409): wait until it is over
"""

from __future__ import annotations

from trade import state_machine as sm  # R-T1's statuses (a pure module, no database)

# A successful trade: the buyer confirmed receipt (or the clock or staff did) and the money
# was released.
SUCCESSFUL_STATUSES = frozenset({sm.COMPLETED})
# An unsuccessful trade once paid: the money went back (or the paid order was cancelled).
UNSUCCESSFUL_STATUSES = frozenset({sm.REFUNDED, sm.CANCELLED})
# The money is held in escrow: no review while the trade may still go either way.
IN_PROGRESS_STATUSES = sm.IN_PROGRESS_STATUSES
# Statuses that imply a payment (the buyer's money reached escrow at some point).
PAID_STATUSES = IN_PROGRESS_STATUSES | {sm.COMPLETED, sm.REFUNDED}
# Ratings any finished paid trade allows; positive needs a successful trade.
RATINGS = ("positive", "neutral", "negative")
UNSUCCESSFUL_RATINGS = ("neutral", "negative")


def was_paid(order_status: str, paid: bool | None = None) -> bool:
    """Whether the buyer ever paid: `paid` (the order's `paid_at` is set) when known, else
    what the status implies (a `cancelled` order is taken as unpaid)."""
    if paid is not None:
        return paid or order_status in PAID_STATUSES
    return order_status in PAID_STATUSES


def status_refusal(order_status: str, paid: bool | None = None) -> str | None:
    """R-C4 by the trade's state alone: `trade_not_paid`, `trade_in_progress` or None."""
    if order_status in IN_PROGRESS_STATUSES:
        return "trade_in_progress"
    if not was_paid(order_status, paid):
        return "trade_not_paid"
    if order_status in SUCCESSFUL_STATUSES | UNSUCCESSFUL_STATUSES:
        return None
    return "trade_not_paid"  # expired, created, or a status this rule does not know


def review_refusal(
    *,
    is_party: bool,
    own_company: bool,
    reviewer_trustpass: bool,
    reviewee_trustpass: bool,
    order_status: str,
    rating: str,
    already_reviewed: bool,
    paid: bool | None = None,
) -> str | None:
    """The code of the first R-C4 rule a review breaks, or None when it may be recorded.

    - `not_a_party`: the reviewer is neither buyer nor seller of the trade (a 404: another
      member's order is not shown to them);
    - `self_review`: no one reviews their own company;
    - `trustpass_required`: both sides must be TrustPass members at the time of the review;
    - `trade_not_paid`: a trade that was never paid gives no right to review (created,
      expired, cancelled before payment);
    - `trade_in_progress`: no review while the money is held (paid, shipped, disputed);
    - `rating_not_allowed`: positive only on a successful (completed) trade; a paid trade
      that did not succeed (refunded, cancelled after payment) may get neutral or negative;
    - `already_reviewed`: each side reviews the other once per trade.

    `paid`: whether the order was ever paid (`paid_at` set); it tells a cancelled order
    after payment from one cancelled before.
    """
    if not is_party:
        return "not_a_party"
    if own_company:
        return "self_review"
    if not (reviewer_trustpass and reviewee_trustpass):
        return "trustpass_required"
    code = status_refusal(order_status, paid)
    if code:
        return code
    if rating not in allowed_ratings(order_status, paid):
        return "rating_not_allowed"
    if already_reviewed:
        return "already_reviewed"
    return None


def allowed_ratings(order_status: str, paid: bool | None = None) -> tuple[str, ...]:
    """R-C4: the ratings the review form offers for a trade in this state (none while the
    trade is in progress or was never paid)."""
    if status_refusal(order_status, paid):
        return ()
    if order_status in SUCCESSFUL_STATUSES:
        return RATINGS
    return UNSUCCESSFUL_RATINGS
