"""R-T1 / R-L1: which listings can be ordered in an escrow trade, and at what price.

A buyer orders directly only at a *fixed price* (一口价: a firm unit price) on a live supply
listing that supports escrow (支持支付宝). Pure functions of plain values.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAX_QUANTITY = 1_000_000
# Order.total is Decimal(14, 2).
MAX_TOTAL = Decimal("999999999999.99")
CENT = Decimal("0.01")


def orderable_problem(
    *,
    kind: str,
    status: str,
    fixed_price: bool,
    supports_escrow: bool,
    price: Decimal | None,
    price_max: Decimal | None,
) -> str | None:
    """None if a listing with these values can be ordered (R-T1), else the reason."""
    if kind != "supply":
        return _("求购信息不能直接下单；请在求购信息页向买家报价。")
    if status != "live":
        return _("该信息当前未上网（已下架、已过期或审核中），不能下单。")
    if not fixed_price:
        return _("该信息不是一口价，不能直接下单；请通过询盘与卖家议价。")
    if not supports_escrow:
        return _("该信息不支持支付宝担保交易，不能在线下单；请通过询盘联系卖家。")
    if price is None or price <= 0:
        return _("该信息没有标明一口价单价，不能下单；请通过询盘联系卖家。")
    if price_max is not None and price_max != price:
        return _("该信息标的是价格区间而不是确定的一口价，不能直接下单；请通过询盘与卖家议价。")
    return None


def is_orderable(**values) -> bool:
    return orderable_problem(**values) is None


def unit_price_for(*, price: Decimal, price_tiers: list | None, quantity: int) -> Decimal:
    """The firm unit price for `quantity`: the price of the tier with the largest
    `min_qty` not above `quantity` (阶梯价格), else the listing's fixed price.
    Malformed tiers are ignored."""
    best_qty, best_price = 0, Decimal(price)
    for tier in price_tiers or []:
        try:
            min_qty = int(tier["min_qty"])
            tier_price = Decimal(str(tier["price"]))
        except (KeyError, TypeError, ValueError, InvalidOperation):
            continue
        if tier_price <= 0 or min_qty < 1:
            continue
        if best_qty < min_qty <= quantity:
            best_qty, best_price = min_qty, tier_price
    return best_price.quantize(CENT, rounding=ROUND_HALF_UP)


def quantity_problem(*, quantity: int, min_order: int, unit: str) -> str | None:
    """None if `quantity` may be ordered, else the reason (R-L1 minimum order)."""
    if quantity < 1:
        return _("购买数量至少为 1。")
    if quantity < (min_order or 1):
        return _("该信息最小起订量为 %(min)s %(unit)s，请把购买数量改为 %(min)s 或以上。") % {
            "min": min_order,
            "unit": unit,
        }
    if quantity > MAX_QUANTITY:
        return _("单笔订单购买数量不能超过 %(max)s，请分多笔下单或与卖家联系。") % {
            "max": MAX_QUANTITY
        }
    return None


def order_total(*, unit_price: Decimal, quantity: int) -> Decimal:
    return (Decimal(unit_price) * quantity).quantize(CENT, rounding=ROUND_HALF_UP)


def total_problem(total: Decimal) -> str | None:
    if total > MAX_TOTAL:
        return _("订单总价超出单笔担保交易的上限，请减少购买数量或分多笔下单。")
    return None
