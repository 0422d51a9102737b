"""What an order move tells others (issue 14): notices to the parties, through the one
notice service (`members.notices.notify`, templates under templates/notices/<event>/), and
`order_settled` to the apps above (trade.signals).

Both are called inside the move's transaction with the order row locked, so a notice
commits or rolls back with the move (its e-mail is queued on commit by `notify`). Each
notice carries a dedupe key of (order, the status it reached, the company): a retried or
replayed move (a repeated payment callback, a timer run twice) cannot notify twice.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from members.notices import notify

from . import signals
from . import state_machine as sm
from .models import Order


def order_notify(order: Order, event: str, to: Iterable[str], **context) -> None:
    """The notice of `event` to each party named in `to` ("buyer", "seller")."""
    url = reverse("trade:order_detail", args=[order.pk])
    for role in to:
        company = order.buyer if role == sm.BUYER else order.seller
        other = order.seller if role == sm.BUYER else order.buyer
        notify(
            company=company,
            event=event,
            context={
                "order": order,
                "listing_title": order.listing.title,
                "unit": order.listing.unit,
                "role": role,
                "role_label": sm.ROLE_LABELS[role],
                "other_party": other.name,
                "status_label": sm.STATUS_LABELS.get(order.status, order.status),
                **context,
            },
            url=url,
            dedupe_key=f"trade:{order.pk}:{order.status}:{company.pk}",
        )


def order_settled(order: Order, outcome: str) -> None:
    """R-C7: a completed or refunded trade is a credit source of both parties (R-C1 activity,
    R-C4 review rights). Sent inside the transaction (trade.signals): credit records the
    recalculation of both scores there, so it commits with the settlement."""
    signals.order_settled.send(
        sender=Order,
        order_id=order.pk,
        buyer_id=order.buyer_id,
        seller_id=order.seller_id,
        outcome=outcome,
    )
