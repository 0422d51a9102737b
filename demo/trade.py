"""Demo data of the trade app for `manage.py seed_demo` (idempotent).

Escrow trades in every state (R-T1) between demo companies on the demo listings, driven
through the services and the test gateway exactly as users would, then dated back so the
order pages and credit archives look lived in. Runs after `demo.listings`; when there is no
live fixed-price escrow listing yet, it says so and does nothing.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from demo.members import COMPANIES
from listings.models import Listing
from members.models import Company
from members.privileges import is_trustpass
from trade import disputes, order_timers, services
from trade.gateway import get_gateway
from trade.models import Dispute, Order

# (target status, days ago it was ordered). Completed trades come first: the credit demo
# reviews them (R-C4 needs a paid trade between two TrustPass members).
PLAN = [
    ("completed", 120),
    ("completed", 95),
    ("completed", 80),
    ("completed", 61),
    ("completed", 45),
    ("completed", 30),
    ("completed", 21),
    ("completed", 12),
    ("refunded_paid", 40),
    ("refunded_shipped", 18),
    ("shipped", 4),
    ("shipped", 2),
    ("paid", 3),
    ("paid", 1),
    # Issue 14 (R-T1a, R-T1c): the other endings, so the pages show every state.
    ("disputed", 7),
    ("cancelled", 6),
    ("expired", 9),
    # Unpaid ones are made within the last day (the hours below), or they would expire
    # (R-T1a) the moment anyone opened them.
    ("created", 0),
    ("created", 0),
]


def _orderable_listings(demo_ids: list[str]) -> list[Listing]:
    return list(
        Listing.objects.filter(
            company__member_id__in=demo_ids,
            kind=Listing.Kind.SUPPLY,
            status=Listing.Status.LIVE,
            fixed_price=True,
            supports_escrow=True,
            price__gt=0,
        )
        .filter(Q(price_max__isnull=True) | Q(price_max=F("price")))
        .select_related("company")
        .order_by("pk")
    )


def seed(stdout) -> None:
    demo_ids = [row[0] for row in COMPANIES]
    demo = Q(buyer__member_id__in=demo_ids, seller__member_id__in=demo_ids)
    if Order.objects.filter(demo).exists():
        stdout.write(f"交易：已有 {Order.objects.filter(demo).count()} 笔演示交易，跳过。")
        return
    listings = _orderable_listings(demo_ids)
    if not listings:
        stdout.write("交易：还没有上网的一口价且支持支付宝的演示信息，跳过演示交易。")
        return
    companies = {c.member_id: c for c in Company.objects.filter(member_id__in=demo_ids)}
    buyers = [companies[m] for m in demo_ids if m in companies and is_trustpass(companies[m])]
    if not buyers:
        stdout.write("交易：没有诚信通演示企业可作买家，跳过演示交易。")
        return
    can_pay = get_gateway().can_settle_directly
    now = timezone.now()
    made = 0
    for i, (target, days_ago) in enumerate(PLAN):
        listing = listings[i % len(listings)]
        candidates = [b for b in buyers if b.pk != listing.company_id]
        if not candidates:
            continue
        buyer = candidates[i % len(candidates)]
        if target not in ("created", "cancelled", "expired") and not can_pay:
            continue  # a real provider is configured: no money moves in demo data
        order = services.order_create(
            buyer=buyer, listing_id=listing.pk, quantity=listing.min_order + i % 3
        )
        _drive(order, target)
        ordered_at = now - timedelta(days=days_ago, hours=i)
        _date_back(order.pk, ordered_at)
        if target.startswith("refunded"):
            # Inside seed_demo's transaction a refund reaches the gateway when it commits
            # (trade/refunds.py): date it back after that too (callbacks run in order).
            transaction.on_commit(partial(_date_back, order.pk, ordered_at))
        made += 1
    counts = {
        s: Order.objects.filter(demo, status=s).count()
        for s in (
            "created",
            "paid",
            "shipped",
            "completed",
            "refunded",
            "disputed",
            "cancelled",
            "expired",
        )
    }
    stdout.write(
        f"交易：新建 {made} 笔演示交易（"
        + "，".join(f"{k} {v}" for k, v in counts.items())
        + "）。"
    )


def _drive(order: Order, target: str) -> None:
    buyer, seller = order.buyer, order.seller
    if target == "created":
        return
    if target == "cancelled":
        services.order_cancel(order_id=order.pk, by=buyer)
        return
    if target == "expired":  # the payment deadline passed (R-T1a)
        order_timers.order_expire(
            order_id=order.pk, now=order.created_at + timedelta(hours=order_timers.payment_hours())
        )
        return
    services.order_pay(order_id=order.pk, by=buyer)
    if target == "paid":
        return
    if target == "disputed":
        disputes.order_dispute(
            order_id=order.pk, by=buyer, reason="收到的钢管壁厚与描述不符，与卖家协商未果"
        )
        return
    if target == "refunded_paid":
        services.order_refund(order_id=order.pk, by=seller, reason="库存不足，与买家协商退款")
        return
    services.order_ship(order_id=order.pk, by=seller, tracking_no=f"SF{order.pk:010d}")
    if target == "shipped":
        return
    if target == "refunded_shipped":
        services.order_refund(order_id=order.pk, by=buyer, reason="货物规格与描述不符")
        return
    services.order_confirm(order_id=order.pk, by=buyer)


def _date_back(order_id: int, created_at) -> None:
    """Spread the timeline of a demo order over the days after `created_at`."""
    order = Order.objects.get(pk=order_id)
    steps = {
        "created_at": created_at,
        "paid_at": created_at + timedelta(hours=2) if order.paid_at else None,
        "shipped_at": created_at + timedelta(days=1) if order.shipped_at else None,
        "completed_at": created_at + timedelta(days=4) if order.completed_at else None,
        "refunded_at": created_at + timedelta(days=2) if order.refunded_at else None,
        "cancelled_at": created_at + timedelta(hours=3) if order.cancelled_at else None,
        "expired_at": (
            created_at + timedelta(hours=order_timers.payment_hours()) if order.expired_at else None
        ),
    }
    if order.refund_requested_at:
        steps["refund_requested_at"] = created_at + timedelta(days=2)
    Order.objects.filter(pk=order_id).update(**steps)
    Dispute.objects.filter(order_id=order_id).update(opened_at=created_at + timedelta(days=2))
