"""What trade tells the apps above it (DESIGN.md, layers). Trade imports none of them: a
higher app connects a receiver in its `AppConfig.ready` (with a `dispatch_uid`) and answers
in its own `receivers.py`. Receivers take `**kwargs`, so a sender may add keywords.

`order_settled` is sent INSIDE the sender's transaction (`Signal.send`), with the order row
locked and its new status written: a receiver's write commits or rolls back with the
settlement, a receiver that raises rolls it back, and anything slow is enqueued with
`transaction.on_commit`. The sender is `trade.models.Order`.
"""

from django.dispatch import Signal

# An escrow trade was settled (R-T1): the buyer confirmed receipt and the money went to the
# seller ("completed", `order_confirm`), or the escrowed money went back to the buyer
# ("refunded", `order_refund`). Either way it is a credit source of both parties (R-C1
# activity record, R-C4 review rights, R-C7).
# Sent INSIDE the transaction of `order_confirm` / `order_refund`, with:
#   order_id: int
#   buyer_id: int, seller_id: int  — the parties' company ids
#   outcome: str  — "completed" or "refunded" (the order's new status)
# Receivers: credit.receivers (a recalculation marker for each party, in the transaction).
order_settled = Signal()
