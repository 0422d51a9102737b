"""R-T1c: disputes of escrow trades. The buyer opens one on a paid or shipped order
(`order_dispute`, paid/shipped → disputed); staff decide it in the admin
(`dispute_decide`): refund the buyer (disputed → refunded, through the refund machinery of
trade/refunds.py, safe to retry) or release the money to the seller (disputed → completed).
The decision is recorded on the `Dispute` row (who, when, why) with its reason, and in the
audit log of staff decisions (`audit`, issue 15) in the same transaction, whichever
interface decided; the admin also writes it to its own object history (LogEntry).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Action as AuditAction
from audit.services import audit_record
from marketplace.exceptions import Conflict, DomainError, Forbidden
from members.models import Company, User

from . import order_timers, refunds
from . import state_machine as sm
from .exceptions import IllegalTransition, OrderNotFound
from .models import Dispute, Order
from .order_events import order_notify, order_settled
from .services import check_move, lock_for_party, order_refund_request_locked

REASON_MAX = 500


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            message, code="reason_required", rule="R-T1c", fields={"reason": [message]}
        )
    if len(reason) > REASON_MAX:
        message = _("原因最多 %(max)s 字，请精简后再提交。") % {"max": REASON_MAX}
        raise DomainError(message, code="invalid", rule="R-T1c", fields={"reason": [message]})
    return reason


def order_dispute(
    *, order_id: int, by: Company | None, reason: str, user: User | None = None
) -> Order:
    """R-T1c paid/shipped → disputed, by the buyer, with a reason. The escrowed money stays
    held (no confirmation, no automatic confirmation, no party refund) until staff decide."""
    order_timers.order_timers_apply(order_id=order_id)
    with transaction.atomic():
        order = lock_for_party(order_id, by, sm.DISPUTE)
        reason = _reason(reason, _("请说明纠纷原因，例如货物与描述不符、卖家未按约定发货。"))
        Dispute.objects.create(
            order=order, reason=reason, status_before=order.status, opened_by=user
        )
        order.status = sm.next_status(order.status, sm.DISPUTE)
        order.save(update_fields=["status"])
        order_notify(order, "order_disputed", (sm.SELLER,), reason=reason)
    return order


def dispute_decide(*, order_id: int, decision: str, reason: str, staff_user: User | None) -> Order:
    """R-T1c: staff decide a dispute, with a reason: `refund` (the buyer gets the money
    back) or `release` (the seller gets it, the trade is completed).

    Idempotent: the same decision again changes nothing (a refund still pending at the
    gateway is asked again with its key); another decision on a decided dispute is a 409.
    A refund the gateway did not make now raises `RefundFailed` (502) with the decision
    recorded and the refund pending for the sweep, as for any refund."""
    if staff_user is None or not staff_user.is_staff:
        raise Forbidden(_("只有客服可以裁决交易纠纷。"))
    if decision not in Dispute.Decision.values:
        raise DomainError(
            _("裁决只能是退款给买家（refund）或放款给卖家（release）。"), code="invalid"
        )
    reason = _reason(reason, _("请填写裁决理由，买卖双方会在站内信中看到。"))
    refund = None
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise OrderNotFound()
        dispute = Dispute.objects.select_for_update().filter(order=order).first()
        if dispute is None:
            raise IllegalTransition(_("该订单没有待处理的纠纷。"))
        if dispute.decision:
            if dispute.decision != decision:
                raise Conflict(
                    _("该纠纷已裁决为「%(decision)s」，不能改判。")
                    % {"decision": dispute.get_decision_display()},
                    code="dispute_decided",
                    rule="R-T1c",
                )
            refund = _pending_refund(order)
        else:
            action = (
                sm.RESOLVE_REFUND if decision == Dispute.Decision.REFUND else sm.RESOLVE_RELEASE
            )
            check_move(order, action)
            dispute.decision = decision
            dispute.decision_reason = reason
            dispute.decided_by = staff_user
            dispute.decided_at = timezone.now()
            dispute.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
            _audit_decision(order, dispute, staff_user)
            if action == sm.RESOLVE_RELEASE:
                _release_locked(order, reason)
            else:
                refund = order_refund_request_locked(
                    order, who="客服", reason=_("纠纷裁决：%(reason)s") % {"reason": reason}
                )
    if refund is not None:
        refunds.refund_complete_after_commit(refund)
    order.refresh_from_db()
    return order


def _audit_decision(order: Order, dispute: Dispute, staff_user: User) -> None:
    order = Order.objects.select_related("listing", "buyer", "seller").get(pk=order.pk)
    audit_record(
        action=AuditAction.DISPUTE_DECIDE,
        target=dispute,
        by=staff_user,
        reason=dispute.decision_reason,
        company=order.seller,
        target_label=f"#{order.pk} {order.listing.title}",
        details={
            "decision": dispute.decision,
            "order_id": order.pk,
            "status_before": dispute.status_before,
            "buyer": order.buyer.member_id,
            "seller": order.seller.member_id,
            "dispute_reason": dispute.reason,
        },
    )


def _release_locked(order: Order, reason: str) -> None:
    order.status = sm.next_status(order.status, sm.RESOLVE_RELEASE)
    order.completed_at = timezone.now()
    order.save(update_fields=["status", "completed_at"])
    order_notify(order, "order_completed", (sm.BUYER, sm.SELLER), auto=False, decided=reason)
    order_settled(order, sm.COMPLETED)


def _pending_refund(order: Order):
    if not order.refund_pending:
        return None
    from .models import Refund

    return Refund.objects.filter(payment__reference=order.payment_reference).first()
