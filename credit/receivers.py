"""Credit answers the events of the apps below it (R-C7): each changes a score source, so
the company's score is recomputed.

The signals are sent inside the sender's transaction (members.signals, trade.signals), and
so these receivers run there: `credit_recalculate_on_commit` writes its marker row (the
outbox) in that transaction, so the request to recompute commits or rolls back with the
event, and the recomputation itself is a task enqueued on commit. Connected once, in
`CreditConfig.ready`.
"""

from __future__ import annotations

from members.signals import membership_changed, verification_changed
from trade.signals import order_settled

from . import services


def on_membership_changed(sender, *, company_id: int, cause: str = "membership_changed", **kwargs):
    # R-C3: archive years come from the TrustPass periods.
    services.credit_recalculate_on_commit(company_id=company_id, cause=cause)


def on_verification_changed(
    sender, *, company_id: int, cause: str = "verification_changed", **kwargs
):
    # R-C2 / R-C6: a verified company has the verification points.
    services.credit_recalculate_on_commit(company_id=company_id, cause=cause)


def on_order_settled(
    sender, *, order_id: int, buyer_id: int, seller_id: int, outcome: str, **kwargs
):
    # R-C1 activity record and R-C4 review rights of both parties.
    for company_id in (buyer_id, seller_id):
        services.credit_recalculate_on_commit(
            company_id=company_id, cause=f"order:{order_id}:{outcome}"
        )


def connect() -> None:
    membership_changed.connect(
        on_membership_changed, dispatch_uid="credit.receivers.membership_changed"
    )
    verification_changed.connect(
        on_verification_changed, dispatch_uid="credit.receivers.verification_changed"
    )
    order_settled.connect(on_order_settled, dispatch_uid="credit.receivers.order_settled")
