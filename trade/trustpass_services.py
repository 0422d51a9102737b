"""R-M2: buying TrustPass years online in the back office (a `MembershipOrder` paid through
the payment gateway, references "trustpass:<order id>").

The membership itself is members': a paid order becomes a period through
`members.services.membership_renew` (续签: from the current end). The payment handler
`trustpass_purchase_paid` is registered in `TradeConfig.ready`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.exceptions import Conflict, DomainError, NotFound
from members.models import Company, TrustPassPeriod, User
from members.services import membership_renew

from .exceptions import PaymentFailed
from .models import MembershipOrder, Payment
from .payments import payment_create, payment_settle_directly

PAYMENT_PREFIX = "trustpass"


def trustpass_price(years: int) -> Decimal:
    return Decimal(settings.TRUSTPASS_YEAR_PRICE_YUAN) * years


def _payment_for(order: MembershipOrder, company: Company) -> Payment:
    return payment_create(
        reference=order.payment_reference,
        amount=order.amount,
        subject=order.payment_subject(),
        payer=company,
        return_url=reverse("trade:trustpass_purchase", args=[order.pk]),
    )


@transaction.atomic
def trustpass_purchase_start(
    *, company: Company, years: int = 1, by: User | None = None
) -> tuple[MembershipOrder, Payment]:
    """R-M2: an order for `years` TrustPass years and its payment through the configured
    gateway (trade.gateway); the payer is sent to `payment.pay_url`. The period is made
    when the gateway's signed callback arrives (`trustpass_purchase_paid`), starting at the
    current end (续签)."""
    if not 1 <= years <= 3:
        msg = _("每次可购买 1–3 年。")
        raise DomainError(msg, code="invalid", rule="R-M2", fields={"years": [msg]})
    Company.objects.select_for_update().get(pk=company.pk)
    # An abandoned order for the same years and price is resumed (issue 14), not doubled:
    # the company lock above makes two quick clicks find the same one.
    order = (
        MembershipOrder.objects.filter(
            company=company,
            status=MembershipOrder.Status.CREATED,
            years=years,
            amount=trustpass_price(years),
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if order is None:
        order = MembershipOrder.objects.create(
            company=company, years=years, amount=trustpass_price(years), created_by=by
        )
    return order, _payment_for(order, company)


@transaction.atomic
def trustpass_purchase_resume(
    *, company: Company, order_id: int
) -> tuple[MembershipOrder, Payment]:
    """R-M2: pay an order left unpaid (继续支付): its open payment again, or a new one if
    that was closed, at the order's own amount. Another company's order is a 404; a paid
    or failed one cannot be resumed (409)."""
    order = MembershipOrder.objects.select_for_update().filter(pk=order_id, company=company).first()
    if order is None:
        raise NotFound(_("未找到该诚信通订购单。"))
    if order.status != MembershipOrder.Status.CREATED:
        raise Conflict(
            _("该订购单%(status)s，不能继续支付；如需续费请重新下单。")
            % {"status": order.get_status_display()},
            code="membership_order_closed",
            rule="R-M2",
        )
    return order, _payment_for(order, company)


def trustpass_purchase_paid(payment: Payment) -> bool:
    """Payment handler for "trustpass:<order id>" (registered in TradeConfig.ready), called
    inside the transaction that marks the payment succeeded. Idempotent: a replayed
    callback finds the order paid and returns True. False (the payment is then refunded)
    when the order does not want it."""
    ident = payment.reference.partition(":")[2]
    order = (
        MembershipOrder.objects.select_for_update().filter(pk=int(ident)).first()
        if ident.isdigit()
        else None
    )
    if order is None:
        return False
    if order.status == MembershipOrder.Status.PAID:
        return order.payment_ref == payment.number
    if order.status != MembershipOrder.Status.CREATED or payment.amount != order.amount:
        return False
    period = membership_renew(
        company=order.company,
        years=order.years,
        source=TrustPassPeriod.Source.ORDER,
        note=_("在线购买：订购单 %(order)s，支付单 %(payment)s")
        % {"order": order.pk, "payment": payment.number},
        by=order.created_by,
    )
    order.status = MembershipOrder.Status.PAID
    order.period = period
    order.payment_ref = payment.number
    order.paid_at = timezone.now()
    order.save(update_fields=["status", "period", "payment_ref", "paid_at"])
    return True


@transaction.atomic
def trustpass_purchase_pay_directly(*, order: MembershipOrder) -> MembershipOrder:
    """API: pay an open order at once on a gateway that can (the local test gateway), through
    the same signed-callback path as the payment page."""
    order = MembershipOrder.objects.select_for_update().get(pk=order.pk)
    if order.status == MembershipOrder.Status.PAID:
        return order
    payment = (
        Payment.objects.filter(reference=order.payment_reference, status=Payment.Status.PENDING)
        .order_by("-created_at")
        .first()
    )
    if payment is None:
        payment = _payment_for(order, order.company)
    payment_settle_directly(payment_id=payment.pk)
    order.refresh_from_db()
    if order.status != MembershipOrder.Status.PAID:
        raise PaymentFailed()
    return order
