"""Reads of escrow trades that carry rules (only the buyer and the seller see an order), and
a company's TrustPass orders."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from members.models import Company

from . import state_machine as sm
from .exceptions import OrderNotFound, PaymentNotFound
from .models import Dispute, MembershipOrder, Order, Payment

ROLES = (sm.BUYER, sm.SELLER)


def order_list_for_company(
    *, company: Company | None, role: str | None = None, status: str | None = None
) -> QuerySet[Order]:
    """The company's orders as buyer and/or seller, newest first."""
    if company is None:
        return Order.objects.none()
    if role == sm.BUYER:
        qs = Order.objects.filter(buyer=company)
    elif role == sm.SELLER:
        qs = Order.objects.filter(seller=company)
    else:
        qs = Order.objects.filter(Q(buyer=company) | Q(seller=company))
    if status in sm.STATUSES:
        qs = qs.filter(status=status)
    return qs.select_related("listing", "buyer", "seller", "dispute").order_by("-created_at", "-id")


def order_get_for_party(*, order_id: int, company: Company | None) -> Order:
    """The order if `company` is its buyer or seller; else `OrderNotFound` (404)."""
    if company is None:
        raise OrderNotFound()
    order = (
        Order.objects.select_related("listing", "buyer", "seller", "dispute")
        .filter(Q(buyer=company) | Q(seller=company), pk=order_id)
        .first()
    )
    if order is None:
        raise OrderNotFound()
    return order


def order_actions_for(order: Order, company: Company | None) -> list[str]:
    """The moves `company` may make on `order` now (R-T1), for buttons and the API; none
    while its refund is being processed (trade/refunds.py)."""
    if order.refund_pending:
        return []
    return sm.allowed_actions(order.status, order.role_of(company.pk if company else None))


def order_counts_for_company(*, company: Company | None) -> dict[str, int]:
    """Counts for the back office: orders waiting for this company to act."""
    if company is None:
        return {"to_pay": 0, "to_ship": 0, "to_confirm": 0, "disputed": 0, "total": 0}
    return Order.objects.filter(Q(buyer=company) | Q(seller=company)).aggregate(
        to_pay=Count("pk", filter=Q(buyer=company, status=sm.CREATED)),
        to_ship=Count("pk", filter=Q(seller=company, status=sm.PAID)),
        to_confirm=Count("pk", filter=Q(buyer=company, status=sm.SHIPPED)),
        disputed=Count("pk", filter=Q(status=sm.DISPUTED)),
        total=Count("pk"),
    )


def order_dispute(order: Order) -> Dispute | None:
    """The order's dispute (R-T1c), if one was opened."""
    return Dispute.objects.filter(order=order).select_related("decided_by").first()


def order_payment(order: Order) -> Payment | None:
    """The payment that paid the order (also after a refund), if any."""
    if not order.payment_ref:
        return None
    return Payment.objects.filter(number=order.payment_ref).first()


def payment_get_for_payer(*, number: str, company: Company | None) -> Payment:
    payment = Payment.objects.filter(number=number).first()
    if payment is None or (
        payment.payer_id is not None and (company is None or payment.payer_id != company.pk)
    ):
        raise PaymentNotFound()
    return payment


def payment_description(payment: Payment) -> str:
    """What `payment` pays for, in the active language, for the payment page (its stored
    `subject` is in the language of the moment it was made, as the provider got it)."""
    prefix, _sep, ident = payment.reference.partition(":")
    model = {"order": Order, "trustpass": MembershipOrder}.get(prefix)
    if model is not None and ident.isdigit():
        target = model.objects.filter(pk=int(ident)).first()
        if target is not None:
            return target.payment_subject()
    return payment.subject


# == TrustPass purchases (R-M2) =========================================================
def company_membership_orders(company: Company) -> QuerySet[MembershipOrder]:
    """The company's TrustPass orders, newest first, with the periods they bought."""
    return MembershipOrder.objects.filter(company=company).select_related("period")


def membership_order_unpaid(company: Company | None) -> MembershipOrder | None:
    """The company's newest TrustPass order still waiting for payment (R-M2): the back
    office offers to resume it (继续支付) instead of making a new one."""
    if company is None:
        return None
    return (
        MembershipOrder.objects.filter(company=company, status=MembershipOrder.Status.CREATED)
        .order_by("-created_at", "-id")
        .first()
    )
