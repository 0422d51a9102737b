"""What members tells the apps above it (DESIGN.md, layers). Members imports none of them:
a higher app connects a receiver in its `AppConfig.ready` (with a `dispatch_uid`) and
answers in its own `receivers.py`. Receivers take `**kwargs`, so a sender may add keywords.

Both signals are sent INSIDE the sender's transaction (`Signal.send`, not `send_robust`),
after the change is written and with the company row locked:

- a receiver whose write must commit with the change makes it right there, and it commits
  or rolls back with the change (credit writes its recalculation marker, R-C7);
- a receiver that raises rolls the change back;
- anything slow (search reindexing, mail, remote calls) must not run in the receiver: it
  enqueues a task with `transaction.on_commit`, so nothing happens for a change that is
  rolled back and the locks are not held while it runs.

The sender is `members.models.Company`.
"""

from django.dispatch import Signal

# A company's TrustPass periods changed (R-M2): a period was granted (staff, or a paid
# TrustPass order through `membership_renew`), corrected or removed. Privileges and ranking
# follow the periods' dates (R-M3, R-S2), archive years too (R-C3).
# Sent INSIDE the transaction of `membership_grant` / `membership_period_update` /
# `membership_period_delete`, with:
#   company_id: int
#   cause: str  — "membership_granted", "membership_changed" or "membership_removed"
# Receivers: credit.receivers (recalculation marker, in the transaction); search (reindex
# of the company's listings, enqueued on commit).
membership_changed = Signal()

# A company's identity verification was approved or revoked (R-C2); `Company.verified`
# changed. Not sent for a rejected application (nothing a score or a badge uses changes).
# Sent INSIDE the transaction of `verification_approve` / `verification_revoke`, with:
#   company_id: int
#   verified: bool — the company's new state
#   cause: str  — "verification_approved" or "verification_revoked"
# Receivers: credit.receivers (recalculation marker, in the transaction).
verification_changed = Signal()
